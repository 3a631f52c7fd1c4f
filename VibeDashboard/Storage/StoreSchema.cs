using Dapper;

namespace VibeDashboard.Storage;

/// <summary>
/// The store's own tables. Names starting with <c>_vd_</c> are the dashboard's; an export may not use them.
/// VibeSDK's tables are created by imports (see <see cref="Ingestion.ImportWriter"/>) without declared types,
/// so values keep the type the import gave them (a TEXT-declared timestamp column would turn ms into text).
/// </summary>
public sealed class StoreSchema(SqliteConnectionFactory connections)
{
    public const int Version = 2;
    public const string InternalPrefix = "_vd_";
    public const string OpsEvents = "ops_events";

    /// <summary>The columns of the ops_events contract (README), in contract order.</summary>
    public static readonly string[] OpsEventColumns =
    [
        "id", "occurred_at", "source", "event_type", "app_id", "user_id", "instance_id", "policy_tier", "status",
        "duration_ms", "cost_usd", "tokens_in", "tokens_out", "provider", "model", "error_code", "message", "attrs_json",
    ];

    /// <summary>The time index of ops_events; a bulk load into an empty table builds it once at the end instead of row by row.</summary>
    public const string OccurredAtIndexSql = "CREATE INDEX IF NOT EXISTS ix_ops_events_occurred_at ON ops_events (occurred_at)";

    public const string DropOccurredAtIndexSql = "DROP INDEX IF EXISTS ix_ops_events_occurred_at";

    private const string CreateSql = """
        CREATE TABLE IF NOT EXISTS _vd_meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE IF NOT EXISTS _vd_imports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            content_hash TEXT,
            started_at INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            rows_json TEXT NOT NULL DEFAULT '{}',
            total_rows INTEGER NOT NULL DEFAULT 0,
            new_events INTEGER NOT NULL DEFAULT 0,
            outcome TEXT NOT NULL,
            error TEXT,
            error_line INTEGER,
            quarantined_rows INTEGER NOT NULL DEFAULT 0);
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
        CREATE TABLE IF NOT EXISTS _vd_tables (
            name TEXT PRIMARY KEY,
            columns_json TEXT NOT NULL,
            source_sql TEXT,
            imported_at INTEGER NOT NULL);
        -- seq is the rowid: the aggregator folds events with seq above the last one it saw.
        CREATE TABLE IF NOT EXISTS ops_events (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            occurred_at INTEGER NOT NULL,
            source TEXT,
            event_type TEXT NOT NULL,
            app_id TEXT,
            user_id TEXT,
            instance_id TEXT,
            policy_tier TEXT,
            status TEXT,
            duration_ms REAL,
            cost_usd REAL,
            tokens_in INTEGER,
            tokens_out INTEGER,
            provider TEXT,
            model TEXT,
            error_code TEXT,
            message TEXT,
            attrs_json TEXT);
        CREATE INDEX IF NOT EXISTS ix_ops_events_occurred_at ON ops_events (occurred_at);
        INSERT OR IGNORE INTO _vd_meta (key, value) VALUES ('schema_version', '1');
        """;

    private int _ensured;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _ensured) == 1)
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CreateSql, cancellationToken: cancellationToken));
        await MigrateAsync(connection, cancellationToken);
        Volatile.Write(ref _ensured, 1);
    }

    /// <summary>
    /// Brings a store written by an older version up to <see cref="Version"/>. Each step checks the table itself
    /// (pragma table_info), not only the version number, so a half-applied step or two processes racing are harmless.
    /// </summary>
    private static async Task MigrateAsync(Microsoft.Data.Sqlite.SqliteConnection connection, CancellationToken cancellationToken)
    {
        var importColumns = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM pragma_table_info('_vd_imports')", cancellationToken: cancellationToken))).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!importColumns.Contains("quarantined_rows"))
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "ALTER TABLE _vd_imports ADD COLUMN quarantined_rows INTEGER NOT NULL DEFAULT 0", cancellationToken: cancellationToken));
            }
            catch (Microsoft.Data.Sqlite.SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
            {
                // Another process migrated it between our check and the ALTER.
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE _vd_meta SET value = @version WHERE key = 'schema_version' AND CAST(value AS INTEGER) < @version",
            new { version = Version.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken: cancellationToken));
    }

    public static bool IsInternal(string table) =>
        table.StartsWith(InternalPrefix, StringComparison.OrdinalIgnoreCase)
        || table.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase);
}
