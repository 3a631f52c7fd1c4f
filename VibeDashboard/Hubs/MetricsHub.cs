using Microsoft.AspNetCore.SignalR;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Hubs;

/// <summary>
/// What a hub client receives: every new snapshot, and the current one on connect; and each incident that changed
/// (opened, acted on, its signal cleared), as its summary (<see cref="IncidentBroadcaster"/>); and each rollout that
/// changed (a control, a check round, a rollback), as its summary (<see cref="RolloutBroadcaster"/>).
/// </summary>
public interface IMetricsClient
{
    Task Snapshot(Snapshot snapshot);

    Task Incident(IncidentSummary incident);

    Task Rollout(RolloutSummary rollout);
}

/// <summary>
/// <c>/hubs/metrics</c>, for clients outside the Blazor circuit (wall displays, scripts). A client that joins
/// late gets the current snapshot at once, so it misses nothing that matters; later ones come from
/// <see cref="MetricsBroadcaster"/>.
/// </summary>
public sealed class MetricsHub(IMetricsFeed feed, IIncidentBoard incidents, IRolloutBoard rollouts) : Hub<IMetricsClient>
{
    public const string Path = "/hubs/metrics";

    public override async Task OnConnectedAsync()
    {
        await Clients.Caller.Snapshot(feed.Current);
        await base.OnConnectedAsync();
    }

    /// <summary>Pull the current snapshot (a client that suspects it missed one).</summary>
    public Snapshot Current() => feed.Current;

    /// <summary>The incidents open now (not closed, declined or merged), newest first; later changes arrive as <see cref="IMetricsClient.Incident"/>.</summary>
    public Task<IReadOnlyList<IncidentSummary>> OpenIncidents() => incidents.ListAsync(new IncidentQuery(IncidentListStatus.Open), Context.ConnectionAborted);

    /// <summary>
    /// The current rollouts (running, ready, paused or rolled back), newest first; later changes arrive as
    /// <see cref="IMetricsClient.Rollout"/>.
    /// </summary>
    public async Task<IReadOnlyList<RolloutSummary>> Rollouts() =>
        (await rollouts.ListAsync(Context.ConnectionAborted)).Where(r => RolloutSummary.IsCurrent(r.Status.State)).Select(RolloutSummary.Of).ToList();
}
