namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// An incident's human state: what people decided and when. The detected signal is a different thing (it may clear
/// while the incident stays open, BRIEF.md); it is kept beside this, never inside it. Times are kept for every step
/// (detected, acknowledged, mitigated, resolved, ended) for MTTA and MTTR.
/// </summary>
public sealed record IncidentState
{
    public required long Number { get; init; }

    public required IncidentClass Class { get; init; }

    /// <summary>What makes it one incident of its class: the provider, the migration, the IP…</summary>
    public required string Key { get; init; }

    public required string Title { get; init; }

    public required Severity Severity { get; init; }

    public required IncidentStatus Status { get; init; }

    public required IncidentSource Source { get; init; }

    /// <summary>When the data shows it began (may be before it was detected).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset DetectedAt { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public DateTimeOffset? MitigatedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Closed, declined or merged.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The incident lead.</summary>
    public string? Owner { get; init; }

    public DateTimeOffset? Eta { get; init; }

    public DateTimeOffset? NextUpdateAt { get; init; }

    /// <summary>The incident this one was merged into (status duplicate).</summary>
    public long? DuplicateOf { get; init; }

    public bool PostmortemPublished { get; init; }

    public long Version { get; init; } = 1;

    /// <summary>An active incident whose next status update is late: shown in red everywhere.</summary>
    public bool IsUpdateOverdue(DateTimeOffset now) => Status.IsActive() && NextUpdateAt is { } due && due < now;
}

/// <summary>
/// What a person (or the system) does to an incident. Serialised with its kind (<c>"step": "update"</c>) so that a
/// command's idempotency fingerprint covers the step's fields, not just its type.
/// </summary>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "step")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Acknowledge), "acknowledge")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Assign), "assign")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Update), "update")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(ChangeSeverity), "severity")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Resolve), "resolve")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Reopen), "reopen")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Decline), "decline")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(MarkDuplicate), "duplicate")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(PublishPostmortem), "postmortem")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Close), "close")]
public abstract record IncidentAction
{
    /// <summary>Takes it on: sets the owner, starts investigating, and when the next update is due.</summary>
    public sealed record Acknowledge(string Owner, DateTimeOffset? NextUpdateAt = null) : IncidentAction;

    public sealed record Assign(string Owner) : IncidentAction;

    /// <summary>A status update: a message, optionally a new active status, an ETA and the next update's time.</summary>
    public sealed record Update(string Message, IncidentStatus? Status = null, DateTimeOffset? Eta = null, DateTimeOffset? NextUpdateAt = null) : IncidentAction;

    public sealed record ChangeSeverity(Severity Severity) : IncidentAction;

    public sealed record Resolve(string? Message = null) : IncidentAction;

    public sealed record Reopen(string Reason) : IncidentAction;

    public sealed record Decline(string Reason) : IncidentAction;

    public sealed record MarkDuplicate(long Of) : IncidentAction;

    public sealed record PublishPostmortem : IncidentAction;

    public sealed record Close : IncidentAction;
}

/// <summary>The result of applying an action: the new state, or why the lifecycle forbids it (a 400 with that reason).</summary>
public sealed record IncidentTransition(IncidentState? State, string? Refusal)
{
    public bool Allowed => State is not null;

    public static IncidentTransition To(IncidentState state) => new(state, null);

    public static IncidentTransition Refused(string reason) => new(null, reason);
}

/// <summary>
/// The lifecycle as a pure function of (state, action, now) → new state or a refusal naming the rule. No I/O, no
/// clock of its own: the command handlers feed it, tests walk it with any time they like.
/// </summary>
public static class IncidentLifecycle
{
    /// <summary>When an acknowledgement names no next update, one is due this long after it.</summary>
    public static readonly TimeSpan DefaultUpdateInterval = TimeSpan.FromMinutes(30);

    /// <summary>A next update further ahead than this would hide an overdue one: a status update is due at least weekly.</summary>
    public static readonly TimeSpan MaxUpdateInterval = TimeSpan.FromDays(7);

