using System.Globalization;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Ingestion.Demo;

public sealed class DemoDataGeneratorTests
{
    private const long Minute = 60_000;
    private const long Hour = 3_600_000;
    private const long Day = 86_400_000;

    // Wednesday 2026-03-18 10:30:00 UTC, on a whole second like the seeder's anchor.
    private static readonly long Anchor = new DateTimeOffset(2026, 3, 18, 10, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static readonly string[] AllEventTypes =
    [
        "generation_started", "generation_complete", "error", "deployment_completed", "cloudflare_deployment_completed",
        "deployment_failed", "runtime_error_found", "code_fix_edits", "deterministic_code_fix_started", "sandbox_started",
        "sandbox_crashed", "sandbox_restarted", "sandbox_stopped", "probe", "d1_query", "artifact_stored", "llm_call",
        "runtime_usage", "rate_limit_exceeded", "api_request",
    ];

    private static readonly Dictionary<string, string> SourceOf = new()
    {
        ["generation_started"] = "agent", ["generation_complete"] = "agent", ["error"] = "agent",
        ["cloudflare_deployment_completed"] = "agent", ["code_fix_edits"] = "agent", ["deterministic_code_fix_started"] = "agent",
        ["artifact_stored"] = "agent", ["deployment_completed"] = "sandbox", ["runtime_error_found"] = "sandbox",
        ["sandbox_started"] = "sandbox", ["sandbox_crashed"] = "sandbox", ["sandbox_restarted"] = "sandbox",
        ["sandbox_stopped"] = "sandbox", ["runtime_usage"] = "sandbox", ["probe"] = "probe", ["d1_query"] = "d1",
        ["llm_call"] = "ai_gateway", ["rate_limit_exceeded"] = "ratelimit", ["migration_applied"] = "ci", ["migration_failed"] = "ci",
        ["rollback_drill"] = "ci", ["api_request"] = "api",
    };

    private static readonly DemoDataGenerator Generator = new(42, Anchor);

    // One day of events, shared by the read-only tests below (the generator is deterministic and stateless).
    private static readonly Lazy<List<OpsEvent>> LastDay = new(() => Generator.Events(Anchor - Day, Anchor).ToList());

    [Fact]
    public void Same_seed_and_anchor_give_identical_events_and_auth_attempts()
    {
        var a = new DemoDataGenerator(7, Anchor);
        var b = new DemoDataGenerator(7, Anchor);

        Assert.Equal(a.Events(Anchor - Day, Anchor).Select(Describe), b.Events(Anchor - Day, Anchor).Select(Describe));
        Assert.Equal(a.AuthAttempts(Anchor - Day, Anchor).Select(DescribeRow), b.AuthAttempts(Anchor - Day, Anchor).Select(DescribeRow));
        Assert.Equal(a.Incidents, b.Incidents);
    }

    [Fact]
    public void A_different_seed_gives_different_events()
    {
        var a = new DemoDataGenerator(7, Anchor).Events(Anchor - 6 * Hour, Anchor).Select(Describe).ToList();
        var b = new DemoDataGenerator(8, Anchor).Events(Anchor - 6 * Hour, Anchor).Select(Describe).ToList();

        Assert.NotEqual(a, b);
        Assert.True(a.Intersect(b).Count() < a.Count / 10, "two seeds should share almost no identical events");
    }

    [Fact]
    public void Splitting_a_range_yields_exactly_the_events_of_the_whole_range()
    {
        var from = Anchor - 4 * Hour - 123;
        var to = Anchor + 2 * Hour + 457; // crosses the anchor into live events
        var whole = Generator.Events(from, to).Select(Describe).ToList();

        var b = from + 2 * Hour + 777; // not on a second: cuts through open generations and sandboxes
        var halves = Generator.Events(from, b).Concat(Generator.Events(b, to)).Select(Describe).ToList();
        Assert.Equal(whole, halves);

        // Many random cuts, including one-second and one-millisecond windows like the live appender's.
        var random = new Random(1234);
        var cuts = Enumerable.Range(0, 40).Select(_ => from + (long)(random.NextDouble() * (to - from)))
            .Append(Anchor).Append(Anchor + 1000).Append(Anchor + 1001).Append(from).Append(to)
            .Distinct().Order().ToList();
        var pieces = cuts.Zip(cuts.Skip(1)).SelectMany(c => Generator.Events(c.First, c.Second)).Select(Describe).ToList();
        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void Splitting_auth_attempts_yields_the_same_rows()
    {
        var stuffing = Generator.Incidents.Single(i => i.Kind == "auth_credential_stuffing");
        var from = stuffing.StartMs - 30 * Minute + 17;
        var to = stuffing.StartMs + 30 * Minute - 5;
        var whole = Generator.AuthAttempts(from, to).Select(DescribeRow).ToList();

        var cuts = new List<long> { from, to };
        for (var t = from + 333; t < to; t += 61_111)
        {
            cuts.Add(t);
        }

        cuts.Sort();
        var pieces = cuts.Zip(cuts.Skip(1)).SelectMany(c => Generator.AuthAttempts(c.First, c.Second)).Select(DescribeRow).ToList();
        Assert.Equal(whole, pieces);
        Assert.True(whole.Count > 1000);
    }

    [Fact]
    public void Events_are_sorted_unique_and_inside_the_range()
    {
        var from = Anchor - Day + 500;
        var to = Anchor - 250;
        var events = Generator.Events(from, to).ToList();

        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.InRange(e.OccurredAt, from, to - 1));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count());
        for (var i = 1; i < events.Count; i++)
        {
            var order = events[i - 1].OccurredAt.CompareTo(events[i].OccurredAt);
            Assert.True(order < 0 || (order == 0 && string.CompareOrdinal(events[i - 1].Id, events[i].Id) < 0),
                $"events {events[i - 1].Id} and {events[i].Id} are out of order");
        }

        Assert.Empty(Generator.Events(to, to));
        Assert.Empty(Generator.Events(to, from));
    }

