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
    public void Window_histogram_uses_the_hdr_histogram_buckets_and_percentiles()
    {
        var random = new Random(3);
        var window = new WindowHistogram();
        var reference = Rollup.NewHistogram();
        for (var i = 0; i < 50_000; i++)
        {
            var value = Rollup.Layout.LowestEquivalentValue((long)Math.Exp(random.NextDouble() * 29));
            Assert.Equal(value, WindowHistogram.ValueFromIndex(WindowHistogram.Index(value)));
            window.Add(value, 1);
            reference.RecordValue(value);
        }

        foreach (var p in new[] { 0.1, 50, 95, 99, 99.9, 100 })
        {
            Assert.Equal(reference.MedianEquivalentValue(reference.GetValueAtPercentile(p)), window.ValueAtPercentile(p));
        }
    }
}
