using System.Globalization;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// A rollout as defined (from a template in <c>Rollouts:Templates</c>, the page or <c>POST /api/rollouts</c>): a
/// release and its ordered waves, each a set of policy tiers, judged by the same gates. Durations are written like
/// the snapshot's windows plus seconds (<c>90s</c>, <c>30m</c>, <c>6h</c>; <see cref="Durations"/>).
/// </summary>
public sealed record RolloutDefinition(
    string Name,
    string Release,
    TimeSpan CheckInterval,
    bool AutoPromote,
    IReadOnlyList<WaveDefinition> Waves,
    IReadOnlyList<GateDefinition> Gates)
{
    public static readonly TimeSpan DefaultCheckInterval = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MinCheckInterval = TimeSpan.FromSeconds(5);
}

/// <summary>One wave: its tiers enter the exposure together; it is ready after <see cref="Observation"/> stable with at least <see cref="MinEvents"/> events.</summary>
public sealed record WaveDefinition(IReadOnlyList<string> Tiers, TimeSpan Observation, long MinEvents);

/// <summary>
/// One gate. Which fields are set decides its <see cref="Kind"/>: <see cref="Slos"/> → slo;
/// <see cref="IncidentClasses"/> → incident; <see cref="Baseline"/> → baseline; a cost metric
/// (<see cref="RolloutMetrics.Cost"/>) → cost; a quota metric → quota; any other snapshot metric → metric.
/// </summary>
public sealed record GateDefinition(
    string Name,
    string? Metric = null,
    MetricStat Stat = MetricStat.Value,
    string? Window = null,
    GateOperator? Op = null,
    double? Threshold = null,
    long MinEvents = 0,
    bool Baseline = false,
    double? MaxWorseBy = null,
    IReadOnlyList<string>? Slos = null,
    AlertState MaxAlert = AlertState.Ok,
    double? MinBudgetRemaining = null,
    IReadOnlyList<IncidentClass>? IncidentClasses = null,
    Severity MaxSeverity = Severity.Sev3)
{
    public GateKind Kind =>
        Slos is { Count: > 0 } ? GateKind.Slo
        : IncidentClasses is { Count: > 0 } ? GateKind.Incident
        : Baseline ? GateKind.Baseline
        : Metric is not null && RolloutMetrics.Cost.Contains(Metric) ? GateKind.Cost
        : Metric is not null && RolloutMetrics.Quota.Contains(Metric) ? GateKind.Quota
        : GateKind.Metric;
}

/// <summary>Which number of a metric a gate reads: its value, or a percentile of a latency.</summary>
public enum MetricStat
{
    Value,
    P50,
    P95,
    P99,
}

/// <summary>How a gate compares its value with its threshold (<c>&gt;=</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&lt;</c>).</summary>
public enum GateOperator
{
    AtLeast,
    AtMost,
    Above,
    Below,
}

/// <summary>The metrics gates may name beyond the snapshot's own: guardrails computed for the cohort.</summary>
public static class RolloutMetrics
{
    /// <summary>Spend rate over the window ÷ (<c>Rollouts:MonthlyCostBudgetUsd</c> ÷ 30 days): 1 spends the budget exactly.</summary>
    public const string CostBurn = "cost_burn";

    /// <summary>Rate-limit breaches per hour over the window.</summary>
    public const string RateLimitBreachesPerHour = "rate_limit_breaches_per_hour";

    public static readonly IReadOnlySet<string> Cost = new HashSet<string>(StringComparer.Ordinal)
    {
        MetricKeys.ProviderCostPerGenerationUsd, MetricKeys.RuntimeCostPerPreviewHourUsd, CostBurn,
    };

    public static readonly IReadOnlySet<string> Quota = new HashSet<string>(StringComparer.Ordinal)
    {
        RateLimitBreachesPerHour, MetricKeys.RateLimitBreaches,
    };
}

/// <summary><c>90s</c>, <c>30m</c>, <c>6h</c>, <c>1d</c>: a whole number and a unit.</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (text is not { Length: >= 2 and <= 12 } || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        var unit = text[^1] switch { 's' => TimeSpan.FromSeconds(1), 'm' => TimeSpan.FromMinutes(1), 'h' => TimeSpan.FromHours(1), 'd' => TimeSpan.FromDays(1), _ => TimeSpan.Zero };
        if (unit == TimeSpan.Zero || n > TimeSpan.FromDays(365).Ticks / unit.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks(n * unit.Ticks);
        return true;
    }

    /// <summary>The shortest way to write it back (<c>90s</c> stays <c>90s</c>, <c>60m</c> is <c>1h</c>).</summary>
    public static string Format(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerDay == 0 ? $"{duration.Ticks / TimeSpan.TicksPerDay}d"
        : duration.Ticks % TimeSpan.TicksPerHour == 0 ? $"{duration.Ticks / TimeSpan.TicksPerHour}h"
        : duration.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{duration.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{duration.Ticks / TimeSpan.TicksPerSecond}s";
}
