using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.AggregationStoreBuilder;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>Inputs the readiness tests share: a definition with both guardrails, the default runbooks, an SLO that is ok.</summary>
internal static class ReadinessKit
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 0, 0, TimeSpan.Zero);

    public const long Minute = 60_000, Hour = 60 * Minute, Day = 24 * Hour;

    public static long NowMs => Now.ToUnixTimeMilliseconds();

    public static readonly GateDefinition CostGate = new("cost", Metric: MetricKeys.ProviderCostPerGenerationUsd, Window: "1h", Op: GateOperator.AtMost, Threshold: 0.5);

    public static readonly GateDefinition QuotaGate = new("breaches", Metric: RolloutMetrics.RateLimitBreachesPerHour, Window: "1h", Op: GateOperator.AtMost, Threshold: 30);

    public static RolloutDefinition Definition(params GateDefinition[] gates) =>
        new("vibesdk 2026.12", "2026.12.1", RolloutDefinition.DefaultCheckInterval, false,
            [new WaveDefinition(["internal"], TimeSpan.FromMinutes(30), 50)],
            gates.Length > 0 ? gates : [CostGate, QuotaGate]);

    public static IReadOnlyList<Runbook> Runbooks(IncidentOptions? options = null) => new IncidentRunbooks(Options.Create(options ?? new IncidentOptions())).All;

    public static SloStatus PreviewStartup(AlertState alert = AlertState.Ok) =>
        new("preview_startup", "Preview startup under 10 s", 0.99, 0.995, 0.8, null, null, new Dictionary<string, double?>(), alert, 995, 1000);

    public static IncidentSummary Incident(long number, IncidentClass incidentClass, IncidentStatus status, Severity severity = Severity.Sev2) =>
        new($"inc-{number}", number, incidentClass, "key", "title", severity, status, IncidentSource.Detected, Now.AddHours(-2), Now.AddHours(-2),
            null, null, null, null, "data-oncall", null, null, null, null, 1);

    public static ReadinessInput Input(
        ReadinessEvidence? evidence,
        RolloutDefinition? definition = null,
        long expected = 4,
        SloStatus? slo = null,
        IReadOnlyList<AlertTransition>? alerts = null,
        IReadOnlyList<Runbook>? runbooks = null,
        IReadOnlyList<IncidentSummary>? incidents = null,
        IReadOnlyList<ReadinessAttestation>? attestations = null) =>
        new(evidence, definition ?? Definition(), expected, slo ?? PreviewStartup(), alerts ?? [], runbooks ?? Runbooks(), incidents ?? [], attestations ?? [], Now);

    public static ReadinessItem ItemOf(IReadOnlyList<ReadinessItem> items, ReadinessItemKey key) => Assert.Single(items, i => i.Item == key);

    public static OpsEvent Sandbox(string instance, long at, bool start) =>
        Event(at, start ? "sandbox_started" : "sandbox_stopped", "pro", instance: instance, source: "sandbox");

    /// <summary>
    /// Instances whose peak of concurrent runs in the last 24 h is 4, at now − 7 h: one running since 40 days ago,
    /// a and b overlapping, c starting the ms a stops (not two at once), dup started twice, a zero-length run, a stop
    /// with no start, one before the window and one dated ahead.
    /// </summary>
    public static IEnumerable<OpsEvent> Sandboxes()
    {
        var now = NowMs;
        yield return Sandbox("old", now - (40 * Day), true);
        yield return Sandbox("a", now - (10 * Hour), true);
        yield return Sandbox("a", now - (6 * Hour), false);
        yield return Sandbox("b", now - (8 * Hour), true);
        yield return Sandbox("b", now - (5 * Hour), false);
        yield return Sandbox("c", now - (6 * Hour), true);
        yield return Sandbox("c", now - (1 * Hour), false);
        yield return Sandbox("dup", now - (7 * Hour), true);
        yield return Sandbox("dup", now - (7 * Hour) + Minute, true);
        yield return Sandbox("dup", now - (7 * Hour) + (30 * Minute), false);
        yield return Sandbox("zero", now - (7 * Hour) + (10 * Minute), false);
        yield return Sandbox("zero", now - (7 * Hour) + (10 * Minute), true);
        yield return Sandbox("stray", now - (7 * Hour) + (5 * Minute), false);
        yield return Sandbox("before", now - (30 * Hour), true);
        yield return Sandbox("before", now - (25 * Hour), false);
        yield return Sandbox("ahead", now + (2 * Minute), true);
    }

    /// <summary>Every item's evidence: the four sources in the last hour, CI's apply and drill, limiter refusals, the sandboxes.</summary>
    public static IEnumerable<OpsEvent> Everything()
    {
        var now = NowMs;
        yield return Event(now - (10 * Minute), "api_request", source: "api", duration: 40);
        yield return Event(now - (20 * Minute), "api_request", source: "api", duration: 40);
        yield return Event(now - (5 * Minute), "generation_started", "pro", "app1", source: "agent");
        yield return Event(now - (3 * Minute), "sandbox_crashed", "pro", instance: "c", source: "sandbox", status: "error");
        yield return Event(now - (2 * Minute), "llm_call", "pro", source: "ai_gateway", cost: 0.01);
        yield return Event(now - (3 * Day), "migration_applied", source: "ci", attrs: """{"migration":"0008_x.sql","database":"vibesdk-db"}""");
        yield return Event(now - (5 * Day), "rollback_drill", source: "ci", attrs: """{"database":"vibesdk-db"}""");
        yield return Event(now - (2 * Day), "rate_limit_exceeded", "free", source: "ratelimit", status: "error", attrs: """{"limiter":"global_api"}""");
        foreach (var e in Sandboxes())
        {
            yield return e;
        }
    }

    public static async Task<ReadinessEvidence?> ReadAsync(TempStore store, DateTimeOffset? at = null)
    {
        await store.Services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        return await ReadinessReader.ReadAsync(store.Connections, at ?? Now, CancellationToken.None);
    }
}

