using System.Text.Json.Serialization;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>The playbook's five readiness items that gate a rollout's first wave (the API's <c>readiness[].item</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReadinessItemKey>))]
public enum ReadinessItemKey
{
    /// <summary>Observability enabled for API, agent and sandbox paths.</summary>
    [JsonStringEnumMemberName("observability")]
    Observability,

    /// <summary>Migration and rollback procedures tested.</summary>
    [JsonStringEnumMemberName("migration_rollback")]
    MigrationRollback,

    /// <summary>Preview and deploy paths stable under expected concurrency.</summary>
    [JsonStringEnumMemberName("preview_concurrency")]
    PreviewConcurrency,

    /// <summary>Key/token rotation and incident ownership documented.</summary>
    [JsonStringEnumMemberName("rotation_ownership")]
    RotationOwnership,

    /// <summary>Cost and quota guardrails defined and enforced.</summary>
    [JsonStringEnumMemberName("cost_quota_guardrails")]
    CostQuotaGuardrails,
}

/// <summary>How an item stands (the API's <c>readiness[].result</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReadinessResult>))]
public enum ReadinessResult
{
    /// <summary>The data shows it.</summary>
    [JsonStringEnumMemberName("passed")]
    Passed,

    /// <summary>The data shows it is not so (the evidence names what is missing).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>The data did not show it (or showed it failing) and an admin attested it: counts as passed for start.</summary>
    [JsonStringEnumMemberName("attested")]
    Attested,

    /// <summary>The data cannot show it (nothing to read, or something only a person can confirm, like key rotation).</summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown,
}

/// <summary>An admin's statement that an item holds, with where to check it (a runbook, a drill's ticket). Audited by the command that records it.</summary>
public sealed record ReadinessAttestation(ReadinessItemKey Item, string By, DateTimeOffset At, string Link);

/// <summary>One item as judged: its key and title, result, the evidence with its numbers, and the attestation when attested.</summary>
public sealed record ReadinessItem(ReadinessItemKey Item, string Title, ReadinessResult Result, string Evidence, ReadinessAttestation? Attestation = null)
{
    /// <summary>Passed or attested: does not hold the start back.</summary>
    public bool Satisfied => Result is ReadinessResult.Passed or ReadinessResult.Attested;
}

/// <summary>Whether the first wave may start, and if not every item that holds it back ("observability: failed — …").</summary>
public sealed record ReadinessVerdict(bool CanStart, IReadOnlyList<string> Reasons);

/// <summary>How many events of a kind were seen in an item's window, and the newest one's time.</summary>
public sealed record EventTally(long Count, DateTimeOffset? LastAt)
{
    public static readonly EventTally None = new(0, null);
}

/// <summary>
/// What the store shows for the checklist at <see cref="ReadAt"/> (<see cref="ReadinessReader"/>): events per
/// observed source in the last hour, the CI evidence of the last 30 days, rate-limit refusals of the last 7 days
/// and the peak of concurrently running sandbox instances in the last 24 h.
/// </summary>
public sealed record ReadinessEvidence(
    DateTimeOffset ReadAt,
    IReadOnlyDictionary<string, long> SourceEvents,
    EventTally MigrationsApplied,
    EventTally RollbackDrills,
    long FailedRollbackDrills,
    EventTally RateLimitRefusals,
    long PeakConcurrentSandboxes,
    DateTimeOffset? PeakAt);
