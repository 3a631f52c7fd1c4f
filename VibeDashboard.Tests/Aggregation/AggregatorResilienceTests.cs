using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.AggregationStoreBuilder;

namespace VibeDashboard.Tests.Aggregation;

/// <summary>The aggregator never dies of data: values it cannot fold are skipped and counted, a failing tick is reported and recovers.</summary>
public sealed class AggregatorResilienceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 17, 42, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly TempStore _store;

    public AggregatorResilienceTests() => _store = new TempStore(time: _time);

    private static long NowMs => Now.ToUnixTimeMilliseconds();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _store.Connections.OpenAsync();
        await connection.ExecuteAsync(sql);
    }

    private static string Json(Snapshot snapshot) => JsonSerializer.Serialize(snapshot, JsonSerializerOptions.Web);

    [Fact]
    public async Task Infinite_absurd_and_out_of_range_values_are_skipped_and_counted_and_the_snapshot_still_serialises()
    {
        await InsertEventsAsync(_store,
        [
            Event(NowMs - 60_000, "deployment_completed", "pro", "a1", duration: 1200),
            Event(NowMs - 50_000, "llm_call", "pro", cost: 0.25),
        ]);
        // What another writer (or an older import) could have stored: Infinity, a sum that overflows, times no clock can show.
        await ExecuteAsync($"""
            INSERT INTO ops_events (id, occurred_at, event_type, policy_tier, duration_ms) VALUES ('inf', {NowMs - 40_000}, 'deployment_completed', 'pro', 1e999);
            INSERT INTO ops_events (id, occurred_at, event_type, policy_tier, cost_usd) VALUES ('big1', {NowMs - 30_000}, 'llm_call', 'pro', 1e308);
            INSERT INTO ops_events (id, occurred_at, event_type, policy_tier, cost_usd) VALUES ('big2', {NowMs - 20_000}, 'llm_call', 'pro', 1e308);
            INSERT INTO ops_events (id, occurred_at, event_type, status) VALUES ('max', 9223372036854775807, 'probe', 'ok');
            INSERT INTO ops_events (id, occurred_at, event_type, status) VALUES ('y10k', 253402300800000, 'probe', 'ok');
            """);
        var aggregator = CreateAggregator(_store, _time);

        await aggregator.TickAsync();

        var snapshot = aggregator.Current;
        Assert.Null(snapshot.Failure);
        Assert.Equal(5, snapshot.SkippedValues);
        Assert.Equal(NowMs - 50_000, snapshot.DataAsOf!.Value.ToUnixTimeMilliseconds());
        var latency = snapshot.Metric(MetricKeys.PreviewStartupLatencyMs, "1h")!;
        Assert.Equal((1L, 1200.0), (latency.Count, latency.Value!.Value));
        Assert.Equal(1, snapshot.Metric(MetricKeys.ProviderErrorRate, "1h")!.Count);
        Assert.Equal(0, snapshot.Metric(MetricKeys.Availability, "30d")!.Count);
        using var parsed = JsonDocument.Parse(Json(snapshot));
        Assert.Equal(5, parsed.RootElement.GetProperty("skippedValues").GetInt64());

        // The snapshot keeps moving: new good data is folded in by the next tick.
        await InsertEventsAsync(_store, [Event(NowMs - 1_000, "probe", status: "ok")]);
        _time.Advance(TimeSpan.FromSeconds(1));
        await aggregator.TickAsync();
        Assert.True(aggregator.Current.Version > snapshot.Version);
        Assert.Equal(1, aggregator.Current.Metric(MetricKeys.Availability, "30d")!.Count);
    }

    [Fact]
    public async Task A_tick_that_throws_keeps_the_last_snapshot_marked_stale_and_the_next_good_tick_recovers()
    {
        await InsertEventsAsync(_store, [Event(NowMs - 60_000, "probe", status: "ok")]);
        var aggregator = CreateAggregator(_store, _time);
        await aggregator.TickAsync();
        var good = aggregator.Current;

        await ExecuteAsync("ALTER TABLE ops_events RENAME TO ops_events_away");
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<Exception>(() => aggregator.TickAsync());

        var stale = aggregator.Current;
        Assert.NotNull(stale.Failure);
        Assert.Contains("no such table", stale.Failure.Error);
        Assert.Equal(Now.AddSeconds(1), stale.Failure.Since);
        Assert.Equal(good.GeneratedAt, stale.GeneratedAt);
        Assert.Equal(good.Metrics, stale.Metrics);
        Assert.True(stale.Version > good.Version);

        // Failing again keeps when it started.
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<Exception>(() => aggregator.TickAsync());
        Assert.Equal(Now.AddSeconds(1), aggregator.Current.Failure!.Since);

        await ExecuteAsync("ALTER TABLE ops_events_away RENAME TO ops_events");
        _time.Advance(TimeSpan.FromSeconds(1));
        await aggregator.TickAsync();

        Assert.Null(aggregator.Current.Failure);
        Assert.Null(aggregator.Failure);
        Assert.Equal(Now.AddSeconds(3), aggregator.Current.GeneratedAt);
        Assert.Equal(1, aggregator.Current.Metric(MetricKeys.Availability, "1h")!.Count);
    }

    [Fact]
    public async Task VibeSDK_tables_missing_a_column_leave_their_metric_unavailable_instead_of_failing_the_tick()
    {
        await InsertEventsAsync(_store,
        [
            Event(NowMs - 60_000, "probe", status: "ok"),
            Event(NowMs - 50_000, "migration_applied", attrs: """{"migration":"0001_init.sql"}"""),
        ]);
        await CreateTableAsync(_store, "auth_attempts", ["id", "ip_address", "success"], [["1", "10.0.0.1", 0]]);
        await CreateTableAsync(_store, "apps", ["id", "title"], [["a1", "x"]]);
        await CreateTableAsync(_store, "d1_migrations", ["id", "applied_at"], [[1, NowMs]]);
        var aggregator = CreateAggregator(_store, _time);

        await aggregator.TickAsync();

        var snapshot = aggregator.Current;
        Assert.Null(snapshot.Failure);
        Assert.Null(snapshot.Metric(MetricKeys.AuthFailureRate, "1h")!.Value);
        Assert.Null(snapshot.Metric(ExtraMetricKeys.AppsCreated, "1d")!.Value);
        Assert.Null(snapshot.Metric(ExtraMetricKeys.MigrationDrift, "1d")!.Value);
        Assert.Equal(1, snapshot.Metric(MetricKeys.Availability, "1h")!.Count);
        Assert.Empty(await aggregator.TopOffendersAsync(OffenderKind.IpsByAuthFailures, DashboardRange.Day));

        // The next (incremental) tick is fine too.
        _time.Advance(TimeSpan.FromSeconds(1));
        await aggregator.TickAsync();
        Assert.Null(aggregator.Current.Failure);
    }

    [Fact]
    public async Task Offender_keys_of_mixed_types_are_listed_as_text_and_blobs_as_hex()
    {
        await CreateTableAsync(_store, "auth_attempts", ["id", "identifier", "ip_address", "success", "attempted_at"],
        [
            [1, "alice", "10.0.0.1", 0, NowMs - 60_000],
            [2, 42, "10.0.0.1", 0, NowMs - 50_000],
            [3, "bob", new byte[] { 10, 0, 0, 2 }, 0, NowMs - 40_000],
            [4, "bob", 167772163L, "0", NowMs - 30_000],
        ]);
        await InsertEventsAsync(_store,
        [
            Event(NowMs - 60_000, "rate_limit_exceeded", status: "error", attrs: """{"limiter":"auth"}"""),
            Event(NowMs - 50_000, "rate_limit_exceeded", status: "error", attrs: """{"limiter":5}"""),
            Event(NowMs - 40_000, "rate_limit_exceeded", status: "error", attrs: """{"limiter":"5"}"""),
            Event(NowMs - 30_000, "rate_limit_exceeded", status: "error", attrs: "{not json"),
        ]);
        var aggregator = CreateAggregator(_store, _time);
        await aggregator.TickAsync();

        var ips = await aggregator.TopOffendersAsync(OffenderKind.IpsByAuthFailures, DashboardRange.Day);
        var limiters = await aggregator.TopOffendersAsync(OffenderKind.LimiterKeysByBreaches, DashboardRange.Day);

        Assert.Equal(
            [new Offender("10.0.0.1", 2, "2 identifiers"), new Offender("167772163", 1, "1 identifier"), new Offender("x'0A000002'", 1, "1 identifier")],
            ips);
        Assert.Equal([new Offender("5", 2, null), new Offender("(unknown)", 1, null), new Offender("auth", 1, null)], limiters);
    }

    [Fact]
    public async Task Offender_lists_never_exceed_max_breakdown_keys()
    {
        await InsertEventsAsync(_store, Enumerable.Range(0, 50).Select(i => Event(NowMs - 60_000, "rate_limit_exceeded", status: "error", attrs: $$"""{"limiter":"l{{i}}"}""")));
        var aggregator = CreateAggregator(_store, _time, new VibeDashboard.Configuration.AggregationOptions { MaxBreakdownKeys = 8 });
        await aggregator.TickAsync();

        Assert.Equal(8, (await aggregator.TopOffendersAsync(OffenderKind.LimiterKeysByBreaches, DashboardRange.Day, count: 1000)).Count);
    }

    [Fact]
    public async Task A_64_kilobyte_limiter_key_is_listed_shortened_and_a_negative_artifact_size_is_skipped()
    {
        var key = new string('k', 65_536);
        await InsertEventsAsync(_store, [
            Event(NowMs - 60_000, "rate_limit_exceeded", status: "error", attrs: $$"""{"limiter":"{{key}}"}"""),
            Event(NowMs - 60_000, "artifact_stored", status: "ok", attrs: """{"bytes":-1e15}"""),
            Event(NowMs - 60_000, "artifact_stored", status: "ok", attrs: """{"bytes":2048}"""),
        ]);
        var aggregator = CreateAggregator(_store, _time);
        await aggregator.TickAsync();

        var listed = Assert.Single(await aggregator.TopOffendersAsync(OffenderKind.LimiterKeysByBreaches, DashboardRange.Day, count: 10));
        Assert.Equal(128, listed.Key.Length);
        Assert.EndsWith("…", listed.Key);
        Assert.Equal(2048, aggregator.Current.Metric(MetricKeys.ArtifactGrowth, "1h")!.Value);
        Assert.Equal(1, aggregator.Current.SkippedValues);
    }
}
