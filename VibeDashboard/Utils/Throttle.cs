namespace VibeDashboard.Utils;

/// <summary>
/// Coalesces bursts of signals into at most one run per interval (trailing edge): the first signal arms a
/// one-shot timer, further signals until it fires are merged. Pages use one for text (fast) and one for
/// charts (slow, because JS interop is the expensive hop). Time comes from <see cref="TimeProvider"/> so tests
/// step it with a fake clock.
/// </summary>
public sealed class Throttle : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _interval;
    private readonly Func<Task> _action;
    private readonly Action<Exception>? _onError;
    private readonly ITimer _timer;
    private bool _armed;
    private bool _disposed;

    public Throttle(TimeSpan interval, Func<Task> action, TimeProvider time, Action<Exception>? onError = null)
    {
        _interval = interval;
        _action = action;
        _onError = onError;
        _timer = time.CreateTimer(_ => _ = FireAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Interval => _interval;

    /// <summary>Asks for a run; returns at once. Safe from any thread.</summary>
    public void Signal()
    {
        lock (_lock)
        {
            if (_armed || _disposed)
            {
                return;
            }

            _armed = true;
            _timer.Change(_interval, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task FireAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            // Disarm before running: a signal during the run schedules the next one rather than being lost.
            _armed = false;
        }

        try
        {
            await _action();
        }
        catch (Exception e)
        {
            _onError?.Invoke(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        await _timer.DisposeAsync();
    }
}
