using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Hubs;

/// <summary>
/// The current state of every hub topic and its version. The broadcasters hand it what they read (a snapshot, the
/// open incidents, the current rollouts); it works out, per topic, what changed, moves that topic's version by one
/// and sends the change to the topic's members — under one lock, so a topic's messages leave in version order and a
/// full state (<see cref="State"/>) is always one that the changes continue from.
/// </summary>
public sealed class TopicBook(TopicFanout fanout)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private Snapshot _snapshot = Snapshot.Empty;
    private IReadOnlyList<SloAlert> _alerts = [];
    private IReadOnlyList<IncidentSummary> _incidents = [];
    private IReadOnlyList<RolloutSummary> _rollouts = [];

    /// <summary>Full states of <paramref name="topics"/> (already parsed), each with its version.</summary>
    public IReadOnlyList<TopicMessage> State(IReadOnlyList<string> topics)
    {
        lock (_lock)
        {
            return topics.Select(FullState).ToList();
        }
    }

    /// <summary>Joins the connection to the topics and returns their full states, consistent with the changes that follow.</summary>
    public IReadOnlyList<TopicMessage> Subscribe(string connectionId, IReadOnlyList<string> topics)
    {
        lock (_lock)
        {
            // Joined and read under the lock that sends: every change after this state reaches the connection.
            fanout.Join(connectionId, topics);
            return topics.Select(FullState).ToList();
        }
    }

    /// <summary>A new snapshot: <c>snapshot</c>, <c>slos</c>, <c>alerts</c>, <c>metrics:*</c> and <c>wall</c> move if they changed.</summary>
    public void Publish(Snapshot snapshot, IReadOnlyList<SloAlert> alerts)
    {
        lock (_lock)
        {
            var before = _snapshot;
            if (snapshot.Version <= before.Version)
            {
                return;
            }

            var beforeAlerts = _alerts;
            _snapshot = snapshot;
            _alerts = alerts;
            fanout.Send(HubTopics.Snapshot, nameof(IMetricsClient.Snapshot), snapshot);

            var slos = Diff(before.Slos, snapshot.Slos, s => s.Key, SameSlo);
            Emit(HubTopics.Slos, slos, (m, items) => m with { Slos = items });

            var alertChanges = Diff(beforeAlerts, alerts, a => a.Key, (a, b) => a == b);
            Emit(HubTopics.Alerts, alertChanges, (m, items) => m with { Alerts = items });

            foreach (var key in snapshot.Metrics.Select(m => m.Key).Concat(before.Metrics.Select(m => m.Key)).Distinct())
            {
                var metric = Diff(MetricRows(before, key), MetricRows(snapshot, key), m => (m.Window, m.Tier), (a, b) => a == b);
                Emit(HubTopics.Metric(key), metric, (m, items) => m with { Metrics = items });
            }

            var wallSlos = Diff(before.Slos.Select(WallSlo.Of).ToList(), snapshot.Slos.Select(WallSlo.Of).ToList(), s => s.Key, (a, b) => a == b);
            var freshness = Freshness.Of(snapshot);
            var freshnessChanged = freshness != Freshness.Of(before);
            if (wallSlos.Changed.Count > 0 || wallSlos.Removed.Count > 0 || freshnessChanged)
            {
                // An SLO leaves only when the configuration changes: the wall then gets its whole state.
                SendWall(wallSlos.Removed.Count > 0 ? null : m => m with
                {
                    WallSlos = OrNull(wallSlos.Changed),
                    Freshness = freshnessChanged ? freshness : null,
                });
            }
        }
    }

    /// <summary>The open incidents now: <c>incidents</c> and <c>wall</c> move if any opened, changed or left.</summary>
    public void PublishIncidents(IReadOnlyList<IncidentSummary> open)
    {
        lock (_lock)
        {
            var before = _incidents;
            _incidents = open;
            var incidents = Diff(before, open, i => i.Number, (a, b) => a.Version == b.Version);
            if (incidents.Changed.Count > 0 || incidents.Removed.Count > 0)
            {
                Send(HubTopics.Incidents, m => m with { Incidents = OrNull(incidents.Changed), RemovedIncidents = OrNull(incidents.Removed) });
                var wall = Diff(before.Select(WallIncident.Of).ToList(), open.Select(WallIncident.Of).ToList(), i => i.Number, (a, b) => a == b);
                if (wall.Changed.Count > 0 || wall.Removed.Count > 0)
                {
                    SendWall(m => m with { WallIncidents = OrNull(wall.Changed), RemovedIncidents = OrNull(wall.Removed) });
                }
            }
        }
    }

    /// <summary>The current rollouts now: <c>rollouts</c> and <c>wall</c> move if any started, changed or finished.</summary>
    public void PublishRollouts(IReadOnlyList<RolloutSummary> current)
    {
        lock (_lock)
        {
            var before = _rollouts;
            _rollouts = current;
            var rollouts = Diff(before, current, r => r.Id, (a, b) => a.Version == b.Version && a.ExposureVersion == b.ExposureVersion);
            if (rollouts.Changed.Count > 0 || rollouts.Removed.Count > 0)
            {
                Send(HubTopics.Rollouts, m => m with { Rollouts = OrNull(rollouts.Changed), RemovedRollouts = OrNull(rollouts.Removed) });
                SendWall(m => m with { Rollouts = OrNull(rollouts.Changed), RemovedRollouts = OrNull(rollouts.Removed) });
            }
        }
    }

    private TopicMessage FullState(string topic)
    {
        var message = new TopicMessage(topic, _versions.GetValueOrDefault(topic), 0, Full: true);
        return topic switch
        {
            HubTopics.Snapshot => message with { Version = _snapshot.Version, Snapshot = _snapshot },
            HubTopics.Slos => message with { Slos = _snapshot.Slos },
            HubTopics.Alerts => message with { Alerts = _alerts },
            HubTopics.Incidents => message with { Incidents = _incidents },
            HubTopics.Rollouts => message with { Rollouts = _rollouts },
            HubTopics.Wall => WallState(message),
            _ => message with { Metrics = MetricRows(_snapshot, topic[HubTopics.MetricPrefix.Length..]) },
        };
    }

    private TopicMessage WallState(TopicMessage message) => message with
    {
        WallSlos = _snapshot.Slos.Select(WallSlo.Of).ToList(),
        WallIncidents = _incidents.Select(WallIncident.Of).ToList(),
        Rollouts = _rollouts,
        Freshness = Freshness.Of(_snapshot),
    };

    /// <summary>Sends the changed items, or the whole topic when an item left (SLOs and metric rows leave only on a configuration change).</summary>
    private void Emit<T, TKey>(string topic, Changes<T, TKey> changes, Func<TopicMessage, IReadOnlyList<T>, TopicMessage> with)
    {
        if (changes.Removed.Count > 0)
        {
            Send(topic, null);
        }
        else if (changes.Changed.Count > 0)
        {
            Send(topic, m => with(m, changes.Changed));
        }
    }

    private void SendWall(Func<TopicMessage, TopicMessage>? change) => Send(HubTopics.Wall, change);

    /// <summary>Moves the topic's version by one and sends the change (<paramref name="change"/> null: the full state).</summary>
    private void Send(string topic, Func<TopicMessage, TopicMessage>? change)
    {
        var previous = _versions.GetValueOrDefault(topic);
        _versions[topic] = previous + 1;
        if (!fanout.HasMembers(topic))
        {
            return;
        }

        var message = change is null
            ? FullState(topic) with { Previous = previous }
            : change(new TopicMessage(topic, previous + 1, previous, Full: false));
        fanout.Send(topic, nameof(IMetricsClient.Changed), message);
    }

    /// <summary>A change leaves out what did not move (an empty list would only cost bytes).</summary>
    private static IReadOnlyList<T>? OrNull<T>(IReadOnlyList<T> items) => items.Count > 0 ? items : null;

    private static List<MetricValue> MetricRows(Snapshot snapshot, string key) => snapshot.Metrics.Where(m => m.Key == key).ToList();

    /// <summary>Burn rates are a dictionary, which record equality compares by reference.</summary>
    private static bool SameSlo(SloStatus a, SloStatus b) =>
        a with { BurnRates = b.BurnRates } == b
        && a.BurnRates.Count == b.BurnRates.Count
        && a.BurnRates.All(p => b.BurnRates.TryGetValue(p.Key, out var v) && Nullable.Equals(v, p.Value));

    private sealed record Changes<T, TKey>(IReadOnlyList<T> Changed, IReadOnlyList<TKey> Removed);

    private static Changes<T, TKey> Diff<T, TKey>(IReadOnlyList<T> before, IReadOnlyList<T> after, Func<T, TKey> key, Func<T, T, bool> same)
        where TKey : notnull
    {
        var old = new Dictionary<TKey, T>();
        foreach (var item in before)
        {
            old[key(item)] = item;
        }

        var changed = new List<T>();
        var seen = new HashSet<TKey>();
        foreach (var item in after)
        {
            var k = key(item);
            seen.Add(k);
            if (!old.TryGetValue(k, out var was) || !same(was, item))
            {
                changed.Add(item);
            }
        }

        return new(changed, old.Keys.Where(k => !seen.Contains(k)).ToList());
    }
}
