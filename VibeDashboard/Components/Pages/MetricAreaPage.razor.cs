using Microsoft.AspNetCore.Components;
using VibeDashboard.Aggregation;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Model;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>One metric area of BRIEF.md: each metric over the range (p50/p95/p99 for latencies), per tier, and its offenders.</summary>
public sealed partial class MetricAreaPage
{
    private MetricArea? _area;
    private MetricAreaModel? _model;
    private Dictionary<string, ApexChartConfig> _charts = [];
    private IReadOnlyList<OffenderTable> _offenders = [];

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
            _offenders = [];
            return;
        }

        var range = SelectedRange;
        _charts = area.Metrics.ToDictionary(m => m.Key, m => ChartConfigs.Metric(m, Feed.Series(m.Key, range, SelectedTier)));
        _offenders = [.. area.Offenders.Select(kind => MetricAreaModel.Offenders(kind, Feed.TopOffenders(kind, range)))];
    }

    private ApexChartConfig ChartFor(string metricKey) => _charts.GetValueOrDefault(metricKey) ?? new ApexChartConfig();
}
