using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Components.Rollouts;

/// <summary>
/// The rollouts' read side in memory: rollouts and checks set by the test, the list newest first, checks newest
/// first up to the limit, and <see cref="RaiseAsync"/> to signal a change as the board does after a commit.
/// </summary>
public sealed class FakeRolloutBoard : IRolloutBoard
{
    private readonly Lock _lock = new();
    private readonly List<Func<Task>> _subscribers = [];
    private readonly Dictionary<string, RolloutView> _rollouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<GateCheck>> _checks = new(StringComparer.Ordinal);

    public int GetCount { get; private set; }

    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    public RolloutView Put(RolloutView rollout)
    {
        lock (_lock)
        {
            _rollouts[rollout.Id] = rollout;
        }

        return rollout;
    }

    /// <summary>Adds checks in any order; they are kept newest first.</summary>
    public void AddChecks(string id, params GateCheck[] checks)
    {
        lock (_lock)
        {
            var list = _checks.TryGetValue(id, out var existing) ? existing : _checks[id] = [];
            list.AddRange(checks);
            list.Sort((a, b) => b.CheckedAt.CompareTo(a.CheckedAt));
        }
    }

    public Task<IReadOnlyList<RolloutView>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<RolloutView> list = [.. _rollouts.Values.OrderByDescending(r => r.CreatedAt)];
            return Task.FromResult(list);
        }
    }

    public Task<RolloutView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            GetCount++;
            return Task.FromResult(_rollouts.GetValueOrDefault(id));
        }
    }

    public Task<IReadOnlyList<GateCheck>> ChecksAsync(string id, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<GateCheck> list = [.. (_checks.GetValueOrDefault(id) ?? []).Take(limit)];
            return Task.FromResult(list);
        }
    }

    public Task<(IReadOnlyList<ExposureEntry> Rollouts, string ETag)> ExposureAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<ExposureEntry> list = [.. _rollouts.Values.Where(r => r.Status.State != RolloutState.Draft)
                .Select(r => new ExposureEntry(r.Id, r.Definition.Release, r.Status.State, r.Status.EnabledTiers(r.Definition), r.Status.ExposureVersion, r.Status.ExposureUpdatedAt))];
            return Task.FromResult((list, "\"" + string.Join("-", list.Select(e => e.Version)) + "\""));
        }
    }

    public IDisposable Subscribe(Func<Task> changed)
    {
        lock (_lock)
        {
            _subscribers.Add(changed);
        }

        return new Subscription(this, changed);
    }

    /// <summary>Signals every subscriber, as the board does after a rollout command commits.</summary>
    public async Task RaiseAsync()
    {
        List<Func<Task>> subscribers;
        lock (_lock)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            await subscriber();
        }
    }

    private sealed class Subscription(FakeRolloutBoard board, Func<Task> changed) : IDisposable
    {
        public void Dispose()
        {
            lock (board._lock)
            {
                board._subscribers.Remove(changed);
            }
        }
    }
}
