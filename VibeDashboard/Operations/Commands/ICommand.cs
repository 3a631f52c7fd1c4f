using VibeDashboard.Operations.Access;

namespace VibeDashboard.Operations.Commands;

/// <summary>
/// A request to change operator state. Every mutation — by a person on a page, a script over HTTP, the CLI or the
/// system — is one of these, sent through <see cref="ICommandPipeline"/>: authorize → validate → apply with
/// optimistic concurrency and an idempotency key → audit entry in the same transaction → signal after commit.
/// </summary>
public interface ICommand
{
    /// <summary>The audit log's action, dotted and lower-case: <c>token.create</c>, <c>incident.acknowledge</c>.</summary>
    string Action { get; }

    /// <summary>The least role allowed to send it (checked again here whatever the page or endpoint checked).</summary>
    DashboardRole RequiredRole { get; }

    /// <summary>What it changes: <c>token</c>, <c>incident</c>, …</summary>
    string TargetType { get; }

    /// <summary>Which one (a token's name, an incident's id); may be empty for a create whose id comes later.</summary>
    string TargetId { get; }

    /// <summary>The version the caller saw; a different current version is a conflict (409). Null: no check (creates).</summary>
    long? ExpectedVersion { get; }

    /// <summary>The same key twice applies once; the second call returns the first result.</summary>
    string? IdempotencyKey { get; }

    /// <summary>Why; required by forced actions.</summary>
    string? Reason { get; }
}

/// <summary>A command whose success returns a <typeparamref name="TResult"/>.</summary>
public interface ICommand<TResult> : ICommand;
