using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using VibeDashboard.Storage;

namespace VibeDashboard.Aggregation;

/// <summary>Reads what the aggregator folds: ops_events by seq, and VibeSDK's auth_attempts, apps and d1_migrations when imported.</summary>
internal static class AggregationReader
{
    // attrs_json is parsed here, by SQLite, only for the two event types that need it; json_valid guards
    // against a malformed value (json_extract would fail the whole read).
    private const string EventsSql = """
        SELECT seq, occurred_at, event_type, source, app_id, instance_id, policy_tier, status, duration_ms, cost_usd,
               CASE WHEN event_type = 'artifact_stored' AND json_valid(attrs_json) THEN json_extract(attrs_json, '$.bytes') END,
               CASE WHEN event_type IN ('migration_applied', 'migration_failed') AND json_valid(attrs_json) THEN json_extract(attrs_json, '$.migration') END
        FROM ops_events
        WHERE seq > $after AND seq <= $upTo AND occurred_at >= $from
        """;

    /// <summary>
    /// Folds events with <paramref name="afterSeq"/> &lt; seq ≤ <paramref name="upToSeq"/>. A raw reader rather than
    /// Dapper: a full recompute reads millions of rows, and mapping them into objects would dominate its cost.
    /// </summary>
    public static async Task<long> ReadEventsAsync(SqliteConnection connection, SqliteTransaction? transaction, long afterSeq, long upToSeq, long fromMs, Action<EventRow> fold, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = EventsSql;
        command.Parameters.AddWithValue("$after", afterSeq);
        command.Parameters.AddWithValue("$upTo", upToSeq);
        command.Parameters.AddWithValue("$from", fromMs);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long count = 0;
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            fold(new EventRow(
                reader.GetInt64(0),
                reader.GetInt64(1),
                Intern(strings, reader.GetString(2)),
                reader.IsDBNull(3) ? null : Intern(strings, reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : Intern(strings, reader.GetString(6)),
                reader.IsDBNull(7) ? null : Intern(strings, reader.GetString(7)),
                reader.IsDBNull(8) ? null : reader.GetDouble(8),
                reader.IsDBNull(9) ? null : reader.GetDouble(9),
                reader.IsDBNull(10) ? null : ToDouble(reader.GetValue(10)),
                reader.IsDBNull(11) ? null : Convert.ToString(reader.GetValue(11), CultureInfo.InvariantCulture)));
            count++;
        }

        return count;
    }

    // Few distinct types, sources, tiers and statuses: share one string each instead of millions of copies.
    private static string Intern(Dictionary<string, string> strings, string value)
    {
        if (strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (strings.Count < 1024)
        {
            strings[value] = value;
        }

        return value;
    }

    private static double? ToDouble(object value) => value switch
    {
        long l => l,
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    private const string MaxSeqSql = "SELECT COALESCE(MAX(seq), 0) FROM ops_events";

    public static Task<long> MaxSeqAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(MaxSeqSql, transaction: transaction, cancellationToken: cancellationToken));

    private const string TablesSql = "SELECT name FROM _vd_tables";

    public static async Task<HashSet<string>> TablesAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(TablesSql, transaction: transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private const string AuthSql = """
        SELECT rowid AS RowId, CAST(attempted_at AS INTEGER) AS At, CAST(success AS INTEGER) AS Success
        FROM auth_attempts WHERE rowid > @after AND attempted_at IS NOT NULL ORDER BY rowid
        """;

    /// <summary>auth_attempts rows after <paramref name="afterRowId"/> (the live demo appends; an import replaces the table and triggers a recompute).</summary>
    public static async Task<IReadOnlyList<AuthRow>> AuthAttemptsAsync(SqliteConnection connection, SqliteTransaction? transaction, long afterRowId, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<AuthRow>(new CommandDefinition(AuthSql, new { after = afterRowId }, transaction, cancellationToken: cancellationToken))).AsList();

    private const string AppsSql = "SELECT CAST(created_at AS INTEGER) FROM apps WHERE created_at IS NOT NULL AND created_at >= @from";

    public static async Task<IReadOnlyList<long>> AppsCreatedAsync(SqliteConnection connection, SqliteTransaction? transaction, long fromMs, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<long>(new CommandDefinition(AppsSql, new { from = fromMs }, transaction, cancellationToken: cancellationToken))).AsList();

    private const string MigrationsSql = "SELECT name FROM d1_migrations WHERE name IS NOT NULL";

    public static async Task<IReadOnlyList<string>> D1MigrationsAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(MigrationsSql, transaction: transaction, cancellationToken: cancellationToken))).AsList();

    internal sealed class AuthRow
    {
        public long RowId { get; set; }
        public long At { get; set; }
        public long Success { get; set; }
    }
}
