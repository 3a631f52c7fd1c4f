using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.AggregationStoreBuilder;
using AggWindows = VibeDashboard.Aggregation.Windows;

namespace VibeDashboard.Tests.Aggregation;

/// <summary>
/// One small store per cause of a wrong number that an independent recomputation of /api/snapshot found (issue 8,
/// item 9): each test holds just the rows of its cause and compares what the dashboard shows with plain SQL or
/// with the number worked out by hand. MetricTruthTests checks the same causes mixed into a month of traffic.
/// </summary>
public sealed class WrongNumberTests : IAsyncLifetime
{
    // 48 s before the minute ends: a test can move 30 s on without any window sliding.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 17, 12, TimeSpan.Zero);
    private const long Second = 1_000;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;
    private const long Day = 24 * Hour;
    private readonly FakeTimeProvider _time = new(Now);
    private readonly TempStore _store;
    private SqliteConnection _db = null!;

    public WrongNumberTests() => _store = new TempStore(time: _time);

    private static long NowMs => Now.ToUnixTimeMilliseconds();

    private long Clock => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task InitializeAsync()
    {
        await InsertEventsAsync(_store, []);
        _db = await _store.Connections.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _store.DisposeAsync();
    }

    private async Task<MetricsAggregator> TickedAsync(SloOptions? slos = null)
    {
        var aggregator = CreateAggregator(_store, _time, slos: slos);
        await aggregator.TickAsync();
        return aggregator;
    }

    private long WindowStart(string window) =>
        Rollup.WindowStart(AggWindows.All.Select((w, i) => (w.Name, i)).First(x => x.Name == window).i, Clock);

    private static MetricValue Metric(MetricsAggregator aggregator, string key, string window, string? tier = null) =>
        aggregator.Current.Metric(key, window, tier) ?? throw new Xunit.Sdk.XunitException($"{key} {window} missing");

