using Microsoft.AspNetCore.Components;
using VibeDashboard.Aggregation;
using VibeDashboard.Utils;

namespace VibeDashboard.Components;

/// <summary>
/// A page that follows the metrics feed: signal, then pull. Text refreshes on a fast throttle, charts on a
/// slower one of their own (they cost a JS interop round trip each). Failures go to the circuit through
/// <see cref="ComponentBase.DispatchExceptionAsync"/>; disposal releases the subscription and both timers.
/// After a reconnect nothing needs redoing: the circuit kept its state, and the next signal renders as usual.
/// </summary>
public abstract class LivePageBase : ComponentBase, IAsyncDisposable
{
    public static readonly TimeSpan TextInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan ChartInterval = TimeSpan.FromSeconds(3);

    private IDisposable? _subscription;
    private Throttle? _text;
    private Throttle? _charts;

    [Inject] public required IMetricsFeed Feed { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>The snapshot the page currently shows.</summary>
    protected Snapshot Snapshot { get; private set; } = Snapshot.Empty;

    protected override void OnInitialized()
    {
        _text = new Throttle(TextInterval, () => InvokeAsync(() => RefreshAsync(charts: false)), Time);
        _charts = new Throttle(ChartInterval, () => InvokeAsync(() => RefreshAsync(charts: true)), Time);
        _subscription = Feed.Subscribe(OnFeedChanged);
    }

    protected override void OnParametersSet()
    {
        // A new range or tier (a link within the page) redraws everything now, not on the next tick.
        Snapshot = Feed.Current;
        BuildText(Snapshot);
        BuildCharts(Snapshot);
    }

    private Task OnFeedChanged()
    {
        _text?.Signal();
        _charts?.Signal();
        return Task.CompletedTask;
    }

    private async Task RefreshAsync(bool charts)
    {
        try
        {
            var current = Feed.Current;
            if (charts)
            {
                BuildCharts(current);
            }
            else if (current.Version == Snapshot.Version)
            {
                return;
            }
            else
            {
                Snapshot = current;
                BuildText(current);
            }

            StateHasChanged();
        }
        catch (Exception e)
        {
            await DispatchExceptionAsync(e);
        }
    }

    /// <summary>Rebuilds the page's text models from a snapshot (cheap, pure).</summary>
    protected abstract void BuildText(Snapshot snapshot);

    /// <summary>Rebuilds chart configs (queries the feed's series); runs on the slower chart cadence.</summary>
    protected abstract void BuildCharts(Snapshot snapshot);

    public virtual async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_text is not null)
        {
            await _text.DisposeAsync();
        }

        if (_charts is not null)
        {
            await _charts.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
