using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;

namespace VibeDashboard.Tests.Aggregation;

/// <summary>
/// A full recompute folds in bulk, possibly in two halves merged afterwards; both must give exactly what folding
/// the same events one by one (the incremental path) gives.
/// </summary>
public sealed class MetricEngineBulkTests
{
    private static readonly long Now = new DateTimeOffset(2026, 11, 20, 12, 34, 56, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static readonly string[] Types =
    [
        "generation_started", "generation_complete", "error", "deployment_completed", "deployment_failed", "code_fix_edits",
        "sandbox_started", "sandbox_stopped", "sandbox_crashed", "runtime_usage", "probe", "d1_query", "migration_applied",
        "migration_failed", "artifact_stored", "llm_call", "rate_limit_exceeded",
    ];

    private static List<EventRow> Events(int count)
    {
        var random = new Random(7);
        string?[] tiers = [null, "free", "pro", "enterprise"];
        return Enumerable.Range(0, count).Select(_ =>
        {
            var app = "app" + random.Next(300);
            return new EventRow(
                Now - (long)(random.NextDouble() * 32 * 24 * 3_600_000) + random.Next(120_000), // a few in the future
                Types[random.Next(Types.Length)],
                random.Next(2) == 0 ? "agent" : "sandbox",
                random.Next(10) == 0 ? null : app,
                "inst-" + app,
                tiers[random.Next(tiers.Length)],
                random.Next(20) == 0 ? "error" : "ok",
                random.Next(10) == 0 ? null : Math.Exp(random.NextDouble() * 9),
                random.NextDouble(),
                random.Next(100_000),
                "m" + random.Next(5));
        }).ToList();
    }

    [Fact]
    public void Bulk_and_merged_halves_equal_the_incremental_fold()
    {
        var events = Events(20_000);
        var slos = SloOptions.Defaults;

        var incremental = new MetricEngine(slos, Now);
        events.ForEach(incremental.Fold);

        var bulk = new MetricEngine(slos, Now);
        bulk.BeginBulk();
        events.ForEach(bulk.Fold);
        bulk.EndBulk();

        var merged = new MetricEngine(slos, Now);
        var second = new MetricEngine(slos, Now);
        merged.BeginBulk();
        second.BeginBulk();
        events.Take(9_000).ToList().ForEach(merged.Fold);
        events.Skip(9_000).ToList().ForEach(second.Fold);
        merged.MergeBulk(second);
        merged.EndBulk();

        var expected = incremental.Metrics();
        foreach (var engine in new[] { bulk, merged })
        {
            var actual = engine.Metrics();
            Assert.Equal(expected.Count, actual.Count);
            foreach (var (e, a) in expected.Zip(actual))
            {
                Assert.Equal((e.Key, e.Window, e.Tier, e.Count, e.P50, e.P95, e.P99), (a.Key, a.Window, a.Tier, a.Count, a.P50, a.P95, a.P99));
                Assert.Equal(e.Value ?? double.NaN, a.Value ?? double.NaN, 1e-9);
            }

            for (var i = 0; i < slos.Count; i++)
            {
                for (var w = 0; w < VibeDashboard.Aggregation.Windows.All.Count; w++)
                {
                    Assert.Equal(incremental.Slo(i, w), engine.Slo(i, w));
                }
            }
        }

        // Time moving on slides the bulk-built windows like the incremental ones.
        incremental.AdvanceTo(Now + (3 * 3_600_000) + 17_000);
        merged.AdvanceTo(Now + (3 * 3_600_000) + 17_000);
        Assert.Equal(
            incremental.Metrics().Select(m => (m.Key, m.Window, m.Tier, m.Count, m.P99)),
            merged.Metrics().Select(m => (m.Key, m.Window, m.Tier, m.Count, m.P99)));
    }

    [Fact]
    public void Bulk_and_incremental_folds_give_the_same_chart_points()
    {
        // SeriesTruthTests checks the points of a recompute (a bulk fold); a tick folds one event at a time.
        var events = Events(20_000);
        var incremental = new MetricEngine(SloOptions.Defaults, Now);
        events.ForEach(incremental.Fold);
        var bulk = new MetricEngine(SloOptions.Defaults, Now);
        bulk.BeginBulk();
        events.ForEach(bulk.Fold);
        bulk.EndBulk();

        foreach (var definition in MetricDefinitions.All)
        {
            foreach (var (hourly, from) in new[] { (false, Now - (24 * 3_600_000)), (true, Now - (30L * 24 * 3_600_000)) })
            {
                foreach (var tier in new[] { null, "pro" })
                {
                    var expected = incremental.Series(definition.Key, hourly, from, tier);
                    var actual = bulk.Series(definition.Key, hourly, from, tier);
                    Assert.Equal(expected.Select(p => (p.At, p.Count, p.P50, p.P95, p.P99)), actual.Select(p => (p.At, p.Count, p.P50, p.P95, p.P99)));
                    Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Value ?? double.NaN, pair.Second.Value ?? double.NaN, 1e-9));
                }
            }
        }
    }

    [Fact]
    public void Window_histogram_uses_the_hdr_histogram_buckets_and_nearest_rank_percentiles()
    {
        var random = new Random(3);
        var window = new WindowHistogram();
        var reference = Rollup.NewHistogram();
        var samples = new List<long>();
        for (var i = 0; i < 50_000; i++)
        {
            var value = Rollup.Layout.LowestEquivalentValue((long)Math.Exp(random.NextDouble() * 29));
            Assert.Equal(value, WindowHistogram.ValueFromIndex(WindowHistogram.Index(value)));
            window.Add(value, 1);
            reference.RecordValue(value);
            samples.Add(value);

            // Small counts are where round(p·n) and ⌈p·n⌉ part: with 51–100 samples p99 must be the largest.
            if (samples.Count is 1 or 2 or 51 or 60 or 99 or 100 or 101 or 1_000 or 50_000)
            {
                var sorted = samples.Order().ToList();
                foreach (var p in new[] { 0.1, 50, 95, 99, 99.9, 100 })
                {
                    var exact = sorted[(int)Percentiles.Rank(p, sorted.Count) - 1];
                    Assert.Equal(Rollup.Layout.MedianEquivalentValue(exact), window.ValueAtPercentile(p));
                    Assert.InRange(window.ValueAtPercentile(p), exact, (long)(exact * 1.01) + 1);
                }
            }
        }

        // Where the two rank rules agree, the value is HdrHistogram's own.
        foreach (var p in new[] { 50, 95, 99, 100 })
        {
            Assert.Equal(reference.MedianEquivalentValue(reference.GetValueAtPercentile(p)), window.ValueAtPercentile(p));
        }
    }

    [Fact]
    public void Nearest_rank_is_the_ceiling_of_p_times_n()
    {
        Assert.Equal(60, Percentiles.Rank(99, 60));   // round(59.4) would be 59
        Assert.Equal(100, Percentiles.Rank(99.5, 100));
        Assert.Equal(999, Percentiles.Rank(99.9, 1_000)); // not 1 000 from 99.9 · 1 000 in binary floating point
        Assert.Equal(1, Percentiles.Rank(50, 1));
        Assert.Equal(1, Percentiles.Rank(0, 10));
        Assert.Equal(50, Percentiles.Rank(50, 100));
    }

    [Fact]
    public void Rows_dated_after_now_wait_and_fold_when_time_reaches_them()
    {
        var engine = new MetricEngine(SloOptions.Defaults, Now);
        engine.Fold(new EventRow(Now - 1_000, "probe", "probe", null, null, "pro", "ok", null, null, null, null));
        engine.Fold(new EventRow(Now + 5_000, "probe", "probe", null, null, "pro", "error", null, null, null, null));
        Assert.Equal(1, engine.PendingRows);
        Assert.Equal(Now - 1_000, engine.NewestEventMs);
        Assert.Equal(1, engine.Metrics().First(m => m.Key == MetricKeys.Availability && m.Window == "5m" && m.Tier is null).Count);

        engine.AdvanceTo(Now + 5_000);
        Assert.Equal(0, engine.PendingRows);
        Assert.Equal(Now + 5_000, engine.NewestEventMs);
        Assert.Equal(0.5, engine.Metrics().First(m => m.Key == MetricKeys.Availability && m.Window == "5m" && m.Tier is null).Value);
    }
}
