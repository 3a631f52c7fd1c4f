using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Commands;

/// <summary>
/// The one way operator state changes. For each command: authorize (the actor's role against
/// <see cref="ICommand.RequiredRole"/>, whatever the page or endpoint already checked) → the handler's
/// <see cref="ICommandHandler{TCommand,TResult}.Validate"/> → one immediate SQLite transaction holding the write lock
/// (idempotency key lookup, the handler's <c>ApplyAsync</c> with its version check, the audit entry and the key row)
/// → commit → <see cref="Subscribe"/> callbacks. A rejection (denied, invalid, conflict) rolls the handler's writes
/// back and is audited in a transaction of its own. A handler that throws leaves neither state nor audit behind.
/// </summary>
/// <remarks>
/// Writers in this process queue on a semaphore (fair, no busy polling); writers in other processes (the CLI) are
/// serialised by <c>BEGIN IMMEDIATE</c> and the store's busy timeout. Either way the audit seq is head + 1 under
/// the lock, so it stays contiguous.
/// </remarks>
public sealed class CommandPipeline(
    IServiceScopeFactory scopes,
    SqliteConnectionFactory connections,
    StoreSchema schema,
    TimeProvider time,
    ILogger<CommandPipeline> logger) : ICommandPipeline
{
    /// <summary>Longer keys are refused (invalid): a key identifies a retry, it is not a payload.</summary>
    public const int MaxIdempotencyKeyLength = 200;

    private static readonly ConcurrentDictionary<Type, object> Invokers = new();

    private readonly SemaphoreSlim _writers = new(1, 1);
    private readonly Lock _subscribersLock = new();
    private ImmutableArray<Func<Task>> _subscribers = [];

    public async Task<CommandResult<TResult>> SendAsync<TResult>(ICommand<TResult> command, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        var invoker = InvokerFor<TResult>(command.GetType());

        if (actor.Role is not { } role)
        {
            return await RejectAsync<TResult>(command, actor, CommandOutcome.Denied,
                $"sign in first: {command.Action} needs the {command.RequiredRole.Name()} role", cancellationToken, unauthenticated: true);
        }

        if (!role.Includes(command.RequiredRole))
        {
            return await RejectAsync<TResult>(command, actor, CommandOutcome.Denied,
                $"{command.Action} needs the {command.RequiredRole.Name()} role; {actor.Name} has {role.Name()}", cancellationToken);
        }

        await using var scope = scopes.CreateAsyncScope();
        if (invoker.ResolveExternal(scope.ServiceProvider) is { } external)
        {
            return await SendExternalAsync(invoker, external, command, actor, cancellationToken);
        }

        var handler = invoker.Resolve(scope.ServiceProvider);
        var invalid = ValidateKey(command.IdempotencyKey) ?? invoker.Validate(handler, command);
        if (invalid is not null)
        {
            return await RejectAsync<TResult>(command, actor, CommandOutcome.Invalid, invalid, cancellationToken);
        }

        await schema.EnsureCreatedAsync(cancellationToken);
        CommandResult<TResult> result;
        await _writers.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            var now = time.GetUtcNow();
            var transaction = connection.BeginTransaction(deferred: false);
            try
            {
                if (command.IdempotencyKey is { } key
                    && await FindKeyAsync(connection, transaction, key, cancellationToken) is { } used)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    await transaction.DisposeAsync();
                    transaction = null;
                    if (used.Action != command.Action || used.ActorName != actor.Name || used.ActorKind != Actor.KindName(actor.Kind) || used.RequestHash != RequestHash(command))
                    {
                        var row = await AppendOwnAsync(connection, Draft(command, actor, CommandOutcome.Invalid,
                            $"Idempotency-Key '{key}' was already used for another request (a key belongs to one command — same action, target and fields — by one actor)"), cancellationToken);
                        result = new CommandResult<TResult>(CommandOutcome.Invalid, default, row.Error, null, row.Seq);
                    }
                    else
                    {
                        // Applied once already: the first result, nothing written, nothing audited again.
                        return new CommandResult<TResult>(CommandOutcome.Ok, Deserialize<TResult>(used.ResultJson), null, used.CurrentVersion, used.AuditSeq, Replayed: true);
                    }
                }
                else
                {
                    var effect = await invoker.ApplyAsync(handler, command, new CommandContext(connection, transaction, actor, now), cancellationToken);
                    if (effect.Outcome == CommandOutcome.Ok)
                    {
                        var draft = Draft(command, actor, CommandOutcome.Ok, null) with
                        {
                            TargetId = effect.TargetId ?? command.TargetId,
                            BeforeJson = ToJson(effect.Before),
                            AfterJson = ToJson(effect.After),
                        };
                        var row = await AuditWriter.AppendAsync(connection, transaction, draft, now, cancellationToken);
                        if (command.IdempotencyKey is { } newKey)
                        {
                            await InsertKeyAsync(connection, transaction, newKey, command, actor, row, effect, now, cancellationToken);
                        }

                        await transaction.CommitAsync(cancellationToken);
                        result = new CommandResult<TResult>(CommandOutcome.Ok, effect.Result, null, effect.Version, row.Seq);
                    }
                    else
                    {
                        await transaction.RollbackAsync(cancellationToken);
                        await transaction.DisposeAsync();
                        transaction = null;
                        var outcome = effect.Outcome == CommandOutcome.Conflict ? CommandOutcome.Conflict : CommandOutcome.Invalid;
                        var error = effect.Error ?? (outcome == CommandOutcome.Conflict ? "the target changed since it was read" : "the command is not valid");
                        var row = await AppendOwnAsync(connection, Draft(command, actor, outcome, error) with { TargetId = effect.TargetId ?? command.TargetId }, cancellationToken);
                        result = new CommandResult<TResult>(outcome, default, error, effect.Version, row.Seq, NotFound: effect.NotFound);
                    }
                }
            }
            finally
            {
                // Not committed (a handler threw, or cancellation): disposing rolls the handler's writes back.
                if (transaction is not null)
                {
                    await transaction.DisposeAsync();
                }
            }
        }
        finally
        {
            _writers.Release();
        }

        await NotifyAsync();
        return result;
    }

    /// <summary>
    /// A command committed by another component's transaction (see <see cref="IExternalCommandHandler{TCommand,TResult}"/>):
    /// the handler gets an appender that writes the audit entry inside that transaction. Not under the writers'
    /// semaphore — the change may be long (an import), and SQLite's write lock already orders the audit seq.
    /// </summary>
    private async Task<CommandResult<TResult>> SendExternalAsync<TResult>(IInvoker<TResult> invoker, object handler, ICommand<TResult> command, Actor actor, CancellationToken cancellationToken)
    {
        var invalid = command.IdempotencyKey is not null
            ? $"{command.Action} does not take an Idempotency-Key (it is checked against the current state instead)"
            : invoker.ValidateExternal(handler, command);
        if (invalid is not null)
        {
            return await RejectAsync<TResult>(command, actor, CommandOutcome.Invalid, invalid, cancellationToken);
        }

        await schema.EnsureCreatedAsync(cancellationToken);
        AuditRow? written = null;
        ExternalAudit audit = async (connection, transaction, before, after, targetId, ct) =>
        {
            var draft = Draft(command, actor, CommandOutcome.Ok, null) with
            {
                TargetId = targetId ?? command.TargetId,
                BeforeJson = ToJson(before),
                AfterJson = ToJson(after),
            };
            written = await AuditWriter.AppendAsync(connection, transaction, draft, time.GetUtcNow(), ct);
            return written.Seq;
        };

        var effect = await invoker.RunExternalAsync(handler, command, actor, audit, cancellationToken);
        CommandResult<TResult> result;
        if (effect.Outcome == CommandOutcome.Ok)
        {
            // An Ok without an audit entry would be a change nobody can trace: a handler bug, never a silent success.
            var row = written ?? throw new InvalidOperationException($"the handler of {command.Action} succeeded without writing its audit entry");
            result = new CommandResult<TResult>(CommandOutcome.Ok, effect.Result, null, effect.Version, row.Seq);
            await NotifyAsync();
        }
        else
        {
            var outcome = effect.Outcome == CommandOutcome.Conflict ? CommandOutcome.Conflict : CommandOutcome.Invalid;
            var error = effect.Error ?? "the command could not be applied";
            var row = await AppendAloneAsync(Draft(command, actor, outcome, error) with { TargetId = effect.TargetId ?? command.TargetId }, cancellationToken);
            await NotifyAsync();
            // A refused external change may still hand back what it did (a forced import's rejected history row), so
            // the caller can report it as it reports any import.
            result = new CommandResult<TResult>(outcome, effect.Result, error, effect.Version, row.Seq, NotFound: effect.NotFound);
        }

        return result;
    }

    public async Task<long> RecordRejectedAsync(string action, string targetType, string targetId, Actor actor, CommandOutcome outcome, string reason, CancellationToken cancellationToken = default)
    {
        var row = await AppendAloneAsync(new AuditDraft(actor, action, targetType, targetId, null, null, null, outcome, reason), cancellationToken);
        await NotifyAsync();
        return row.Seq;
    }

    public IDisposable Subscribe(Func<Task> committed)
    {
        ArgumentNullException.ThrowIfNull(committed);
        lock (_subscribersLock)
        {
            _subscribers = _subscribers.Add(committed);
        }

        return new Subscription(this, committed);
    }

    private async Task<CommandResult<TResult>> RejectAsync<TResult>(ICommand command, Actor actor, CommandOutcome outcome, string error, CancellationToken cancellationToken, bool unauthenticated = false)
    {
        var row = await AppendAloneAsync(Draft(command, actor, outcome, error), cancellationToken);
        await NotifyAsync();
        return new CommandResult<TResult>(outcome, default, error, null, row.Seq, Unauthenticated: unauthenticated);
    }

    private async Task<AuditRow> AppendAloneAsync(AuditDraft draft, CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await _writers.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            return await AppendOwnAsync(connection, draft, cancellationToken);
        }
        finally
        {
            _writers.Release();
        }
    }

    /// <summary>An audit entry in a transaction of its own (rejections: the command's own transaction was rolled back).</summary>
    private async Task<AuditRow> AppendOwnAsync(SqliteConnection connection, AuditDraft draft, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        var row = await AuditWriter.AppendAsync(connection, transaction, draft, time.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return row;
    }

    private static AuditDraft Draft(ICommand command, Actor actor, CommandOutcome outcome, string? error) =>
        new(actor, command.Action, command.TargetType, command.TargetId ?? "", null, null, command.Reason, outcome, error);

    private static string? ValidateKey(string? key) => key switch
    {
        null => null,
        { Length: 0 } => "Idempotency-Key is empty (leave it out, or send a unique value per intended change)",
        { Length: > MaxIdempotencyKeyLength } => $"Idempotency-Key is longer than {MaxIdempotencyKeyLength} characters",
        _ when key.Any(char.IsControl) => "Idempotency-Key contains control characters",
        _ => null,
    };

    private const string FindKeySql = """
        SELECT action, actor_name AS ActorName, actor_kind AS ActorKind, request_hash AS RequestHash, result_json AS ResultJson, current_version AS CurrentVersion, audit_seq AS AuditSeq
        FROM _vd_command_keys WHERE idempotency_key = @key
        """;

    private static Task<UsedKey?> FindKeyAsync(SqliteConnection connection, SqliteTransaction transaction, string key, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<UsedKey>(new CommandDefinition(FindKeySql, new { key }, transaction, cancellationToken: cancellationToken));

    private const string InsertKeySql = """
        INSERT INTO _vd_command_keys (idempotency_key, action, actor_name, actor_kind, target_id, request_hash, result_json, current_version, audit_seq, created_at)
        VALUES (@key, @action, @actorName, @actorKind, @targetId, @requestHash, @resultJson, @currentVersion, @auditSeq, @createdAt)
        """;

    private static Task InsertKeyAsync<TResult>(SqliteConnection connection, SqliteTransaction transaction, string key, ICommand command, Actor actor, AuditRow row, CommandEffect<TResult> effect, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(InsertKeySql, new
        {
            key,
            action = command.Action,
            actorName = actor.Name,
            actorKind = Actor.KindName(actor.Kind),
            targetId = row.TargetId,
            requestHash = RequestHash(command),
            resultJson = JsonSerializer.Serialize(effect.Result, CommandJson.Options),
            currentVersion = effect.Version,
            auditSeq = row.Seq,
            createdAt = now.ToUnixTimeMilliseconds(),
        }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// What the key was used for: the command's fields (its type, target, values) hashed. A retry sends the same
    /// command; the same key with another body is a client's mistake, answered as such rather than with the first result.
    /// </summary>
    private static string RequestHash(ICommand command) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            command.GetType().FullName + "\n" + JsonSerializer.Serialize(command, command.GetType(), CommandJson.Options))));

    private static string? ToJson(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), CommandJson.Options);

    private static TResult? Deserialize<TResult>(string? json) => json is null ? default : JsonSerializer.Deserialize<TResult>(json, CommandJson.Options);

    private async Task NotifyAsync()
    {
        foreach (var subscriber in _subscribers)
        {
            try
            {
                await subscriber();
            }
            catch (Exception e)
            {
                // A page that failed to refresh must not fail the command that already committed.
                logger.LogWarning(e, "A command-committed subscriber failed");
            }
        }
    }

    private static IInvoker<TResult> InvokerFor<TResult>(Type commandType) =>
        (IInvoker<TResult>)Invokers.GetOrAdd(commandType, static t =>
        {
            var result = t.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommand<>)).Select(i => i.GetGenericArguments()[0]).First();
            return Activator.CreateInstance(typeof(Invoker<,>).MakeGenericType(t, result))!;
        });

    private interface IInvoker<TResult>
    {
        object Resolve(IServiceProvider services);

        object? ResolveExternal(IServiceProvider services);

        string? ValidateExternal(object handler, ICommand<TResult> command);

        Task<CommandEffect<TResult>> RunExternalAsync(object handler, ICommand<TResult> command, Actor actor, ExternalAudit audit, CancellationToken cancellationToken);

        string? Validate(object handler, ICommand<TResult> command);

        Task<CommandEffect<TResult>> ApplyAsync(object handler, ICommand<TResult> command, CommandContext context, CancellationToken cancellationToken);
    }

    private sealed class Invoker<TCommand, TResult> : IInvoker<TResult> where TCommand : ICommand<TResult>
    {
        public object Resolve(IServiceProvider services) =>
            services.GetService<ICommandHandler<TCommand, TResult>>()
            ?? throw new InvalidOperationException($"no handler for {typeof(TCommand).Name}: register one with services.AddCommandHandler<{typeof(TCommand).Name}, {typeof(TResult).Name}, …>()");

        public string? Validate(object handler, ICommand<TResult> command) => ((ICommandHandler<TCommand, TResult>)handler).Validate((TCommand)command);

        public object? ResolveExternal(IServiceProvider services) => services.GetService<IExternalCommandHandler<TCommand, TResult>>();

        public string? ValidateExternal(object handler, ICommand<TResult> command) => ((IExternalCommandHandler<TCommand, TResult>)handler).Validate((TCommand)command);

        public Task<CommandEffect<TResult>> RunExternalAsync(object handler, ICommand<TResult> command, Actor actor, ExternalAudit audit, CancellationToken cancellationToken) =>
            ((IExternalCommandHandler<TCommand, TResult>)handler).RunAsync((TCommand)command, actor, audit, cancellationToken);

        public Task<CommandEffect<TResult>> ApplyAsync(object handler, ICommand<TResult> command, CommandContext context, CancellationToken cancellationToken) =>
            ((ICommandHandler<TCommand, TResult>)handler).ApplyAsync((TCommand)command, context, cancellationToken);
    }

    private sealed class UsedKey
    {
        public string Action { get; set; } = "";
        public string ActorName { get; set; } = "";
        public string ActorKind { get; set; } = "";
        public string RequestHash { get; set; } = "";
        public string? ResultJson { get; set; }
        public long? CurrentVersion { get; set; }
        public long AuditSeq { get; set; }
    }

    private sealed class Subscription(CommandPipeline owner, Func<Task> callback) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (owner._subscribersLock)
                {
                    owner._subscribers = owner._subscribers.Remove(callback);
                }
            }
        }
    }
}
