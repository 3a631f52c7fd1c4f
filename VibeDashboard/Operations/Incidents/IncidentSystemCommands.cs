using VibeDashboard.Operations.Access;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// <c>incident.detect</c>: the reconciler opens an incident for an episode no incident explains — live (source
/// <c>detected</c>, triage) when the signal is still on, else recorded closed from history (source
/// <c>historical</c>). Sent as the system actor only; its audit entry carries the evidence.
/// </summary>
public sealed record DetectIncidentCommand(DetectedEpisode Episode) : IncidentCommand
{
    public override string Action => "incident.detect";

    public override DashboardRole RequiredRole => DashboardRole.Admin;

    public override string TargetId => "";
}

/// <summary>
/// <c>incident.signal</c>: the reconciler records a change of the signal of incident <see cref="Number"/> (cleared,
/// fired again, new evidence, a rule's episode attaching to a declared incident). It never changes the human state,
/// except that a signal firing again on a resolved incident reopens it (status investigating, reason "signal fired
/// again"): the problem is back, and whoever resolved it needs to know.
/// </summary>
public sealed record UpdateIncidentSignalCommand(long Number, DetectedEpisode Episode) : IncidentCommand
{
    public override string Action => "incident.signal";

    public override DashboardRole RequiredRole => DashboardRole.Admin;

    public override string TargetId => TargetOf(Number);
}

/// <summary>What a webhook receives about an incident (<c>data</c> of the JSON format): the incident and, for an update, its message.</summary>
public sealed record IncidentEventPayload(IncidentSummary Incident, string? Message);
