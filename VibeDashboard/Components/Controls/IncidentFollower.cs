using VibeDashboard.Operations.Incidents;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Controls;

/// <summary>
/// One component's live list of incidents: signal, then pull. <see cref="LoadAsync"/> reads the list now (first
/// render, new parameters); after a board change a throttled reload reads it again and hands it to
/// <c>changed</c> on the component's renderer (its <c>InvokeAsync</c>). Failures go to <c>failed</c> (the
/// component's <c>DispatchExceptionAsync</c>). Disposal releases the subscription and the timer and cancels a
/// reload in flight.
/// </summary>
public sealed class IncidentFollower : IAsyncDisposable
{
    private readonly IIncidentBoard _board;
    private readonly Func<IncidentQuery> _query;
    private readonly Func<Func<Task>, Task> _invoke;
    private readonly Func<Task> _changed;
    private readonly Func<Exception, Task> _failed;
    private readonly Throttle _throttle;
    private readonly IDisposable _subscription;
    private readonly CancellationTokenSource _stopping = new();

    public IncidentFollower(
        IIncidentBoard board,
        TimeProvider time,
        Func<IncidentQuery> query,
        Func<Func<Task>, Task> invoke,
        Func<Task> changed,
        Func<Exception, Task> failed)
    {
        _board = board;
        _query = query;
        _invoke = invoke;
        _changed = changed;
        _failed = failed;
        // The text cadence: a burst of actions on one incident (or a detection tick opening several) reads once.
        _throttle = new Throttle(LivePageBase.TextInterval, ReloadAsync, time, e => _ = _invoke(() => _failed(e)));
        _subscription = board.Subscribe(() =>
        {
            _throttle.Signal();
            return Task.CompletedTask;
        });
    }

    /// <summary>The incidents as last read (empty before the first read).</summary>
    public IReadOnlyList<IncidentSummary> Current { get; private set; } = [];

    /// <summary>Whether a read has completed: before it, a component shows nothing rather than "none".</summary>
    public bool Loaded { get; private set; }

    public async Task LoadAsync()
    {
        Current = await _board.ListAsync(_query(), _stopping.Token);
        Loaded = true;
    }

    private async Task ReloadAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        IReadOnlyList<IncidentSummary> incidents;
        try
        {
            incidents = await _board.ListAsync(_query(), _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return; // the component went away mid-read
        }

        await _invoke(async () =>
        {
            Current = incidents;
            Loaded = true;
            await _changed();
        });
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _stopping.CancelAsync();
        await _throttle.DisposeAsync();
        // The source is not disposed: it has no timer to release, and a reload in flight may still read its token.
    }
}
