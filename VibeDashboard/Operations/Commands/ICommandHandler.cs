using Microsoft.Data.Sqlite;

namespace VibeDashboard.Operations.Commands;

/// <summary>The transaction a handler applies its change in; the pipeline writes the audit entry in the same one.</summary>
public sealed class CommandContext(SqliteConnection connection, SqliteTransaction transaction, Actor actor, DateTimeOffset now)
{
    public SqliteConnection Connection { get; } = connection;

    public SqliteTransaction Transaction { get; } = transaction;

    public Actor Actor { get; } = actor;

    public DateTimeOffset Now { get; } = now;
}

/// <summary>
/// What applying a command did. <see cref="Before"/> and <see cref="After"/> are written to the audit entry as JSON
/// (never secrets: a token's hash or value stays out). A handler that finds the expected version stale returns
/// <see cref="Conflict"/>, one that finds the command invalid against the current state <see cref="Invalid"/>;
/// the pipeline then rolls the transaction back and audits the rejection.
/// </summary>
public sealed record CommandEffect<TResult>(
    CommandOutcome Outcome,
    TResult? Result,
    object? Before,
    object? After,
    long? Version,
    string? Error = null,
    string? TargetId = null,
    bool NotFound = false)
{
    public static CommandEffect<TResult> Ok(TResult result, object? before, object? after, long? version, string? targetId = null) =>
        new(CommandOutcome.Ok, result, before, after, version, TargetId: targetId);

    public static CommandEffect<TResult> Conflict(long? currentVersion, string error) =>
        new(CommandOutcome.Conflict, default, null, null, currentVersion, error);

    public static CommandEffect<TResult> Invalid(string error, bool notFound = false) =>
        new(CommandOutcome.Invalid, default, null, null, null, error, NotFound: notFound);
}

/// <summary>Validates and applies one kind of command. Registered with <c>AddCommandHandler</c>.</summary>
public interface ICommandHandler<in TCommand, TResult> where TCommand : ICommand<TResult>
{
    /// <summary>Checks the command alone (no state): null when valid, else what is wrong, naming the field.</summary>
    string? Validate(TCommand command);

    /// <summary>Applies the command in the context's transaction: reads the current state, checks the expected version, writes.</summary>
    Task<CommandEffect<TResult>> ApplyAsync(TCommand command, CommandContext context, CancellationToken cancellationToken);
}

/// <summary>
/// Writes a command's audit entry inside a transaction another component owns and commits; returns its seq. Call it
/// once, just before that commit: the change and its audit entry then commit together or not at all.
/// </summary>
public delegate Task<long> ExternalAudit(SqliteConnection connection, SqliteTransaction transaction, object? before, object? after, string? targetId, CancellationToken cancellationToken);

/// <summary>
/// A command whose change commits in another component's transaction rather than the pipeline's — applying a held
/// import runs in the importer's own transaction, which must not nest inside another write transaction on the same
/// store. The pipeline still authorizes, validates and audits refusals; the handler hands <see cref="ExternalAudit"/>
/// to that transaction. Registered with <c>AddExternalCommandHandler</c>; idempotency keys are refused for these.
/// </summary>
public interface IExternalCommandHandler<in TCommand, TResult> where TCommand : ICommand<TResult>
{
    /// <summary>Checks the command alone (no state): null when valid, else what is wrong, naming the field.</summary>
    string? Validate(TCommand command);

    /// <summary>
    /// Makes the change; on success <paramref name="audit"/> must have been called inside the committing transaction.
    /// Returns <see cref="CommandEffect{TResult}.Invalid"/> (or Conflict) when the change was refused or failed.
    /// </summary>
    Task<CommandEffect<TResult>> RunAsync(TCommand command, Actor actor, ExternalAudit audit, CancellationToken cancellationToken);
}

/// <summary>The one way to change operator state.</summary>
public interface ICommandPipeline
{
    Task<CommandResult<TResult>> SendAsync<TResult>(ICommand<TResult> command, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Audits an attempt that never reached a command (an anonymous or under-privileged call refused by the
    /// endpoint's authorization): outcome denied, with the action and target the route names.
    /// </summary>
    Task<long> RecordRejectedAsync(string action, string targetType, string targetId, Actor actor, CommandOutcome outcome, string reason, CancellationToken cancellationToken = default);

    /// <summary>Raised after each command commits (in this process); carries no data.</summary>
    IDisposable Subscribe(Func<Task> committed);
}