    [Fact]
    public void One_day_has_every_event_type_with_plausible_fields()
    {
        var events = LastDay.Value;
        var types = events.Select(e => e.EventType).ToHashSet();
        Assert.All(AllEventTypes, t => Assert.Contains(t, types));

        // Roughly 10k–20k events a day, most of them probes (3 targets every 30 s).
        Assert.InRange(events.Count, 12_000, 24_000);
        Assert.Equal(3 * 2880, events.Count(e => e.EventType == "probe"));
        Assert.InRange(events.Count(e => e.EventType == "generation_started"), 500, 1500);

        foreach (var e in events)
        {
            // A failed preview deploy comes from the sandbox, a failed Cloudflare deploy from the agent.
            var source = e.EventType != "deployment_failed" ? SourceOf[e.EventType]
                : e.AttrsJson == "{\"target\":\"cloudflare\"}" ? "agent" : "sandbox";
            Assert.Equal(source, e.Source);
            Assert.Contains(e.Status, (string[])["ok", "error"]);
            Assert.StartsWith("demo-", e.Id, StringComparison.Ordinal);
            if (e.UserId is not null)
            {
                Assert.Contains(e.PolicyTier, (string[])["internal", "free", "pro", "enterprise"]);
            }

            if (e.Status == "error")
            {
                Assert.False(string.IsNullOrEmpty(e.ErrorCode), $"{e.EventType} error without code");
            }
        }

        Assert.All(events.Where(e => e.EventType == "probe"), e =>
        {
            Assert.Contains(e.AttrsJson, (string[])["{\"target\":\"api\"}", "{\"target\":\"preview\"}", "{\"target\":\"agent\"}"]);
            Assert.True(e.DurationMs > 0);
        });
        Assert.All(events.Where(e => e.EventType == "llm_call"), e =>
        {
            Assert.Contains(e.Provider, (string[])["anthropic", "openai", "google-ai-studio", "workers-ai"]);
            Assert.False(string.IsNullOrEmpty(e.Model));
            Assert.True(e.TokensIn > 0 && e.TokensOut >= 0 && e.CostUsd >= 0 && e.DurationMs > 0);
            Assert.NotNull(e.AppId);
        });
        Assert.All(events.Where(e => e.EventType == "rate_limit_exceeded"), e =>
            Assert.Matches("^\\{\"limiter\":\"(global_api|auth|app_creation|llm_calls)\"", e.AttrsJson!));
        Assert.All(events.Where(e => e.EventType == "artifact_stored"), e => Assert.Matches("^\\{\"bytes\":\\d+\\}$", e.AttrsJson!));
        Assert.All(events.Where(e => e.EventType.StartsWith("sandbox_", StringComparison.Ordinal) || e.EventType == "runtime_usage"),
            e => Assert.StartsWith("sbx-", e.InstanceId, StringComparison.Ordinal));
        Assert.All(events.Where(e => e.EventType == "runtime_usage"), e => Assert.True(e.CostUsd > 0 && e.DurationMs > 0));

        // Each tier appears, users come from the fixed pool of 150.
        Assert.Equal(4, events.Select(e => e.PolicyTier).OfType<string>().Distinct().Count());
        Assert.InRange(events.Select(e => e.UserId).OfType<string>().Distinct().Count(), 50, 150);
    }

