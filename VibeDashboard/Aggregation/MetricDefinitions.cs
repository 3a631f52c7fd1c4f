using static VibeDashboard.Aggregation.MetricFamily;

namespace VibeDashboard.Aggregation;

/// <summary>
/// The metric families: the counters one kind of event folds into. Each family has one rollup per tier
/// (<see cref="Rollup"/>); a metric reads one or more families' counters over a span of time.
/// </summary>
internal static class MetricFamily
{
    public const int Completion = 0; // good, bad, generations started
    public const int Ttd = 1;        // samples, sum ms (+ histogram of µs)
    public const int Fix = 2;        // apps, fix events (+ histogram of fixes per app)
    public const int Preview = 3;    // completed, failed, sum ms, samples with a duration (+ histogram of µs)
    public const int Sandbox = 4;    // crashes, restarts, closed preview ms, runtime cost, runtime_usage events
    public const int Probe = 5;      // ok, total
    public const int D1 = 6;         // queries, sum ms (+ histogram of µs)
    public const int Migration = 7;  // applied, failed
    public const int Artifact = 8;   // bytes, artifact_stored events, new apps rows
    public const int Llm = 9;        // calls, errors, cost
    public const int RateLimit = 10; // breaches
    public const int Auth = 11;      // attempts, failures
    public const int SloBase = 12;   // one family per SLO: good, total

    /// <summary>Counter fields per family, and whether it keeps a histogram (latencies and per-app distributions).</summary>
    public static readonly (int Fields, bool Histogram)[] Shapes =
        [(3, false), (2, true), (2, true), (4, true), (5, false), (2, false), (2, true), (2, false), (3, false), (3, false), (1, false), (2, false)];

    /// <summary>The field of <see cref="Sandbox"/> holding closed preview stretches (ms), spread over the buckets they overlap.</summary>
    public const int ClosedPreviewMs = 2;
}

/// <summary>
/// The counters of every family over one span of time in one tier: a snapshot window, or one bucket of a chart
/// series (a bucket is just a shorter window). Metric definitions read only this, so a window's value and a chart
/// point come from the same formula. Holds references to the rollups' arrays (no copies): refilled per span.
/// </summary>
internal sealed class SpanSums
{
    private readonly double[]?[] _families = new double[]?[SloBase];

    /// <summary>A counter of the span (0 when the family has no rollup in this tier or no bucket there).</summary>
    public double this[int family, int field] => _families[family] is { } sums ? sums[field] : 0;

    /// <summary>Preview ms of instances still running (no stop yet) inside the span: not in any bucket, added when read.</summary>
    public double RunningPreviewMs { get; set; }

    /// <summary>False when VibeSDK's apps table is not in the store: apps_created is unknown, not 0.</summary>
    public bool AppsAvailable { get; set; } = true;

    /// <summary>Preview time in the span (docs/metrics.md, Preview time): closed stretches clipped to it plus running ones up to now.</summary>
    public double PreviewHours => (this[Sandbox, ClosedPreviewMs] + RunningPreviewMs) / Rollup.HourMs;

    public void Set(int family, double[]? sums) => _families[family] = sums;
}

/// <summary>A metric's value and the number of events it was computed from, over one span.</summary>
internal readonly record struct MetricReading(double? Value, long Count)
{
    /// <summary>numerator ÷ denominator (null without a denominator), counted as the denominator: ratios and means.</summary>
    public static MetricReading Ratio(double numerator, double denominator) => new(denominator > 0 ? numerator / denominator : null, (long)denominator);

    /// <summary>numerator ÷ denominator with a count of its own (rates per preview hour, cost per generation).</summary>
    public static MetricReading Per(double numerator, double denominator, double count) => new(denominator > 0 ? numerator / denominator : null, (long)count);

    /// <summary>A plain total (bytes, breaches) counted as <paramref name="count"/> events.</summary>
    public static MetricReading Total(double value, double count) => new(value, (long)count);
}

