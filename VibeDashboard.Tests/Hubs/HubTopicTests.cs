using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Hubs;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hubs;

/// <summary>
/// Topics on the real host: a client gets only what it subscribed to, each change says only what moved and which
/// version it follows, and a client that missed one asks for the full state and carries on from it.
/// </summary>
public sealed class HubTopicTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new(new Dictionary<string, string?> { ["Aggregation:ThrottleMs"] = "0" });
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _timeout.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Only_the_subscribed_topics_arrive_and_an_unknown_topic_or_metric_is_refused_by_name()
    {
        var changes = Channel.CreateUnbounded<TopicMessage>();
        var snapshots = 0;
        await using var connection = await HubTopicFixtures.ConnectAsync(_app);
        connection.On<TopicMessage>(nameof(IMetricsClient.Changed), m => changes.Writer.TryWrite(m));
        connection.On<Snapshot>(nameof(IMetricsClient.Snapshot), _ => Interlocked.Increment(ref snapshots));
        await connection.StartAsync();

        var unknown = await Assert.ThrowsAsync<HubException>(() => connection.SubscribeAsync(_timeout.Token, HubTopics.Slos, "weather"));
        Assert.Contains("unknown topic 'weather'", unknown.Message);
        var metric = await Assert.ThrowsAsync<HubException>(() => connection.SubscribeAsync(_timeout.Token, "metrics:happiness"));
        Assert.Contains("no metric 'happiness'", metric.Message);

        var availability = HubTopics.Metric(MetricKeys.Availability);
        var states = await connection.SubscribeAsync(_timeout.Token, HubTopics.Slos, availability);
        Assert.Equal([HubTopics.Slos, availability], states.Select(s => s.Topic));
        Assert.All(states, s => Assert.True(s.Full));

        await HubTopicFixtures.ProbesAsync(_app, 3);
        var received = await UntilAsync(changes, m => m.Topic == availability);
        Assert.Equal([HubTopics.Slos, availability], received.Select(m => m.Topic));

        await connection.InvokeAsync(nameof(MetricsHub.Unsubscribe), new[] { HubTopics.Slos }, _timeout.Token);
        await HubTopicFixtures.ProbesAsync(_app, 2);
        received = await UntilAsync(changes, m => m.Topic == availability);
        Assert.Equal([availability], received.Select(m => m.Topic));
        Assert.Equal(0, snapshots);
    }

    [Fact]
    public async Task A_change_carries_only_what_moved_and_the_version_it_follows()
    {
        var changes = Channel.CreateUnbounded<TopicMessage>();
        await using var connection = await HubTopicFixtures.ConnectAsync(_app);
        connection.On<TopicMessage>(nameof(IMetricsClient.Changed), m => changes.Writer.TryWrite(m));
        await connection.StartAsync();
        var availability = HubTopics.Metric(MetricKeys.Availability);
        var states = (await connection.SubscribeAsync(_timeout.Token, HubTopics.Slos, HubTopics.Wall, availability)).ToDictionary(s => s.Topic);
        Assert.Equal(5, states[HubTopics.Slos].Slos!.Count);

        await HubTopicFixtures.ProbesAsync(_app, 4);
        // The wall's change is the last one a snapshot makes.
        var received = (await UntilAsync(changes, m => m.Topic == HubTopics.Wall)).ToDictionary(m => m.Topic);
        var current = _app.Services.GetRequiredService<IMetricsFeed>().Current;

        foreach (var (topic, change) in received)
        {
            Assert.False(change.Full);
            Assert.Equal((states[topic].Version, states[topic].Version + 1), (change.Previous, change.Version));
        }

        // Probes move the availability SLO alone: the other four are not sent again.
        var slo = Assert.Single(received[HubTopics.Slos].Slos!);
        Assert.Equal(("availability", 4L, 4L), (slo.Key, slo.Good, slo.Total));
        var wall = received[HubTopics.Wall];
        var wallSlo = Assert.Single(wall.WallSlos!);
        Assert.Equal(("availability", (double?)1.0, AlertState.Ok), (wallSlo.Key, wallSlo.Sli, wallSlo.Alert));
        Assert.Equal(current.Slo("availability")!.BurnRates["1h"], wallSlo.Burn1h);
        Assert.Equal(new Freshness(current.Version, current.GeneratedAt, current.DataAsOf, null, false), wall.Freshness);
        Assert.Null(wall.WallIncidents);
        Assert.Null(wall.Rollouts);

        var rows = received[availability].Metrics!;
        Assert.All(rows, r => Assert.Equal(MetricKeys.Availability, r.Key));
        Assert.Contains(rows, r => r is { Window: "5m", Tier: "pro", Count: 4 });
        Assert.Equal(current.Metrics.Where(m => m.Key == MetricKeys.Availability && m.Count > 0).OrderBy(m => (m.Window, m.Tier)), rows.OrderBy(m => (m.Window, m.Tier)));
    }

    [Fact]
    public async Task A_client_that_misses_a_version_asks_for_the_full_state_and_carries_on_from_it()
    {
        var changes = Channel.CreateUnbounded<TopicMessage>();
        await using var connection = await HubTopicFixtures.ConnectAsync(_app);
        connection.On<TopicMessage>(nameof(IMetricsClient.Changed), m => changes.Writer.TryWrite(m));
        await connection.StartAsync();
        var replica = new WallReplica(Assert.Single(await connection.SubscribeAsync(_timeout.Token, HubTopics.Wall)));

        // The first change is lost on the way (as when a slow client falls behind).
        await HubTopicFixtures.ProbesAsync(_app);
        var lost = await changes.Reader.ReadAsync(_timeout.Token);
        Assert.Equal(replica.Version + 1, lost.Version);

        await HubTopicFixtures.ProbesAsync(_app, status: "error");
        var next = await changes.Reader.ReadAsync(_timeout.Token);
        Assert.False(replica.TryApply(next));
        replica = new WallReplica(Assert.Single(await connection.StateAsync(_timeout.Token, HubTopics.Wall)));
        Assert.True(replica.Version >= next.Version);

        await HubTopicFixtures.ProbesAsync(_app);
        var after = await changes.Reader.ReadAsync(_timeout.Token);
        Assert.True(replica.TryApply(after));

        // What the client holds now is what the server would send it whole.
        var state = Assert.Single(await connection.StateAsync(_timeout.Token, HubTopics.Wall));
        Assert.Equal(state.Version, replica.Version);
        Assert.Equal(Json(new WallReplica(state)), Json(replica));
        Assert.Equal(2.0 / 3, replica.Slos["availability"].Sli!.Value, 9);
    }

    private async Task<List<TopicMessage>> UntilAsync(Channel<TopicMessage> changes, Func<TopicMessage, bool> last)
    {
        var received = new List<TopicMessage>();
        TopicMessage message;
        do
        {
            message = await changes.Reader.ReadAsync(_timeout.Token);
            received.Add(message);
        }
        while (!last(message));

        return received;
    }

    private static string Json(WallReplica replica) => JsonSerializer.Serialize(new
    {
        slos = replica.Slos.Values.OrderBy(s => s.Key),
        incidents = replica.Incidents.Values.OrderBy(i => i.Number),
        rollouts = replica.Rollouts.Values.OrderBy(r => r.Id),
        replica.Freshness,
    });

    /// <summary>A wall screen's copy of the <c>wall</c> topic, kept by the rule the README gives clients.</summary>
    private sealed class WallReplica
    {
        public WallReplica(TopicMessage state)
        {
            Assert.True(state.Full);
            Version = state.Version;
            Apply(state);
        }

        public long Version { get; private set; }

        public Dictionary<string, WallSlo> Slos { get; } = [];

        public Dictionary<long, WallIncident> Incidents { get; } = [];

        public Dictionary<string, RolloutSummary> Rollouts { get; } = [];

        public Freshness? Freshness { get; private set; }

        /// <summary>Applies a change that follows the version held (an older one is already in); false on a gap: ask State.</summary>
        public bool TryApply(TopicMessage change)
        {
            if (change.Version <= Version)
            {
                return true;
            }

            if (change.Previous != Version && !change.Full)
            {
                return false;
            }

            Version = change.Version;
            Apply(change);
            return true;
        }

        private void Apply(TopicMessage m)
        {
            if (m.Full)
            {
                Slos.Clear();
                Incidents.Clear();
                Rollouts.Clear();
            }

            foreach (var s in m.WallSlos ?? [])
            {
                Slos[s.Key] = s;
            }

            foreach (var i in m.WallIncidents ?? [])
            {
                Incidents[i.Number] = i;
            }

            foreach (var r in m.Rollouts ?? [])
            {
                Rollouts[r.Id] = r;
            }

            foreach (var number in m.RemovedIncidents ?? [])
            {
                Incidents.Remove(number);
            }

            foreach (var id in m.RemovedRollouts ?? [])
            {
                Rollouts.Remove(id);
            }

            Freshness = m.Freshness ?? Freshness;
        }
    }
}