    [Fact]
    public void Sampled_api_requests_arrive_every_hour_and_ci_drills_rollbacks_weekly()
    {
        // The readiness checklist reads events from source api in the last hour and a rollback_drill in the last 30 days.
        var api = LastDay.Value.Where(e => e.EventType == "api_request").ToList();
        Assert.All(api, e =>
        {
            Assert.Equal("api", e.Source);
            Assert.Matches("^\\{\"route\":\"(GET|POST|PUT) /api/[a-z/:-]+\"\\}$", e.AttrsJson!);
            Assert.True(e.DurationMs > 0);
            Assert.Equal(e.Status == "error", e.ErrorCode is "401" or "403" or "500");
            Assert.NotNull(e.PolicyTier);
        });
        for (var hour = Anchor - Day; hour < Anchor; hour += Hour)
        {
            Assert.True(api.Count(e => e.OccurredAt >= hour && e.OccurredAt < hour + Hour) >= 3, $"api requests in the hour from {DateTimeOffset.FromUnixTimeMilliseconds(hour):u}");
        }

        Assert.InRange(api.Count, 500, 2500);
        Assert.Contains(api, e => e.ErrorCode is "401" or "403");

        var drills = Generator.Events(Anchor - 30 * Day, Anchor).Where(e => e.EventType == "rollback_drill").ToList();
        Assert.InRange(drills.Count, 1, 3);
        Assert.All(drills, e =>
        {
            Assert.Equal(("ci", "ok"), (e.Source, e.Status));
            Assert.Equal("{\"migration\":\"0007_add_app_visibility.sql\",\"database\":\"vibesdk-db\"}", e.AttrsJson);
            var day = DateTimeOffset.FromUnixTimeMilliseconds(e.OccurredAt).DayOfWeek;
            Assert.True(day is not (DayOfWeek.Saturday or DayOfWeek.Sunday), $"a drill on a {day}");
        });
        var regression = Generator.Incidents.Single(i => i.Kind == "migration_regression");
        Assert.All(drills, e => Assert.True(e.OccurredAt > regression.EndMs, "drills begin after the regression"));
    }

    [Fact]
    public void A_fault_fails_its_tiers_generations_about_six_a_minute_and_splits_like_the_rest()
    {
        var from = Anchor - 10 * Minute;
        var events = Generator.FaultEvents("pro", from, Anchor).ToList();
        var errors = events.Where(e => e.EventType == "error").ToList();
        Assert.InRange(errors.Count, 40, 80);
        Assert.Equal(errors.Count, events.Count(e => e.EventType == "generation_started"));
        Assert.All(events, e =>
        {
            Assert.Equal(("agent", "pro"), (e.Source, e.PolicyTier));
            Assert.InRange(e.OccurredAt, from, Anchor - 1);
            Assert.NotNull(e.AppId);
        });
        Assert.All(errors, e => Assert.Equal(("error", "DEMO_FAULT"), (e.Status, e.ErrorCode)));
        Assert.Equal(events.Select(e => e.OccurredAt).Order(), events.Select(e => e.OccurredAt));

        // Appending in pieces gives the same events; ids never collide with the demo's own.
        var split = Generator.FaultEvents("pro", from, Anchor - 4 * Minute).Concat(Generator.FaultEvents("pro", Anchor - 4 * Minute, Anchor)).ToList();
        Assert.Equal(events.Select(e => e.Id), split.Select(e => e.Id));
        Assert.Empty(events.Select(e => e.Id).Intersect(Generator.Events(from - Hour, Anchor).Select(e => e.Id)));
        Assert.Empty(Generator.FaultEvents("platinum", from, Anchor));
        Assert.Equal(["internal", "free", "pro", "enterprise"], DemoDataGenerator.Tiers);
    }

