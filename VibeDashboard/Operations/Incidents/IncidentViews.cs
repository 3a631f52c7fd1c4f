using System.Text.Json.Serialization;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// An incident as the board, the API (<c>GET /api/incidents</c>, serialised with <c>CommandJson.Options</c>:
/// camelCase, times ISO 8601 UTC) and the hub show it. <see cref="Id"/> is <c>inc-{number}</c>.
/// </summary>
public sealed record IncidentSummary(
    string Id,
    long Number,
    IncidentClass Class,
    string Key,
    string Title,
    Severity Severity,
    IncidentStatus Status,
    IncidentSource Source,
    DateTimeOffset StartedAt,
    DateTimeOffset DetectedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? MitigatedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? EndedAt,
    string? Owner,
    DateTimeOffset? Eta,
    DateTimeOffset? NextUpdateAt,
    long? DuplicateOf,
    IncidentSignalView? Signal,
    long Version)
{
    /// <summary>Open: not yet closed, declined or merged (resolved incidents are still open: they await close).</summary>
    [JsonIgnore]
    public bool IsOpen => !Status.IsTerminal();

    public bool IsUpdateOverdue(DateTimeOffset now) => Status.IsActive() && NextUpdateAt is { } due && due < now;
}

/// <summary>The detected signal beside the human state: a cleared signal never closes an incident by itself.</summary>
public sealed record IncidentSignalView(string Rule, bool Active, DateTimeOffset StartedAt, DateTimeOffset? ClearedAt, SignalEvidence Evidence);

/// <summary><c>GET /api/incidents/{number}</c>: the summary plus everything the incident page shows.</summary>
public sealed record IncidentDetail(
    IncidentSummary Incident,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<ChecklistItem> Checklist,
    IReadOnlyList<StatusUpdate> Updates,
    Postmortem? Postmortem,
    IReadOnlyList<FollowUp> FollowUps,
    /// <summary>The class's first action (the checklist's item 1), for the page's heading.</summary>
    string FirstAction);

[JsonConverter(typeof(JsonStringEnumConverter<TimelineKind>))]
public enum TimelineKind
{
    /// <summary>The rule fired: carries the evidence.</summary>
    [JsonStringEnumMemberName("detected")]
    Detected,

    /// <summary>The signal cleared, or fired again.</summary>
    [JsonStringEnumMemberName("signal")]
    Signal,

    /// <summary>A person's (or the system's) action: acknowledge, assign, severity, resolve, …</summary>
    [JsonStringEnumMemberName("action")]
    Action,

    [JsonStringEnumMemberName("update")]
    Update,

    [JsonStringEnumMemberName("checklist")]
    Checklist,

    /// <summary>An SLO alert transition while the incident was open (read from the alert history).</summary>
    [JsonStringEnumMemberName("slo_alert")]
    SloAlert,

    [JsonStringEnumMemberName("postmortem")]
    Postmortem,

    /// <summary>A rollout action during the incident (issue 11).</summary>
    [JsonStringEnumMemberName("rollout")]
    Rollout,
}

/// <summary>One line of the timeline, oldest first. <see cref="Data"/> is the entry's details as JSON (evidence, before/after).</summary>
public sealed record TimelineEntry(DateTimeOffset At, TimelineKind Kind, string Actor, string Text, string? Data);

public sealed record ChecklistItem(int Index, string Text, bool Done, string? DoneBy, DateTimeOffset? DoneAt);

public sealed record StatusUpdate(DateTimeOffset At, string Author, string Message, IncidentStatus Status, DateTimeOffset? Eta, DateTimeOffset? NextUpdateAt);

[JsonConverter(typeof(JsonStringEnumConverter<PostmortemStatus>))]
public enum PostmortemStatus
{
    [JsonStringEnumMemberName("draft")]
    Draft,

    [JsonStringEnumMemberName("in_review")]
    InReview,

    [JsonStringEnumMemberName("published")]
    Published,
}

/// <summary>The postmortem; <see cref="Timeline"/> is pre-filled from the incident's timeline when it is first saved, then edited as text.</summary>
public sealed record Postmortem(string Summary, string Impact, string RootCause, string Timeline, PostmortemStatus Status, string? Author, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, long Version);

[JsonConverter(typeof(JsonStringEnumConverter<FollowUpKind>))]
public enum FollowUpKind
{
    [JsonStringEnumMemberName("automated_test")]
    AutomatedTest,

    [JsonStringEnumMemberName("automated_mitigation")]
    AutomatedMitigation,

    [JsonStringEnumMemberName("runbook_change")]
    RunbookChange,
}

public sealed record FollowUp(long Id, long IncidentNumber, string Title, string Owner, DateOnly? Due, FollowUpKind Kind, bool Done, DateTimeOffset CreatedAt, DateTimeOffset? DoneAt);

/// <summary>Which incidents a list shows; <c>?status=open|closed|all&amp;class=&amp;severity=&amp;from=&amp;to=</c>.</summary>
public sealed record IncidentQuery(
    IncidentListStatus Status = IncidentListStatus.Open,
    IncidentClass? Class = null,
    Severity? Severity = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);

public enum IncidentListStatus
{
    Open,
    Closed,
    All,
}

/// <summary>
/// The incidents' read side, for pages, the API and the hub. Signal, then pull: <see cref="Subscribe"/> is raised
/// after any incident change commits (a detection, a person's action); it carries no data.
/// </summary>
public interface IIncidentBoard
{
    /// <summary>Newest first (by startedAt). <see cref="IncidentQuery.From"/>/<see cref="IncidentQuery.To"/> select incidents whose span overlaps the range.</summary>
    Task<IReadOnlyList<IncidentSummary>> ListAsync(IncidentQuery query, CancellationToken cancellationToken);

    Task<IncidentDetail?> GetAsync(long number, CancellationToken cancellationToken);

    /// <summary>Every follow-up, open first (the monthly review and the board's follow-up list).</summary>
    Task<IReadOnlyList<FollowUp>> FollowUpsAsync(bool openOnly, CancellationToken cancellationToken);

    IDisposable Subscribe(Func<Task> changed);
}
