using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Tests.Components.Incidents;

/// <summary>
/// The board's read side in memory: incidents and details set by the test, the list filtered as the contract says
/// (status, class, severity, a span overlapping the range, newest first), every query recorded, and
/// <see cref="RaiseAsync"/> to signal a change as the store does after a commit.
/// </summary>
public sealed class FakeIncidentBoard : IIncidentBoard
{
    private readonly Lock _lock = new();
    private readonly List<Func<Task>> _subscribers = [];
    private readonly Dictionary<long, IncidentDetail> _details = [];
    private readonly List<FollowUp> _followUps = [];

    public List<IncidentQuery> Queries { get; } = [];

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

    /// <summary>Adds or replaces an incident (its detail too: the summary, the runbook's checklist by default).</summary>
    public IncidentDetail Put(IncidentSummary incident, Func<IncidentDetail, IncidentDetail>? detail = null)
    {
        var value = new IncidentDetail(incident, [], [], [], null, [], "Fail over to validated backup route and reduce optional workload");
        if (_details.TryGetValue(incident.Number, out var existing))
        {
            value = existing with { Incident = incident };
        }

        value = detail?.Invoke(value) ?? value;
        lock (_lock)
        {
            _details[incident.Number] = value;
        }

        return value;
    }

    public void AddFollowUp(FollowUp followUp)
    {
        lock (_lock)
        {
            _followUps.Add(followUp);
        }
    }

    public Task<IReadOnlyList<IncidentSummary>> ListAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Queries.Add(query);
            IReadOnlyList<IncidentSummary> list = [.. _details.Values.Select(d => d.Incident)
                .Where(i => query.Status switch
                {
                    IncidentListStatus.Open => i.IsOpen,
                    IncidentListStatus.Closed => !i.IsOpen,
                    _ => true,
                })
                .Where(i => query.Class is null || i.Class == query.Class)
                .Where(i => query.Severity is null || i.Severity == query.Severity)
                .Where(i => query.From is null || (i.EndedAt ?? DateTimeOffset.MaxValue) >= query.From)
                .Where(i => query.To is null || i.StartedAt <= query.To)
                .OrderByDescending(i => i.StartedAt)];
            return Task.FromResult(list);
        }
    }

    public Task<IncidentDetail?> GetAsync(long number, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            GetCount++;
            return Task.FromResult(_details.GetValueOrDefault(number));
        }
    }

    public Task<IReadOnlyList<FollowUp>> FollowUpsAsync(bool openOnly, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<FollowUp> list = [.. _followUps.Where(f => !openOnly || !f.Done).OrderBy(f => f.Done)];
            return Task.FromResult(list);
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

    /// <summary>Signals every subscriber, as the store does after a change commits.</summary>
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

    private sealed class Subscription(FakeIncidentBoard board, Func<Task> changed) : IDisposable
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
