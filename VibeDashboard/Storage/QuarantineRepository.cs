using Dapper;
using Microsoft.Data.Sqlite;

namespace VibeDashboard.Storage;

/// <summary>One row an import refused: where it was, why, and a short JSON excerpt of its values.</summary>
public sealed class QuarantinedRow
{
    public long Id { get; set; }
    public long ImportId { get; set; }
    public string Table { get; set; } = "";

    /// <summary>The dump line of the row's statement, or the row number in a SQLite input.</summary>
    public long Line { get; set; }

    public string Reason { get; set; } = "";

    /// <summary>The row as JSON, at most about 1 KB, control characters escaped.</summary>
    public string Excerpt { get; set; } = "{}";
}

/// <summary>
/// <c>_vd_quarantine</c>: ops_events rows that broke the contract. The import writes them in its own transaction
/// (see <c>ImportWriter</c>), so a rejected import leaves none behind; this reads them for the Imports page.
/// </summary>
public sealed class QuarantineRepository(SqliteConnectionFactory connections, StoreSchema schema)
{
    private const string InsertSql = """
        INSERT INTO _vd_quarantine (import_id, table_name, line, reason, excerpt) VALUES (NULL, $table, $line, $reason, $excerpt)
        """;

    /// <summary>A prepared insert for one import's transaction; its rows carry no import id until <see cref="AssignImport"/>.</summary>
    public static SqliteCommand PrepareInsert(SqliteConnection connection, SqliteTransaction transaction)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = InsertSql;
        cmd.Parameters.Add("$table", SqliteType.Text);
        cmd.Parameters.Add("$line", SqliteType.Integer);
        cmd.Parameters.Add("$reason", SqliteType.Text);
        cmd.Parameters.Add("$excerpt", SqliteType.Text);
        return cmd;
    }

    /// <summary>
    /// Gives the rows written in this transaction their import's id, once its history row exists. Only one
    /// import writes at a time (BEGIN IMMEDIATE), so the NULL rows are all this import's.
    /// </summary>
    public static void AssignImport(SqliteConnection connection, SqliteTransaction transaction, long importId)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "UPDATE _vd_quarantine SET import_id = $id WHERE import_id IS NULL";
        cmd.Parameters.AddWithValue("$id", importId);
        cmd.ExecuteNonQuery();
    }

    private const string ListSql = """
        SELECT id, import_id AS ImportId, table_name AS "Table", line, reason, excerpt
        FROM _vd_quarantine WHERE import_id = @importId ORDER BY id LIMIT @limit
        """;

    /// <summary>The quarantined rows of one import, in file order.</summary>
    public async Task<IReadOnlyList<QuarantinedRow>> ListAsync(long importId, int limit = 500, CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<QuarantinedRow>(new CommandDefinition(ListSql, new { importId, limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
