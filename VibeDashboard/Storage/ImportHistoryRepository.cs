using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;

namespace VibeDashboard.Storage;

public sealed class ImportHistoryRepository(SqliteConnectionFactory connections, StoreSchema schema)
{
    private const string InsertSql = """
        INSERT INTO _vd_imports (source, content_hash, started_at, duration_ms, rows_json, total_rows, new_events, outcome, error, error_line, quarantined_rows)
        VALUES (@Source, @ContentHash, @StartedAt, @DurationMs, @RowsJson, @TotalRows, @NewEvents, @Outcome, @Error, @ErrorLine, @QuarantinedRows);
        SELECT last_insert_rowid();
        """;

    /// <summary>Records an import. A successful one is written inside the import's own transaction (pass it).</summary>
    public async Task<long> AddAsync(ImportRecord record, SqliteConnection? connection = null, SqliteTransaction? transaction = null, CancellationToken cancellationToken = default)
    {
        if (connection is not null)
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, record, transaction, cancellationToken: cancellationToken));
        }

        await schema.EnsureCreatedAsync(cancellationToken);
        await using var own = await connections.OpenAsync(cancellationToken);
        return await own.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql, record, cancellationToken: cancellationToken));
    }

    private const string ListSql = """
        SELECT id, source, content_hash AS ContentHash, started_at AS StartedAt, duration_ms AS DurationMs, rows_json AS RowsJson,
               total_rows AS TotalRows, new_events AS NewEvents, outcome, error, error_line AS ErrorLine, quarantined_rows AS QuarantinedRows
        FROM _vd_imports
        """;

    /// <summary>One import by id, or null.</summary>
    public async Task<ImportRecord?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ImportRecord>(new CommandDefinition(ListSql + " WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The newest successful import (the one whose data is served), or null.</summary>
    public async Task<ImportRecord?> LastSuccessfulAsync(CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ImportRecord>(new CommandDefinition(
            ListSql + " WHERE outcome = 'Succeeded' ORDER BY id DESC LIMIT 1", cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ImportRecord>> ListAsync(int limit = 200, CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ImportRecord>(new CommandDefinition(ListSql + " ORDER BY id DESC LIMIT @limit", new { limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    private const string LastSuccessfulIdSql = "SELECT COALESCE(MAX(id), 0) FROM _vd_imports WHERE outcome = 'Succeeded'";

    /// <summary>The id of the newest successful import; the aggregator recomputes everything when it changes (imports may come from another process).</summary>
    public async Task<long> LastSuccessfulIdAsync(CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(LastSuccessfulIdSql, cancellationToken: cancellationToken));
    }

    private const string LastDecidedHashSql = """
        SELECT content_hash FROM _vd_imports WHERE source = @source AND outcome <> 'Failed' ORDER BY id DESC LIMIT 1
        """;

    /// <summary>
    /// The content of the newest import of this source that was decided (imported, rejected or held; a failure
    /// decides nothing): the watcher does not run that content again, not even after a restart, so a bad export
    /// left in the folder is not rejected anew at every start.
    /// </summary>
    public async Task<string?> LastDecidedHashAsync(string source, CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(LastDecidedHashSql, new { source }, cancellationToken: cancellationToken));
    }

    public static string RowsToJson(IReadOnlyDictionary<string, long> rows) => JsonSerializer.Serialize(rows);
}
