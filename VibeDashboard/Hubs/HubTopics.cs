using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Hubs;

/// <summary>
/// What a hub client can subscribe to (<see cref="MetricsHub.Subscribe"/>). Each topic has its own version, which
/// moves by one with each change message of that topic; <c>snapshot</c> is the exception: its version is the
/// snapshot's own and each of its messages is whole.
/// </summary>
public static class HubTopics
{
    public const string Slos = "slos";
    public const string Alerts = "alerts";
    public const string Incidents = "incidents";
    public const string Rollouts = "rollouts";
    public const string Wall = "wall";
    public const string Snapshot = "snapshot";
    public const string MetricPrefix = "metrics:";

    public static readonly IReadOnlyList<string> Fixed = [Slos, Alerts, Incidents, Rollouts, Wall, Snapshot];

    /// <summary>The metric keys the aggregator computes, read from <see cref="MetricKeys"/> so a new key needs no second list.</summary>
    public static readonly IReadOnlySet<string> MetricKeyNames = typeof(MetricKeys)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    public static string Metric(string key) => MetricPrefix + key;

    /// <summary>
    /// The topics asked for, deduplicated, in the order given; an unknown topic or a <c>metrics:</c> key that does
    /// not exist is refused with a <see cref="HubException"/> naming it (the client sees the message).
    /// </summary>
    public static IReadOnlyList<string> Parse(IReadOnlyCollection<string>? topics, Snapshot current)
    {
        if (topics is null || topics.Count == 0)
        {
            throw new HubException("name at least one topic: " + string.Join(", ", Fixed) + ", metrics:<key>");
        }

        var parsed = new List<string>();
        foreach (var topic in topics)
        {
            if (topic is null)
            {
                throw new HubException("a topic is null");
            }

            if (topic.StartsWith(MetricPrefix, StringComparison.Ordinal))
            {
                var key = topic[MetricPrefix.Length..];
                if (!MetricKeyNames.Contains(key) && current.Metrics.All(m => m.Key != key))
                {
                    throw new HubException($"unknown metric in topic '{topic}': no metric '{key}' exists");
                }
            }
            else if (!Fixed.Contains(topic))
            {
                throw new HubException($"unknown topic '{topic}' (topics: {string.Join(", ", Fixed)}, metrics:<key>)");
            }

            if (!parsed.Contains(topic))
            {
                parsed.Add(topic);
            }
        }

        return parsed;
    }
}

/// <summary>
/// One topic's message: a change pushed as <see cref="IMetricsClient.Changed"/>, or a full state answered by
/// <see cref="MetricsHub.Subscribe"/> and <see cref="MetricsHub.State"/> (<see cref="Full"/> true). A change carries
/// only what moved since <see cref="Previous"/> (the version it follows): the items that changed, whole, and the
/// ids of those gone. Only the fields of its topic are set; the others are left out of the JSON.
/// </summary>
public sealed record TopicMessage(string Topic, long Version, long Previous, bool Full)
{
    /// <summary><c>slos</c>: the SLOs whose numbers or state changed (all of them in a full state).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SloStatus>? Slos { get; init; }

    /// <summary><c>alerts</c>: the SLOs whose alert state changed, with the transition that set it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SloAlert>? Alerts { get; init; }

    /// <summary><c>metrics:&lt;key&gt;</c>: the (window, tier) values of that metric that changed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<MetricValue>? Metrics { get; init; }

    /// <summary><c>incidents</c>: the open incidents that changed or opened.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<IncidentSummary>? Incidents { get; init; }

    /// <summary><c>rollouts</c> and <c>wall</c>: the current rollouts that changed or started.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RolloutSummary>? Rollouts { get; init; }

    /// <summary><c>wall</c>: the SLOs as a wall screen shows them, those that changed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<WallSlo>? WallSlos { get; init; }

    /// <summary><c>wall</c>: the open incidents as a wall screen shows them, those that changed or opened.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<WallIncident>? WallIncidents { get; init; }

    /// <summary><c>incidents</c> and <c>wall</c>: numbers of incidents no longer open (closed, declined, merged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<long>? RemovedIncidents { get; init; }

    /// <summary><c>rollouts</c> and <c>wall</c>: ids of rollouts no longer current (completed, aborted).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? RemovedRollouts { get; init; }

    /// <summary><c>wall</c>: how fresh the numbers are; sent when it changed (each new snapshot).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Freshness? Freshness { get; init; }

    /// <summary><c>snapshot</c>, in a full state only: the whole snapshot (pushes are <see cref="IMetricsClient.Snapshot"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Snapshot? Snapshot { get; init; }
}

/// <summary>An SLO's alert state and the transition that set it (none yet: <see cref="Since"/> null).</summary>
public sealed record SloAlert(string Key, string Name, AlertState Alert, DateTimeOffset? Since, string? Reason);

/// <summary>An SLO as a wall screen shows it: state, SLI, budget left and the 1 h and 6 h burn rates.</summary>
public sealed record WallSlo(string Key, string Name, double Objective, double? Sli, double? BudgetRemaining, double? Burn1h, double? Burn6h, AlertState Alert)
{
    public static WallSlo Of(SloStatus s) =>
        new(s.Key, s.Name, s.Objective, s.Sli, s.BudgetRemaining, s.BurnRates.GetValueOrDefault("1h"), s.BurnRates.GetValueOrDefault("6h"), s.Alert);
}

/// <summary>An open incident as a wall screen shows it.</summary>
public sealed record WallIncident(long Number, string Title, IncidentClass Class, Severity Severity, IncidentStatus Status, DateTimeOffset StartedAt, string? Owner, long Version)
{
    public static WallIncident Of(IncidentSummary i) => new(i.Number, i.Title, i.Class, i.Severity, i.Status, i.StartedAt, i.Owner, i.Version);
}

/// <summary>
/// How fresh the numbers are: the snapshot they come from, when it was made, the newest event it counts, whether
/// aggregation is failing (the numbers are then those of <see cref="GeneratedAt"/>) and whether it is demo data.
/// </summary>
public sealed record Freshness(long SnapshotVersion, DateTimeOffset GeneratedAt, DateTimeOffset? DataAsOf, AggregationFailure? Failure, bool Demo)
{
    public static Freshness Of(Snapshot s) => new(s.Version, s.GeneratedAt, s.DataAsOf, s.Failure, s.Demo);
}
