using System.Globalization;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Model;

/// <summary>
/// How the board and the incident page word an incident's times for people: its age, the ETA, the next update
/// ("due in 5 min" / "overdue 3 min") and the signal's state. Pure functions of the incident and now, so a page
/// re-renders them from its clock and tests walk them with a fake one.
/// </summary>
public static class IncidentFormat
{
    /// <summary><c>#12</c>: how people name an incident in a channel.</summary>
    public static string Number(long number) => "#" + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>How long it has been going on; for an ended incident, how long it lasted.</summary>
    public static string Age(IncidentSummary incident, DateTimeOffset now) =>
        incident.EndedAt is { } ended
            ? "lasted " + Freshness.FormatAge(ended - incident.StartedAt)
            : Freshness.FormatAge(now - incident.StartedAt);

    /// <summary>"due in 5 min", "overdue 3 min", or null when no update is due (not active, or none set).</summary>
    public static string? NextUpdate(IncidentSummary incident, DateTimeOffset now)
    {
        if (!incident.Status.IsActive() || incident.NextUpdateAt is not { } due)
        {
            return null;
        }

        return incident.IsUpdateOverdue(now)
            ? "overdue " + Freshness.FormatAge(now - due)
            : "due in " + Freshness.FormatAge(due - now);
    }

    /// <summary>"in 40 min (16:05 UTC)", "passed 3 min ago (16:05 UTC)", or null when no ETA was given.</summary>
    public static string? Eta(IncidentSummary incident, DateTimeOffset now)
    {
        if (incident.Eta is not { } eta)
        {
            return null;
        }

        var clock = Clock(eta, now);
        return eta >= now ? $"in {Freshness.FormatAge(eta - now)} ({clock})" : $"passed {Freshness.FormatAge(now - eta)} ago ({clock})";
    }

    /// <summary>"active since 14:02 UTC", "cleared at 14:40 UTC", or "no signal" (declared by hand).</summary>
    public static string Signal(IncidentSignalView? signal, DateTimeOffset now) => signal switch
    {
        null => "no signal (declared by hand)",
        { Active: true } => $"signal active since {Clock(signal.StartedAt, now)}",
        { ClearedAt: { } cleared } => $"signal cleared at {Clock(cleared, now)}",
        _ => "signal cleared",
    };

    /// <summary>The time of day when it is today (UTC), else the full instant: a night's page needs no date.</summary>
    public static string Clock(DateTimeOffset at, DateTimeOffset now) =>
        at.UtcDateTime.Date == now.UtcDateTime.Date
            ? at.UtcDateTime.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The evidence's values against their thresholds: <c>error_ratio 0.83 ≥ 0.25</c>.</summary>
    public static string Evidence(EvidenceValue value) =>
        $"{value.Name} {Value(value.Value)} {value.Op} {Value(value.Threshold)}";

    public static string Value(double value) =>
        Math.Abs(value - Math.Round(value)) < 1e-9 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The lifecycle's word for a status, for people ("investigating").</summary>
    public static string Status(IncidentStatus status) => status.Name();

    public static string Severity(Severity severity) => severity.Name();

    public static string Source(IncidentSource source) => source switch
    {
        IncidentSource.Detected => "detected",
        IncidentSource.Manual => "declared by hand",
        _ => "historical",
    };

    public static string FollowUpKind(FollowUpKind kind) => kind switch
    {
        Operations.Incidents.FollowUpKind.AutomatedTest => "automated test",
        Operations.Incidents.FollowUpKind.AutomatedMitigation => "automated mitigation",
        _ => "runbook change",
    };

    public static string PostmortemStatus(PostmortemStatus status) => status switch
    {
        Operations.Incidents.PostmortemStatus.Draft => "draft",
        Operations.Incidents.PostmortemStatus.InReview => "in review",
        _ => "published",
    };

    /// <summary>SEV1/SEV2 are critical, SEV3 a warning, SEV4 plain.</summary>
    public static StateTone Tone(Severity severity) => severity switch
    {
        Operations.Incidents.Severity.Sev1 or Operations.Incidents.Severity.Sev2 => StateTone.Critical,
        Operations.Incidents.Severity.Sev3 => StateTone.Warning,
        _ => StateTone.Unknown,
    };
}