/// <summary>The reader and the judge over generated stores: each item passes with its evidence and fails naming what is missing.</summary>
public sealed class ReadinessReaderTests
{
    private static async Task<(ReadinessEvidence Evidence, IReadOnlyList<ReadinessItem> Items)> JudgeAsync(IEnumerable<OpsEvent> events, Func<ReadinessEvidence, ReadinessInput>? input = null)
    {
        await using var store = new TempStore();
        await InsertEventsAsync(store, events);
        var evidence = await ReadinessKit.ReadAsync(store);
        Assert.NotNull(evidence);
        return (evidence, ReadinessJudge.Judge(input?.Invoke(evidence) ?? ReadinessKit.Input(evidence)));
    }

    [Fact]
    public async Task With_all_the_evidence_every_item_but_rotation_passes_with_its_numbers()
    {
        var (evidence, items) = await JudgeAsync(ReadinessKit.Everything());

        Assert.Equal(ReadinessJudge.Items, items.Select(i => i.Item));
        Assert.Equal(new Dictionary<string, long> { ["api"] = 2, ["agent"] = 1, ["sandbox"] = 2, ["ai_gateway"] = 1 }, evidence.SourceEvents);
        Assert.Equal("events in the last hour: api 2, agent 1, sandbox 2, ai_gateway 1", ReadinessKit.ItemOf(items, ReadinessItemKey.Observability).Evidence);
        Assert.Equal(ReadinessResult.Passed, ReadinessKit.ItemOf(items, ReadinessItemKey.Observability).Result);

        var migration = ReadinessKit.ItemOf(items, ReadinessItemKey.MigrationRollback);
        Assert.Equal(ReadinessResult.Passed, migration.Result);
        Assert.Equal("1 migration_applied from ci in the last 30 days (last 2026-11-23 21:00Z); 1 rollback_drill from ci in the last 30 days (last 2026-11-21 21:00Z); no open migration_regression incident", migration.Evidence);

        var concurrency = ReadinessKit.ItemOf(items, ReadinessItemKey.PreviewConcurrency);
        Assert.Equal(ReadinessResult.Passed, concurrency.Result);
        Assert.Contains("peak 4 concurrent sandboxes in the last 24 h at 2026-11-26 14:00Z ≥ expected 4", concurrency.Evidence);
        Assert.Contains("preview_startup not alerting in the last 24 h", concurrency.Evidence);

        var guardrails = ReadinessKit.ItemOf(items, ReadinessItemKey.CostQuotaGuardrails);
        Assert.Equal(ReadinessResult.Passed, guardrails.Result);
        Assert.Equal("cost gate 'cost' (provider_cost_per_generation_usd); quota gate 'breaches' (rate_limit_breaches_per_hour); 1 rate_limit_exceeded in the last 7 days (last 2026-11-24 21:00Z)", guardrails.Evidence);

        // Owners come from the runbooks, but rotation only an admin can confirm.
        var rotation = ReadinessKit.ItemOf(items, ReadinessItemKey.RotationOwnership);
        Assert.Equal(ReadinessResult.Unknown, rotation.Result);
        Assert.StartsWith("key/token rotation cannot be seen in the data", rotation.Evidence);
        Assert.Contains("every incident class has an owner: provider_outage ai-platform-oncall, sandbox_instability runtime-oncall", rotation.Evidence);
    }

