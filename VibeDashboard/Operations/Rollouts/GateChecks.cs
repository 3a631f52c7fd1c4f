using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// One check of one gate on one wave's cohort: the result the worst tier decided (Fail, else Error, else
/// Inconclusive, else Pass), that tier's value and count against the threshold, and every tier's own judgement.
/// For a baseline gate <see cref="Threshold"/> is the limit the baseline sets (baseline ∓ maxWorseBy) and
/// <see cref="Baseline"/> the baseline's value; for SLO and incident gates there are no tiers and no value.
/// </summary>
public sealed record GateCheck(
    string Gate,
    GateKind Kind,
    GateResult Result,
    double? Value,
    double? Threshold,
    long Count,
    DateTimeOffset CheckedAt,
    string Reason,
    IReadOnlyList<TierCheck> Tiers,
    double? Baseline = null);

/// <summary>One tier's judgement within a check; <see cref="Baseline"/> is set for baseline gates.</summary>
public sealed record TierCheck(string Tier, GateResult Result, double? Value, long Count, string Reason, double? Baseline = null);

/// <summary>
/// What a gate reads of one tier (or of the baseline, several tiers combined) in the gate's window: the metric's
/// value, its events and percentiles, and the newest event the data holds (null: no data at all). For the two
/// guardrails computed here (<see cref="RolloutMetrics"/>) <see cref="Value"/> is the window's total — the spend in
/// USD for <c>cost_burn</c>, the breaches for <c>rate_limit_breaches_per_hour</c> — which the evaluator turns into
/// the rate, so that a reading is always a plain number of the data and the formula lives in one place.
/// </summary>
public sealed record TierReading(
    string Tier,
    double? Value,
    long Count,
    DateTimeOffset? DataAsOf,
    double? P50 = null,
    double? P95 = null,
    double? P99 = null)
{
    public double? Stat(MetricStat stat) => stat switch
    {
        MetricStat.P50 => P50,
        MetricStat.P95 => P95,
        MetricStat.P99 => P99,
        _ => Value,
    };
}

/// <summary>
/// Everything one gate's check reads, gathered before it runs so that the evaluation is pure: the cohort's tiers,
/// the baseline (baseline gates), the SLOs (SLO gates) with the age of the data they were computed from, and the
/// incidents (incident gates). Build it from a snapshot with <see cref="GateInputs.FromSnapshot"/>.
/// </summary>
public sealed record GateInput(
    IReadOnlyList<TierReading> Cohort,
    TierReading? Baseline = null,
    IReadOnlyList<SloStatus>? Slos = null,
    DateTimeOffset? SlosAsOf = null,
    IReadOnlyList<IncidentSummary>? Incidents = null);

/// <summary>
/// The evaluator's parameters: <c>Health:StaleAfter</c> (older data is Error, never Pass) and
/// <c>Rollouts:MonthlyCostBudgetUsd</c> (the cost burn's denominator; without it a cost_burn gate is Error).
/// </summary>
public sealed record GateEvaluationSettings(TimeSpan StaleAfter, double? MonthlyCostBudgetUsd = null);

/// <summary>Which way a metric gets better, for baseline gates.</summary>
public enum MetricDirection
{
    HigherIsBetter,
    LowerIsBetter,
}

/// <summary>
/// The direction of each metric a baseline gate may compare. Rates of success go up when things are good;
/// latencies, costs, error and crash rates, fix loops and breaches go down. The two guardrails computed here are
/// absent on purpose: their readings are totals that grow with a tier's size, so a cohort and a baseline of
/// different sizes cannot be compared on them (a baseline gate on them is Error).
/// </summary>
public static class MetricDirections
{
    private static readonly IReadOnlyDictionary<string, MetricDirection> Table = new Dictionary<string, MetricDirection>(StringComparer.Ordinal)
    {
        [MetricKeys.CompletionSuccessRate] = MetricDirection.HigherIsBetter,
        [MetricKeys.Availability] = MetricDirection.HigherIsBetter,
        [MetricKeys.TimeToDeployableMs] = MetricDirection.LowerIsBetter,
        [MetricKeys.FixLoopCount] = MetricDirection.LowerIsBetter,
        [MetricKeys.PreviewStartupLatencyMs] = MetricDirection.LowerIsBetter,
        ["preview_startup_failure_rate"] = MetricDirection.LowerIsBetter,
        [MetricKeys.CrashRestartRate] = MetricDirection.LowerIsBetter,
        [MetricKeys.D1QueryLatencyMs] = MetricDirection.LowerIsBetter,
        [MetricKeys.MigrationErrorRate] = MetricDirection.LowerIsBetter,
        [MetricKeys.ProviderCostPerGenerationUsd] = MetricDirection.LowerIsBetter,
        [MetricKeys.RuntimeCostPerPreviewHourUsd] = MetricDirection.LowerIsBetter,
        [MetricKeys.AuthFailureRate] = MetricDirection.LowerIsBetter,
        [MetricKeys.ProviderErrorRate] = MetricDirection.LowerIsBetter,
    };

    public static MetricDirection? Of(string metric) => Table.TryGetValue(metric, out var direction) ? direction : null;
}
