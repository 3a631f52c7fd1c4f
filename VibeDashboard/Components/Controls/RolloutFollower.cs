using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Controls;

/// <summary>
/// One component's live list of rollouts (newest first), as <see cref="IncidentFollower"/> follows incidents:
/// signal, then pull. <see cref="LoadAsync"/> reads the list now; after a board change (a control, a check
/// round) a throttled reload reads it again and hands it to <c>changed</c> on the component's renderer. Failures
/// go to <c>failed</c>. Disposal releases the subscription and the timer and cancels a reload in flight.
/// </summary>
public sealed class RolloutFollower : IAsyncDisposable
{
    private readonly IRolloutBoard _board;
    private readonly Func<Func<Task>, Task> _invoke;
    private readonly Func<Task> _changed;
    private readonly Func<Exception, Task> _failed;
    private readonly Throttle _throttle;
    private readonly IDisposable _subscription;
    private readonly CancellationTokenSource _stopping = new();

    public RolloutFollower(
        IRolloutBoard board,
        TimeProvider time,
        Func<Func<Task>, Task> invoke,
        Func<Task> changed,
        Func<Exception, Task> failed)
    {
        _board = board;
        _invoke = invoke;
        _changed = changed;
        _failed = failed;
        // The text cadence: every rollout's check round commits each interval, and one read covers them all.
        _throttle = new Throttle(LivePageBase.TextInterval, ReloadAsync, time, e => _ = _invoke(() => _failed(e)));
        _subscription = board.Subscribe(() =>
        {
            _throttle.Signal();
            return Task.CompletedTask;
        });
    }

    /// <summary>The rollouts as last read, newest first (empty before the first read).</summary>
    public IReadOnlyList<RolloutView> Current { get; private set; } = [];

    /// <summary>Whether a read has completed.</summary>
    public bool Loaded { get; private set; }

    public async Task LoadAsync()
    {
        Current = await _board.ListAsync(_stopping.Token);
        Loaded = true;
    }

    private async Task ReloadAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        IReadOnlyList<RolloutView> rollouts;
        try
        {
            rollouts = await _board.ListAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return; // the component went away mid-read
        }

        await _invoke(async () =>
        {
            Current = rollouts;
            Loaded = true;
            await _changed();
        });
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _stopping.CancelAsync();
        await _throttle.DisposeAsync();
    }
}