    [Fact]
    public async Task The_peak_counts_instances_as_the_engine_pairs_their_starts_and_stops()
    {
        await using var store = new TempStore();
        await InsertEventsAsync(store, ReadinessKit.Sandboxes());

        var evidence = (await ReadinessKit.ReadAsync(store))!;
        Assert.Equal(4, evidence.PeakConcurrentSandboxes);
        Assert.Equal(ReadinessKit.Now.AddHours(-7), evidence.PeakAt);

        // A day on: old was running when the window opened, and the one dated ahead joined it two minutes in.
        var later = (await ReadinessKit.ReadAsync(store, ReadinessKit.Now.AddHours(24)))!;
        Assert.Equal(2, later.PeakConcurrentSandboxes);
        Assert.Equal(ReadinessKit.Now.AddMinutes(2), later.PeakAt);

        // Two days on nothing changes inside the window: the peak is the count it opened with, at no instant of its own.
        var quiet = (await ReadinessKit.ReadAsync(store, ReadinessKit.Now.AddHours(48)))!;
        Assert.Equal(2, quiet.PeakConcurrentSandboxes);
        Assert.Null(quiet.PeakAt);
    }

    [Fact]
    public async Task The_count_when_the_window_opens_sums_tied_starts_and_leaves_out_a_run_ending_there()
    {
        await using var store = new TempStore();
        var now = ReadinessKit.NowMs;
        var opens = now - ReadinessKit.Day;
        await InsertEventsAsync(store,
        [
            ReadinessKit.Sandbox("ends-at-open", now - (30 * ReadinessKit.Hour), true),
            ReadinessKit.Sandbox("ends-at-open", opens, false),
            ReadinessKit.Sandbox("t1", now - (26 * ReadinessKit.Hour), true),
            ReadinessKit.Sandbox("t2", now - (26 * ReadinessKit.Hour), true),
            ReadinessKit.Sandbox("t3", now - (26 * ReadinessKit.Hour), true),
            // Inside the window one more comes and goes while t1 stops first: never more than the three at the opening.
            ReadinessKit.Sandbox("t1", now - (5 * ReadinessKit.Hour), false),
            ReadinessKit.Sandbox("late", now - (4 * ReadinessKit.Hour), true),
            ReadinessKit.Sandbox("late", now - (3 * ReadinessKit.Hour), false),
        ]);

        var evidence = (await ReadinessKit.ReadAsync(store))!;

        Assert.Equal(3, evidence.PeakConcurrentSandboxes);
        Assert.Null(evidence.PeakAt);
    }

    [Fact]
    public async Task A_peak_below_the_expected_concurrency_fails_with_both_numbers()
    {
        var (_, items) = await JudgeAsync(ReadinessKit.Everything(), e => ReadinessKit.Input(e, expected: 5));

        var item = ReadinessKit.ItemOf(items, ReadinessItemKey.PreviewConcurrency);
        Assert.Equal(ReadinessResult.Failed, item.Result);
        Assert.StartsWith("peak 4 concurrent sandboxes in the last 24 h at 2026-11-26 14:00Z < expected 5", item.Evidence);
    }

