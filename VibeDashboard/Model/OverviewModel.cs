using VibeDashboard.Aggregation;

namespace VibeDashboard.Model;

/// <summary>One SLO as its overview card shows it; every text already formatted.</summary>
public sealed record SloCardModel(
    string Key,
    string Name,
    string Objective,
    string Sli,
    string BudgetRemaining,
    double? BudgetFraction,
    string Burn1h,
    string Burn6h,
    AlertState Alert,
    StateTone Tone,
    StateTone BudgetTone,
    long Total)
{
    public static SloCardModel From(SloStatus slo)
    {
        var burn1h = slo.BurnRates.GetValueOrDefault("1h");
        var burn6h = slo.BurnRates.GetValueOrDefault("6h");
        var alertTone = StateTones.FromAlert(slo.Alert);
        var budgetTone = StateTones.FromBudget(slo.BudgetRemaining);
        // A card with budget to spare but a ticket alert is amber; no traffic at all reads "no data", not green.
        var tone = slo.Total == 0 && alertTone == StateTone.Ok ? StateTone.Unknown : StateTones.Worst(alertTone, budgetTone == StateTone.Unknown ? StateTone.Unknown : budgetTone);
        return new SloCardModel(
            slo.Key,
            SloCatalog.DisplayName(slo.Key, slo.Name),
            ValueFormat.Percent(slo.Objective),
            ValueFormat.Format(slo.Sli, MetricUnit.Ratio),
            ValueFormat.Format(slo.BudgetRemaining, MetricUnit.Ratio),
            slo.BudgetRemaining,
            ValueFormat.Burn(burn1h),
            ValueFormat.Burn(burn6h),
            slo.Alert,
            tone,
            budgetTone,
            slo.Total);
    }
}

/// <summary>A metric's headline in a window: the value, and p50/p95/p99 for latencies.</summary>
public sealed record MetricHeadline(MetricInfo Metric, string Value, string? Percentiles, long Count)
{
    public static MetricHeadline From(MetricInfo metric, MetricValue? value)
    {
        string? percentiles = null;
        if (metric.HasPercentiles && value is not null && (value.P50 ?? value.P95 ?? value.P99) is not null)
        {
            percentiles = $"p50 {ValueFormat.Format(value.P50, metric.Unit)} · p95 {ValueFormat.Format(value.P95, metric.Unit)} · p99 {ValueFormat.Format(value.P99, metric.Unit)}";
        }

        // For latencies the headline is p95: the mean hides exactly the tail the SLO is about.
        var headline = metric.HasPercentiles && value?.P95 is not null ? value.P95 : value?.Value;
        return new MetricHeadline(metric, ValueFormat.Format(headline, metric.Unit), percentiles, value?.Count ?? 0);
    }
}

public sealed record AreaTileModel(MetricArea Area, IReadOnlyList<MetricHeadline> Headlines);

/// <summary>An SLO whose alert is not ok, for the strip at the top of the overview.</summary>
public sealed record AlertModel(string SloKey, string Name, AlertState Alert, StateTone Tone, string Text);

/// <summary>Everything the overview shows, built from one snapshot (pure; the page only renders it).</summary>
public sealed record OverviewModel(long Version, string Window, IReadOnlyList<AlertModel> Alerts, IReadOnlyList<SloCardModel> Slos, IReadOnlyList<AreaTileModel> Areas)
{
    public static readonly OverviewModel Empty = new(0, "1h", [], [], []);

    public static OverviewModel Build(Snapshot snapshot, string window)
    {
        var slos = snapshot.Slos.Select(SloCardModel.From).ToList();
        var alerts = snapshot.Slos
            .Where(s => s.Alert is AlertState.Page or AlertState.Ticket)
            .OrderByDescending(s => s.Alert == AlertState.Page)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new AlertModel(
                s.Key,
                SloCatalog.DisplayName(s.Key, s.Name),
                s.Alert,
                StateTones.FromAlert(s.Alert),
                $"{StateTones.AlertLabel(s.Alert)}: {SloCatalog.DisplayName(s.Key, s.Name)} burning at {ValueFormat.Burn(s.BurnRates.GetValueOrDefault("1h"))} (1h), {ValueFormat.Burn(s.BurnRates.GetValueOrDefault("6h"))} (6h); budget left {ValueFormat.Format(s.BudgetRemaining, MetricUnit.Ratio)}"))
            .ToList();
        var areas = MetricCatalog.Areas
            .Select(a => new AreaTileModel(a, [.. a.Metrics.Select(m => MetricHeadline.From(m, snapshot.Metric(m.Key, window)))]))
            .ToList();
        return new OverviewModel(snapshot.Version, window, alerts, slos, areas);
    }
}