    [Fact]
    public void Normal_health_matches_the_targets()
    {
        // A day away from every incident (the day before the anchor holds the ongoing one).
        var from = Anchor - 7 * Day;
        var events = Generator.Events(from, from + Day).ToList();
        Assert.DoesNotContain(Generator.Incidents, i => i.StartMs < from + Day && i.EndMs > from);

        var probes = events.Where(e => e.EventType == "probe").ToList();
        Assert.True(ErrorShare(probes) < 0.002, $"availability {1 - ErrorShare(probes):P3}");

        var started = events.Count(e => e.EventType == "generation_started");
        var completed = events.Count(e => e.EventType == "generation_complete");
        Assert.InRange(completed / (double)started, 0.94, 0.995);

        var startup = events.Where(e => e.EventType == "deployment_completed").Select(e => e.DurationMs!.Value).Order().ToList();
        Assert.InRange(Percentile(startup, 0.5), 2500, 3500);
        Assert.InRange(Percentile(startup, 0.99), 6000, 10_000);

        var llm = events.Where(e => e.EventType == "llm_call").ToList();
        Assert.True(ErrorShare(llm) < 0.015, $"provider error share {ErrorShare(llm):P2}");

        var d1 = events.Where(e => e.EventType == "d1_query").Select(e => e.DurationMs!.Value).Order().ToList();
        Assert.InRange(Percentile(d1, 0.5), 5, 12);
        Assert.True(Percentile(d1, 0.99) < 100);

        // Fix loops per app: mostly 0–2, a tail up to 6.
        var apps = events.Where(e => e.EventType == "generation_started").Select(e => e.AppId!).ToList();
        var found = events.Where(e => e.EventType == "runtime_error_found").GroupBy(e => e.AppId!).ToDictionary(g => g.Key, g => g.Count());
        var loops = apps.Select(a => found.GetValueOrDefault(a)).ToList();
        Assert.InRange(loops.Max(), 4, 6);
        Assert.True(loops.Count(n => n <= 2) > 0.8 * loops.Count);
        Assert.True(loops.Count(n => n == 0) > 0.3 * loops.Count);

        // Time-to-deployable: minutes after generation_started.
        var starts = events.Where(e => e.EventType == "generation_started").ToDictionary(e => e.AppId!, e => e.OccurredAt);
        var ttd = events.Where(e => e.EventType == "deployment_completed" && starts.ContainsKey(e.AppId!))
            .GroupBy(e => e.AppId!).Select(g => (g.Min(e => e.OccurredAt) - starts[g.Key]) / (double)Minute).Order().ToList();
        Assert.InRange(Percentile(ttd, 0.5), 0.5, 5);
    }

    [Fact]
    public void Traffic_follows_a_diurnal_curve()
    {
        // Weekday 2026-03-17: UTC afternoon busier than the night.
        var day = new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var night = Generator.Events(day, day + 5 * Hour).Count(e => e.EventType == "generation_started");
        var afternoon = Generator.Events(day + 12 * Hour, day + 17 * Hour).Count(e => e.EventType == "generation_started");
        Assert.True(afternoon > 2 * night, $"afternoon {afternoon} vs night {night}");
    }

