namespace VibeDashboard.Operations.Commands;

/// <summary>How a command ended; the audit log writes it lower-case (<c>ok|denied|conflict|invalid</c>).</summary>
public enum CommandOutcome
{
    Ok,

    /// <summary>No credentials (401) or not allowed (403).</summary>
    Denied,

    /// <summary>The expected version is stale, or the target already exists (409).</summary>
    Conflict,

    /// <summary>The command failed validation (400), or its target does not exist (404).</summary>
    Invalid,
}

/// <summary>
/// What the pipeline answers. <see cref="CurrentVersion"/> is the target's version after the command (on a
/// conflict: the version the caller should have sent). <see cref="Replayed"/>: an idempotency key matched an
/// earlier command, whose result this is. <see cref="AuditSeq"/> is the audit entry's sequence number.
/// </summary>
public sealed record CommandResult<TResult>(
    CommandOutcome Outcome,
    TResult? Value,
    string? Error,
    long? CurrentVersion,
    long AuditSeq,
    bool Replayed = false,
    bool NotFound = false,
    bool Unauthenticated = false)
{
    public bool Succeeded => Outcome == CommandOutcome.Ok;
}
