namespace VibeDashboard.Aggregation;

/// <summary>
/// Change signals for in-process subscribers (signal, then pull). Each subscriber is called at most once per
/// throttle interval; signals arriving while one is pending merge into it, so a slow page never queues work.
/// </summary>
internal sealed class ThrottledSubscriptions(TimeProvider time, TimeSpan throttle, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly List<Subscriber> _subscribers = [];

    public IDisposable Subscribe(Func<Task> onChange)
    {
        var subscriber = new Subscriber(this, onChange);
        lock (_lock)
        {
            _subscribers.Add(subscriber);
        }

        return subscriber;
    }

    public void Signal()
    {
        Subscriber[] targets;
        lock (_lock)
        {
            targets = [.. _subscribers];
        }

        foreach (var target in targets)
        {
            target.Signal();
        }
    }

    private sealed class Subscriber(ThrottledSubscriptions owner, Func<Task> callback) : IDisposable
    {
        private int _pending;
        private long? _lastRun; // timestamp of the last callback; null before the first
        private bool _disposed;

        public void Signal()
        {
            if (Interlocked.Exchange(ref _pending, 1) == 0)
            {
                _ = RunAsync();
            }
        }

        private async Task RunAsync()
        {
            try
            {
                // The first signal runs at once; later ones wait out the rest of the throttle interval.
                if (_lastRun is { } last && owner._time.GetElapsedTime(last) is var since && since < owner._throttle)
                {
                    await Task.Delay(owner._throttle - since, owner._time);
                }

                Volatile.Write(ref _pending, 0);
                _lastRun = owner._time.GetTimestamp();
                if (!Volatile.Read(ref _disposed))
                {
                    await callback();
                }
            }
            catch (Exception e)
            {
                Volatile.Write(ref _pending, 0);
                owner._logger.LogDebug(e, "A snapshot subscriber failed");
            }
        }

        public void Dispose()
        {
            Volatile.Write(ref _disposed, true);
            lock (owner._lock)
            {
                owner._subscribers.Remove(this);
            }
        }
    }

    private readonly TimeProvider _time = time;
    private readonly TimeSpan _throttle = throttle;
    private readonly ILogger _logger = logger;
}