    [Fact]
    public void Provider_outage_shows_in_llm_calls_generations_and_agent_probes()
    {
        var outage = Generator.Incidents.Single(i => i.Kind == "provider_outage");
        var events = Generator.Events(outage.StartMs, outage.EndMs).ToList();

        var worst = events.Where(e => e.EventType == "llm_call").GroupBy(e => e.Provider)
            .Where(g => g.Count() >= 10).Max(g => ErrorShare(g.ToList()));
        Assert.True(worst > 0.3, $"worst provider error share {worst:P1}");
        Assert.Contains(events.Where(e => e.EventType == "llm_call" && e.Status == "error").Select(e => e.Provider).Distinct(),
            p => outage.Description.Contains(p!, StringComparison.Ordinal));

        var agentProbes = events.Where(e => e.EventType == "probe" && e.AttrsJson!.Contains("agent", StringComparison.Ordinal)).ToList();
        Assert.True(ErrorShare(agentProbes) > 0.1);

        var started = events.Count(e => e.EventType == "generation_started");
        Assert.True(events.Count(e => e.EventType == "error") > 0.04 * started);

        // Outside the outage providers fail ~0.5 % (judged where there are enough calls for a share to mean something).
        var normal = Generator.Events(outage.StartMs - Day, outage.StartMs - 2 * Hour).Where(e => e.EventType == "llm_call").ToList();
        Assert.True(ErrorShare(normal) < 0.02);
        Assert.All(normal.GroupBy(e => e.Provider).Where(g => g.Count() >= 300),
            g => Assert.True(ErrorShare(g.ToList()) < 0.02, $"{g.Key} {ErrorShare(g.ToList()):P1}"));
    }

    [Fact]
    public void Sandbox_instability_shows_crashes_slow_startup_and_failed_deploys()
    {
        var incident = Generator.Incidents.First(i => i.Kind == "sandbox_instability");
        var during = Generator.Events(incident.StartMs, incident.EndMs).ToList();
        var before = Generator.Events(incident.StartMs - 3 * Hour, incident.StartMs).ToList();

        Assert.True(during.Count(e => e.EventType == "sandbox_crashed") > 5 * Math.Max(1, before.Count(e => e.EventType == "sandbox_crashed")));
        Assert.Equal(during.Count(e => e.EventType == "sandbox_crashed"), during.Count(e => e.EventType == "sandbox_restarted"), 3.0);

        var startup = during.Where(e => e.EventType == "deployment_completed").Select(e => e.DurationMs!.Value).Order().ToList();
        Assert.True(Percentile(startup, 0.5) > 6000);
        var failed = during.Count(e => e.EventType == "deployment_failed");
        Assert.True(failed > 0.08 * (failed + startup.Count));
    }

    [Fact]
    public void Migration_regression_fails_the_migration_and_d1_queries_until_the_fixed_migration_is_applied()
    {
        var incident = Generator.Incidents.Single(i => i.Kind == "migration_regression");
        var events = Generator.Events(incident.StartMs, incident.EndMs).ToList();

        var failed = events.Where(e => e.EventType == "migration_failed").ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, e => Assert.Contains("0007_add_app_visibility", e.AttrsJson, StringComparison.Ordinal));
        var d1 = events.Where(e => e.EventType == "d1_query").ToList();
        Assert.True(ErrorShare(d1) > 0.2, $"d1 error share {ErrorShare(d1):P1}");

        var migrations = Generator.Tables(1).Single(t => t.Name == "d1_migrations");
        var names = migrations.Rows.Select(r => (string)r[Column(migrations, "name")]!).ToList();
        // The fixed migration is applied after the rollback (the incident's signal clears then), not before.
        var fixedAt = (long)migrations.Rows.Single(r => ((string)r[Column(migrations, "name")]!).Contains("0007_add_app_visibility", StringComparison.Ordinal))[Column(migrations, "applied_at")]!;
        Assert.InRange(fixedAt, incident.EndMs, incident.EndMs + Hour);
        Assert.DoesNotContain(Generator.Events(incident.StartMs, incident.EndMs), e => e.EventType == "migration_applied");
        Assert.Contains(names, n => n.StartsWith("0006_", StringComparison.Ordinal));

