using VibeDashboard.Aggregation;

namespace VibeDashboard.Model;

/// <summary>One alert window's burn rate as the SLO page's table shows it.</summary>
public sealed record BurnRow(string Window, string Rate, StateTone Tone);

/// <summary>One alert state change, formatted.</summary>
public sealed record AlertRow(string At, string From, string To, StateTone Tone, string Reason);

/// <summary>The text of an SLO page: current state, budget in its three units, burn per window.</summary>
public sealed record SloDetailModel(
    SloCardModel Card,
    string BudgetMinutes,
    string BudgetEvents,
    string GoodOfTotal,
    IReadOnlyList<BurnRow> Burns,
    MetricArea? Area)
{
    public static SloDetailModel? Build(Snapshot snapshot, string sloKey)
    {
        if (snapshot.Slo(sloKey) is not { } slo)
        {
            return null;
        }

        var metric = SloCatalog.MetricOf(slo.Key);
        return new SloDetailModel(
            SloCardModel.From(slo),
            slo.BudgetRemainingMinutes is { } minutes ? $"{ValueFormat.Number(Math.Round(minutes, 1))} min" : ValueFormat.None,
            slo.BudgetRemainingEvents is { } events ? $"{ValueFormat.Number(Math.Round(events))} events" : ValueFormat.None,
            $"{ValueFormat.Count(slo.Good)} good of {ValueFormat.Count(slo.Total)}",
            [.. SloCatalog.BurnWindows.Select(w => new BurnRow(w, ValueFormat.Burn(slo.BurnRates.GetValueOrDefault(w)), StateTones.FromBurn(slo.BurnRates.GetValueOrDefault(w))))],
            metric is null ? null : MetricCatalog.AreaOf(metric.Key));
    }

    public static IReadOnlyList<AlertRow> History(IEnumerable<AlertTransition> transitions) =>
        [.. transitions.Select(t => new AlertRow(Freshness.FormatInstant(t.At), StateTones.AlertLabel(t.From), StateTones.AlertLabel(t.To), StateTones.FromAlert(t.To), t.Reason))];
}
