using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Tests.Infrastructure;
using AggWindows = VibeDashboard.Aggregation.Windows;

namespace VibeDashboard.Tests.Aggregation;

/// <summary>
/// The numbers behind every chart against plain SQL over the fixture store of <see cref="MetricTruthTests"/>: each
/// point of each metric's series (minute buckets over 24 h, hour buckets over 30 days; all tiers, one tier, and
/// <c>other</c>) and of each SLO's series (SLI and burn rate per bucket, the error budget left at each point). A
/// bucket is a shorter window: its point is computed as SQL computes the metric over that bucket, up to now (rows
/// dated after now count nowhere). And the link between the two paths: a window's snapshot value is what the
/// points of its buckets add up to.
/// </summary>
public sealed class SeriesTruthTests(SeriesTruthTests.Fixture fixture) : IClassFixture<SeriesTruthTests.Fixture>
{
    // Mid-minute and mid-hour: the current buckets are partial, as in production.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 17, 42, TimeSpan.Zero);
    private readonly SqliteConnection _db = fixture.Db;

    private static long NowMs => Now.ToUnixTimeMilliseconds();

    /// <summary>One seeded store, one aggregator as configured by default and one that keeps two tiers (the rest are <c>other</c>).</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public FakeTimeProvider Time { get; } = new(Now);

        public TempStore Store { get; }

        public MetricsAggregator Aggregator { get; private set; } = null!;

        public MetricsAggregator TwoTiers { get; private set; } = null!;

        /// <summary>The tiers with a slot of their own in <see cref="TwoTiers"/>, as the JSON array TruthSql binds.</summary>
        public string OwnTiers { get; private set; } = TruthSql.NoOwnTiers;

        public SqliteConnection Db { get; private set; } = null!;

        public Fixture() => Store = new TempStore(time: Time);

        public async Task InitializeAsync()
        {
            await AggregationStoreBuilder.SeedMonthAsync(Store, NowMs);
            Aggregator = AggregationStoreBuilder.CreateAggregator(Store, Time);
            await Aggregator.TickAsync();
            TwoTiers = AggregationStoreBuilder.CreateAggregator(Store, Time, new AggregationOptions { MaxTiers = 2 });
            await TwoTiers.TickAsync();
            var own = TwoTiers.Current.Metrics.Select(m => m.Tier).OfType<string>().Where(t => t != MetricEngine.OtherTier).Distinct().ToList();
            Assert.Equal(2, own.Count);
            Assert.Contains(TwoTiers.Current.Metrics, m => m.Tier == MetricEngine.OtherTier);
            OwnTiers = JsonSerializer.Serialize(own);
            Db = await Store.Connections.OpenAsync();
        }

