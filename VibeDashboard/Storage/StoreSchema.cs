using VibeDashboard.Storage.Migrations;

namespace VibeDashboard.Storage;

/// <summary>
/// The store's own tables. Names starting with <c>_vd_</c> are the dashboard's; an export may not use them.
/// The dashboard's tables come from the numbered migrations in <c>Storage/Migrations</c>.
/// VibeSDK's tables are created by imports (see <see cref="Ingestion.ImportWriter"/>) without declared types,
/// so values keep the type the import gave them (a TEXT-declared timestamp column would turn ms into text).
/// </summary>
public sealed class StoreSchema(SqliteConnectionFactory connections, TimeProvider time)
{
    /// <summary>The newest migration this version knows; <c>_vd_meta.schema_version</c> holds the store's.</summary>
    public static int Version => MigrationRunner.Latest;

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

    private int _ensured;

    /// <summary>Creates the store or brings it up to the newest migration (see <see cref="MigrationRunner"/>); once per process.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _ensured) == 1)
        {
            return;
        }

        await using var connection = await connections.OpenAsync(cancellationToken);
        await MigrationRunner.ApplyAsync(connection, time, cancellationToken);
        Volatile.Write(ref _ensured, 1);
    }

    public static bool IsInternal(string table) =>
        table.StartsWith(InternalPrefix, StringComparison.OrdinalIgnoreCase)
        || table.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase);
}
