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
/// One metric area of BRIEF.md: each metric over the range (p50/p95/p99 for latencies), per tier, and its offenders.
/// Every chart shades every incident in its range, whatever the class: no runbook maps classes to metrics, and
/// on these pages the engineer is looking for what moved together (a provider outage shows in generation
/// latency, spend and errors alike), so hiding some would hide exactly the correlation they came for.
/// </summary>
public sealed partial class MetricAreaPage
{
    private MetricArea? _area;
    private MetricAreaModel? _model;
    private Dictionary<string, ApexChartConfig> _charts = [];
    private Dictionary<string, ApexChartConfig> _chartData = [];
    private IReadOnlyList<OffenderTable> _offenders = [];
    private bool _offendersLoading;
    private (string Area, DashboardRange Range)? _offendersShown;
    private int _offendersRequest;
    private readonly CancellationTokenSource _disposed = new();
    private IncidentFollower? _incidents;
    private RolloutFollower? _rollouts;

    [Inject] public required IIncidentBoard Board { get; init; }

    [Inject] public required IRolloutBoard Rollouts { get; init; }

    [Parameter, EditorRequired] public required string AreaKey { get; set; }

    [SupplyParameterFromQuery(Name = DashboardUrls.RangeParameter)] public string? Range { get; set; }

    /// <summary>A policy tier, or null for all tiers together.</summary>
    [SupplyParameterFromQuery(Name = DashboardUrls.TierParameter)] public string? Tier { get; set; }

    private DashboardRange SelectedRange => DashboardRanges.Parse(Range, DashboardUrls.DefaultRange);

    private string? SelectedTier => string.IsNullOrWhiteSpace(Tier) ? null : Tier;

    protected override void BuildText(Snapshot snapshot)
    {
        _area = MetricCatalog.Area(AreaKey);
        _model = _area is null ? null : MetricAreaModel.Build(snapshot, _area, WindowChoice.ForRange(SelectedRange), SelectedTier);
    }

    protected override void BuildCharts(Snapshot snapshot)
    {
        var area = MetricCatalog.Area(AreaKey);
        if (area is null)
        {
            _charts = [];
            _chartData = [];
            _offenders = [];
            _offendersShown = null;
            return;
        }

        var range = SelectedRange;
        _chartData = area.Metrics.ToDictionary(m => m.Key, m => ChartConfigs.Metric(m, Feed.Series(m.Key, range, SelectedTier)));
        LoadOffenders(area, range);
        DrawEvents();
    }

    /// <summary>
    /// Offender lists are SQL over the store (the feed runs it off this circuit's thread): the page renders without
    /// them and fills them in when they arrive. Until the first answer for an area and range the tables say they are
    /// loading; later refreshes (the chart cadence) keep the rows shown until the new ones are in.
    /// </summary>
    private void LoadOffenders(MetricArea area, DashboardRange range)
    {
        if (_offendersShown != (area.Key, range))
        {
            _offendersShown = (area.Key, range);
            _offenders = [.. area.Offenders.Select(kind => MetricAreaModel.Offenders(kind, []))];
            _offendersLoading = area.Offenders.Count > 0;
        }

        if (area.Offenders.Count > 0)
        {
            _ = LoadOffendersAsync(area, range, ++_offendersRequest);
        }
    }

    private async Task LoadOffendersAsync(MetricArea area, DashboardRange range, int request)
    {
        try
        {
            var lists = await Task.WhenAll(area.Offenders.Select(kind => Feed.TopOffendersAsync(kind, range, cancellationToken: _disposed.Token)));
            // Back on the circuit (the await resumed on its dispatcher); a newer area or range asked meanwhile wins.
            if (request != _offendersRequest)
            {
                return;
            }

            var tables = area.Offenders.Select((kind, i) => MetricAreaModel.Offenders(kind, lists[i])).ToList();
            var changed = _offendersLoading || tables.Count != _offenders.Count
                || tables.Zip(_offenders).Any(p => p.First.Kind != p.Second.Kind || !p.First.Rows.SequenceEqual(p.Second.Rows));
            _offenders = tables;
            _offendersLoading = false;
            if (changed)
            {
                StateHasChanged();
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    protected override void OnInitialized()
    {
        _incidents = new IncidentFollower(
            Board,
            Time,
            () => new IncidentQuery(IncidentListStatus.All, From: Time.GetUtcNow() - SelectedRange.Length()),
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
            // A new range reads the incidents of that range.
            await _incidents.LoadAsync();
        }

        if (_rollouts is not null)
        {
            await _rollouts.LoadAsync();
        }

        DrawEvents();
    }

    /// <summary>Puts the current incidents and rollout transitions on the charts; a chart whose annotations are unchanged keeps its config (no redraw).</summary>
    private bool DrawEvents()
    {
        var now = Time.GetUtcNow();
        var incidents = _incidents?.Current ?? [];
        var tier = SelectedTier;
        // One tier's charts mark the rollouts that reach that tier: another tier's release does not move its lines.
        var rollouts = (_rollouts?.Current ?? [])
            .Where(r => tier is null || r.Definition.Waves.Any(w => w.Tiers.Contains(tier, StringComparer.Ordinal)))
            .ToList();
        var shown = _charts;
        _charts = _chartData.ToDictionary(c => c.Key, c => ChartConfigs.WithEvents(c.Value, incidents, rollouts, now, shown.GetValueOrDefault(c.Key)));
        return _charts.Count != shown.Count || _charts.Any(c => !ReferenceEquals(c.Value, shown.GetValueOrDefault(c.Key)));
    }

    public override async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        _disposed.Dispose();
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

    private ApexChartConfig ChartFor(string metricKey) => _charts.GetValueOrDefault(metricKey) ?? new ApexChartConfig();
}
