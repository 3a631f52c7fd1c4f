using System.Globalization;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using AggWindows = VibeDashboard.Aggregation.Windows;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Aggregation;

/// <summary>
/// Every metric, window and tier against plain SQL over the same fixture store: counts and sums exact,
/// percentiles within 1 % of the exact nearest-rank value (the ⌈p·n⌉-th smallest sample, found by SQL). The store
/// holds the rows behind every cause of a wrong number issue 8 lists (AggregationStoreBuilder.EdgeCases), and rows
/// dated after now, which count nowhere yet: every query stops at now.
/// </summary>
public sealed class MetricTruthTests(MetricTruthTests.Fixture fixture) : IClassFixture<MetricTruthTests.Fixture>
{
    // Mid-minute and mid-hour: the current buckets are partial, as in production.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 17, 42, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = fixture.Time;
    private readonly TempStore _store = fixture.Store;
    private readonly Snapshot _snapshot = fixture.Snapshot;
    private readonly Microsoft.Data.Sqlite.SqliteConnection _db = fixture.Db;

    private static long NowMs => Now.ToUnixTimeMilliseconds();

    /// <summary>One seeded store and one recompute for all the cases.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public FakeTimeProvider Time { get; } = new(Now);

        public TempStore Store { get; }

        public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

        public Microsoft.Data.Sqlite.SqliteConnection Db { get; private set; } = null!;

        public Fixture() => Store = new TempStore(time: Time);

        public async Task InitializeAsync()
        {
            await AggregationStoreBuilder.SeedMonthAsync(Store, NowMs);
            var aggregator = AggregationStoreBuilder.CreateAggregator(Store, Time);
            await aggregator.TickAsync();
            Snapshot = aggregator.Current;
            Db = await Store.Connections.OpenAsync();
        }

