using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// Incident commands, sent by pages (CommandSender), the API (<c>/api/incidents…</c>) and the reconciler (as the
/// system actor). Every one of them is audited; all of an incident's changes bump its one version, which the
/// API's <c>expectedVersion</c> names (409 when stale).
/// </summary>
public abstract record IncidentCommand : ICommand<IncidentSummary>
{
    public abstract string Action { get; }

    public virtual DashboardRole RequiredRole => DashboardRole.Operator;

    public string TargetType => "incident";

    public abstract string TargetId { get; }

    public long? ExpectedVersion { get; init; }

    public string? IdempotencyKey { get; init; }

    public string? Reason { get; init; }

    public static string TargetOf(long number) => $"inc-{number}";
}

/// <summary><c>incident.declare</c>: an operator declares an incident by hand (source <c>manual</c>, status triage).</summary>
public sealed record DeclareIncidentCommand(IncidentClass Class, string Title, Severity Severity, string? Key = null, string? Owner = null, string? Message = null) : IncidentCommand
{
    public override string Action => "incident.declare";

    public override string TargetId => "";
}

/// <summary>
/// <c>incident.{acknowledge|assign|update|severity|resolve|reopen|decline|duplicate|close}</c>: one step of the
/// lifecycle (<see cref="IncidentLifecycle"/>); a step the lifecycle forbids is a 400 with its reason.
/// </summary>
public sealed record IncidentActionCommand(long Number, IncidentAction Step) : IncidentCommand
{
    public override string Action => "incident." + StepName(Step);

    public override string TargetId => TargetOf(Number);

    /// <summary>The API's name of a step (<c>POST /api/incidents/{number}/{name}</c>).</summary>
    public static string StepName(IncidentAction step) => step switch
    {
        IncidentAction.Acknowledge => "acknowledge",
        IncidentAction.Assign => "assign",
        IncidentAction.Update => "update",
        IncidentAction.ChangeSeverity => "severity",
        IncidentAction.Resolve => "resolve",
        IncidentAction.Reopen => "reopen",
        IncidentAction.Decline => "decline",
        IncidentAction.MarkDuplicate => "duplicate",
        IncidentAction.PublishPostmortem => "postmortem",
        IncidentAction.Close => "close",
        _ => "unknown",
    };
}

/// <summary><c>incident.checklist</c>: checks (or unchecks) item <see cref="Index"/> (0-based) of the first-response checklist.</summary>
public sealed record CheckChecklistItemCommand(long Number, int Index, bool Done) : IncidentCommand
{
    public override string Action => "incident.checklist";

    public override string TargetId => TargetOf(Number);
}

/// <summary>
/// <c>incident.postmortem</c>: saves the postmortem (created on first save, its timeline pre-filled from the
/// incident's when <see cref="Timeline"/> is null) and moves it draft → in review → published. Publishing is what
/// lets a SEV1/SEV2 close.
/// </summary>
public sealed record SavePostmortemCommand(long Number, string Summary, string Impact, string RootCause, string? Timeline, PostmortemStatus Status) : IncidentCommand
{
    public override string Action => "incident.postmortem";

    public override string TargetId => TargetOf(Number);
}

/// <summary><c>incident.follow_up</c>: adds a follow-up to the incident's postmortem.</summary>
public sealed record AddFollowUpCommand(long Number, string Title, string Owner, DateOnly? Due, FollowUpKind Kind) : IncidentCommand
{
    public override string Action => "incident.follow_up";

    public override string TargetId => TargetOf(Number);
}

/// <summary><c>incident.follow_up_close</c>: closes (or reopens, <see cref="Done"/> false) follow-up <see cref="FollowUpId"/>.</summary>
public sealed record CloseFollowUpCommand(long Number, long FollowUpId, bool Done = true) : IncidentCommand
{
    public override string Action => "incident.follow_up_close";

    public override string TargetId => TargetOf(Number);
}