    [Fact]
    public async Task A_source_without_events_in_the_last_hour_fails_observability_naming_it()
    {
        var now = ReadinessKit.NowMs;
        // The agent's newest event is 61 minutes old; the gateway's is dated ahead (not evidence yet).
        var events = ReadinessKit.Everything().Where(e => e.Source is not ("agent" or "ai_gateway")).Concat(
        [
            Event(now - (61 * ReadinessKit.Minute), "generation_started", "pro", "app1", source: "agent"),
            Event(now + ReadinessKit.Minute, "llm_call", "pro", source: "ai_gateway"),
        ]);
        var (_, items) = await JudgeAsync(events);

        var item = ReadinessKit.ItemOf(items, ReadinessItemKey.Observability);
        Assert.Equal(ReadinessResult.Failed, item.Result);
        Assert.Equal("no events in the last hour from agent, ai_gateway (events: api 2, agent 0, sandbox 2, ai_gateway 0)", item.Evidence);
    }

    [Fact]
    public async Task Migration_and_rollback_fail_without_a_drill_from_ci_and_with_an_open_regression()
    {
        var now = ReadinessKit.NowMs;
        var events = ReadinessKit.Everything().Where(e => e.EventType is not ("rollback_drill" or "migration_applied")).Concat(
        [
            Event(now - (31 * ReadinessKit.Day), "migration_applied", source: "ci"), // too old
            Event(now - ReadinessKit.Day, "migration_applied", source: "CI"),
            Event(now - ReadinessKit.Day, "rollback_drill", source: "agent"), // not CI's
            Event(now - ReadinessKit.Day, "rollback_drill", source: "ci", status: "error"), // failed
        ]);
        IReadOnlyList<IncidentSummary> incidents =
        [
            ReadinessKit.Incident(7, IncidentClass.MigrationRegression, IncidentStatus.Investigating),
            ReadinessKit.Incident(3, IncidentClass.MigrationRegression, IncidentStatus.Closed),
            ReadinessKit.Incident(9, IncidentClass.ProviderOutage, IncidentStatus.Triage),
        ];
        var (evidence, items) = await JudgeAsync(events, e => ReadinessKit.Input(e, incidents: incidents));

        Assert.Equal(1, evidence.MigrationsApplied.Count);
        Assert.Equal(1, evidence.FailedRollbackDrills);
        var item = ReadinessKit.ItemOf(items, ReadinessItemKey.MigrationRollback);
        Assert.Equal(ReadinessResult.Failed, item.Result);
        Assert.Equal(
            "no rollback_drill from ci in the last 30 days (1 failed); open migration_regression incident #7 (SEV2, investigating); " +
            "1 migration_applied from ci in the last 30 days (last 2026-11-25 21:00Z)",
            item.Evidence);
    }

    [Fact]
    public async Task Guardrails_fail_naming_a_missing_gate_or_limiters_never_seen_refusing()
    {
        var events = ReadinessKit.Everything().Where(e => e.EventType != "rate_limit_exceeded")
            .Append(Event(ReadinessKit.NowMs - (8 * ReadinessKit.Day), "rate_limit_exceeded", source: "ratelimit", status: "error"));
        var completion = new GateDefinition("completion", Metric: MetricKeys.CompletionSuccessRate, Window: "30m", Op: GateOperator.AtLeast, Threshold: 0.95);
        var (_, items) = await JudgeAsync(events, e => ReadinessKit.Input(e, definition: ReadinessKit.Definition(completion, ReadinessKit.CostGate)));

        var item = ReadinessKit.ItemOf(items, ReadinessItemKey.CostQuotaGuardrails);
        Assert.Equal(ReadinessResult.Failed, item.Result);
        Assert.Equal(
            "no quota gate in the rollout; no rate_limit_exceeded in the last 7 days: the limiters were not seen refusing requests; cost gate 'cost' (provider_cost_per_generation_usd)",
            item.Evidence);
    }