    private static void Close(double expected, double? actual, double relative = 1e-9) =>
        Assert.True(actual is { } a && Math.Abs(a - expected) <= relative * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    private static OpsEvent Sandbox(string instance, long at, bool start, string tier = "pro") =>
        Event(at, start ? "sandbox_started" : "sandbox_stopped", tier, instance: instance, source: "sandbox");

    [Fact]
    public async Task Preview_time_counts_instances_started_before_the_read_horizon_in_every_window()
    {
        // Both started more than 31 days ago, before the first event the aggregator reads.
        await InsertEventsAsync(_store,
        [
            Sandbox("running", NowMs - (40 * Day), true),
            Sandbox("stopped-later", NowMs - (35 * Day), true),
            Sandbox("stopped-later", NowMs - (10 * Day), false),
            Event(NowMs - (2 * Minute), "sandbox_crashed", "pro", instance: "running", status: "error"),
            Event(NowMs - (3 * Hour), "sandbox_restarted", "pro", instance: "running", status: "error"),
            Event(NowMs - (20 * Day), "sandbox_crashed", "pro", instance: "stopped-later", status: "error"),
            Event(NowMs - (1 * Minute), "runtime_usage", "pro", duration: 60_000, cost: 0.5),
        ]);
        var aggregator = await TickedAsync();

        foreach (var (window, _) in AggWindows.All)
        {
            var start = WindowStart(window);
            var hours = TruthSql.PreviewHours(_db, start, Clock, null);
            // The running instance alone fills the window; the other adds its part before its stop.
            Close(((Clock - start) + Math.Max(0, NowMs - (10 * Day) - start)) / (double)Hour, hours);
            var crashes = _db.ExecuteScalar<long>("SELECT COUNT(*) FROM ops_events WHERE event_type IN ('sandbox_crashed', 'sandbox_restarted') AND occurred_at >= @start", new { start });
            Close(crashes / hours, Metric(aggregator, MetricKeys.CrashRestartRate, window).Value);
            Close(crashes / hours, Metric(aggregator, MetricKeys.CrashRestartRate, window, "pro").Value);
            Close(0.5 / hours, Metric(aggregator, MetricKeys.RuntimeCostPerPreviewHourUsd, window).Value);
        }

        // The horizon-started instance stops: the next tick closes its stretch there.
        _time.Advance(TimeSpan.FromMinutes(3));
        await InsertEventsAsync(_store, [Sandbox("running", Clock - (90 * Second), false)]);
        await aggregator.TickAsync();
        foreach (var window in (string[])["5m", "1h", "30d"])
        {
            var start = WindowStart(window);
            var hours = TruthSql.PreviewHours(_db, start, Clock, null);
            Close(((Clock - (90 * Second) - start) + Math.Max(0, NowMs - (10 * Day) - start)) / (double)Hour, hours);
            var crashes = _db.ExecuteScalar<long>("SELECT COUNT(*) FROM ops_events WHERE event_type IN ('sandbox_crashed', 'sandbox_restarted') AND occurred_at >= @start", new { start });
            Close(crashes / hours, Metric(aggregator, MetricKeys.CrashRestartRate, window).Value);
        }
    }

    [Fact]
    public async Task An_instance_whose_first_stop_precedes_its_first_start_runs_from_its_start()
    {
        // A reused (or pruned) id: a stop 20 days ago, a start 5 days ago, no stop since.
        await InsertEventsAsync(_store,
        [
            Sandbox("reused", NowMs - (20 * Day), false),
            Sandbox("reused", NowMs - (5 * Day), true),
            Event(NowMs - Hour, "sandbox_crashed", "pro", instance: "reused", status: "error"),
        ]);
        var aggregator = await TickedAsync();

        var day = Metric(aggregator, MetricKeys.CrashRestartRate, "1d");
        Close(1 / ((Clock - WindowStart("1d")) / (double)Hour), day.Value);
        var month = Metric(aggregator, MetricKeys.CrashRestartRate, "30d");
        Close(1 / TruthSql.PreviewHours(_db, WindowStart("30d"), Clock, null), month.Value);
        Close(1 / (5.0 * 24), month.Value);

        // Stopped, started again, stopped again: only the stretches between a start and the next stop count.
        await InsertEventsAsync(_store,
        [
            Sandbox("reused", NowMs - (4 * Day), false),
            Sandbox("reused", NowMs - (3 * Day), true),
            Sandbox("reused", NowMs - (3 * Day) + Hour, true),
            Sandbox("reused", NowMs - (2 * Day), false),
        ]);
        _time.Advance(TimeSpan.FromSeconds(1));
        await aggregator.TickAsync();
        Close(1 / (2.0 * 24), Metric(aggregator, MetricKeys.CrashRestartRate, "30d").Value, 1e-3);
        Close(1 / TruthSql.PreviewHours(_db, WindowStart("30d"), Clock, null), Metric(aggregator, MetricKeys.CrashRestartRate, "30d").Value);
        Assert.Null(Metric(aggregator, MetricKeys.CrashRestartRate, "1d").Value); // no preview time in the last day
    }

    [Fact]
    public async Task A_start_without_duration_is_a_successful_start_but_no_latency_sample()
    {
        await InsertEventsAsync(_store,
        [
            Event(NowMs - (2 * Minute), "deployment_completed", "pro", "a1", duration: 4_000),
            Event(NowMs - (2 * Minute), "deployment_completed", "pro", "a2"),
            Event(NowMs - Minute, "deployment_failed", "pro", "a3", "error"),
        ]);
        var aggregator = await TickedAsync();

        var latency = Metric(aggregator, MetricKeys.PreviewStartupLatencyMs, "5m");
        Assert.Equal(1, latency.Count);
        Assert.Equal(4_000, latency.Value);
        Close(4_000, latency.P50, 0.01);
        Close(4_000, latency.P99, 0.01);
        var failures = Metric(aggregator, ExtraMetricKeys.PreviewStartupFailureRate, "5m");
        Assert.Equal(3, failures.Count);
        Close(1 / 3.0, failures.Value);

        var point = aggregator.Series(MetricKeys.PreviewStartupLatencyMs, DashboardRange.OneHour).Single(p => p.Count > 0);
        Assert.Equal((4_000d, 1L), (point.Value!.Value, point.Count));
    }

    [Fact]
    public async Task A_failed_deploy_is_a_bad_start_whatever_its_status()
    {
        await InsertEventsAsync(_store,
        [
            Event(NowMs - (3 * Minute), "deployment_completed", "pro", "a1", duration: 1_000),
            Event(NowMs - (3 * Minute), "deployment_completed", "pro", "a2", duration: 2_000),
            Event(NowMs - (2 * Minute), "deployment_failed", "pro", "a3", "ok", duration: 500),
            Event(NowMs - (2 * Minute), "deployment_failed", "pro", "a4", null, duration: 500),
            Event(NowMs - Minute, "deployment_failed", "pro", "a5", "error"),
        ]);
        var aggregator = await TickedAsync();

        var slo = aggregator.Current.Slo("preview_startup")!;
        Assert.Equal((2L, 5L), (slo.Good, slo.Total));
        Close(3 / 5.0, Metric(aggregator, ExtraMetricKeys.PreviewStartupFailureRate, "5m").Value);
        Assert.Equal(
            _db.ExecuteScalar<long>("SELECT COUNT(*) FROM ops_events WHERE event_type = 'deployment_completed' AND status IS NOT 'error' AND duration_ms < 10000"),
            slo.Good);

        // An SLO of the operator's own can name more failure types.
        var own = new SloDefinition
        {
            Key = "sandbox_health", Sli = SliKind.Ratio, Events = ["deployment_completed", "deployment_failed"], Objective = 0.9,
            FailureEvents = ["deployment_completed"],
        };
        var custom = await TickedAsync(new SloOptions { Items = [own] });
        Assert.Equal((0L, 5L), (custom.Current.Slo("sandbox_health")!.Good, custom.Current.Slo("sandbox_health")!.Total));
        var invalid = new SloOptionsValidator().Validate(null, new SloOptions { Items = [new SloDefinition { Key = "x", Events = ["probe"], Objective = 0.9, FailureEvents = ["deployment_failed"] }] });
        Assert.Contains("Slos:0:FailureEvents names 'deployment_failed', which is not in Events", invalid.Failures!);
    }

    [Fact]
    public async Task Rows_dated_after_now_count_only_once_their_time_has_come()
    {
        await InsertEventsAsync(_store,
        [
            Event(NowMs - (10 * Second), "probe", "pro", status: "ok"),
            Event(NowMs - (5 * Second), "probe", "pro", status: "ok"),
            Event(NowMs + (10 * Second), "probe", "pro", status: "error"), // later in the current minute
            Event(NowMs + (3 * Minute), "probe", "pro", status: "error"), // later in the current hour
            Event(NowMs + (10 * Second), "d1_query", "pro", duration: 90_000),
            Event(NowMs + (30 * Day), "probe", "pro", status: "error"), // a month ahead
        ]);
        await CreateTableAsync(_store, "auth_attempts", ["id", "identifier", "attempt_type", "success", "ip_address", "attempted_at"],
            [[1, "u", "login", 1, "10.0.0.1", NowMs - (5 * Second)], [2, "u", "login", 0, "10.0.0.1", NowMs + (20 * Second)]]);
        var aggregator = await TickedAsync();

        var availability = Metric(aggregator, MetricKeys.Availability, "5m");
        Assert.Equal((2L, 1d), (availability.Count, availability.Value!.Value));
        Assert.Equal(2, Metric(aggregator, MetricKeys.Availability, "1h").Count);
        Assert.Equal(0, Metric(aggregator, MetricKeys.D1QueryLatencyMs, "5m").Count);
        Assert.Equal(0d, Metric(aggregator, MetricKeys.AuthFailureRate, "5m").Value);
        Assert.Equal(Now.AddSeconds(-5), aggregator.Current.DataAsOf);
        Assert.Equal(Now.AddSeconds(-5), await _store.Store.NewestEventAsync(default, _time.GetUtcNow())); // /readyz's newest event

        _time.Advance(TimeSpan.FromMinutes(4));
        await aggregator.TickAsync();
        availability = Metric(aggregator, MetricKeys.Availability, "5m");
        Assert.Equal((4L, 0.5), (availability.Count, availability.Value!.Value));
        Assert.Equal(1, Metric(aggregator, MetricKeys.D1QueryLatencyMs, "5m").Count);
        Assert.Equal(0.5, Metric(aggregator, MetricKeys.AuthFailureRate, "5m").Value);
        Assert.Equal(Now.AddMinutes(3), aggregator.Current.DataAsOf);
        Assert.Equal(Now.AddMinutes(3), await _store.Store.NewestEventAsync(default, _time.GetUtcNow()));

        // A recompute at this time sees the same (the month-ahead row still waits).
        var recomputed = await TickedAsync();
        Assert.Equal(aggregator.Current.Metrics, recomputed.Current.Metrics);
        Assert.Equal(Now.AddMinutes(3), recomputed.Current.DataAsOf);
    }

    [Fact]
    public async Task Percentiles_are_the_nearest_rank_of_the_samples()
    {
        // 60 queries of 1 … 60 ms in the current minute: p99 is rank ⌈59.4⌉ = 60 (the largest), not round(59.4) = 59.
        await InsertEventsAsync(_store, Enumerable.Range(1, 60).Select(i => Event(NowMs - (i * 100), "d1_query", "pro", duration: 61 - i)));
        var aggregator = await TickedAsync();

        const string Samples = "SELECT duration_ms FROM ops_events WHERE event_type = 'd1_query'";
        var metric = Metric(aggregator, MetricKeys.D1QueryLatencyMs, "5m");
        var point = aggregator.Series(MetricKeys.D1QueryLatencyMs, DashboardRange.OneHour)[^1];
        foreach (var (percent, value, plotted) in new[] { (50, metric.P50, point.P50), (95, metric.P95, point.P95), (99, metric.P99, point.P99) })
        {
            var exact = TruthSql.NearestRank(_db, Samples, null, percent)!.Value;
            Close(exact, value, 0.01);
            Close(exact, plotted, 0.01);
        }

        Assert.Equal(60, TruthSql.NearestRank(_db, Samples, null, 99));
        Close(60, metric.P99, 0.01);
    }

    [Fact]
    public async Task Auth_failure_anomaly_does_not_drift_while_no_data_arrives()
    {
        // A baseline of one failure an hour for the 8 days before, then 6 failures in the last hour.
        var rows = Enumerable.Range(2, 8 * 24).Select(h => new object?[] { h, "u", "login", 0, "10.0.0.1", NowMs - (h * Hour) })
            .Concat(Enumerable.Range(1, 6).Select(i => new object?[] { 1000 + i, "u", "login", 0, "10.0.0.2", NowMs - (i * 5 * Minute) }))
            .ToList();
        await CreateTableAsync(_store, "auth_attempts", ["id", "identifier", "attempt_type", "success", "ip_address", "attempted_at"], rows);
        var aggregator = await TickedAsync();
        var before = aggregator.Current.Metrics.Where(m => m.Key == ExtraMetricKeys.AuthFailureAnomaly).ToList();

        foreach (var window in (string[])["1h", "1d"])
        {
            var start = WindowStart(window);
            var baselineEnd = Rollup.Floor(start, Hour) * Hour;
            var baseline = _db.ExecuteScalar<long>("SELECT COUNT(*) FROM auth_attempts WHERE success = 0 AND attempted_at >= @from AND attempted_at < @to",
                new { from = baselineEnd - (168 * Hour), to = baselineEnd }) / 168.0;
            var failures = _db.ExecuteScalar<long>("SELECT COUNT(*) FROM auth_attempts WHERE success = 0 AND attempted_at >= @start", new { start });
            var hours = AggWindows.All.First(w => w.Name == window).Length.TotalHours;
            Close(failures / hours / baseline, Metric(aggregator, ExtraMetricKeys.AuthFailureAnomaly, window).Value);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        await aggregator.TickAsync();
        Assert.Equal(before, aggregator.Current.Metrics.Where(m => m.Key == ExtraMetricKeys.AuthFailureAnomaly));
    }

    [Fact]
    public async Task A_probe_is_up_only_with_status_ok_in_the_metric_and_the_slo()
    {
        await InsertEventsAsync(_store,
        [
            Event(NowMs - (3 * Minute), "probe", "pro", status: "ok"),
            Event(NowMs - (2 * Minute), "probe", "pro", status: null),
            Event(NowMs - Minute, "probe", "pro", status: "error"),
        ]);
        var aggregator = await TickedAsync();

        var availability = Metric(aggregator, MetricKeys.Availability, "5m");
        Assert.Equal(3, availability.Count);
        Close(1 / 3.0, availability.Value);
        var slo = aggregator.Current.Slo("availability")!;
        Assert.Equal((1L, 3L), (slo.Good, slo.Total));
        Assert.Equal(_db.ExecuteScalar<long>("SELECT COUNT(*) FROM ops_events WHERE event_type = 'probe' AND status = 'ok'"), slo.Good);
    }
}
