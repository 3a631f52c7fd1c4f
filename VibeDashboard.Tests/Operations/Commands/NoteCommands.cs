using Dapper;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Tests.Operations.Commands;

/// <summary>A versioned note in a table of its own: the smallest operator state a command can change.</summary>
public sealed record Note(string Id, string Text, long Version);

/// <summary>Creates a note (no expected version) or replaces its text (the version the caller read).</summary>
public sealed record SetNote(string Id, string Text, long? ExpectedVersion = null, string? IdempotencyKey = null, string? Reason = null, DashboardRole RequiredRole = DashboardRole.Operator)
    : ICommand<Note>
{
    public string Action => ExpectedVersion is null ? "note.create" : "note.edit";

    public string TargetType => "note";

    public string TargetId => Id;
}

/// <summary>Writes a note, then fails: nothing of it may remain.</summary>
public sealed record ExplodingNote(string Id) : ICommand<Note>
{
    public string Action => "note.explode";

    public DashboardRole RequiredRole => DashboardRole.Operator;

    public string TargetType => "note";

    public string TargetId => Id;

    public long? ExpectedVersion => null;

    public string? IdempotencyKey => null;

    public string? Reason => null;
}

/// <summary>How many times a harness's SetNote handler ran (an idempotent replay or a rejected command must not reach it).</summary>
public sealed class NoteCounter
{
    private int _applied;

    public int Applied => Volatile.Read(ref _applied);

    public void Increment() => Interlocked.Increment(ref _applied);
}

public sealed class SetNoteHandler(NoteCounter counter) : ICommandHandler<SetNote, Note>
{
    public const string CreateTableSql = "CREATE TABLE IF NOT EXISTS test_notes (id TEXT PRIMARY KEY, text TEXT NOT NULL, version BIGINT NOT NULL)";

    public string? Validate(SetNote command) =>
        string.IsNullOrWhiteSpace(command.Text) ? "text: must not be empty" : null;

    public async Task<CommandEffect<Note>> ApplyAsync(SetNote command, CommandContext context, CancellationToken cancellationToken)
    {
        counter.Increment();
        var current = await context.Connection.QuerySingleOrDefaultAsync<Note>(new CommandDefinition(
            "SELECT id, text, version FROM test_notes WHERE id = @Id", new { command.Id }, context.Transaction, cancellationToken: cancellationToken));
        if (command.ExpectedVersion is null)
        {
            if (current is not null)
            {
                return CommandEffect<Note>.Conflict(current.Version, $"note {command.Id} already exists");
            }

            var created = new Note(command.Id, command.Text, 1);
            await context.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO test_notes (id, text, version) VALUES (@Id, @Text, @Version)", created, context.Transaction, cancellationToken: cancellationToken));
            return CommandEffect<Note>.Ok(created, null, created, created.Version);
        }

        if (current is null)
        {
            return CommandEffect<Note>.Invalid($"note {command.Id} does not exist", notFound: true);
        }

        if (current.Version != command.ExpectedVersion)
        {
            return CommandEffect<Note>.Conflict(current.Version, $"note {command.Id} is at version {current.Version}, not {command.ExpectedVersion}");
        }

        var edited = current with { Text = command.Text, Version = current.Version + 1 };
        await context.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE test_notes SET text = @Text, version = @Version WHERE id = @Id", edited, context.Transaction, cancellationToken: cancellationToken));
        return CommandEffect<Note>.Ok(edited, current, edited, edited.Version);
    }
}

public sealed class ExplodingNoteHandler : ICommandHandler<ExplodingNote, Note>
{
    public string? Validate(ExplodingNote command) => null;

    public async Task<CommandEffect<Note>> ApplyAsync(ExplodingNote command, CommandContext context, CancellationToken cancellationToken)
    {
        await context.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO test_notes (id, text, version) VALUES (@id, 'half-written', 1)", new { id = command.Id }, context.Transaction, cancellationToken: cancellationToken));
        throw new InvalidOperationException("the handler failed after writing");
    }
}
