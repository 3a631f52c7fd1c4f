using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using VibeDashboard.Storage;

namespace VibeDashboard.Aggregation;

/// <summary>Reads what the aggregator folds: ops_events by seq, and VibeSDK's auth_attempts, apps and d1_migrations when imported.</summary>
internal static class AggregationReader
{
    // Only the columns the fold uses. attrs_json is parsed here, by SQLite, only for the two event types that need
    // it; json_valid guards against a malformed value (json_extract would fail the whole read).
    private const string EventsSql = """
        SELECT occurred_at, event_type, source, app_id, instance_id, policy_tier, status, duration_ms, cost_usd,
               CASE WHEN event_type = 'artifact_stored' AND json_valid(attrs_json) THEN json_extract(attrs_json, '$.bytes') END,
               CASE WHEN event_type IN ('migration_applied', 'migration_failed') AND json_valid(attrs_json) THEN json_extract(attrs_json, '$.migration') END,
               CASE WHEN event_type = 'llm_call' THEN provider END, CASE WHEN event_type = 'llm_call' THEN model END,
               CASE WHEN event_type = 'llm_call' THEN tokens_in END, CASE WHEN event_type = 'llm_call' THEN tokens_out END
        FROM ops_events
        WHERE seq > ?1 AND seq <= ?2 AND occurred_at >= ?3
        """;