    /// <summary>The longest text a message, reason or owner may have (the issue's "oversize text").</summary>
    public const int MaxTextLength = 20_000;

    public static IncidentTransition Apply(IncidentState state, IncidentAction action, DateTimeOffset now)
    {
        if (state.Status.IsTerminal() && action is not IncidentAction.PublishPostmortem)
        {
            return IncidentTransition.Refused($"incident {state.Number} is {state.Status.Name()}: nothing more can be done to it (declare a new one if it is back)");
        }

        var next = action switch
        {
            IncidentAction.Acknowledge a => Acknowledge(state, a, now),
            IncidentAction.Assign a => Text(a.Owner, "owner") ?? (object)(state with { Owner = a.Owner.Trim() }),
            IncidentAction.Update u => Update(state, u, now),
            IncidentAction.ChangeSeverity s => ChangeSeverity(state, s),
            IncidentAction.Resolve r => Resolve(state, r, now),
            IncidentAction.Reopen r => Reopen(state, r),
            IncidentAction.Decline d => Decline(state, d, now),
            IncidentAction.MarkDuplicate d => Duplicate(state, d, now),
            IncidentAction.PublishPostmortem => state with { PostmortemPublished = true },
            IncidentAction.Close => Close(state, now),
            _ => $"unknown action {action.GetType().Name}",
        };

        return next switch
        {
            IncidentState changed => IncidentTransition.To(changed with { Version = state.Version + 1 }),
            string refusal => IncidentTransition.Refused(refusal),
            _ => throw new InvalidOperationException("the lifecycle produced neither a state nor a refusal"),
        };
    }

    private static object Acknowledge(IncidentState state, IncidentAction.Acknowledge a, DateTimeOffset now)
    {
        if (Text(a.Owner, "owner") is { } invalid)
        {
            return invalid;
        }

        if (state.AcknowledgedAt is not null)
        {
            return $"incident {state.Number} was acknowledged already (by {state.Owner ?? "someone"}); assign it to change the owner";
        }

        if (!state.Status.IsActive())
        {
            return $"incident {state.Number} is {state.Status.Name()}: reopen it first";
        }

        if (NextUpdateProblem(a.NextUpdateAt, now) is { } late)
        {
            return late;
        }

        return state with
        {
            AcknowledgedAt = now,
            Owner = a.Owner.Trim(),
            Status = state.Status == IncidentStatus.Triage ? IncidentStatus.Investigating : state.Status,
            NextUpdateAt = a.NextUpdateAt ?? now + DefaultUpdateInterval,
        };
    }

    private static object Update(IncidentState state, IncidentAction.Update u, DateTimeOffset now)
    {
        if (Text(u.Message, "message") is { } invalid)
        {
            return invalid;
        }

        if (u.Status is { } status && !status.IsActive())
        {
            return $"status: an update moves between triage, investigating, identified and monitoring; {status.Name()} is its own action";
        }

        if (u.Eta is { } eta && eta <= now)
        {
            return "eta: must be in the future";
        }

        if (!state.Status.IsActive() && u.Status is null)
        {
            // A note on a resolved incident is allowed: it stays resolved.
            return state with { Eta = u.Eta ?? state.Eta };
        }

        if (NextUpdateProblem(u.NextUpdateAt, now) is { } late)
        {
            return late;
        }

        if (u.Status is not null && !state.Status.IsActive())
        {
            return $"incident {state.Number} is {state.Status.Name()}: reopen it to change its status";
        }

        var mitigated = u.Status == IncidentStatus.Monitoring && state.MitigatedAt is null ? now : state.MitigatedAt;
        return state with
        {
            Status = u.Status ?? state.Status,
            Eta = u.Eta ?? state.Eta,
            NextUpdateAt = u.NextUpdateAt ?? now + DefaultUpdateInterval,
            MitigatedAt = mitigated,
        };
    }