        public async Task DisposeAsync()
        {
            await Db.DisposeAsync();
            await Store.DisposeAsync();
        }
    }

    public static TheoryData<string, string?> Cases()
    {
        var data = new TheoryData<string, string?>();
        foreach (var (window, _) in AggWindows.All)
        {
            data.Add(window, null);
            data.Add(window, "pro");
        }

        return data;
    }

    private (long Start, long End) Range(string window)
    {
        var index = AggWindows.All.Select((w, i) => (w.Name, i)).First(x => x.Name == window).i;
        return (Rollup.WindowStart(index, NowMs), NowMs);
    }

    private MetricValue Metric(string key, string window, string? tier) =>
        _snapshot.Metric(key, window, tier) ?? throw new Xunit.Sdk.XunitException($"{key} {window} {tier ?? "all"} missing");

    private const string TierFilter = " AND (@tier IS NULL OR policy_tier = @tier)";

    private long Count(string where, string window, string? tier, bool tiered = true)
    {
        var (start, end) = Range(window);
        return _db.ExecuteScalar<long>($"SELECT COUNT(*) FROM ops_events WHERE occurred_at >= @start AND occurred_at <= @end AND {where}" + (tiered ? TierFilter : ""), new { start, end, tier });
    }

    private double Sum(string expression, string where, string window, string? tier)
    {
        var (start, end) = Range(window);
        return _db.ExecuteScalar<double?>($"SELECT SUM({expression}) FROM ops_events WHERE occurred_at >= @start AND occurred_at <= @end AND {where}" + TierFilter, new { start, end, tier }) ?? 0;
    }

    private static void Ratio(MetricValue metric, long numerator, long denominator)
    {
        Assert.Equal(denominator, metric.Count);
        if (denominator == 0)
        {
            Assert.Null(metric.Value);
        }
        else
        {
            Assert.Equal((double)numerator / denominator, metric.Value!.Value, 12);
        }
    }

    private static void Close(double expected, double? actual, double tolerance = 1e-9)
    {
        Assert.NotNull(actual);
        Assert.True(Math.Abs(expected - actual.Value) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
    }

    /// <summary>
    /// Count and mean of the samples <paramref name="samplesSql"/> selects (one column), and each percentile by the
    /// nearest-rank definition straight from SQL (<c>ORDER BY v LIMIT 1 OFFSET ⌈p·n⌉ − 1</c>), compared within 1 %.
    /// </summary>
    private void Percentiles(MetricValue metric, string samplesSql, object args)
    {
        var (n, mean) = _db.QuerySingle<(long, double?)>($"WITH samples(v) AS ({samplesSql}) SELECT COUNT(*), AVG(v) FROM samples", args);
        Assert.Equal(n, metric.Count);
        if (n == 0)
        {
            Assert.Null(metric.P50);
            return;
        }

        Close(mean!.Value, metric.Value);
        foreach (var (p, actual) in new[] { (50, metric.P50), (95, metric.P95), (99, metric.P99) })
        {
            var exact = TruthSql.NearestRank(_db, samplesSql, args, p)!.Value;
            Assert.True(actual is { } a && Math.Abs(a - exact) <= 0.01 * Math.Abs(exact) + 1e-9, $"{metric.Key} {metric.Window} {metric.Tier} p{p}: exact {exact} (of {n}), got {actual}");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Ratios_and_counts_match_sql(string window, string? tier)
    {
        var good = Count("event_type = 'generation_complete' AND status <> 'error'", window, tier);
        var bad = Count("((event_type = 'generation_complete' AND status = 'error') OR (event_type = 'error' AND source = 'agent' AND app_id IS NOT NULL))", window, tier);
        Ratio(Metric(MetricKeys.CompletionSuccessRate, window, tier), good, good + bad);

        Ratio(Metric(MetricKeys.Availability, window, tier), Count("event_type = 'probe' AND status = 'ok'", window, tier), Count("event_type = 'probe'", window, tier));
        Ratio(Metric(MetricKeys.ProviderErrorRate, window, tier), Count("event_type = 'llm_call' AND status = 'error'", window, tier), Count("event_type = 'llm_call'", window, tier));
        var failed = Count("event_type = 'migration_failed'", window, tier);
        Ratio(Metric(MetricKeys.MigrationErrorRate, window, tier), failed, failed + Count("event_type = 'migration_applied'", window, tier));
        var failedStarts = Count("event_type = 'deployment_failed'", window, tier);
        Ratio(Metric(ExtraMetricKeys.PreviewStartupFailureRate, window, tier), failedStarts, failedStarts + Count("event_type = 'deployment_completed'", window, tier));

        var breaches = Metric(MetricKeys.RateLimitBreaches, window, tier);
        Assert.Equal(Count("event_type = 'rate_limit_exceeded'", window, tier), breaches.Count);
        Assert.Equal(breaches.Count, breaches.Value);

        var artifacts = Metric(MetricKeys.ArtifactGrowth, window, tier);
        Assert.Equal(Count("event_type = 'artifact_stored'", window, tier), artifacts.Count);
        Assert.Equal(Sum("CASE WHEN json_valid(attrs_json) THEN json_extract(attrs_json, '$.bytes') END", "event_type = 'artifact_stored'", window, tier), artifacts.Value);

        var generations = Count("event_type = 'generation_started'", window, tier);
        var costPerGeneration = Metric(MetricKeys.ProviderCostPerGenerationUsd, window, tier);
        Assert.Equal(generations, costPerGeneration.Count);
        if (generations > 0)
        {
            Close(Sum("cost_usd", "event_type = 'llm_call'", window, tier) / generations, costPerGeneration.Value);
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Latency_percentiles_match_sorted_samples(string window, string? tier)
    {
        var (start, end) = Range(window);
        var args = new { start, end, tier };
        // A deployment_completed without duration_ms is a successful start but no latency sample.
        const string Durations = "SELECT duration_ms FROM ops_events WHERE event_type = '{0}' AND duration_ms IS NOT NULL AND occurred_at >= @start AND occurred_at <= @end" + TierFilter;
        Percentiles(Metric(MetricKeys.PreviewStartupLatencyMs, window, tier), string.Format(CultureInfo.InvariantCulture, Durations, "deployment_completed"), args);
        Percentiles(Metric(MetricKeys.D1QueryLatencyMs, window, tier), string.Format(CultureInfo.InvariantCulture, Durations, "d1_query"), args);

        // Time to deployable: per app, first deploy minus first generation_started, in the window of the deploy.
        var samples = new { start, end, tier, ownTiers = TruthSql.NoOwnTiers };
        Percentiles(Metric(MetricKeys.TimeToDeployableMs, window, tier), $"SELECT v FROM ({TruthSql.TimeToDeployableSamples}) WHERE at >= @start AND at <= @end", samples);

        // Fix loops: per app generated in the window, its fix events so far.
        Percentiles(Metric(MetricKeys.FixLoopCount, window, tier), $"SELECT v FROM ({TruthSql.FixLoopSamples}) WHERE at >= @start AND at <= @end", samples);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Preview_hours_rates_match_sql(string window, string? tier)
    {
        var (start, end) = Range(window);
        var hours = PreviewHours(start, end, tier);
        var crashes = Count("event_type IN ('sandbox_crashed', 'sandbox_restarted')", window, tier);
        var rate = Metric(MetricKeys.CrashRestartRate, window, tier);
        Assert.Equal(crashes, rate.Count);
        Close(crashes / hours, rate.Value);

        var runtime = Metric(MetricKeys.RuntimeCostPerPreviewHourUsd, window, tier);
        Assert.Equal(Count("event_type = 'runtime_usage'", window, tier), runtime.Count);
        Close(Sum("cost_usd", "event_type = 'runtime_usage'", window, tier) / hours, runtime.Value);
    }

    private double PreviewHours(long start, long end, string? tier) => TruthSql.PreviewHours(_db, start, end, tier);

    [Theory, MemberData(nameof(Cases))]
    public void VibeSdk_table_metrics_match_sql(string window, string? tier)
    {
        if (tier is not null)
        {
            // auth_attempts, apps and d1_migrations carry no policy tier: only the all-tiers slice exists.
            Assert.Null(_snapshot.Metric(MetricKeys.AuthFailureRate, window, tier));
            return;
        }

        var (start, end) = Range(window);
        var attempts = _db.ExecuteScalar<long>("SELECT COUNT(*) FROM auth_attempts WHERE attempted_at >= @start AND attempted_at <= @end", new { start, end });
        var failures = _db.ExecuteScalar<long>("SELECT COUNT(*) FROM auth_attempts WHERE success = 0 AND attempted_at >= @start AND attempted_at <= @end", new { start, end });
        Ratio(Metric(MetricKeys.AuthFailureRate, window, null), failures, attempts);

        var apps = Metric(ExtraMetricKeys.AppsCreated, window, null);
        Assert.Equal(_db.ExecuteScalar<long>("SELECT COUNT(*) FROM apps WHERE created_at >= @start AND created_at <= @end", new { start, end }), apps.Count);

        var drift = Metric(ExtraMetricKeys.MigrationDrift, window, null);
        var names = _db.Query<string>("""
            SELECT json_extract(attrs_json, '$.migration') FROM ops_events WHERE event_type = 'migration_applied' AND occurred_at <= @end
            GROUP BY 1 HAVING MAX(occurred_at) >= @start
            """, new { start, end }).ToList();
        Assert.Equal(names.Count, drift.Count);
        Assert.Equal(names.Count(n => !_db.ExecuteScalar<bool>("SELECT EXISTS (SELECT 1 FROM d1_migrations WHERE name = @n)", new { n })), drift.Value);

        // Auth failure anomaly: failures per hour of the window's nominal length over the hourly mean of the 7 days
        // (168 h) before the window's first hour.
        var anomaly = Metric(ExtraMetricKeys.AuthFailureAnomaly, window, null);
        Assert.Equal(failures, anomaly.Count);
        var length = AggWindows.All.First(w => w.Name == window).Length;
        if (length > TimeSpan.FromDays(3))
        {
            Assert.Null(anomaly.Value);
            return;
        }

        var baselineEnd = Rollup.Floor(start, Rollup.HourMs) * Rollup.HourMs;
        var baseline = _db.ExecuteScalar<long>("SELECT COUNT(*) FROM auth_attempts WHERE success = 0 AND attempted_at >= @from AND attempted_at < @to",
            new { from = baselineEnd - (168 * Rollup.HourMs), to = baselineEnd }) / 168.0;
        Close(failures / length.TotalHours / baseline, anomaly.Value);
    }

    [Fact]
    public void Data_as_of_is_the_newest_event_whose_time_has_come()
    {
        var newest = _db.ExecuteScalar<long>("SELECT MAX(occurred_at) FROM ops_events WHERE occurred_at <= @now", new { now = NowMs });
        Assert.True(_db.ExecuteScalar<long>("SELECT MAX(occurred_at) FROM ops_events") > NowMs + (29L * 24 * Rollup.HourMs), "the fixture holds an event a month ahead");
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(newest), _snapshot.DataAsOf);
    }

    [Fact]
    public void Every_metric_key_is_published_for_every_window()
    {
        string[] keys =
        [
            MetricKeys.CompletionSuccessRate, MetricKeys.TimeToDeployableMs, MetricKeys.FixLoopCount, MetricKeys.PreviewStartupLatencyMs,
            MetricKeys.CrashRestartRate, MetricKeys.Availability, MetricKeys.D1QueryLatencyMs, MetricKeys.MigrationErrorRate,
            MetricKeys.ArtifactGrowth, MetricKeys.ProviderCostPerGenerationUsd, MetricKeys.RuntimeCostPerPreviewHourUsd,
            MetricKeys.AuthFailureRate, MetricKeys.RateLimitBreaches, MetricKeys.ProviderErrorRate,
        ];
        foreach (var key in keys)
        {
            foreach (var (window, _) in AggWindows.All)
            {
                Assert.NotNull(_snapshot.Metric(key, window));
            }
        }

        Assert.Equal(["availability", "generation_completion", "preview_startup", "d1_query_latency", "provider_success"], _snapshot.Slos.Select(s => s.Key));
    }

    [Fact]
    public void Slo_good_and_total_match_sql()
    {
        var (start, end) = Range("30d");
        var slo = _snapshot.Slo("preview_startup")!;
        Assert.Equal(Count("event_type IN ('deployment_completed', 'deployment_failed')", "30d", null), slo.Total);
        Assert.Equal(_db.ExecuteScalar<long>("SELECT COUNT(*) FROM ops_events WHERE event_type = 'deployment_completed' AND status <> 'error' AND duration_ms < 10000 AND occurred_at >= @start AND occurred_at <= @end", new { start, end }), slo.Good);
        // A failed deploy is a bad start whatever its status (the fixture holds some with status ok or none).
        Assert.True(_db.ExecuteScalar<long>("SELECT COUNT(*) FROM ops_events WHERE event_type = 'deployment_failed' AND status IS NOT 'error'") > 0);
        var availability = _snapshot.Slo("availability")!;
        Assert.Equal(Count("event_type = 'probe'", "30d", null), availability.Total);
        Assert.Equal(Count("event_type = 'probe' AND status = 'ok'", "30d", null), availability.Good);
        var d1 = _snapshot.Slo("d1_query_latency")!;
        Assert.Equal(_db.ExecuteScalar<long>("SELECT COUNT(*) FROM ops_events WHERE event_type = 'd1_query' AND duration_ms < 100 AND occurred_at >= @start AND occurred_at <= @end", new { start, end }), d1.Good);
        Assert.Equal(1 - ((double)(slo.Total - slo.Good) / (0.01 * slo.Total)), slo.BudgetRemaining!.Value, 9);
        Assert.Equal(slo.BudgetRemaining!.Value * 0.01 * 43_200, slo.BudgetRemainingMinutes!.Value, 6);
    }

    [Fact]
    public async Task Top_offenders_name_ips_with_distinct_identifiers()
    {
        var aggregator = AggregationStoreBuilder.CreateAggregator(_store, _time);
        var ips = await aggregator.TopOffendersAsync(OffenderKind.IpsByAuthFailures, DashboardRange.Month, 3);
        Assert.Equal(3, ips.Count);
        var top = _db.QueryFirst<(string Ip, long Failures, long Ids)>(
            "SELECT ip_address, COUNT(*), COUNT(DISTINCT identifier) FROM auth_attempts WHERE success = 0 AND attempted_at >= @from GROUP BY ip_address ORDER BY 2 DESC, 1 LIMIT 1",
            new { from = MetricsAggregator.RangeStart(DashboardRange.Month, NowMs) });
        Assert.Equal(new Offender(top.Ip, top.Failures, $"{top.Ids} identifiers"), ips[0]);
        Assert.Equal(3, (await aggregator.TopOffendersAsync(OffenderKind.LimiterKeysByBreaches, DashboardRange.Month)).Count);
    }
}