        // Migrations applied inside a window come with a migration_applied event from CI.
        var appliedAt = Column(migrations, "applied_at");
        var recent = migrations.Rows.Where(r => (long)r[appliedAt]! > Anchor - 30 * Day).ToList();
        Assert.NotEmpty(recent);
        foreach (var row in recent)
        {
            var at = (long)row[appliedAt]!;
            Assert.Contains(Generator.Events(at - Minute, at + Minute),
                e => e.EventType == "migration_applied" && e.AttrsJson!.Contains((string)row[1]!, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Credential_stuffing_shows_in_auth_attempts_and_rate_limits()
    {
        var incident = Generator.Incidents.Single(i => i.Kind == "auth_credential_stuffing");
        var attempts = Generator.AuthAttempts(incident.StartMs, incident.EndMs).ToList();

        var failedLogins = attempts.Where(r => (string)r[2]! == "login" && (long)r[3]! == 0).ToList();
        Assert.True(failedLogins.Count > 2000, $"{failedLogins.Count} failed logins");
        var byIp = failedLogins.GroupBy(r => (string)r[4]!).OrderByDescending(g => g.Count()).ToList();
        Assert.True(byIp[0].Select(r => (string)r[1]!).Distinct().Count() > 100);
        Assert.True(byIp.Take(5).Sum(g => g.Count()) > 0.9 * failedLogins.Count, "a handful of IPs do the stuffing");

        var limits = Generator.Events(incident.StartMs, incident.EndMs)
            .Count(e => e.EventType == "rate_limit_exceeded" && e.AttrsJson!.StartsWith("{\"limiter\":\"auth\"", StringComparison.Ordinal));
        Assert.True(limits > 100);

        // Normal auth traffic: a few attempts a minute, 5–10 % failures, all attempt types.
        var normal = Generator.AuthAttempts(Anchor - Day, Anchor).ToList();
        Assert.InRange(normal.Count / (24.0 * 60), 1, 6);
        Assert.InRange(normal.Count(r => (long)r[3]! == 0) / (double)normal.Count, 0.05, 0.10);
        Assert.Equal(
            ["login", "oauth_cloudflare", "oauth_github", "oauth_google", "refresh", "register", "reset_password"],
            normal.Select(r => (string)r[2]!).Distinct().Order(StringComparer.Ordinal));
        Assert.All(normal, r =>
        {
            Assert.Equal(DemoDataGenerator.AuthAttemptColumns.Count, r.Length);
            Assert.Contains('@', (string)r[1]!);
            Assert.Matches("^\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$", (string)r[4]!);
        });
        var ids = normal.Select(r => (long)r[0]!).ToList();
        Assert.Equal(ids.Order(), ids); // ascending with time, like AUTOINCREMENT
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void The_ongoing_incident_degrades_preview_around_the_anchor_then_health_returns()
    {
        var ongoing = Generator.Incidents.Single(i => i.StartMs < Anchor && i.EndMs > Anchor);
        Assert.Equal("sandbox_instability", ongoing.Kind);

        var before = Generator.Events(ongoing.StartMs, Anchor).Where(IsPreviewProbe).ToList();
        Assert.InRange(ErrorShare(before), 0.015, 0.06);
        var after = Generator.Events(Anchor, ongoing.EndMs).Where(IsPreviewProbe).ToList();
        Assert.Contains(after, e => e.Status == "error");

        var later = Generator.Events(ongoing.EndMs + Hour, ongoing.EndMs + 3 * Hour).Where(e => e.EventType == "probe").ToList();
        Assert.True(ErrorShare(later) < 0.01);

        static bool IsPreviewProbe(OpsEvent e) => e.EventType == "probe" && e.AttrsJson == "{\"target\":\"preview\"}";
    }

    [Fact]
    public void Tables_have_consistent_shapes_and_apps_match_generation_started()
    {
        var tables = Generator.Tables(1);
        Assert.Equal(
            ["d1_migrations", "users", "apps", "sessions", "auth_attempts", "audit_logs", "system_settings", "app_views"],
            tables.Select(t => t.Name));

        foreach (var table in tables)
        {
            Assert.StartsWith("CREATE TABLE", table.CreateSql, StringComparison.Ordinal);
            Assert.All(table.Columns, c => Assert.Contains(c, table.CreateSql, StringComparison.Ordinal));
            Assert.All(table.Rows, row =>
            {
                Assert.Equal(table.Columns.Count, row.Length);
                for (var i = 0; i < row.Length; i++)
                {
                    Assert.True(row[i] is null or long or double or string or byte[], $"{table.Name}.{table.Columns[i]}: {row[i]?.GetType()}");
                    if (table.Columns[i].EndsWith("_at", StringComparison.Ordinal) || table.Columns[i] == "last_activity")
                    {
                        Assert.True(row[i] is null or long and > 100_000_000_000L, $"{table.Name}.{table.Columns[i]} is not unix ms");
                    }
                }
            });
        }

        var events = LastDay.Value;
        var apps = tables.Single(t => t.Name == "apps");
        int col(string name) => Column(apps, name);
        var started = events.Where(e => e.EventType == "generation_started").ToDictionary(e => e.AppId!, e => e);
        Assert.Equal(started.Keys.Order(StringComparer.Ordinal), apps.Rows.Select(r => (string)r[col("id")]!).Order(StringComparer.Ordinal));

        var cloudflare = events.Where(e => e.EventType == "cloudflare_deployment_completed").Select(e => e.AppId).ToHashSet();
        var ended = events.Where(e => e.EventType is "generation_complete" or "error").Select(e => e.AppId).ToHashSet();
        foreach (var row in apps.Rows)
        {
            var id = (string)row[col("id")]!;
            Assert.Equal(started[id].OccurredAt, row[col("created_at")]);
            Assert.Equal(started[id].UserId, row[col("user_id")]);
            Assert.Equal(ended.Contains(id) ? "completed" : "generating", row[col("status")]);
            Assert.Equal(cloudflare.Contains(id), row[col("deployment_id")] is not null);
        }

        var users = tables.Single(t => t.Name == "users");
        Assert.Equal(150, users.Rows.Count);
        var userIds = users.Rows.Select(r => (string)r[0]!).ToHashSet();
        Assert.Subset(userIds, events.Select(e => e.UserId).OfType<string>().ToHashSet());
        Assert.Equal(150, users.Rows.Select(r => (string)r[1]!).Distinct().Count());

        var auth = tables.Single(t => t.Name == "auth_attempts");
        Assert.Equal(DemoDataGenerator.AuthAttemptColumns, auth.Columns);
        Assert.Equal(Generator.AuthAttempts(Anchor - Day, Anchor).Select(DescribeRow), auth.Rows.Select(DescribeRow));

        var settings = tables.Single(t => t.Name == "system_settings");
        Assert.Equal(settings.Rows.Count, settings.Rows.Select(r => r[1]).Distinct().Count());
    }

    [Fact]
    public void Tables_over_thirty_days_show_stuck_generations_and_incident_responses()
    {
        var tables = Generator.Tables(30);
        var apps = tables.Single(t => t.Name == "apps");
        var status = Column(apps, "status");
        var created = Column(apps, "created_at");
        var stuck = apps.Rows.Count(r => (string)r[status]! == "generating" && (long)r[created]! < Anchor - 2 * Hour);
        Assert.InRange(stuck, 1, 60);
        Assert.True(apps.Rows.Count(r => r[Column(apps, "deployment_id")] is not null) > apps.Rows.Count / 10);

        var audit = tables.Single(t => t.Name == "audit_logs");
        Assert.Contains(audit.Rows, r => (string)r[2]! == "system_setting" && (string)r[3]! == "ai_gateway.routing");
        Assert.Contains(audit.Rows, r => (string)r[2]! == "session" && (string)r[4]! == "revoke");

        var sessions = tables.Single(t => t.Name == "sessions");
        Assert.Contains(sessions.Rows, r => (string?)r[Column(sessions, "revoked_reason")] == "security_incident");
    }

    private static int Column(DemoTable table, string name)
    {
        var index = table.Columns.ToList().IndexOf(name);
        Assert.True(index >= 0, $"{table.Name} has no column {name}");
        return index;
    }

    private static double ErrorShare(IReadOnlyCollection<OpsEvent> events) =>
        events.Count == 0 ? 0 : events.Count(e => e.Status == "error") / (double)events.Count;

    private static double Percentile(IReadOnlyList<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];

    private static string Describe(OpsEvent e) => string.Join('|',
        e.Id, e.OccurredAt.ToString(CultureInfo.InvariantCulture), e.Source, e.EventType, e.AppId, e.UserId, e.InstanceId, e.PolicyTier,
        e.Status, e.DurationMs?.ToString("R", CultureInfo.InvariantCulture), e.CostUsd?.ToString("R", CultureInfo.InvariantCulture),
        e.TokensIn, e.TokensOut, e.Provider, e.Model, e.ErrorCode, e.Message, e.AttrsJson);

    private static string DescribeRow(object?[] row) => string.Join('|', row.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
}
