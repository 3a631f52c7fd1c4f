using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Review;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Review;

/// <summary>An incident row as the test writes it (the columns the review reads).</summary>
public sealed record IncidentRow(
    long Number, string Class, string Key, string Severity, string Status, string Source,
    long StartedAt, long? AcknowledgedAt, long? ResolvedAt, long? EndedAt);

public sealed record FollowUpRow(long Id, long Incident, string Title, string Owner, string? Due, string Kind, bool Done, long CreatedAt, long? DoneAt);

public sealed record AlertRow(long At, string SloKey, string From, string To);

public sealed record RolloutLineRow(long Rollout, long At, int Wave, string Text, string Event, bool Automatic, string? Evidence);

/// <summary>
/// A generated store for the review's tests: about ten weeks of events from 3 September 2026 (apps with their
/// generations, provider calls, fixes and deploys; probes; D1 queries; sandboxes across week and month edges; rate
/// limits), incidents, follow-ups, alert transitions and rollout lines. The rows are kept so that a test computes the
/// expected numbers from them with plain LINQ, independently of the review's SQL.
/// </summary>
public sealed class ReviewStore : IAsyncDisposable
{
    public static readonly DateTimeOffset DataStart = new(2026, 9, 3, 8, 0, 0, TimeSpan.Zero);

    /// <summary>"Now": November is in progress, October the last complete month, September the one before.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);

    public static readonly (string Provider, string Model)[] Routes =
        [("anthropic", "claude-large"), ("anthropic", "claude-small"), ("openai", "gpt-main"), ("google-ai-studio", "gemini-pro")];

    private ReviewStore(FakeTimeProvider time)
    {
        Time = time;
        Store = new TempStore(time: time);
    }

    public FakeTimeProvider Time { get; }

    public TempStore Store { get; }

    public List<OpsEvent> Events { get; } = [];

    public List<IncidentRow> Incidents { get; } = [];

    public List<FollowUpRow> FollowUps { get; } = [];

    public List<AlertRow> Alerts { get; } = [];

    public List<RolloutLineRow> RolloutLines { get; } = [];

    public MonthlyReviewBuilder Builder() => new(
        Store.Connections, Store.Services.GetRequiredService<StoreSchema>(), Options.Create(new SloOptions()), Time);

    public static async Task<ReviewStore> CreateAsync(int seed = 12)
    {
        var store = new ReviewStore(new FakeTimeProvider(Now));
        store.Generate(new Random(seed));
        await store.WriteAsync();
        return store;
    }

    /// <summary>A store with only what <paramref name="fill"/> adds (then written at once).</summary>
    public static async Task<ReviewStore> CreateAsync(Action<ReviewStore> fill)
    {
        var store = new ReviewStore(new FakeTimeProvider(Now));
        fill(store);
        await store.WriteAsync();
        return store;
    }

