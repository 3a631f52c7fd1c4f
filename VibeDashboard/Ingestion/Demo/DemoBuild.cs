namespace VibeDashboard.Ingestion.Demo;

/// <summary>Where this process's demo store build stands.</summary>
public enum DemoBuildPhase
{
    /// <summary>No build in this process (demo data off, a source configured, imported data): nothing to wait for.</summary>
    None,

    /// <summary>The demo store is being written (one transaction: readers see the store as it was until it commits).</summary>
    Building,

    /// <summary>The demo store was built and committed.</summary>
    Built,

    /// <summary>The build threw; the store is as it was before (the transaction rolled back).</summary>
    Failed,
}

/// <summary>One reading of the build: its phase, the events written so far and, when it failed, why.</summary>
public sealed record DemoBuildStatus(DemoBuildPhase Phase, long EventsWritten, string? Error)
{
    public static readonly DemoBuildStatus NotBuilding = new(DemoBuildPhase.None, 0, null);

    public bool IsBuilding => Phase == DemoBuildPhase.Building;

    /// <summary>What <c>/readyz</c> and the pages say while the build runs.</summary>
    public string Describe() => Phase switch
    {
        DemoBuildPhase.Building => EventsWritten > 0
            ? $"building the demo store ({EventsWritten.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} events written)"
            : "building the demo store",
        DemoBuildPhase.Failed => $"building the demo store failed: {Error}",
        DemoBuildPhase.Built => "the demo store is built",
        _ => "no demo store to build",
    };
}

/// <summary>
/// The demo store's build in this process, which runs in the background so that the server answers at once
/// (<c>Hosting/StoreStartup</c> starts it). The aggregator and the live appender wait for it
/// (<see cref="WhenSettledAsync"/>): a half-built store is not data, and live events belong after the history.
/// <c>/readyz</c> and the pages read <see cref="Current"/>; <see cref="Subscribe"/> signals each change of phase
/// (signal, then pull; progress is not signalled, readers poll it).
/// The default is <see cref="DemoBuildPhase.None"/>: a host that never builds (a benchmark's, a test's) has nothing to wait for.
/// </summary>
public sealed class DemoBuild(ILogger<DemoBuild> logger)
{
    private readonly Lock _lock = new();
    private readonly List<Func<Task>> _subscribers = [];
    private TaskCompletionSource _settled = Settled();
    private DemoBuildPhase _phase = DemoBuildPhase.None;
    private long _eventsWritten;
    private string? _error;

    /// <summary>
    /// Awaited after <see cref="Begin"/> and before anything is written: tests hold a build in its Building phase
    /// here to watch what the server says meanwhile. Null in the app.
    /// </summary>
    internal Func<CancellationToken, Task>? Hold { get; init; }

    public DemoBuildStatus Current
    {
        get
        {
            lock (_lock)
            {
                return new DemoBuildStatus(_phase, Volatile.Read(ref _eventsWritten), _error);
            }
        }
    }

    /// <summary>Completes when no build is running (at once when none is); cancelled with the token.</summary>
    public Task WhenSettledAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return _settled.Task.WaitAsync(cancellationToken);
        }
    }

    public IDisposable Subscribe(Func<Task> onChange)
    {
        lock (_lock)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    /// <summary>Marks the build as started. Called before the server listens, so no request sees the store unannounced.</summary>
    public void Begin()
    {
        lock (_lock)
        {
            _phase = DemoBuildPhase.Building;
            _error = null;
            Volatile.Write(ref _eventsWritten, 0);
            if (_settled.Task.IsCompleted)
            {
                _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Progress, from the writer's loop: cheap, no signal.</summary>
    public void Report(long eventsWritten) => Volatile.Write(ref _eventsWritten, eventsWritten);

    /// <summary>The build committed (<paramref name="built"/>) or found nothing to do after all (an import came first).</summary>
    public Task CompleteAsync(bool built) => SettleAsync(built ? DemoBuildPhase.Built : DemoBuildPhase.None, null);

    /// <summary>The build threw: waiters go on with the store as it is (empty, or what was there before).</summary>
    public Task FailAsync(string error) => SettleAsync(DemoBuildPhase.Failed, error);

    private async Task SettleAsync(DemoBuildPhase phase, string? error)
    {
        TaskCompletionSource settled;
        Func<Task>[] targets;
        lock (_lock)
        {
            _phase = phase;
            _error = error;
            settled = _settled;
            targets = [.. _subscribers];
        }

        settled.TrySetResult();
        foreach (var target in targets)
        {
            try
            {
                await target();
            }
            catch (Exception e)
            {
                // A subscriber's failure (a closed circuit) must not stop the others from hearing the build is done.
                logger.LogDebug(e, "A demo build subscriber failed");
            }
        }
    }

    private static TaskCompletionSource Settled()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private sealed class Subscription(DemoBuild owner, Func<Task> callback) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._subscribers.Remove(callback);
            }
        }
    }
}
