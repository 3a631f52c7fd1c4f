using System.ComponentModel.DataAnnotations;

namespace VibeDashboard.Configuration;

/// <summary>The metrics aggregator (section <c>Aggregation</c>).</summary>
public sealed class AggregationOptions
{
    public const string Section = "Aggregation";

    /// <summary>Interval of the incremental tick that folds new events and publishes a snapshot.</summary>
    [Range(50, 60_000)]
    public int TickMs { get; set; } = 1000;

    /// <summary>
    /// Minimum-traffic guard: a window with fewer SLI events than this never counts towards an alert,
    /// so three failed probes at night do not page anyone.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MinEventsForAlert { get; set; } = 20;

    /// <summary>Per-window overrides of <see cref="MinEventsForAlert"/>, keyed "5m" … "3d".</summary>
    public Dictionary<string, int> MinEventsForAlertByWindow { get; set; } = [];

    /// <summary>In-process subscribers are signalled at most this often (bursts coalesce).</summary>
    [Range(0, 10_000)]
    public int ThrottleMs { get; set; } = 150;

    /// <summary>
    /// Bounded cardinality: per-tier breakdowns keep the top N tiers by volume and fold the rest into <c>other</c>,
    /// so an export with thousands of distinct tiers cannot blow up the snapshot or the memory.
    /// </summary>
    [Range(1, 1000)]
    public int MaxTiers { get; set; } = 32;

    /// <summary>The same bound for per-provider, per-model, per-limiter and per-IP breakdowns.</summary>
    [Range(1, 10_000)]
    public int MaxBreakdownKeys { get; set; } = 32;

    public int MinEventsFor(string window) =>
        MinEventsForAlertByWindow.TryGetValue(window, out var min) ? min : MinEventsForAlert;
}