        public async Task DisposeAsync()
        {
            await Db.DisposeAsync();
            await Store.DisposeAsync();
        }
    }

    /// <summary>Metric keys that have a series: every metric but the window-only auth_failure_anomaly and migration_drift.</summary>
    private static readonly string[] SeriesKeys =
    [
        MetricKeys.CompletionSuccessRate, MetricKeys.TimeToDeployableMs, MetricKeys.FixLoopCount, MetricKeys.PreviewStartupLatencyMs,
        ExtraMetricKeys.PreviewStartupFailureRate, MetricKeys.CrashRestartRate, MetricKeys.Availability, MetricKeys.D1QueryLatencyMs,
        MetricKeys.MigrationErrorRate, MetricKeys.ArtifactGrowth, MetricKeys.ProviderCostPerGenerationUsd, MetricKeys.RuntimeCostPerPreviewHourUsd,
        MetricKeys.RateLimitBreaches, MetricKeys.ProviderErrorRate, ExtraMetricKeys.AppsCreated, MetricKeys.AuthFailureRate,
    ];

    /// <summary>Metrics of VibeSDK tables: no policy tier, so no per-tier series.</summary>
    private static readonly string[] Untiered = [ExtraMetricKeys.AppsCreated, MetricKeys.AuthFailureRate];

    private static readonly string[] Latencies = [MetricKeys.TimeToDeployableMs, MetricKeys.FixLoopCount, MetricKeys.PreviewStartupLatencyMs, MetricKeys.D1QueryLatencyMs];

    public static TheoryData<string, DashboardRange, string?> Cases()
    {
        var data = new TheoryData<string, DashboardRange, string?>();
        foreach (var key in SeriesKeys)
        {
            foreach (var range in (DashboardRange[])[DashboardRange.Day, DashboardRange.Month])
            {
                data.Add(key, range, null);
                if (!Untiered.Contains(key))
                {
                    data.Add(key, range, "pro");
                    data.Add(key, range, MetricEngine.OtherTier);
                }
            }
        }

        return data;
    }

    public static TheoryData<string, DashboardRange> SloCases()
    {
        var data = new TheoryData<string, DashboardRange>();
        foreach (var slo in new SloOptions().Effective)
        {
            data.Add(slo.Key, DashboardRange.Day);
            data.Add(slo.Key, DashboardRange.Month);
        }

        return data;
    }

    /// <summary>The range's buckets: their length and the indices (start ÷ length) of the first and the current one.</summary>
    private static (long Unit, long First, long Last) Buckets(DashboardRange range)
    {
        var unit = (long)range.Step().TotalMilliseconds;
        return (unit, MetricsAggregator.RangeStart(range, NowMs) / unit, Rollup.Floor(NowMs, unit));
    }

    private MetricsAggregator Feed(string? tier) => tier == MetricEngine.OtherTier ? fixture.TwoTiers : fixture.Aggregator;

    private string OwnTiers(string? tier) => tier == MetricEngine.OtherTier ? fixture.OwnTiers : TruthSql.NoOwnTiers;

    /// <summary>
    /// Per bucket of the range, the aggregates <paramref name="columns"/> over the rows of <paramref name="table"/>
    /// matching <paramref name="where"/> from the range's first bucket up to now (ops_events in the tier).
    /// </summary>
    private Dictionary<long, double[]> Grouped(string columns, string where, DashboardRange range, string? tier, string table = "ops_events", string time = "occurred_at")
    {
        var (unit, first, _) = Buckets(range);
        var tierFilter = table == "ops_events" ? " AND " + TruthSql.TierIs("policy_tier") : "";
        var sql = $"SELECT {time} / @unit AS b, {columns} FROM {table} WHERE {time} >= @from AND {time} <= @now AND {where}{tierFilter} GROUP BY b";
        return _db.Query(sql, new { unit, from = first * unit, now = NowMs, tier, ownTiers = OwnTiers(tier) })
            .Cast<IDictionary<string, object?>>()
            .ToDictionary(r => Convert.ToInt64(r["b"], CultureInfo.InvariantCulture), r => r.Values.Skip(1).Select(v => v is null ? 0 : Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray());
    }

    /// <summary>(group = bucket index, value) samples for the per-bucket mean and nearest-rank percentiles.</summary>
    private static string BucketSamples(string samplesSql) => $"SELECT at / @unit, v FROM ({samplesSql}) WHERE at >= @from AND at <= @end";

    private static string DurationSamples(string type) =>
        $"SELECT occurred_at AS at, duration_ms AS v FROM ops_events WHERE event_type = '{type}' AND duration_ms IS NOT NULL AND occurred_at <= @end AND {TruthSql.TierIs("policy_tier")}";

    private static string? SamplesOf(string key) => key switch
    {
        MetricKeys.TimeToDeployableMs => TruthSql.TimeToDeployableSamples,
        MetricKeys.FixLoopCount => TruthSql.FixLoopSamples,
        MetricKeys.PreviewStartupLatencyMs => DurationSamples("deployment_completed"),
        MetricKeys.D1QueryLatencyMs => DurationSamples("d1_query"),
        _ => null,
    };

    private object SampleArgs(DashboardRange range, string? tier)
    {
        var (unit, first, _) = Buckets(range);
        return new { unit, from = first * unit, end = NowMs, tier, ownTiers = OwnTiers(tier) };
    }

    private static (double? Value, long Count) Ratio(double numerator, double denominator) => (denominator > 0 ? numerator / denominator : null, (long)denominator);

    private static (double? Value, long Count) Per(double numerator, double denominator, double count) => (denominator > 0 ? numerator / denominator : null, (long)count);

    /// <summary>docs/metrics.md, per bucket, in SQL: the value and count each point must show.</summary>
    private Func<long, (double? Value, long Count)> Expected(string key, DashboardRange range, string? tier)
    {
        var (unit, first, last) = Buckets(range);
        Func<long, (double?, long)> Of(string columns, string where, Func<double[], (double?, long)> read, string table = "ops_events", string time = "occurred_at")
        {
            var rows = Grouped(columns, where, range, tier, table, time);
            var width = columns.Split(", ").Length;
            return b => read(rows.TryGetValue(b, out var row) ? row : new double[width]);
        }

        Func<long, (double?, long)> PerPreviewHour(string columns, string where, Func<double[], double, (double?, long)> read)
        {
            var hours = TruthSql.PreviewHoursByBucket(_db, unit, first, last, NowMs, tier, OwnTiers(tier));
            var rows = Grouped(columns, where, range, tier);
            return b => read(rows.TryGetValue(b, out var row) ? row : new double[2], hours.GetValueOrDefault(b));
        }

        if (SamplesOf(key) is { } samples)
        {
            var rows = _db.Query<(long Bucket, double Sum, long Count)>($"WITH x(g, v) AS ({BucketSamples(samples)}) SELECT g, SUM(v), COUNT(*) FROM x GROUP BY g", SampleArgs(range, tier))
                .ToDictionary(r => r.Bucket);
            return b => rows.TryGetValue(b, out var r) ? Ratio(r.Sum, r.Count) : (null, 0);
        }

        const string NotError = "lower(status) IS NOT 'error'";
        return key switch
        {
            MetricKeys.CompletionSuccessRate => Of(
                $"SUM(event_type = 'generation_complete' AND {NotError}), SUM(event_type = 'error' OR lower(status) IS 'error')",
                "(event_type = 'generation_complete' OR (event_type = 'error' AND source = 'agent' AND app_id <> ''))", c => Ratio(c[0], c[0] + c[1])),
            ExtraMetricKeys.PreviewStartupFailureRate => Of("SUM(event_type = 'deployment_failed'), COUNT(*)",
                "event_type IN ('deployment_completed', 'deployment_failed')", c => Ratio(c[0], c[1])),
            MetricKeys.Availability => Of("SUM(lower(status) IS 'ok'), COUNT(*)", "event_type = 'probe'", c => Ratio(c[0], c[1])),
            MetricKeys.MigrationErrorRate => Of("SUM(event_type = 'migration_failed'), COUNT(*)", "event_type IN ('migration_applied', 'migration_failed')", c => Ratio(c[0], c[1])),
            MetricKeys.ProviderErrorRate => Of("SUM(lower(status) IS 'error'), COUNT(*)", "event_type = 'llm_call'", c => Ratio(c[0], c[1])),
            MetricKeys.ArtifactGrowth => Of("COALESCE(SUM(CASE WHEN json_valid(attrs_json) THEN json_extract(attrs_json, '$.bytes') END), 0), COUNT(*)",
                "event_type = 'artifact_stored'", c => (c[0], (long)c[1])),
            MetricKeys.RateLimitBreaches => Of("COUNT(*)", "event_type = 'rate_limit_exceeded'", c => (c[0], (long)c[0])),
            MetricKeys.ProviderCostPerGenerationUsd => Of("COALESCE(SUM(CASE WHEN event_type = 'llm_call' THEN cost_usd END), 0), SUM(event_type = 'generation_started')",
                "event_type IN ('llm_call', 'generation_started')", c => Per(c[0], c[1], c[1])),
            MetricKeys.CrashRestartRate => PerPreviewHour("COUNT(*), 0", "event_type IN ('sandbox_crashed', 'sandbox_restarted')", (c, hours) => Per(c[0], hours, c[0])),
            MetricKeys.RuntimeCostPerPreviewHourUsd => PerPreviewHour("COALESCE(SUM(cost_usd), 0), COUNT(*)", "event_type = 'runtime_usage'", (c, hours) => Per(c[0], hours, c[1])),
            ExtraMetricKeys.AppsCreated => Of("COUNT(*)", "1", c => (c[0], (long)c[0]), "apps", "created_at"),
            MetricKeys.AuthFailureRate => Of("SUM(success = 0), COUNT(*)", "1", c => Ratio(c[0], c[1]), "auth_attempts", "attempted_at"),
            _ => throw new Xunit.Sdk.XunitException($"no SQL for {key}"),
        };
    }

    private static void Close(double? expected, double? actual, string what)
    {
        if (expected is null)
        {
            Assert.True(actual is null, $"{what}: expected no value, got {actual}");
            return;
        }

        Assert.True(actual is { } a && Math.Abs(expected.Value - a) <= 1e-9 * Math.Max(1, Math.Abs(expected.Value)), $"{what}: expected {expected}, got {actual}");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Every_point_of_a_metric_series_matches_sql_over_its_bucket(string key, DashboardRange range, string? tier)
    {
        var (unit, first, last) = Buckets(range);
        var points = Feed(tier).Series(key, range, tier);
        Assert.Equal(Enumerable.Range(0, (int)(last - first + 1)).Select(i => DateTimeOffset.FromUnixTimeMilliseconds((first + i) * unit)), points.Select(p => p.At));

        var expected = Expected(key, range, tier);
        var nonEmpty = 0;
        foreach (var point in points)
        {
            var b = point.At.ToUnixTimeMilliseconds() / unit;
            var (value, count) = expected(b);
            Assert.True(count == point.Count, $"{key} {range} {tier ?? "all"} {point.At:u}: count {point.Count}, SQL {count}");
            Close(value, point.Value, $"{key} {range} {tier ?? "all"} {point.At:u}");
            nonEmpty += count > 0 ? 1 : 0;
        }

        // A month of the fixture has data for every metric in every tier (a day may not, e.g. migrations).
        Assert.True(range != DashboardRange.Month || nonEmpty > 0, $"{key} {range} {tier ?? "all"}: the fixture has data in some bucket");
    }

    [Theory]
    [InlineData(DashboardRange.Day, null)]
    [InlineData(DashboardRange.Day, "pro")]
    [InlineData(DashboardRange.Day, "other")]
    [InlineData(DashboardRange.Month, null)]
    [InlineData(DashboardRange.Month, "pro")]
    [InlineData(DashboardRange.Month, "other")]
    public void Percentiles_of_each_point_are_the_nearest_rank_samples_of_its_bucket(DashboardRange range, string? tier)
    {
        var (unit, _, _) = Buckets(range);
        foreach (var key in Latencies)
        {
            var samples = BucketSamples(SamplesOf(key)!);
            var args = SampleArgs(range, tier);
            var exact = new[] { 50, 95, 99 }.ToDictionary(p => p, p => TruthSql.NearestRankByGroup(_db, samples, args, p));
            foreach (var point in Feed(tier).Series(key, range, tier))
            {
                var b = point.At.ToUnixTimeMilliseconds() / unit;
                foreach (var (p, actual) in new[] { (50, point.P50), (95, point.P95), (99, point.P99) })
                {
                    if (!exact[p].TryGetValue(b, out var value))
                    {
                        Assert.True(actual is null, $"{key} {range} {tier ?? "all"} {point.At:u} p{p}: no samples, got {actual}");
                        continue;
                    }

                    Assert.True(actual is { } a && Math.Abs(a - value) <= (0.01 * Math.Abs(value)) + 1e-9,
                        $"{key} {range} {tier ?? "all"} {point.At:u} p{p}: exact {value}, got {actual}");
                }
            }
        }
    }

    [Fact]
    public void Metrics_without_tiers_have_no_per_tier_series()
    {
        foreach (var key in Untiered)
        {
            Assert.Empty(fixture.Aggregator.Series(key, DashboardRange.Day, "pro"));
        }

        Assert.Empty(fixture.Aggregator.Series(ExtraMetricKeys.AuthFailureAnomaly, DashboardRange.Day));
    }

    /// <summary>The SQL of each default SLO (docs/metrics.md, SLOs): its events, and which of them are good.</summary>
    private static (string Events, string Good) SloSql(string key) => key switch
    {
        "availability" => ("event_type = 'probe'", "lower(status) IS 'ok'"),
        "generation_completion" => ("event_type IN ('generation_complete', 'error') AND source = 'agent' AND app_id <> ''", "lower(status) IS NOT 'error'"),
        "preview_startup" => ("event_type IN ('deployment_completed', 'deployment_failed')",
            "event_type = 'deployment_completed' AND lower(status) IS NOT 'error' AND duration_ms < 10000"),
        "d1_query_latency" => ("event_type = 'd1_query'", "lower(status) IS NOT 'error' AND duration_ms < 100"),
        "provider_success" => ("event_type = 'llm_call'", "lower(status) IS NOT 'error'"),
        _ => throw new Xunit.Sdk.XunitException($"no SQL for {key}"),
    };

    [Theory, MemberData(nameof(SloCases))]
    public void Every_point_of_an_slo_series_matches_sql(string sloKey, DashboardRange range)
    {
        var slo = new SloOptions().Effective.Single(s => s.Key == sloKey);
        var budget = 1 - slo.Objective;
        var (events, goodSql) = SloSql(sloKey);
        var (unit, first, last) = Buckets(range);
        var points = fixture.Aggregator.SloSeries(sloKey, range);
        Assert.Equal(Enumerable.Range(0, (int)(last - first + 1)).Select(i => DateTimeOffset.FromUnixTimeMilliseconds((first + i) * unit)), points.Select(p => p.At));

        // SLI and burn rate: the good and total events of each bucket.
        var buckets = Grouped($"SUM({goodSql}), COUNT(*)", events, range, null);
        foreach (var point in points)
        {
            var (good, total) = buckets.TryGetValue(point.At.ToUnixTimeMilliseconds() / unit, out var c) ? (c[0], c[1]) : (0, 0);
            Close(total > 0 ? good / total : null, point.Sli, $"{sloKey} {range} {point.At:u} SLI");
            Close(total > 0 ? (total - good) / total / budget : null, point.BurnRate, $"{sloKey} {range} {point.At:u} burn rate");
        }

        // Budget left at a point: over the SLO window as it stood at the end of the point's bucket (its 720 hours, the
        // last one up to the bucket's end), as far back as the aggregator holds (30 days and the current hour).
        // Every point of the current hour, and a sample of the others (one query each).
        var held = (Rollup.Floor(NowMs, Rollup.HourMs) - Rollup.HourBuckets) * Rollup.HourMs;
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var startMs = point.At.ToUnixTimeMilliseconds();
            if (i % 13 != 0 && startMs < Rollup.Floor(NowMs, Rollup.HourMs) * Rollup.HourMs)
            {
                continue;
            }

            var from = Math.Max(held, (Rollup.Floor(startMs, Rollup.HourMs) - 719) * Rollup.HourMs);
            var (good, total) = _db.QuerySingle<(double, double)>(
                $"SELECT COALESCE(SUM({goodSql}), 0), COUNT(*) FROM ops_events WHERE {events} AND occurred_at >= @from AND occurred_at < @to AND occurred_at <= @now",
                new { from, to = startMs + unit, now = NowMs });
            Close(total > 0 ? 1 - ((total - good) / (budget * total)) : null, point.BudgetRemaining, $"{sloKey} {range} {point.At:u} budget left");
        }

        // The last point's budget is the snapshot's.
        Close(fixture.Aggregator.Current.Slo(sloKey)!.BudgetRemaining, points[^1].BudgetRemaining, $"{sloKey} {range} budget now");
    }

    /// <summary>Each window as the last buckets of a range: (range, buckets).</summary>
    private static (DashboardRange Range, int Buckets) AsBuckets(string window) => window switch
    {
        "5m" => (DashboardRange.OneHour, 5),
        "30m" => (DashboardRange.OneHour, 30),
        "1h" => (DashboardRange.OneHour, 60),
        "2h" => (DashboardRange.SixHours, 120),
        "6h" => (DashboardRange.SixHours, 360),
        "1d" => (DashboardRange.Day, 1440),
        "3d" => (DashboardRange.Week, 72),
        _ => (DashboardRange.Month, 720),
    };

    public static TheoryData<string, string?> WindowCases()
    {
        var data = new TheoryData<string, string?>();
        foreach (var (window, _) in AggWindows.All)
        {
            data.Add(window, null);
            data.Add(window, "pro");
        }

        return data;
    }

    [Theory, MemberData(nameof(WindowCases))]
    public void A_windows_snapshot_value_is_what_the_points_of_its_buckets_add_up_to(string window, string? tier)
    {
        // Totals add up; ratios and means are Σ(value × count) ÷ Σ count. Rates per preview hour and cost per
        // generation do not follow from the points (a point carries neither its preview hours nor the cost of a
        // bucket without generations): for them only the counts add up.
        string[] summed = [MetricKeys.ArtifactGrowth, MetricKeys.RateLimitBreaches, ExtraMetricKeys.AppsCreated];
        string[] countsOnly = [MetricKeys.CrashRestartRate, MetricKeys.RuntimeCostPerPreviewHourUsd, MetricKeys.ProviderCostPerGenerationUsd];
        var (range, buckets) = AsBuckets(window);
        var snapshot = fixture.Aggregator.Current;
        foreach (var key in SeriesKeys.Where(k => tier is null || !Untiered.Contains(k)))
        {
            var metric = snapshot.Metric(key, window, tier)!;
            var points = fixture.Aggregator.Series(key, range, tier).TakeLast(buckets).ToList();
            Assert.Equal(buckets, points.Count);
            Assert.Equal(metric.Count, points.Sum(p => p.Count));
            if (countsOnly.Contains(key))
            {
                continue;
            }

            var count = points.Sum(p => p.Count);
            double? value = summed.Contains(key) ? points.Sum(p => p.Value ?? 0)
                : count > 0 ? points.Sum(p => (p.Value ?? 0) * p.Count) / count : null;
            Close(value, metric.Value, $"{key} {window} {tier ?? "all"}");
        }
    }
}
