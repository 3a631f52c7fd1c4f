using VibeDashboard.Aggregation;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>Builders for plausible snapshots and series, so each test states only the values it is about.</summary>
public static class Snapshots
{
    public static readonly DateTimeOffset At = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    public static SloStatus Slo(string key, AlertState alert = AlertState.Ok, double sli = 0.9995, double objective = 0.999, double budget = 0.8, double burn1h = 0.5, double burn6h = 0.4, long total = 10_000) =>
        new(key, key.Replace('_', ' '), objective, sli, budget, budget * 43.2, budget * total * (1 - objective), new Dictionary<string, double?>
        {
            ["5m"] = burn1h, ["30m"] = burn1h, ["1h"] = burn1h, ["2h"] = burn6h, ["6h"] = burn6h, ["1d"] = burn6h, ["3d"] = burn6h,
        }, alert, (long)(total * sli), total);

    public static MetricValue Metric(string key, double? value, string window = "6h", string? tier = null, long count = 100, double? p50 = null, double? p95 = null, double? p99 = null) =>
        new(key, window, tier, value, count, p50, p95, p99);

    public static Snapshot Build(long version, IEnumerable<MetricValue>? metrics = null, IEnumerable<SloStatus>? slos = null, bool demo = false) =>
        new(version, At, At, demo, [.. metrics ?? []], [.. slos ?? DefaultSlos()]);

    public static IEnumerable<SloStatus> DefaultSlos() =>
    [
        Slo("availability"),
        Slo("generation_completion", objective: 0.95, sli: 0.97),
        Slo("preview_startup", objective: 0.99, sli: 0.995),
        Slo("d1_query_latency", objective: 0.99, sli: 0.999),
        Slo("provider_success", objective: 0.99, sli: 0.993),
    ];

    public static IReadOnlyList<SloPoint> SloPoints(int count, DateTimeOffset end, double sli = 0.999) =>
        [.. Enumerable.Range(0, count).Select(i => new SloPoint(end.AddMinutes(i - count + 1), sli, 0.5 + i % 3, 1 - i / (double)count))];

    public static IReadOnlyList<SeriesPoint> SeriesPoints(int count, DateTimeOffset end, double value = 1) =>
        [.. Enumerable.Range(0, count).Select(i => new SeriesPoint(end.AddMinutes(i - count + 1), value, 10, value * 0.5, value * 0.9, value))];
}
