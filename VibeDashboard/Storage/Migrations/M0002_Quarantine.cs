using Dapper;
using Microsoft.Data.Sqlite;

namespace VibeDashboard.Storage.Migrations;

/// <summary>Rows an import refused, and their count on the import's history row (schema version 2).</summary>
public sealed class M0002_Quarantine : IStoreMigration
{
    public int Number => 2;

    public string Name => "store: quarantine";

    public async Task ApplyAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        // A store written by schema version 2 already has the column; ALTER TABLE ADD COLUMN is not idempotent.
        var columns = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM pragma_table_info('_vd_imports')", transaction: transaction, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!columns.Contains("quarantined_rows"))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "ALTER TABLE _vd_imports ADD COLUMN quarantined_rows INTEGER NOT NULL DEFAULT 0", transaction: transaction, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            -- ops_events rows an import refused (see ImportWriter). import_id is NULL only inside the import's own
            -- transaction, until its history row exists.
            CREATE TABLE IF NOT EXISTS _vd_quarantine (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                import_id INTEGER,
                table_name TEXT NOT NULL,
                line INTEGER NOT NULL,
                reason TEXT NOT NULL,
                excerpt TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS ix_vd_quarantine_import ON _vd_quarantine (import_id);
            """, transaction: transaction, cancellationToken: cancellationToken));
    }
}
