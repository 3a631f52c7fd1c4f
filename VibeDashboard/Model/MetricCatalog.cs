using VibeDashboard.Aggregation;

namespace VibeDashboard.Model;

/// <summary>How a metric's value is expressed; decides its formatting and its chart axis.</summary>
public enum MetricUnit
{
    /// <summary>A fraction 0–1 shown as a percentage.</summary>
    Ratio,
    Milliseconds,
    Usd,
    /// <summary>A plain number (e.g. fix loops per app, breaches in a window).</summary>
    Count,
    /// <summary>Events per hour (e.g. crashes per preview hour).</summary>
    PerHour,
    Bytes,
}

/// <summary>One operating metric as the UI presents it. <paramref name="HasPercentiles"/>: latencies and per-app distributions (p50/p95/p99).</summary>
/// <param name="HigherIsBetter">Null when neither direction is good or bad by itself (e.g. artifact growth).</param>
public sealed record MetricInfo(string Key, string Name, MetricUnit Unit, bool HasPercentiles, bool? HigherIsBetter, string Description);

/// <summary>A metric area of BRIEF.md, with its metrics and the offender lists that belong to it.</summary>
public sealed record MetricArea(string Key, string Title, IReadOnlyList<MetricInfo> Metrics, IReadOnlyList<OffenderKind> Offenders);

/// <summary>The operating model of BRIEF.md: which metric lives in which area and how it reads.</summary>
public static class MetricCatalog
{
    public static readonly MetricInfo CompletionSuccessRate = new(MetricKeys.CompletionSuccessRate, "Completion success rate", MetricUnit.Ratio, false, true, "Generations that completed, of those started");
    public static readonly MetricInfo TimeToDeployable = new(MetricKeys.TimeToDeployableMs, "Time to deployable", MetricUnit.Milliseconds, true, false, "First deployment minus generation start, per app");
    public static readonly MetricInfo FixLoopCount = new(MetricKeys.FixLoopCount, "Fix loops per app", MetricUnit.Count, true, false, "Runtime errors found and fix rounds per app");
    public static readonly MetricInfo PreviewStartupLatency = new(MetricKeys.PreviewStartupLatencyMs, "Preview startup latency", MetricUnit.Milliseconds, true, false, "Preview deployment duration");
    public static readonly MetricInfo CrashRestartRate = new(MetricKeys.CrashRestartRate, "Crash/restart rate", MetricUnit.PerHour, false, false, "Sandbox crashes and restarts per preview hour");
    public static readonly MetricInfo Availability = new(MetricKeys.Availability, "Availability", MetricUnit.Ratio, false, true, "Probes that succeeded");
    public static readonly MetricInfo D1QueryLatency = new(MetricKeys.D1QueryLatencyMs, "D1 query latency", MetricUnit.Milliseconds, true, false, "D1 query duration");
    public static readonly MetricInfo MigrationErrorRate = new(MetricKeys.MigrationErrorRate, "Migration error rate", MetricUnit.Ratio, false, false, "Failed migrations, of those attempted");
    public static readonly MetricInfo ArtifactGrowth = new(MetricKeys.ArtifactGrowth, "Artifact growth", MetricUnit.Bytes, false, null, "Artifact bytes stored");
    public static readonly MetricInfo ProviderCostPerGeneration = new(MetricKeys.ProviderCostPerGenerationUsd, "Provider cost per generation", MetricUnit.Usd, false, false, "LLM spend divided by generations");
    public static readonly MetricInfo RuntimeCostPerPreviewHour = new(MetricKeys.RuntimeCostPerPreviewHourUsd, "Runtime cost per preview hour", MetricUnit.Usd, false, false, "Runtime spend divided by preview hours");
    public static readonly MetricInfo ProviderErrorRate = new(MetricKeys.ProviderErrorRate, "Provider error rate", MetricUnit.Ratio, false, false, "LLM calls that failed");
    public static readonly MetricInfo AuthFailureRate = new(MetricKeys.AuthFailureRate, "Auth failure rate", MetricUnit.Ratio, false, false, "Failed auth attempts, of all attempts");
    public static readonly MetricInfo RateLimitBreaches = new(MetricKeys.RateLimitBreaches, "Rate-limit breaches", MetricUnit.Count, false, false, "Requests refused by a rate limiter in the window");

    public static readonly MetricArea Generation = new("generation", "Generation quality",
        [CompletionSuccessRate, TimeToDeployable, FixLoopCount], [OffenderKind.AppsByFixLoops]);

    public static readonly MetricArea Runtime = new("runtime", "Runtime health",
        [PreviewStartupLatency, CrashRestartRate, Availability], []);

    public static readonly MetricArea Data = new("data", "Data layer",
        [D1QueryLatency, MigrationErrorRate, ArtifactGrowth], []);

    public static readonly MetricArea Spend = new("spend", "Spend efficiency",
        [ProviderCostPerGeneration, RuntimeCostPerPreviewHour, ProviderErrorRate], []);

    public static readonly MetricArea Security = new("security", "Security posture",
        [AuthFailureRate, RateLimitBreaches], [OffenderKind.IpsByAuthFailures, OffenderKind.LimiterKeysByBreaches]);

    public static readonly IReadOnlyList<MetricArea> Areas = [Generation, Runtime, Data, Spend, Security];

    public static readonly IReadOnlyList<MetricInfo> Metrics = [.. Areas.SelectMany(a => a.Metrics)];

    public static MetricArea? Area(string? key) => Areas.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.OrdinalIgnoreCase));

    public static MetricInfo? Metric(string key) => Metrics.FirstOrDefault(m => m.Key == key);

    /// <summary>The area a metric belongs to (for links from SLO pages to the metrics behind them).</summary>
    public static MetricArea? AreaOf(string metricKey) => Areas.FirstOrDefault(a => a.Metrics.Any(m => m.Key == metricKey));

    public static string OffenderTitle(OffenderKind kind) => kind switch
    {
        OffenderKind.AppsByFixLoops => "Apps with most fix loops",
        OffenderKind.IpsByAuthFailures => "IPs with most auth failures",
        _ => "Limiter keys with most breaches",
    };

    public static string OffenderKeyLabel(OffenderKind kind) => kind switch
    {
        OffenderKind.AppsByFixLoops => "App",
        OffenderKind.IpsByAuthFailures => "IP address",
        _ => "Limiter key",
    };
}
