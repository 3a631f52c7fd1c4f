using VibeDashboard.Aggregation;

namespace VibeDashboard.Model;

/// <summary>One row of the per-tier split: a metric's headline in each tier (same order as <see cref="MetricAreaModel.Tiers"/>).</summary>
public sealed record TierRow(MetricInfo Metric, IReadOnlyList<string> Values);

public sealed record OffenderRow(string Key, string Count, string? Detail);

public sealed record OffenderTable(OffenderKind Kind, string Title, string KeyLabel, IReadOnlyList<OffenderRow> Rows);

/// <summary>The text of a metric area page for one window and tier filter.</summary>
public sealed record MetricAreaModel(MetricArea Area, string Window, string? Tier, IReadOnlyList<MetricHeadline> Headlines, IReadOnlyList<string> Tiers, IReadOnlyList<TierRow> TierSplit)
{
    public static MetricAreaModel Build(Snapshot snapshot, MetricArea area, string window, string? tier)
    {
        var tiers = TiersOf(snapshot);
        return new MetricAreaModel(
            area,
            window,
            tier,
            [.. area.Metrics.Select(m => MetricHeadline.From(m, snapshot.Metric(m.Key, window, tier)))],
            tiers,
            [.. area.Metrics.Select(m => new TierRow(m, [.. tiers.Select(t => MetricHeadline.From(m, snapshot.Metric(m.Key, window, t)).Value)]))]);
    }

    /// <summary>The policy tiers the snapshot slices by, in a stable order.</summary>
    public static IReadOnlyList<string> TiersOf(Snapshot snapshot) =>
        [.. snapshot.Metrics.Select(m => m.Tier).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static OffenderTable Offenders(OffenderKind kind, IEnumerable<Offender> offenders) => new(
        kind,
        MetricCatalog.OffenderTitle(kind),
        MetricCatalog.OffenderKeyLabel(kind),
        [.. offenders.Select(o => new OffenderRow(o.Key, ValueFormat.Count(o.Count), o.Detail))]);
}
