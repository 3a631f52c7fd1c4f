using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Tests.Components;

/// <summary>
/// An in-memory <see cref="IIncidentBoard"/> for component tests: <see cref="Set"/> replaces the incidents and
/// signals subscribers, as the real board does after a commit. Lists filter by open/closed/all and by overlap
/// with From/To, newest first, like the contract says.
/// </summary>
public sealed class IncidentBoardFake : IIncidentBoard
{
    private readonly Lock _lock = new();
    private readonly List<Func<Task>> _subscribers = [];
    private IReadOnlyList<IncidentSummary> _incidents = [];

    public List<IncidentQuery> Queries { get; } = [];

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

    /// <summary>Registers the fake and the default runbooks (which SLOs each class affects).</summary>
    public static IncidentBoardFake AddTo(IServiceCollection services)
    {
        var board = new IncidentBoardFake();
        services.AddSingleton<IIncidentBoard>(board);
        services.AddSingleton(new IncidentRunbooks(Options.Create(new IncidentOptions())));
        return board;
    }

    public async Task SetAsync(params IncidentSummary[] incidents)
    {
        List<Func<Task>> subscribers;
        lock (_lock)
        {
            _incidents = incidents;
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            await subscriber();
        }
    }

    public Task<IReadOnlyList<IncidentSummary>> ListAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Queries.Add(query);
            IReadOnlyList<IncidentSummary> result =
            [
                .. _incidents
                    .Where(i => query.Status switch
                    {
                        IncidentListStatus.Open => i.IsOpen,
                        IncidentListStatus.Closed => !i.IsOpen,
                        _ => true,
                    })
                    .Where(i => query.Class is null || i.Class == query.Class)
                    .Where(i => query.From is null || (i.ResolvedAt ?? i.EndedAt ?? DateTimeOffset.MaxValue) >= query.From)
                    .Where(i => query.To is null || i.StartedAt <= query.To)
                    .OrderByDescending(i => i.StartedAt),
            ];
            return Task.FromResult(result);
        }
    }

    public Task<IncidentDetail?> GetAsync(long number, CancellationToken cancellationToken) => Task.FromResult<IncidentDetail?>(null);

    public Task<IReadOnlyList<FollowUp>> FollowUpsAsync(bool openOnly, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<FollowUp>>([]);

    public IDisposable Subscribe(Func<Task> changed)
    {
        lock (_lock)
        {
            _subscribers.Add(changed);
        }

        return new Unsubscriber(this, changed);
    }

    /// <summary>An incident as the board would list it; times relative to <paramref name="startedAt"/>.</summary>
    public static IncidentSummary Incident(
        long number,
        IncidentClass incidentClass,
        DateTimeOffset startedAt,
        IncidentStatus status = IncidentStatus.Investigating,
        Severity severity = Severity.Sev2,
        string title = "Provider errors",
        string? owner = "ai-platform-oncall",
        DateTimeOffset? nextUpdateAt = null,
        DateTimeOffset? resolvedAt = null,
        DateTimeOffset? endedAt = null) =>
        new($"inc-{number}", number, incidentClass, "key", title, severity, status, IncidentSource.Detected, startedAt, startedAt,
            null, null, resolvedAt, endedAt, owner, null, nextUpdateAt, null, null, 1);

    private sealed class Unsubscriber(IncidentBoardFake board, Func<Task> changed) : IDisposable
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
