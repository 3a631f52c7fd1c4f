using System.Collections.Immutable;

namespace VibeDashboard.Operations.Commands;

/// <summary>
/// Signal-then-pull for a read model over the store (the incident board, the rollout board): after each command the
/// pipeline commits, reads a total that moves exactly when the model changed (its versions only grow) and, only when
/// it moved, calls the subscribers, who then pull what they show. The reads are serialised: a change committed while
/// another's signal is being handled is seen by its own signal's read (a flag set inside the handler could be taken
/// by an earlier commit's signal, too early). A failing read or subscriber is logged; the command already committed.
/// </summary>
public sealed class CommitSignal : IDisposable
{
    private readonly Func<CancellationToken, Task<long>> _readTotal;
    private readonly ILogger _logger;
    private readonly string _what;
    private readonly IDisposable _pipelineSubscription;
    private readonly SemaphoreSlim _watch = new(1, 1);
    private readonly Lock _lock = new();
    private ImmutableArray<Func<Task>> _subscribers = [];
    private long _seenTotal = -1;

    /// <param name="what">The model's name in log lines ("incidents", "rollouts").</param>
    public CommitSignal(ICommandPipeline pipeline, Func<CancellationToken, Task<long>> readTotal, ILogger logger, string what)
    {
        _readTotal = readTotal;
        _logger = logger;
        _what = what;
        _pipelineSubscription = pipeline.Subscribe(CommittedAsync);
    }

    public int SubscriberCount => _subscribers.Length;

    public IDisposable Subscribe(Func<Task> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        lock (_lock)
        {
            _subscribers = _subscribers.Add(changed);
        }

        return new Subscription(this, changed);
    }

    public void Dispose() => _pipelineSubscription.Dispose();

    private async Task CommittedAsync()
    {
        if (_subscribers.IsEmpty)
        {
            return;
        }

        await _watch.WaitAsync();
        try
        {
            var total = await _readTotal(CancellationToken.None);
            if (Interlocked.Exchange(ref _seenTotal, total) == total)
            {
                return;
            }
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Reading the {What}' versions after a commit failed", _what);
            return;
        }
        finally
        {
            _watch.Release();
        }

        foreach (var subscriber in _subscribers)
        {
            try
            {
                await subscriber();
            }
            catch (Exception e)
            {
                // A page that failed to refresh must not fail the command that already committed.
                _logger.LogWarning(e, "A subscriber of the {What} failed", _what);
            }
        }
    }

    private sealed class Subscription(CommitSignal owner, Func<Task> callback) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (owner._lock)
                {
                    owner._subscribers = owner._subscribers.Remove(callback);
                }
            }
        }
    }
}
