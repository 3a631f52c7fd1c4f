using Microsoft.AspNetCore.Components;
using VibeDashboard.Aggregation;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Model;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>One SLO: SLI against its objective, burn rate against the alert thresholds, budget burn-down, alert history.</summary>
public sealed partial class SloDetail
{
    private SloDetailModel? _model;
    private ApexChartConfig _sliChart = new();
    private ApexChartConfig _burnChart = new();
    private ApexChartConfig _budgetChart = new();
    private IReadOnlyList<AlertRow> _history = [];

    [Parameter, EditorRequired] public required string SloKey { get; set; }

    [SupplyParameterFromQuery(Name = DashboardUrls.RangeParameter)] public string? Range { get; set; }

    private DashboardRange SelectedRange => DashboardRanges.Parse(Range, DashboardUrls.DefaultRange);

    private string Title => _model?.Card.Name ?? SloCatalog.DisplayName(SloKey, null);

    protected override void BuildText(Snapshot snapshot) => _model = SloDetailModel.Build(snapshot, SloKey);

    protected override void BuildCharts(Snapshot snapshot)
    {
        var slo = snapshot.Slo(SloKey);
        if (slo is null)
        {
            return;
        }

        var points = Feed.SloSeries(SloKey, SelectedRange);
        _sliChart = ChartConfigs.SliVersusObjective(points, slo);
        _burnChart = ChartConfigs.BurnRate(points);
        // The budget is a 30-day quantity whatever the range: always show its whole window.
        _budgetChart = ChartConfigs.BudgetBurnDown(SelectedRange == DashboardRange.Month ? points : Feed.SloSeries(SloKey, DashboardRange.Month));
        _history = SloDetailModel.History(Feed.AlertHistory(SloKey));
    }
}
