using Microsoft.AspNetCore.SignalR;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Hubs;

/// <summary>
/// What a hub client receives, for the topics it subscribed to only (<see cref="MetricsHub.Subscribe"/>): a change
/// message per topic that moved (<see cref="Changed"/>), and on the <c>snapshot</c> topic every new snapshot whole
/// (<see cref="Snapshot"/>, as before topics existed).
/// </summary>
public interface IMetricsClient
{
    Task Snapshot(Snapshot snapshot);

    Task Changed(TopicMessage change);
}

/// <summary>
/// <c>/hubs/metrics</c>, for clients outside the Blazor circuit (wall displays, scripts). A client subscribes to the
/// topics it shows and starts from the full state <see cref="Subscribe"/> returns; after that it gets compact changes
/// (<see cref="TopicBook"/>), and when a change's <c>previous</c> is not the version it holds it asks
/// <see cref="State"/> again. The whole snapshot stays available: <see cref="Current"/>, the <c>snapshot</c> topic
/// and <c>GET /api/snapshot</c>.
/// </summary>
public sealed class MetricsHub(IMetricsFeed feed, IIncidentBoard incidents, IRolloutBoard rollouts, TopicBook book, TopicFanout fanout) : Hub<IMetricsClient>
{
    public const string Path = "/hubs/metrics";

    /// <summary>Subscribes to the topics and returns their full states (with their versions): changes continue from these.</summary>
    public IReadOnlyList<TopicMessage> Subscribe(string[] topics) => book.Subscribe(Context.ConnectionId, HubTopics.Parse(topics, feed.Current));

    public void Unsubscribe(string[] topics) => fanout.Leave(Context.ConnectionId, HubTopics.Parse(topics, feed.Current));

    /// <summary>The full states of the topics, for a client that saw a version gap (or any client, subscribed or not).</summary>
    public IReadOnlyList<TopicMessage> State(string[] topics) => book.State(HubTopics.Parse(topics, feed.Current));

    /// <summary>Pull the current snapshot, whole.</summary>
    public Snapshot Current() => feed.Current;

    /// <summary>The incidents open now (not closed, declined or merged), newest first.</summary>
    public Task<IReadOnlyList<IncidentSummary>> OpenIncidents() => incidents.ListAsync(new IncidentQuery(IncidentListStatus.Open), Context.ConnectionAborted);

    /// <summary>The current rollouts (running, ready, paused or rolled back), newest first.</summary>
    public async Task<IReadOnlyList<RolloutSummary>> Rollouts() =>
        (await rollouts.ListAsync(Context.ConnectionAborted)).Where(r => RolloutSummary.IsCurrent(r.Status.State)).Select(RolloutSummary.Of).ToList();
}