    public static long Ms(int year, int month, int day, int hour = 0, int minute = 0, int second = 0, int ms = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, second, ms, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private int _id;

    public OpsEvent Add(long at, string source, string type, Action<OpsEvent>? fill = null)
    {
        var e = new OpsEvent { Id = $"ev-{++_id}", OccurredAt = at, Source = source, EventType = type, PolicyTier = "free", Status = "ok" };
        fill?.Invoke(e);
        Events.Add(e);
        return e;
    }

    private void Generate(Random r)
    {
        var start = DataStart.ToUnixTimeMilliseconds();
        var end = Now.ToUnixTimeMilliseconds();
        const long hour = 3_600_000;
        string[] tiers = ["free", "pro", "enterprise"];

        // Apps: a generation, provider calls (mostly one route, sometimes another), completion, fixes, a deploy.
        for (var a = 0; a < 420; a++)
        {
            var app = $"app-{a}";
            var tier = tiers[r.Next(tiers.Length)];
            var t0 = start + (long)(r.NextDouble() * (end - start - 6 * hour));
            var main = r.Next(Routes.Length);
            Add(t0, "agent", "generation_started", e => { e.AppId = app; e.PolicyTier = tier; });
            var calls = 1 + r.Next(6);
            for (var c = 0; c < calls; c++)
            {
                var route = r.NextDouble() < 0.8 ? Routes[main] : Routes[r.Next(Routes.Length)];
                var failed = r.NextDouble() < (route.Provider == "openai" ? 0.2 : 0.05);
                Add(t0 + 1000 + c * 20_000 + r.Next(5000), "ai_gateway", "llm_call", e =>
                {
                    e.AppId = app;
                    e.PolicyTier = tier;
                    e.Provider = route.Provider;
                    e.Model = route.Model;
                    e.Status = failed ? (r.Next(2) == 0 ? "error" : "ERROR") : (r.Next(10) == 0 ? null : "ok");
                    e.CostUsd = r.Next(12) == 0 ? null : Math.Round(0.001 + r.NextDouble() * 0.05, 6);
                    e.TokensIn = 100 + r.Next(2000);
                    e.DurationMs = 200 + r.Next(3000);
                });
            }

            var done = t0 + 200_000 + r.Next(400_000);
            switch (r.Next(10))
            {
                case < 7:
                    Add(done, "agent", "generation_complete", e => { e.AppId = app; e.PolicyTier = tier; });
                    break;
                case < 9:
                    Add(done, "agent", "generation_complete", e => { e.AppId = app; e.PolicyTier = tier; e.Status = "error"; });
                    break;
                default:
                    Add(done, "agent", "error", e => { e.AppId = app; e.PolicyTier = tier; e.Status = "error"; });
                    break;
            }

            for (var f = r.Next(4); f > 0; f--)
            {
                var type = new[] { "runtime_error_found", "code_fix_edits", "deterministic_code_fix_started" }[r.Next(3)];
                Add(done + f * 30_000, "agent", type, e => { e.AppId = app; e.PolicyTier = tier; });
            }

            if (r.Next(10) < 8)
            {
                var deployAt = done + 60_000 + r.Next(3_000_000);
                var failedStart = r.Next(12) == 0;
                Add(deployAt, "sandbox", failedStart ? "deployment_failed" : "deployment_completed", e =>
                {
                    e.AppId = app;
                    e.PolicyTier = tier;
                    e.DurationMs = r.Next(15) == 0 ? null : 1000 + r.Next(14_000);
                });
                if (failedStart)
                {
                    Add(deployAt + 120_000, "sandbox", "deployment_completed", e => { e.AppId = app; e.PolicyTier = tier; e.DurationMs = 4000; });
                }
            }

            // Some apps come back for a second generation weeks later (a later month's, not a new cohort).
            if (r.Next(8) == 0 && t0 + 20 * 24 * hour < end)
            {
                var again = t0 + 20 * 24 * hour;
                Add(again, "agent", "generation_started", e => { e.AppId = app; e.PolicyTier = tier; });
                Add(again + 2000, "ai_gateway", "llm_call", e => { e.AppId = app; e.Provider = Routes[main].Provider; e.Model = Routes[main].Model; e.CostUsd = 0.02; });
                Add(again + 300_000, "agent", "generation_complete", e => { e.AppId = app; e.PolicyTier = tier; });
            }
        }

        // An agent error outside any app: no failed generation.
        Add(Ms(2026, 10, 12, 9), "agent", "error", e => e.Status = "error");

        // Probes every 40 minutes; a few fail, a few carry no status (not up).
        for (var t = start; t < end; t += 40 * 60_000)
        {
            var roll = r.Next(100);
            Add(t, "probe", "probe", e => e.Status = roll < 4 ? "error" : roll < 6 ? null : roll < 8 ? "OK" : "ok");
        }

        // D1 queries, some slow, some errors.
        for (var q = 0; q < 1500; q++)
        {
            Add(start + (long)(r.NextDouble() * (end - start)), "d1", "d1_query", e =>
            {
                e.DurationMs = r.Next(20) == 0 ? 150 + r.Next(500) : 5 + r.Next(80);
                e.Status = r.Next(50) == 0 ? "error" : "ok";
            });
        }

        // Sandboxes: runs of hours to days, some across week and month edges, one still running at "now".
        for (var s = 0; s < 60; s++)
        {
            var instance = $"sbx-{s}";
            var t = start + (long)(r.NextDouble() * (end - start - 2 * hour));
            var length = (long)(hour * (0.5 + r.NextDouble() * (s % 7 == 0 ? 80 : 10)));
            Add(t, "sandbox", "sandbox_started", e => e.InstanceId = instance);
            if (r.Next(5) == 0)
            {
                Add(t + hour / 4, "sandbox", "sandbox_started", e => e.InstanceId = instance); // a second start while running
            }

            if (s != 7 && t + length < end)
            {
                Add(t + length, "sandbox", "sandbox_stopped", e => e.InstanceId = instance);
                Add(t + length, "sandbox", "runtime_usage", e => { e.InstanceId = instance; e.CostUsd = Math.Round(length / (double)hour * 0.08, 6); });
            }
        }

        // A stop with no start (a reused id): ignored.
        Add(Ms(2026, 10, 20, 5), "sandbox", "sandbox_stopped", e => e.InstanceId = "sbx-orphan");
        // An instance started in September and stopped in October: it runs from October's start.
        Add(Ms(2026, 9, 29, 22), "sandbox", "sandbox_started", e => e.InstanceId = "sbx-across");
        Add(Ms(2026, 10, 2, 10), "sandbox", "sandbox_stopped", e => e.InstanceId = "sbx-across");

        // Rate limits with limiter keys, one broken attrs_json.
        string[] limiters = ["global_api", "auth", "llm_calls"];
        for (var l = 0; l < 200; l++)
        {
            Add(start + (long)(r.NextDouble() * (end - start)), "ratelimit", "rate_limit_exceeded", e => e.AttrsJson = $"{{\"limiter\":\"{limiters[r.Next(3)]}\"}}");
        }

        Add(Ms(2026, 10, 14, 3), "ratelimit", "rate_limit_exceeded", e => e.AttrsJson = "{not json");

        // Names only September had: retire candidates in October.
        Add(Ms(2026, 9, 10, 10), "legacy_cron", "api_request", e => e.PolicyTier = "beta");
        Add(Ms(2026, 9, 11, 10), "ai_gateway", "llm_call", e => { e.Provider = "cohere"; e.Model = "command"; e.CostUsd = 0.01; });
        Add(Ms(2026, 9, 12, 10), "ai_gateway", "llm_call", e => { e.Provider = "openai"; e.Model = "gpt-retired"; e.CostUsd = 0.01; });
        Add(Ms(2026, 9, 13, 10), "ratelimit", "rate_limit_exceeded", e => e.AttrsJson = "{\"limiter\":\"app_creation\"}");

        GenerateIncidents(r);
        GenerateOperatorRows();
    }

    private void GenerateIncidents(Random r)
    {
        string[] classes = ["provider_outage", "sandbox_instability", "migration_regression", "auth_policy_failure", "unclassified"];
        string[] keys = ["openai", "anthropic", "sandbox", "0042_add_index", "auth_attempts", "availability"];
        string[] statuses = ["triage", "investigating", "resolved", "closed", "closed", "declined", "duplicate", "monitoring"];
        var start = DataStart.ToUnixTimeMilliseconds();
        var end = Now.ToUnixTimeMilliseconds();
        for (var n = 1; n <= 90; n++)
        {
            var cls = classes[r.Next(classes.Length)];
            var key = cls switch
            {
                "provider_outage" => keys[r.Next(2)],
                "sandbox_instability" => "sandbox",
                "migration_regression" => keys[3],
                "auth_policy_failure" => keys[4],
                _ => keys[5],
            };
            var started = start + (long)(r.NextDouble() * (end - start - 86_400_000));
            var historical = r.Next(6) == 0;
            var status = historical ? "closed" : statuses[r.Next(statuses.Length)];
            long? ack = historical || status == "triage" ? null : started + 60_000 + r.Next(3_600_000);
            long? resolved = status is "resolved" or "closed" && !historical ? started + 1_800_000 + r.Next(20_000_000) : null;
            long? ended = historical ? started + 600_000 + r.Next(7_200_000) : status is "closed" or "declined" or "duplicate" ? (resolved ?? started) + 3_600_000 : null;
            Incidents.Add(new IncidentRow(n, cls, key, $"SEV{1 + r.Next(4)}", status, historical ? "historical" : r.Next(3) == 0 ? "manual" : "detected",
                started, ack, resolved, ended));
        }

        // Edges: an incident at October's last millisecond belongs to it; one at November's first does not.
        Incidents.Add(new IncidentRow(91, "provider_outage", "openai", "SEV2", "investigating", "detected", Ms(2026, 10, 31, 23, 59, 59, 999), Ms(2026, 11, 1, 0, 10), null, null));
        Incidents.Add(new IncidentRow(92, "provider_outage", "openai", "SEV2", "investigating", "detected", Ms(2026, 11, 1), null, null, null));
    }

    private void GenerateOperatorRows()
    {
        // Follow-ups of October's incidents and of older ones, with due dates around the month's end.
        var october = Incidents.Where(i => i.StartedAt >= Ms(2026, 10, 1) && i.StartedAt < Ms(2026, 11, 1)).Take(12).ToList();
        var id = 0;
        foreach (var (incident, k) in october.Select((i, k) => (i, k)))
        {
            var created = incident.StartedAt + 86_400_000;
            var kind = k % 3 == 0 ? "automated_mitigation" : k % 3 == 1 ? "automated_test" : "runbook_change";
            var due = (k % 4) switch { 0 => "2026-10-20", 1 => "2026-10-31", 2 => "2026-11-01", _ => null };
            var doneAt = k % 5 == 0 ? created + 86_400_000 : k % 5 == 1 ? Ms(2026, 11, 3) : (long?)null;
            FollowUps.Add(new FollowUpRow(++id, incident.Number, $"follow-up {k}", "ops", due, kind, doneAt is not null, created, doneAt));
        }

        FollowUps.Add(new FollowUpRow(++id, 1, "=HYPERLINK(\"x\") | pipe", "ops", "2026-09-30", "automated_test", false, Ms(2026, 9, 20), null));
        FollowUps.Add(new FollowUpRow(++id, 1, "closed in October", "ops", null, "automated_test", true, Ms(2026, 9, 21), Ms(2026, 10, 5)));

        // Availability: paging across September's end, then a ticket and a page in October.
        Alerts.Add(new AlertRow(Ms(2026, 9, 30, 22), "availability", "ok", "page"));
        Alerts.Add(new AlertRow(Ms(2026, 10, 1, 1), "availability", "page", "ok"));
        Alerts.Add(new AlertRow(Ms(2026, 10, 5, 10), "availability", "ok", "ticket"));
        Alerts.Add(new AlertRow(Ms(2026, 10, 5, 11), "availability", "ticket", "page"));
        Alerts.Add(new AlertRow(Ms(2026, 10, 5, 11, 30), "availability", "page", "ok"));
        // Provider success: a ticket still open at October's end (counted to the month's end).
        Alerts.Add(new AlertRow(Ms(2026, 10, 31, 20), "provider_success", "ok", "ticket"));
        Alerts.Add(new AlertRow(Ms(2026, 11, 2), "provider_success", "ticket", "ok"));

        var gate = JsonSerializer.Serialize(new[]
        {
            new GateCheck("completion_rate", GateKind.Metric, GateResult.Fail, 0.8, 0.9, 120, Time.GetUtcNow(), "below", []),
            new GateCheck("completion_rate", GateKind.Metric, GateResult.Fail, 0.82, 0.9, 130, Time.GetUtcNow(), "below", []),
        }, CommandJson.Options);
        RolloutLines.Add(new RolloutLineRow(1, Ms(2026, 10, 3, 10), 0, "wave 1 (internal) promoted automatically", "rollout.wave_promoted", true, null));
        RolloutLines.Add(new RolloutLineRow(1, Ms(2026, 10, 4, 10), 1, "paused automatically: provider_success at ticket", "rollout.paused", true, null));
        RolloutLines.Add(new RolloutLineRow(1, Ms(2026, 10, 4, 12), 1, "wave 2 (free) rolled back automatically: gate \"completion_rate\" failed 2 consecutive checks", "rollout.rolled_back", true, gate));
        RolloutLines.Add(new RolloutLineRow(2, Ms(2026, 10, 20, 9), 0, "wave 1 (internal) rolled back: cost spike", "rollout.rolled_back", false, null));
        RolloutLines.Add(new RolloutLineRow(2, Ms(2026, 10, 21, 9), 0, "gate \"x\" failed", "rollout.gate_failed", true, null));
        RolloutLines.Add(new RolloutLineRow(2, Ms(2026, 11, 2, 9), 0, "wave 1 (internal) promoted", "rollout.wave_promoted", false, null));
    }

    private async Task WriteAsync()
    {
        await AggregationStoreBuilder.InsertEventsAsync(Store, Events);
        await using var connection = await Store.Connections.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        foreach (var i in Incidents)
        {
            await connection.ExecuteAsync("""
                INSERT INTO _vd_incidents (number, class, incident_key, title, severity, status, source, started_at, detected_at, acknowledged_at,
                    mitigated_at, resolved_at, ended_at, owner, eta, next_update_at, duplicate_of, postmortem_published, version, updated_at)
                VALUES (@Number, @Class, @Key, 'test', @Severity, @Status, @Source, @StartedAt, @StartedAt, @AcknowledgedAt,
                    NULL, @ResolvedAt, @EndedAt, NULL, NULL, NULL, NULL, 0, 1, @StartedAt)
                """, i, transaction);
        }

        await InsertFollowUpsAsync(connection, transaction, FollowUps);
        foreach (var a in Alerts)
        {
            await connection.ExecuteAsync("INSERT INTO _vd_alert_history (at, slo_key, from_state, to_state, reason) VALUES (@At, @SloKey, @From, @To, 'test')", a, transaction);
        }

        foreach (var number in RolloutLines.Select(l => l.Rollout).Distinct())
        {
            await connection.ExecuteAsync("""
                INSERT INTO _vd_rollouts (number, name, release_name, template, definition_json, status_json, readiness_json, state, version, exposure_version,
                    created_at, created_by, updated_at)
                VALUES (@number, @name, 'r', NULL, '{}', '{}', '{}', 'running', 1, 1, 0, 'test', 0)
                """, new { number, name = $"release {number}" }, transaction);
        }

        var lineId = 0;
        foreach (var l in RolloutLines)
        {
            await connection.ExecuteAsync("""
                INSERT INTO _vd_rollout_timeline (id, rollout_number, at, wave, actor, text, event, automatic, forced, evidence_json)
                VALUES (@id, @Rollout, @At, @Wave, 'system', @Text, @Event, @Automatic, 0, @Evidence)
                """, new { id = ++lineId, l.Rollout, l.At, l.Wave, l.Text, l.Event, Automatic = l.Automatic ? 1 : 0, l.Evidence }, transaction);
        }

        await transaction.CommitAsync();
    }

    public async Task AddFollowUpAsync(FollowUpRow row)
    {
        FollowUps.Add(row);
        await using var connection = await Store.Connections.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await InsertFollowUpsAsync(connection, transaction, [row]);
        await transaction.CommitAsync();
    }

    private static async Task InsertFollowUpsAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, IEnumerable<FollowUpRow> rows)
    {
        foreach (var f in rows)
        {
            await connection.ExecuteAsync("""
                INSERT INTO _vd_follow_ups (id, incident_number, title, owner, due, kind, done, created_at, done_at)
                VALUES (@Id, @Incident, @Title, @Owner, @Due, @Kind, @Done, @CreatedAt, @DoneAt)
                """, new { f.Id, f.Incident, f.Title, f.Owner, f.Due, f.Kind, Done = f.Done ? 1 : 0, f.CreatedAt, f.DoneAt }, transaction);
        }
    }

    public async Task AddEventsAsync(params OpsEvent[] events)
    {
        Events.AddRange(events);
        await AggregationStoreBuilder.InsertEventsAsync(Store, events);
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
