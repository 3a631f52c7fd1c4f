using System.Text.Json;
using System.Text.Json.Serialization;

namespace VibeDashboard.Operations.Incidents;

/// <summary>The playbook's four incident classes, plus triage for what no class rule explains.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentClass>))]
public enum IncidentClass
{
    [JsonStringEnumMemberName("provider_outage")]
    ProviderOutage,

    [JsonStringEnumMemberName("sandbox_instability")]
    SandboxInstability,

    [JsonStringEnumMemberName("migration_regression")]
    MigrationRegression,

    [JsonStringEnumMemberName("auth_policy_failure")]
    AuthPolicyFailure,

    [JsonStringEnumMemberName("unclassified")]
    Unclassified,
}

/// <summary>
/// Where an incident is in its life. Active: triage → investigating → identified → monitoring. Then resolved →
/// closed; or it ends declined (not an incident) or as a duplicate (merged into another).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentStatus>))]
public enum IncidentStatus
{
    [JsonStringEnumMemberName("triage")]
    Triage,

    [JsonStringEnumMemberName("investigating")]
    Investigating,

    [JsonStringEnumMemberName("identified")]
    Identified,

    [JsonStringEnumMemberName("monitoring")]
    Monitoring,

    [JsonStringEnumMemberName("resolved")]
    Resolved,

    [JsonStringEnumMemberName("closed")]
    Closed,

    [JsonStringEnumMemberName("declined")]
    Declined,

    [JsonStringEnumMemberName("duplicate")]
    Duplicate,
}

/// <summary>SEV1 (most severe) to SEV4. Ordered so that a smaller value is worse.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("SEV1")]
    Sev1 = 1,

    [JsonStringEnumMemberName("SEV2")]
    Sev2 = 2,

    [JsonStringEnumMemberName("SEV3")]
    Sev3 = 3,

    [JsonStringEnumMemberName("SEV4")]
    Sev4 = 4,
}

/// <summary>How the dashboard learned of an incident.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncidentSource>))]
public enum IncidentSource
{
    [JsonStringEnumMemberName("detected")]
    Detected,

    [JsonStringEnumMemberName("manual")]
    Manual,

    [JsonStringEnumMemberName("historical")]
    Historical,
}

public static class IncidentStatuses
{
    /// <summary>Triage to monitoring: someone is (or should be) working on it, and status updates are due.</summary>
    public static bool IsActive(this IncidentStatus status) => status is IncidentStatus.Triage or IncidentStatus.Investigating
        or IncidentStatus.Identified or IncidentStatus.Monitoring;

    /// <summary>Nothing more happens to it (a reopen of a closed incident is a new incident).</summary>
    public static bool IsTerminal(this IncidentStatus status) => status is IncidentStatus.Closed or IncidentStatus.Declined or IncidentStatus.Duplicate;

    /// <summary>The wire name (<c>investigating</c>, …), as JSON writes it.</summary>
    public static string Name(this IncidentStatus status) => JsonSerializer.Serialize(status).Trim('"');

    public static string Name(this Severity severity) => JsonSerializer.Serialize(severity).Trim('"');

    public static string Name(this IncidentClass incidentClass) => JsonSerializer.Serialize(incidentClass).Trim('"');
}
