using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using VibeDashboard.Aggregation;
using VibeDashboard.Components.Controls;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Model;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>"Is the platform healthy?": SLO cards, alert strip and one tile per metric area, live.</summary>
public sealed partial class Overview
{
    private static readonly ApexChartConfig NoData = new() { Sparkline = true, Height = 56, Type = ChartType.Area };

    private static readonly OverviewView Empty = new(0, OverviewModel.Empty, new Dictionary<string, MarkupString>(), new Dictionary<string, MarkupString>());

    private OverviewView _view = Empty;
    private Dictionary<string, ApexChartConfig> _sparklines = [];

    // The first render is the cards' text alone: it is what the circuit's first batch carries, and the sparklines'
    // series, their configs and the chart module's import would only hold it back. The charts start once it is painted.
    private bool _chartsStarted;

    /// <summary>Resolves once the browser has painted the frame after the call (blazor-start.js).</summary>
    public const string AfterPaintFunction = "vdAfterPaint";

    [Inject] public required SparklineCache Sparklines { get; init; }

    [Inject] public required IJSRuntime JS { get; init; }

    [Inject] public required OverviewFragments Fragments { get; init; }

    [SupplyParameterFromQuery(Name = DashboardUrls.RangeParameter)] public string? Range { get; set; }

    private DashboardRange SelectedRange => DashboardRanges.Parse(Range, DashboardUrls.DefaultRange);

    protected override void BuildText(Snapshot snapshot) => _view = Fragments.For(snapshot, SelectedRange);

    protected override void BuildCharts(Snapshot snapshot)
    {
        if (!_chartsStarted)
        {
            return;
        }

        var range = SelectedRange;
        _sparklines = snapshot.Slos.ToDictionary(s => s.Key, s => Sparklines.For(snapshot, s, range));
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }

        // Not before the browser has painted the cards: building the sparklines' series takes the server tens of
        // milliseconds of CPU, and where the browser shares the machine (a wall's kiosk box, the ui benchmark) that
        // burst delayed the cards' first frame by about 100 ms. One round trip (AfterPaintFunction) says it is done.
        try
        {
            await JS.InvokeVoidAsync(AfterPaintFunction);
        }
        catch (JSDisconnectedException)
        {
            return;
        }
        catch (Exception e) when (e is OperationCanceledException or JSException)
        {
            // A hidden tab paints no frames: the call times out (JSInteropDefaultCallTimeout), and the charts start
            // anyway rather than never.
        }

        _chartsStarted = true;
        BuildCharts(Snapshot);
        StateHasChanged();
    }

    private ApexChartConfig SparklineFor(string sloKey) => _sparklines.GetValueOrDefault(sloKey) ?? NoData;
}