    private static object Resolve(IncidentState state, IncidentAction.Resolve r, DateTimeOffset now)
    {
        if (r.Message is not null && Text(r.Message, "message") is { } invalid)
        {
            return invalid;
        }

        if (!state.Status.IsActive())
        {
            return $"incident {state.Number} is {state.Status.Name()}: only an active incident can be resolved";
        }

        // Whoever resolves an incident nobody acknowledged has acknowledged it too (MTTA is then the time to resolve).
        return state with
        {
            Status = IncidentStatus.Resolved,
            AcknowledgedAt = state.AcknowledgedAt ?? now,
            ResolvedAt = now,
            MitigatedAt = state.MitigatedAt ?? now,
            NextUpdateAt = null,
        };
    }

    private static object Reopen(IncidentState state, IncidentAction.Reopen r)
    {
        if (Text(r.Reason, "reason") is { } invalid)
        {
            return invalid;
        }

        if (state.Status != IncidentStatus.Resolved)
        {
            return $"incident {state.Number} is {state.Status.Name()}: only a resolved incident can be reopened";
        }

        return state with { Status = IncidentStatus.Investigating, ResolvedAt = null };
    }

    // Declining says it was never an incident: once resolved it was one (and a SEV1/SEV2 owes its postmortem).
    private static object Decline(IncidentState state, IncidentAction.Decline d, DateTimeOffset now) =>
        Text(d.Reason, "reason")
        ?? (state.Status.IsActive()
            ? (object)(state with { Status = IncidentStatus.Declined, EndedAt = now, NextUpdateAt = null })
            : $"incident {state.Number} is {state.Status.Name()}: only an incident still being worked on can be declined");

    // Lowering a resolved SEV1/SEV2 would let it close without its postmortem: reopen it first if it was less severe.
    private static object ChangeSeverity(IncidentState state, IncidentAction.ChangeSeverity s) =>
        s.Severity == state.Severity ? $"severity: incident {state.Number} is {state.Severity.Name()} already"
        : state.Status == IncidentStatus.Resolved && state.Severity <= Incidents.Severity.Sev2 && s.Severity > Incidents.Severity.Sev2
            ? $"severity: incident {state.Number} was resolved as {state.Severity.Name()}; it keeps that severity (and needs its postmortem) unless it is reopened"
            : (object)(state with { Severity = s.Severity });

    private static string? NextUpdateProblem(DateTimeOffset? due, DateTimeOffset now) =>
        due is not { } at ? null
        : at <= now ? "nextUpdateAt: must be in the future"
        : at > now + MaxUpdateInterval ? $"nextUpdateAt: at most {MaxUpdateInterval.TotalDays:0} days ahead"
        : null;

    private static object Duplicate(IncidentState state, IncidentAction.MarkDuplicate d, DateTimeOffset now) =>
        d.Of == state.Number
            ? "of: an incident cannot be a duplicate of itself"
            : d.Of <= 0
                ? "of: not an incident number"
                : state with { Status = IncidentStatus.Duplicate, DuplicateOf = d.Of, EndedAt = now, NextUpdateAt = null };

    private static object Close(IncidentState state, DateTimeOffset now)
    {
        if (state.Status != IncidentStatus.Resolved)
        {
            return $"incident {state.Number} is {state.Status.Name()}: resolve it before closing";
        }

        if (state.Severity <= Severity.Sev2 && !state.PostmortemPublished)
        {
            return $"incident {state.Number} is {state.Severity.Name()}: SEV1 and SEV2 need a published postmortem before they close";
        }

        return state with { Status = IncidentStatus.Closed, EndedAt = now };
    }

    /// <summary>Null when the text is usable, else what is wrong with it, naming the field.</summary>
    private static string? Text(string? value, string field) =>
        string.IsNullOrWhiteSpace(value) ? $"{field}: required"
        : value.Length > MaxTextLength ? $"{field}: at most {MaxTextLength:N0} characters"
        : null;
}
