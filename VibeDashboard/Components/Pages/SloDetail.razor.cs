using Microsoft.AspNetCore.Components;
using VibeDashboard.Aggregation;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Components.Controls;
using VibeDashboard.Model;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// One SLO: SLI against its objective, burn rate against the alert thresholds, budget burn-down, alert history.
/// Each chart shades the incidents of the classes whose runbook lists this SLO (<c>Incidents:Classes:*:Slos</c>)
/// and marks every rollout's transitions (started, wave promoted, rolled back, paused…) in its range.
/// </summary>
public sealed partial class SloDetail
{
    private SloDetailModel? _model;
    private ApexChartConfig _sliChart = new();
    private ApexChartConfig _burnChart = new();
    private ApexChartConfig _budgetChart = new();
    private IReadOnlyList<AlertRow> _history = [];
    private IncidentFollower? _incidents;
    private RolloutFollower? _rollouts;

    // The charts as built from the series, before incident spans: a board change redraws spans without a new query.
    private ApexChartConfig _sliData = new();
    private ApexChartConfig _burnData = new();
    private ApexChartConfig _budgetData = new();

    [Inject] public required IIncidentBoard Board { get; init; }

    [Inject] public required IRolloutBoard Rollouts { get; init; }

    [Inject] public required IncidentRunbooks Runbooks { get; init; }

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
        _sliData = ChartConfigs.SliVersusObjective(points, slo);
        _burnData = ChartConfigs.BurnRate(points);
        // The budget is a 30-day quantity whatever the range: always show its whole window.
        _budgetData = ChartConfigs.BudgetBurnDown(SelectedRange == DashboardRange.Month ? points : Feed.SloSeries(SloKey, DashboardRange.Month));
        _history = SloDetailModel.History(Feed.AlertHistory(SloKey));
        DrawEvents();
    }

    protected override void OnInitialized()
    {
        // Every chart here spans at most the budget's 30 days; each keeps the incidents overlapping its own points.
        _incidents = new IncidentFollower(
            Board,
            Time,
            () => new IncidentQuery(IncidentListStatus.All, From: Time.GetUtcNow() - DashboardRange.Month.Length()),
            InvokeAsync,
            () =>
            {
                if (DrawEvents())
                {
                    StateHasChanged();
                }

                return Task.CompletedTask;
            },
            DispatchExceptionAsync);
        _rollouts = new RolloutFollower(
            Rollouts,
            Time,
            InvokeAsync,
            () =>
            {
                if (DrawEvents())
                {
                    StateHasChanged();
                }

                return Task.CompletedTask;
            },
            DispatchExceptionAsync);
        base.OnInitialized();
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_incidents is not null)
        {
            await _incidents.LoadAsync();
        }

        if (_rollouts is not null)
        {
            await _rollouts.LoadAsync();
        }

        DrawEvents();
    }

    /// <summary>
    /// Puts the current incidents and rollout transitions on the charts; a chart whose annotations are unchanged
    /// keeps its config (no redraw). Every rollout is drawn: a release reaches every SLO, whichever its gates list.
    /// </summary>
    private bool DrawEvents()
    {
        var now = Time.GetUtcNow();
        var relevant = (_incidents?.Current ?? []).Where(i => Runbooks.For(i.Class).Slos.Contains(SloKey, StringComparer.Ordinal)).ToList();
        var rollouts = _rollouts?.Current ?? [];
        var (sli, burn, budget) = (_sliChart, _burnChart, _budgetChart);
        _sliChart = ChartConfigs.WithEvents(_sliData, relevant, rollouts, now, _sliChart);
        _burnChart = ChartConfigs.WithEvents(_burnData, relevant, rollouts, now, _burnChart);
        _budgetChart = ChartConfigs.WithEvents(_budgetData, relevant, rollouts, now, _budgetChart);
        return !ReferenceEquals(sli, _sliChart) || !ReferenceEquals(burn, _burnChart) || !ReferenceEquals(budget, _budgetChart);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_incidents is not null)
        {
            await _incidents.DisposeAsync();
        }

        if (_rollouts is not null)
        {
            await _rollouts.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
