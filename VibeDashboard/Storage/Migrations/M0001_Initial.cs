namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// The store as it was before numbered migrations (schema version 1). Every statement is IF NOT EXISTS, so a store
/// written by that version takes this step as a no-op.
/// </summary>
public sealed class M0001_Initial : SqlMigration
{
    public override int Number => 1;

    public override string Name => "store: meta, imports, tables, ops_events";

    protected override string Sql => """
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
            error_line INTEGER);
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
        """;
}
