using VibeDashboard.Aggregation;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>
/// A hand-fed <see cref="IMetricsFeed"/> for component tests: set <see cref="Current"/> and the series, then
/// <see cref="PublishAsync"/> signals subscribers like the aggregator does. Counts queries so tests can see
/// the chart cadence.
/// </summary>
public sealed class FakeMetricsFeed : IMetricsFeed
{
    private readonly Lock _lock = new();
    private readonly List<Func<Task>> _subscribers = [];

    public Snapshot Current { get; set; } = Snapshot.Empty;

    public Func<string, DashboardRange, string?, IReadOnlyList<SeriesPoint>> SeriesSource { get; set; } = (_, _, _) => [];

    public Func<string, DashboardRange, IReadOnlyList<SloPoint>> SloSeriesSource { get; set; } = (_, _) => [];

    public Dictionary<string, IReadOnlyList<AlertTransition>> Alerts { get; } = [];

    public Dictionary<OffenderKind, IReadOnlyList<Offender>> OffenderLists { get; } = [];

    /// <summary>Every query made, as "Series:key:range:tier", "SloSeries:key:range", "AlertHistory:key", "TopOffenders:kind:range".</summary>
    public List<string> Queries { get; } = [];

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

    public IDisposable Subscribe(Func<Task> onChange)
    {
        lock (_lock)
        {
            _subscribers.Add(onChange);
        }

        return new Subscription(this, onChange);
    }

    public async Task PublishAsync(Snapshot snapshot)
    {
        Current = snapshot;
        Func<Task>[] targets;
        lock (_lock)
        {
            targets = [.. _subscribers];
        }

        foreach (var target in targets)
        {
            await target();
        }
    }

    public IReadOnlyList<SeriesPoint> Series(string metricKey, DashboardRange range, string? tier = null)
    {
        Record($"Series:{metricKey}:{range.ToQuery()}:{tier}");
        return SeriesSource(metricKey, range, tier);
    }

    public IReadOnlyList<SloPoint> SloSeries(string sloKey, DashboardRange range)
    {
        Record($"SloSeries:{sloKey}:{range.ToQuery()}");
        return SloSeriesSource(sloKey, range);
    }

    public IReadOnlyList<AlertTransition> AlertHistory(string sloKey)
    {
        Record($"AlertHistory:{sloKey}");
        return Alerts.GetValueOrDefault(sloKey) ?? [];
    }

    /// <summary>While set and not completed, offender queries wait for it (a slow store): tests see the loading state.</summary>
    public TaskCompletionSource? OffendersHeld { get; set; }

    public async Task<IReadOnlyList<Offender>> TopOffendersAsync(OffenderKind kind, DashboardRange range, int count = 10, CancellationToken cancellationToken = default)
    {
        Record($"TopOffenders:{kind}:{range.ToQuery()}");
        if (OffendersHeld is { } held)
        {
            await held.Task.WaitAsync(cancellationToken);
        }

        return OffenderLists.GetValueOrDefault(kind) ?? [];
    }

    public int QueryCount(string prefix)
    {
        lock (_lock)
        {
            return Queries.Count(q => q.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    private void Record(string query)
    {
        lock (_lock)
        {
            Queries.Add(query);
        }
    }

    private sealed class Subscription(FakeMetricsFeed owner, Func<Task> callback) : IDisposable
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