    /// <summary>
    /// Folds events with <paramref name="afterSeq"/> &lt; seq ≤ <paramref name="upToSeq"/>, in the connection's current
    /// transaction if any. A full recompute reads millions of rows, so this steps a prepared statement through
    /// SQLitePCL directly (cells through <see cref="NativeColumns"/>): ADO.NET's per-column checks and one string per
    /// text cell would dominate its cost. Text cells are read as UTF-8 spans and mapped to shared strings (<see cref="StringPool"/>); a string is made only
    /// for a value not seen before in this read.
    /// </summary>
    public static long ReadEvents(SqliteConnection connection, long afterSeq, long upToSeq, long fromMs, Action<EventRow> fold, CancellationToken cancellationToken)
    {
        var db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(db, EventsSql, out var statement), db);
        using (statement)
        {
            Check(raw.sqlite3_bind_int64(statement, 1, afterSeq), db);
            Check(raw.sqlite3_bind_int64(statement, 2, upToSeq), db);
            Check(raw.sqlite3_bind_int64(statement, 3, fromMs), db);
            var strings = new StringPool();
            var h = statement.DangerousGetHandle();
            long count = 0;
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                fold(new EventRow(
                    NativeColumns.Int64(statement, h, 0),
                    strings.Text(NativeColumns.Bytes(statement, h, 1)) ?? "",
                    strings.Text(NativeColumns.Bytes(statement, h, 2)),
                    strings.Text(NativeColumns.Bytes(statement, h, 3)),
                    strings.Text(NativeColumns.Bytes(statement, h, 4)),
                    strings.Text(NativeColumns.Bytes(statement, h, 5)),
                    strings.Text(NativeColumns.Bytes(statement, h, 6)),
                    Real(statement, h, 7),
                    Real(statement, h, 8),
                    Number(statement, h, 9),
                    strings.Text(NativeColumns.Bytes(statement, h, 10)),
                    strings.Text(NativeColumns.Bytes(statement, h, 11)),
                    strings.Text(NativeColumns.Bytes(statement, h, 12)),
                    Number(statement, h, 13),
                    Number(statement, h, 14)));
                if ((++count & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(rc, db);
            }

            return count;
        }
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    private static double? Real(sqlite3_stmt statement, nint h, int column) =>
        NativeColumns.Type(statement, h, column) == raw.SQLITE_NULL ? null : NativeColumns.Double(statement, h, column);

    // attrs_json.bytes may be stored as a number or as numeric text.
    private static double? Number(sqlite3_stmt statement, nint h, int column) => NativeColumns.Type(statement, h, column) switch
    {
        raw.SQLITE_INTEGER or raw.SQLITE_FLOAT => NativeColumns.Double(statement, h, column),
        raw.SQLITE_TEXT when double.TryParse(NativeColumns.Bytes(statement, h, column), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>
    /// One string per distinct text value of a read: few types, sources, tiers and statuses, and app and instance
    /// ids repeated across their events. Looked up by the cell's UTF-8 bytes decoded on the stack.
    /// </summary>
    private sealed class StringPool
    {
        private const int MaxEntries = 1 << 20;
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public StringPool() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

        /// <summary>The shared string of a cell's UTF-8 bytes; null for NULL and for '' (the fold treats both as absent).</summary>
        public string? Text(ReadOnlySpan<byte> utf8)
        {
            if (utf8.IsEmpty)
            {
                return null;
            }

            if (utf8.Length > 256)
            {
                return Encoding.UTF8.GetString(utf8);
            }

            Span<char> chars = stackalloc char[256];
            var text = chars[..Encoding.UTF8.GetChars(utf8, chars)];
            if (_lookup.TryGetValue(text, out var shared))
            {
                return shared;
            }

            var value = text.ToString();
            if (_strings.Count < MaxEntries)
            {
                _strings[value] = value;
            }

            return value;
        }
    }

    private const string MaxSeqSql = "SELECT COALESCE(MAX(seq), 0) FROM ops_events";

    public static Task<long> MaxSeqAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(MaxSeqSql, transaction: transaction, cancellationToken: cancellationToken));

    private const string TablesSql = "SELECT name FROM _vd_tables";

    public static async Task<HashSet<string>> TablesAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(TablesSql, transaction: transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private const string ColumnsSql = "SELECT name FROM pragma_table_info(@table)";

    /// <summary>The columns a table really has (an older store may hold a VibeSDK table without a column the dashboard reads).</summary>
    public static async Task<HashSet<string>> ColumnsAsync(SqliteConnection connection, SqliteTransaction? transaction, string table, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(ColumnsSql, new { table }, transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="table"/> is imported and has every one of <paramref name="columns"/>.</summary>
    public static async Task<bool> HasColumnsAsync(SqliteConnection connection, SqliteTransaction? transaction, IReadOnlySet<string> tables, string table, string[] columns, CancellationToken cancellationToken)
    {
        if (!tables.Contains(table))
        {
            return false;
        }

        var present = await ColumnsAsync(connection, transaction, table, cancellationToken);
        return columns.All(present.Contains);
    }

    public static readonly string[] AuthColumns = ["attempted_at", "success"];
    public static readonly string[] AppsColumns = ["created_at"];
    public static readonly string[] MigrationsColumns = ["name"];

    // Text as SQLite renders it, so a tier stored as 5 and as '5' is one tier, as in the event read.
    private const string TopTiersSql = """
        SELECT CAST(policy_tier AS TEXT) FROM ops_events
        WHERE seq <= @maxSeq AND occurred_at >= @from AND policy_tier IS NOT NULL AND CAST(policy_tier AS TEXT) <> ''
          AND length(CAST(policy_tier AS TEXT)) <= 64 AND CAST(policy_tier AS TEXT) NOT GLOB '*[^ -~]*'
        GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT @max
        """;

    /// <summary>The <paramref name="max"/> tiers with most events since <paramref name="fromMs"/>: the ones a recompute gives rollups of their own.</summary>
    public static async Task<HashSet<string>> TopTiersAsync(SqliteConnection connection, SqliteTransaction? transaction, long maxSeq, long fromMs, int max, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(TopTiersSql, new { maxSeq, from = fromMs, max }, transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);

    // The top providers by calls, then the top (provider, model) pairs among them; names as the engine admits them.
    private const string TopProvidersSql = """
        WITH c AS (SELECT CAST(provider AS TEXT) AS p, CAST(model AS TEXT) AS m FROM ops_events
                   WHERE seq <= @maxSeq AND occurred_at >= @from AND event_type = 'llm_call' AND provider IS NOT NULL),
             top AS (SELECT p FROM c WHERE p <> '' AND p <> 'other' AND length(p) <= 64 AND p NOT GLOB '*[^ -~]*'
                     GROUP BY p ORDER BY COUNT(*) DESC, p LIMIT @max)
        SELECT p AS Provider, NULL AS Model, 0 AS Rank FROM top
        UNION ALL
        SELECT * FROM (SELECT p, m, 1 FROM c WHERE p IN (SELECT p FROM top) AND m IS NOT NULL AND m <> '' AND m <> 'other'
                       AND length(m) <= 64 AND m NOT GLOB '*[^ -~]*' GROUP BY p, m ORDER BY COUNT(*) DESC, p, m LIMIT @max)
        """;

    /// <summary>The <paramref name="max"/> providers and (provider, model) pairs with most llm_calls since <paramref name="fromMs"/>.</summary>
    public static async Task<ProviderSlots> TopProvidersAsync(SqliteConnection connection, SqliteTransaction? transaction, long maxSeq, long fromMs, int max, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<(string Provider, string? Model, long Rank)>(
            new CommandDefinition(TopProvidersSql, new { maxSeq, from = fromMs, max }, transaction, cancellationToken: cancellationToken))).AsList();
        return new ProviderSlots(
            rows.Where(r => r.Model is null).Select(r => r.Provider).ToHashSet(StringComparer.Ordinal),
            rows.Where(r => r.Model is not null).Select(r => (r.Provider, r.Model!)).ToHashSet());
    }

    private const string AuthSql = """
        SELECT rowid AS RowId, CAST(attempted_at AS INTEGER) AS At, CAST(success AS INTEGER) AS Success
        FROM auth_attempts WHERE rowid > @after AND attempted_at IS NOT NULL ORDER BY rowid
        """;

    /// <summary>auth_attempts rows after <paramref name="afterRowId"/> (the live demo appends; an import replaces the table and triggers a recompute).</summary>
    public static async Task<IReadOnlyList<AuthRow>> AuthAttemptsAsync(SqliteConnection connection, SqliteTransaction? transaction, long afterRowId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<AuthRow>(new CommandDefinition(AuthSql, new { after = afterRowId }, transaction, cancellationToken: cancellationToken))).AsList();

    private const string AppsSql = "SELECT CAST(created_at AS INTEGER) FROM apps WHERE created_at IS NOT NULL AND CAST(created_at AS INTEGER) >= @from";

    public static async Task<IReadOnlyList<long>> AppsCreatedAsync(SqliteConnection connection, SqliteTransaction? transaction, long fromMs, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<long>(new CommandDefinition(AppsSql, new { from = fromMs }, transaction, cancellationToken: cancellationToken))).AsList();

    // Per instance, its last sandbox_started/sandbox_stopped before the horizon (a start before a stop at the same ms,
    // as the engine orders them), kept when it is a start: the instance was running when the read begins.
    private const string RunningAtHorizonSql = """
        SELECT InstanceId, At, Tier FROM (
            SELECT CAST(instance_id AS TEXT) AS InstanceId, CAST(occurred_at AS INTEGER) AS At, CAST(policy_tier AS TEXT) AS Tier,
                   event_type = 'sandbox_started' AS Started,
                   ROW_NUMBER() OVER (PARTITION BY instance_id ORDER BY occurred_at DESC, event_type = 'sandbox_stopped' DESC, CAST(policy_tier AS TEXT) DESC) AS Latest
            FROM ops_events
            WHERE event_type IN ('sandbox_started', 'sandbox_stopped') AND occurred_at < @horizon AND seq <= @maxSeq
              AND instance_id IS NOT NULL AND instance_id <> '')
        WHERE Latest = 1 AND Started
        """;

    /// <summary>Instances started before <paramref name="horizonMs"/> and not stopped since (as far as events before it tell).</summary>
    public static async Task<IReadOnlyList<RunningRow>> RunningAtHorizonAsync(SqliteConnection connection, SqliteTransaction? transaction, long horizonMs, long maxSeq, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<RunningRow>(new CommandDefinition(RunningAtHorizonSql, new { horizon = horizonMs, maxSeq }, transaction, cancellationToken: cancellationToken))).AsList();

    internal sealed class RunningRow
    {
        public string InstanceId { get; set; } = "";
        public long At { get; set; }
        public string? Tier { get; set; }
    }

    private const string MigrationsSql = "SELECT CAST(name AS TEXT) FROM d1_migrations WHERE name IS NOT NULL";

    public static async Task<IReadOnlyList<string>> D1MigrationsAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(MigrationsSql, transaction: transaction, cancellationToken: cancellationToken))).AsList();

    internal sealed class AuthRow
    {
        public long RowId { get; set; }
        public long At { get; set; }
        public long Success { get; set; }
    }
}