    [Fact]
    public async Task An_empty_store_fails_every_item_the_data_shows_and_cannot_start()
    {
        var (evidence, items) = await JudgeAsync([]);

        Assert.Equal(0, evidence.PeakConcurrentSandboxes);
        Assert.Equal(
            [ReadinessResult.Failed, ReadinessResult.Failed, ReadinessResult.Failed, ReadinessResult.Unknown, ReadinessResult.Failed],
            items.Select(i => i.Result));
        Assert.Contains("no events in the last hour from api, agent, sandbox, ai_gateway", ReadinessKit.ItemOf(items, ReadinessItemKey.Observability).Evidence);
        Assert.Contains("no migration_applied from ci in the last 30 days; no rollback_drill from ci in the last 30 days", ReadinessKit.ItemOf(items, ReadinessItemKey.MigrationRollback).Evidence);
        Assert.Contains("peak 0 concurrent sandboxes in the last 24 h < expected 4", ReadinessKit.ItemOf(items, ReadinessItemKey.PreviewConcurrency).Evidence);

        var verdict = ReadinessJudge.CanStart(items);
        Assert.False(verdict.CanStart);
        Assert.Equal(5, verdict.Reasons.Count);
        Assert.StartsWith("Observability enabled for API, agent and sandbox paths: failed — no events in the last hour", verdict.Reasons[0]);
    }

    [Fact]
    public async Task Odd_values_in_the_store_are_not_counted_and_never_thrown_on()
    {
        await using var store = new TempStore();
        await InsertEventsAsync(store, ReadinessKit.Everything());
        await using (var connection = await store.Connections.OpenAsync())
        {
            var now = ReadinessKit.NowMs;
            // Text and real times, blob and numeric sources, blob and empty instance ids, numeric statuses, a NUL in a type.
            await connection.ExecuteAsync("""
                INSERT INTO ops_events (id, occurred_at, source, event_type, instance_id, status) VALUES
                  ('h1', 'yesterday', 'api', 'api_request', NULL, 'ok'),
                  ('h2', @now - 1000.5, 'agent', 'generation_started', NULL, 'ok'),
                  ('h3', @now - 1000, X'00FF', 'api_request', NULL, 'ok'),
                  ('h4', @now - 1000, 42, 'api_request', NULL, 5),
                  ('h5', @now - 1000, 'sandbox', 'sandbox_started', X'01', 'ok'),
                  ('h6', @now - 1000, 'sandbox', 'sandbox_started', '', 'ok'),
                  ('h7', @now - 1000, 'sandbox', 'sandbox_started', NULL, 'ok'),
                  ('h8', 'soon', 'sandbox', 'sandbox_stopped', 'old', 'ok'),
                  ('h9', @now - 1000, 'ci', 'rollback_drill' || char(0), NULL, 'ok'),
                  ('h10', @now - 1000, 'ci', 'rollback_drill', NULL, X'FF'),
                  ('h11', 9223372036854775807, 'api', 'api_request', 'x', 'ok'),
                  ('h12', -9223372036854775808, 'sandbox', 'sandbox_stopped', 'old', 'ok')
                """, new { now });
        }

        var evidence = (await ReadinessKit.ReadAsync(store))!;

        // Only integer times count. The blob instance id is an instance like any other (it has a start) and a blob
        // status is not 'error'; neither moves the peak, which stays the one at 14:00.
        Assert.Equal(new Dictionary<string, long> { ["api"] = 2, ["agent"] = 1, ["sandbox"] = 5, ["ai_gateway"] = 1 }, evidence.SourceEvents);
        Assert.Equal(2, evidence.RollbackDrills.Count);
        Assert.Equal(4, evidence.PeakConcurrentSandboxes);
        Assert.All(ReadinessJudge.Judge(ReadinessKit.Input(evidence)), i => Assert.False(i.Evidence.Contains('\0', StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_store_without_ops_events_has_no_evidence_and_its_items_are_unknown()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE ops_events (id TEXT, occurred_at INTEGER)");

        var evidence = await ReadinessReader.ReadAsync(connection, ReadinessKit.Now, CancellationToken.None);

        Assert.Null(evidence);
        var items = ReadinessJudge.Judge(ReadinessKit.Input(null));
        Assert.Equal(ReadinessResult.Unknown, ReadinessKit.ItemOf(items, ReadinessItemKey.Observability).Result);
        Assert.Equal("no ops_events to read for events by source", ReadinessKit.ItemOf(items, ReadinessItemKey.Observability).Evidence);
        Assert.Equal(ReadinessResult.Unknown, ReadinessKit.ItemOf(items, ReadinessItemKey.PreviewConcurrency).Result);
        // Defined gates with nothing to read stay unknown, not passed.
        Assert.Equal(ReadinessResult.Unknown, ReadinessKit.ItemOf(items, ReadinessItemKey.CostQuotaGuardrails).Result);
    }
}
