using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// Reads what a gate needs out of one snapshot, for a cohort and a baseline given as tiers. The snapshot carries no
/// per-tier event time, so every tier's data is as old as the snapshot's <see cref="Snapshot.DataAsOf"/>; a tier
/// the snapshot has no row for has no data (Error), a row with no events is a quiet tier (Inconclusive).
/// </summary>
public static class GateInputs
{
    public static GateInput FromSnapshot(
        Snapshot snapshot,
        GateDefinition gate,
        IReadOnlyList<string> cohortTiers,
        IReadOnlyList<string> baselineTiers,
        IReadOnlyList<IncidentSummary> incidents) => gate.Kind switch
        {
            GateKind.Slo => new GateInput([], Slos: snapshot.Slos, SlosAsOf: snapshot.DataAsOf),
            GateKind.Incident => new GateInput([], Incidents: incidents),
            _ => new GateInput(
                cohortTiers.Select(t => Read(snapshot, gate, t)).ToList(),
                gate.Baseline ? Combine($"baseline ({string.Join(", ", baselineTiers)})", baselineTiers.Select(t => Read(snapshot, gate, t)).ToList()) : null),
        };

    /// <summary>
    /// The tiers a baseline gate compares with: those the snapshot has data for that the rollout does not expose
    /// (tiers of later waves, and tiers in no wave at all). Empty once every tier is exposed: the gate then passes
    /// with that reason (<see cref="GateEvaluator"/>), since holding the last wave on a comparison that cannot exist
    /// would leave it promotable only by force.
    /// </summary>
    public static IReadOnlyList<string> BaselineTiers(Snapshot snapshot, string metric, string window, IReadOnlyCollection<string> exposed) =>
        snapshot.Metrics
            .Where(m => m.Key == SnapshotKey(metric) && m.Window == window && m.Tier is { } tier && !exposed.Contains(tier))
            .Select(m => m.Tier!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The cohort's sample for a wave's minimum (<see cref="WaveDefinition.MinEvents"/>): its generations (the count
    /// of <c>completion_success_rate</c>, the cohort's unit of work) summed over its tiers, in the longest snapshot
    /// window that fits in the observation (the shortest window when none does). A window no longer than the
    /// observation undercounts rather than counting the tier's events from before the wave began.
    /// </summary>
    public static long CohortSample(Snapshot snapshot, IReadOnlyList<string> tiers, TimeSpan observation, string metric = MetricKeys.CompletionSuccessRate)
    {
        var fitting = Aggregation.Windows.All.Where(w => w.Length <= observation).ToList();
        var window = fitting.Count > 0 ? fitting.MaxBy(w => w.Length).Name : Aggregation.Windows.All.MinBy(w => w.Length).Name;
        return tiers.Sum(t => snapshot.Metric(metric, window, t)?.Count ?? 0);
    }

    /// <summary>
    /// Several tiers as one reading: the count-weighted mean of each value and percentile, the summed count, the
    /// oldest data. A count-weighted mean of percentiles approximates the percentile of the pooled events (the
    /// snapshot keeps no per-tier samples to pool); it stays between the tiers' own percentiles, which is what a
    /// "not worse than the baseline" comparison needs. Null without a tier.
    /// </summary>
    public static TierReading? Combine(string name, IReadOnlyList<TierReading> readings)
    {
        if (readings.Count == 0)
        {
            return null;
        }

        var asOf = readings.Any(r => r.DataAsOf is null) ? null : readings.Min(r => r.DataAsOf);
        return new TierReading(
            name,
            Mean(readings, r => r.Value),
            readings.Sum(r => r.Count),
            asOf,
            Mean(readings, r => r.P50),
            Mean(readings, r => r.P95),
            Mean(readings, r => r.P99));
    }

    private static double? Mean(IReadOnlyList<TierReading> readings, Func<TierReading, double?> pick)
    {
        var weighted = readings.Where(r => r.Count > 0 && pick(r) is not null).ToList();
        var weight = weighted.Sum(r => (double)r.Count);
        return weight == 0 ? null : weighted.Sum(r => pick(r)!.Value * r.Count) / weight;
    }

    private static TierReading Read(Snapshot snapshot, GateDefinition gate, string tier)
    {
        var metric = gate.Metric ?? "";
        var window = gate.Window ?? "";
        if (snapshot.Metric(SnapshotKey(metric), window, tier) is not { } value)
        {
            return new TierReading(tier, null, 0, null);
        }

        return metric switch
        {
            // Spend in the window: cost per generation × generations. Runtime spend is not in the burn: the
            // snapshot keeps it per preview hour without the hours (gate runtime_cost_per_preview_hour_usd for it).
            RolloutMetrics.CostBurn => new TierReading(tier, (value.Value ?? 0) * value.Count, value.Count, snapshot.DataAsOf),
            RolloutMetrics.RateLimitBreachesPerHour => new TierReading(tier, value.Value ?? value.Count, value.Count, snapshot.DataAsOf),
            _ => new TierReading(tier, value.Value, value.Count, snapshot.DataAsOf, value.P50, value.P95, value.P99),
        };
    }

    private static string SnapshotKey(string metric) => metric switch
    {
        RolloutMetrics.CostBurn => MetricKeys.ProviderCostPerGenerationUsd,
        RolloutMetrics.RateLimitBreachesPerHour => MetricKeys.RateLimitBreaches,
        _ => metric,
    };
}
