namespace VibeDashboard.Aggregation;

/// <summary>
/// The aggregator's output after one tick: immutable, versioned, swapped atomically. Pages and the hub read
/// it after a change signal (signal, then pull). Serialised as-is by <c>GET /api/snapshot</c> (camelCase).
/// </summary>
public sealed record Snapshot(
    long Version,
    DateTimeOffset GeneratedAt,
    DateTimeOffset? DataAsOf,
    bool Demo,
    IReadOnlyList<MetricValue> Metrics,
    IReadOnlyList<SloStatus> Slos)
{
    public static readonly Snapshot Empty = new(0, DateTimeOffset.UnixEpoch, null, false, [], []);

    /// <summary>
    /// Values the aggregator could not fold and skipped (an occurred_at outside 2000 … now + 1 day, a non-finite
    /// or absurd duration, cost or size) in the events it read; they are not in any metric.
    /// </summary>
    public long SkippedValues { get; init; }

    /// <summary>
    /// Set while aggregation fails: the numbers are those of <see cref="GeneratedAt"/>, kept because the latest
    /// ticks threw; null when the last tick succeeded.
    /// </summary>
    public AggregationFailure? Failure { get; init; }

    /// <summary>
    /// <c>llm_call</c> numbers per provider (<see cref="ProviderValue.Model"/> null) and per (provider, model), in
    /// every window; bounded by <c>Aggregation:MaxBreakdownKeys</c>, the rest under <c>other</c> (docs/metrics.md).
    /// </summary>
    public IReadOnlyList<ProviderValue> Providers { get; init; } = [];

    /// <summary>One metric value; <paramref name="tier"/> null means all policy tiers together.</summary>
    public MetricValue? Metric(string key, string window, string? tier = null) =>
        Metrics.FirstOrDefault(m => m.Key == key && m.Window == window && m.Tier == tier);

    public SloStatus? Slo(string key) => Slos.FirstOrDefault(s => s.Key == key);

    /// <summary>One provider's row in a window; <paramref name="model"/> null means all its models together.</summary>
    public ProviderValue? Provider(string provider, string window, string? model = null) =>
        Providers.FirstOrDefault(p => p.Provider == provider && p.Window == window && p.Model == model);
}

/// <summary>
/// The <c>llm_call</c> rows of one provider (and model, or all its models when <see cref="Model"/> is null) in one
/// window: <see cref="Calls"/> and <see cref="Errors"/> (status error), <see cref="ErrorRatio"/> = errors / calls
/// (null without calls), cost and token sums, and over the calls with a duration_ms (<see cref="LatencySamples"/>)
/// the mean and nearest-rank p50/p95/p99 in ms (null without samples).
/// </summary>
public sealed record ProviderValue(
    string Provider,
    string? Model,
    string Window,
    long Calls,
    long Errors,
    double? ErrorRatio,
    double CostUsd,
    long TokensIn,
    long TokensOut,
    long LatencySamples,
    double? LatencyMeanMs,
    double? P50,
    double? P95,
    double? P99);

/// <summary>Why the snapshot stopped moving: the last tick's error and when ticks started failing.</summary>
public sealed record AggregationFailure(string Error, DateTimeOffset Since);

/// <summary>
/// A metric in one window (<see cref="Windows"/>) and tier. Ratios are fractions 0–1; <see cref="Count"/> is the
/// number of events the value was computed from; percentiles are set for latency metrics only.
/// </summary>
public sealed record MetricValue(string Key, string Window, string? Tier, double? Value, long Count, double? P50, double? P95, double? P99);

/// <summary>
/// An SLO's state. <see cref="Sli"/> and <see cref="BudgetRemaining"/> (fraction of the 30-day error budget
/// left, may go negative) are over the SLO window; <see cref="BurnRates"/> per alert window ("5m" … "3d");
/// <see cref="Alert"/> is <c>"ok"</c>, <c>"ticket"</c> or <c>"page"</c> on the wire.
/// </summary>
public sealed record SloStatus(
    string Key,
    string Name,
    double Objective,
    double? Sli,
    double? BudgetRemaining,
    double? BudgetRemainingMinutes,
    double? BudgetRemainingEvents,
    IReadOnlyDictionary<string, double?> BurnRates,
    AlertState Alert,
    long Good,
    long Total);

/// <summary>Window names used everywhere (snapshot, JSON, UI).</summary>
public static class Windows
{
    public static readonly IReadOnlyList<(string Name, TimeSpan Length)> All =
    [
        ("5m", TimeSpan.FromMinutes(5)), ("30m", TimeSpan.FromMinutes(30)), ("1h", TimeSpan.FromHours(1)),
        ("2h", TimeSpan.FromHours(2)), ("6h", TimeSpan.FromHours(6)), ("1d", TimeSpan.FromDays(1)),
        ("3d", TimeSpan.FromDays(3)), ("30d", TimeSpan.FromDays(30)),
    ];
}

/// <summary>Metric keys of the snapshot (README documents them).</summary>
public static class MetricKeys
{
    public const string CompletionSuccessRate = "completion_success_rate";
    public const string TimeToDeployableMs = "time_to_deployable_ms";
    public const string FixLoopCount = "fix_loop_count";
    public const string PreviewStartupLatencyMs = "preview_startup_latency_ms";
    public const string CrashRestartRate = "crash_restart_rate";
    public const string Availability = "availability";
    public const string D1QueryLatencyMs = "d1_query_latency_ms";
    public const string MigrationErrorRate = "migration_error_rate";
    public const string ArtifactGrowth = "artifact_growth";
    public const string ProviderCostPerGenerationUsd = "provider_cost_per_generation_usd";
    public const string RuntimeCostPerPreviewHourUsd = "runtime_cost_per_preview_hour_usd";
    public const string AuthFailureRate = "auth_failure_rate";
    public const string RateLimitBreaches = "rate_limit_breaches";
    public const string ProviderErrorRate = "provider_error_rate";
}