/// <summary>
/// One metric, defined once (docs/metrics.md): how its value and count come from a span's counters, and, for
/// latencies and per-app distributions, which family's histogram gives p50/p95/p99 and the scale it is kept in.
/// <see cref="MetricEngine.Metrics"/> evaluates it per window, <see cref="MetricEngine.Series"/> per bucket.
/// </summary>
/// <param name="PercentileFamily">The family whose histogram holds the samples (percentiles over the span), or null.</param>
/// <param name="PercentileScale">Histogram values ÷ this = the metric's unit (µs → ms: 1000).</param>
/// <param name="Tiered">False for metrics of VibeSDK tables (no policy tier): only the all-tiers slice exists.</param>
internal sealed record MetricDefinition(
    string Key,
    Func<SpanSums, MetricReading> Read,
    int? PercentileFamily = null,
    double PercentileScale = 1,
    bool Tiered = true);

/// <summary>Every metric with a per-span definition, in the snapshot's order.</summary>
internal static class MetricDefinitions
{
    public static readonly IReadOnlyList<MetricDefinition> All =
    [
        new(MetricKeys.CompletionSuccessRate, s => MetricReading.Ratio(s[Completion, 0], s[Completion, 0] + s[Completion, 1])),
        new(MetricKeys.TimeToDeployableMs, s => MetricReading.Ratio(s[Ttd, 1], s[Ttd, 0]), Ttd, 1000),
        new(MetricKeys.FixLoopCount, s => MetricReading.Ratio(s[Fix, 1], s[Fix, 0]), Fix, 1),
        // Only a deployment_completed with a duration is a latency sample (field 3); every one is a successful start (field 0).
        new(MetricKeys.PreviewStartupLatencyMs, s => MetricReading.Ratio(s[Preview, 2], s[Preview, 3]), Preview, 1000),
        new(ExtraMetricKeys.PreviewStartupFailureRate, s => MetricReading.Ratio(s[Preview, 1], s[Preview, 0] + s[Preview, 1])),
        new(MetricKeys.CrashRestartRate, s => MetricReading.Per(s[Sandbox, 0] + s[Sandbox, 1], s.PreviewHours, s[Sandbox, 0] + s[Sandbox, 1])),
        new(MetricKeys.Availability, s => MetricReading.Ratio(s[Probe, 0], s[Probe, 1])),
        new(MetricKeys.D1QueryLatencyMs, s => MetricReading.Ratio(s[D1, 1], s[D1, 0]), D1, 1000),
        new(MetricKeys.MigrationErrorRate, s => MetricReading.Ratio(s[Migration, 1], s[Migration, 0] + s[Migration, 1])),
        new(MetricKeys.ArtifactGrowth, s => MetricReading.Total(s[Artifact, 0], s[Artifact, 1])),
        new(MetricKeys.ProviderCostPerGenerationUsd, s => MetricReading.Per(s[Llm, 2], s[Completion, 2], s[Completion, 2])),
        new(MetricKeys.RuntimeCostPerPreviewHourUsd, s => MetricReading.Per(s[Sandbox, 3], s.PreviewHours, s[Sandbox, 4])),
        new(MetricKeys.RateLimitBreaches, s => MetricReading.Total(s[RateLimit, 0], s[RateLimit, 0])),
        new(MetricKeys.ProviderErrorRate, s => MetricReading.Ratio(s[Llm, 1], s[Llm, 0])),
        new(ExtraMetricKeys.AppsCreated, s => new MetricReading(s.AppsAvailable ? s[Artifact, 2] : null, (long)s[Artifact, 2]), Tiered: false),
        new(MetricKeys.AuthFailureRate, s => MetricReading.Ratio(s[Auth, 1], s[Auth, 0]), Tiered: false),
    ];

    private static readonly Dictionary<string, MetricDefinition> ByKey = All.ToDictionary(d => d.Key, StringComparer.Ordinal);

    /// <summary>The definition of a metric with a series, or null (auth_failure_anomaly and migration_drift are window-only).</summary>
    public static MetricDefinition? Find(string key) => ByKey.GetValueOrDefault(key);
}
