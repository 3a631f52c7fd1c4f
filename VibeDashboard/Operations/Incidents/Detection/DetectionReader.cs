using Dapper;
using Microsoft.Data.Sqlite;
using VibeDashboard.Aggregation;

namespace VibeDashboard.Operations.Incidents.Detection;

/// <summary>
/// Reads the rules' inputs from the store as per-minute buckets (SQL GROUP BY), in one read transaction. Every value
/// is cast and range-checked in SQL or here: an export may hold text where numbers belong, missing VibeSDK tables or
/// columns; such rows are skipped, never thrown on. Names of any length or content are keyed by their sanitised form
/// (<see cref="DetectionKeys"/>), never dropped: an odd name must not hide a failing provider or migration.
/// </summary>
internal static class DetectionReader
{
    private const long MinuteMs = 60_000;

    /// <summary>Where the read stopped: the next append pass reads rows after these.</summary>
    public sealed record Position(long Seq, long AuthRowId, bool HasAuth, bool HasStuffingColumns);

    private const string FirstEventSql = """
        SELECT MIN(occurred_at) FROM ops_events WHERE occurred_at >= @from AND typeof(occurred_at) = 'integer'
        """;

    private const string FirstAuthSql = """
        SELECT MIN(CAST(attempted_at AS INTEGER)) FROM auth_attempts
        WHERE attempted_at IS NOT NULL AND CAST(attempted_at AS INTEGER) >= @from
        """;

    /// <summary>A full read: every bucket from <paramref name="fromMs"/> on (the history start), up to the store's newest seq.</summary>
    public static async Task<(DetectionData Data, Position Position)> ReadAllAsync(SqliteConnection connection, long fromMs, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: true);
        var tables = await AggregationReader.TablesAsync(connection, transaction, cancellationToken);
        var hasAuth = await AggregationReader.HasColumnsAsync(connection, transaction, tables, "auth_attempts", AggregationReader.AuthColumns, cancellationToken);
        var hasStuffing = hasAuth && await AggregationReader.HasColumnsAsync(connection, transaction, tables, "auth_attempts", StuffingColumns, cancellationToken);
        var hasMigrations = await AggregationReader.HasColumnsAsync(connection, transaction, tables, "d1_migrations", AggregationReader.MigrationsColumns, cancellationToken);
        var maxSeq = await AggregationReader.MaxSeqAsync(connection, transaction, cancellationToken);

        var first = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(FirstEventSql, new { from = fromMs }, transaction, cancellationToken: cancellationToken));
        if (hasAuth)
        {
            var auth = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(FirstAuthSql, new { from = fromMs }, transaction, cancellationToken: cancellationToken));
            first = first is null ? auth : auth is null ? first : Math.Min(first.Value, auth.Value);
        }

        var baseMinute = Math.Max(fromMs, first ?? fromMs) / MinuteMs;
        var data = new DetectionData(baseMinute)
        {
            Auth = hasAuth ? new MinuteCounts(baseMinute) : null,
            AppliedMigrations = hasMigrations ? await MigrationNamesAsync(connection, transaction, cancellationToken) : null,
        };

        foreach (var key in await RankedProvidersAsync(connection, transaction, data.BaseMinute * MinuteMs, data.CountedUntilMinute * MinuteMs, maxSeq, cancellationToken))
        {
            data.Provider(key);
        }

        await ReadEventsAsync(connection, transaction, data, 0, maxSeq, adoptProviders: false, cancellationToken);
        var authRowId = hasAuth ? await ReadAuthAsync(connection, transaction, data, 0, hasStuffing, cancellationToken) : 0;
        await transaction.CommitAsync(cancellationToken);
        return (data, new Position(maxSeq, authRowId, hasAuth, hasStuffing));
    }

    /// <summary>
    /// An append read: adds the events with seq above <paramref name="position"/>'s (and auth attempts above its rowid).
    /// Null when the store went backwards (wiped or replaced): the caller reads everything again.
    /// </summary>
    public static async Task<Position?> ReadNewAsync(SqliteConnection connection, DetectionData data, Position position, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: true);
        var maxSeq = await AggregationReader.MaxSeqAsync(connection, transaction, cancellationToken);
        if (maxSeq < position.Seq)
        {
            return null;
        }

        var authRowId = position.AuthRowId;
        if (position.HasAuth)
        {
            var maxRowId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(MaxAuthRowIdSql, transaction: transaction, cancellationToken: cancellationToken)) ?? 0;
            if (maxRowId < position.AuthRowId)
            {
                return null;
            }
        }

        if (maxSeq > position.Seq)
        {
            await ReadEventsAsync(connection, transaction, data, position.Seq, maxSeq, adoptProviders: true, cancellationToken);
            if (data.NeedsRerank)
            {
                return null; // a provider without a slot now fails more than a tracked one: rank them all again
            }
        }

        if (position.HasAuth)
        {
            authRowId = await ReadAuthAsync(connection, transaction, data, position.AuthRowId, position.HasStuffingColumns, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return position with { Seq = maxSeq, AuthRowId = authRowId };
    }

    private static readonly string[] StuffingColumns = ["ip_address", "identifier"];

    private const string MaxAuthRowIdSql = "SELECT MAX(rowid) FROM auth_attempts";

    // One scan over the seq range, grouped by minute, type and key (the provider of an llm_call, the migration of a
    // migration event, the target of a deploy: one to Cloudflare Workers is not a preview start). attrs_json is parsed
    // only for migration events, guarded by json_valid (Raw: the start of attrs_json, quoted when it holds no clean
    // name). Statuses compare as the metrics do ('error', any case).
    private const string EventsSql = """
        SELECT occurred_at / 60000 AS Minute, event_type AS Type,
               CASE WHEN event_type = 'llm_call' THEN CAST(provider AS TEXT)
                    WHEN event_type IN ('migration_applied', 'migration_failed') AND json_valid(attrs_json)
                         THEN CAST(json_extract(attrs_json, '$.migration') AS TEXT)
                    WHEN event_type IN ('deployment_completed', 'deployment_failed') AND json_valid(attrs_json)
                         THEN CAST(json_extract(attrs_json, '$.target') AS TEXT) END AS Key,
               COUNT(*) AS Total,
               SUM(CASE WHEN lower(CAST(status AS TEXT)) = 'error' THEN 1 ELSE 0 END) AS Failed,
               MIN(occurred_at) AS FirstAt,
               MIN(CASE WHEN event_type IN ('migration_applied', 'migration_failed')
                        THEN substr(COALESCE(CAST(attrs_json AS TEXT), 'null'), 1, 121) END) AS Raw
        FROM ops_events
        WHERE seq > @after AND seq <= @upTo AND typeof(occurred_at) = 'integer' AND occurred_at >= 0
          AND event_type IN ('llm_call', 'sandbox_crashed', 'sandbox_restarted', 'deployment_completed', 'deployment_failed',
                             'd1_query', 'migration_applied', 'migration_failed')
        GROUP BY 1, 2, 3
        """;

    // Providers by failed llm_calls, then calls, in the history read: a provider that could fire (it needs failures)
    // is never crowded out by names that only carry traffic. Raw names; several may share one sanitised key.
    private const string RankedProvidersSql = """
        SELECT CAST(provider AS TEXT) AS Name,
               SUM(CASE WHEN lower(CAST(status AS TEXT)) = 'error' THEN 1 ELSE 0 END) AS Failed, COUNT(*) AS Calls
        FROM ops_events
        WHERE seq <= @upTo AND event_type = 'llm_call' AND typeof(occurred_at) = 'integer' AND occurred_at >= @from AND occurred_at < @until
          AND provider IS NOT NULL AND CAST(provider AS TEXT) <> ''
        GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT @limit
        """;

    /// <summary>The <see cref="DetectionData.MaxProviders"/> provider keys to evaluate: most failed calls first, then most calls.</summary>
    private static async Task<IReadOnlyList<string>> RankedProvidersAsync(SqliteConnection connection, SqliteTransaction transaction, long fromMs, long untilMs, long upToSeq, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string Name, long Failed, long Calls)>(new CommandDefinition(
            RankedProvidersSql, new { from = fromMs, until = untilMs, upTo = upToSeq, limit = DetectionData.MaxProviders * 8 }, transaction, cancellationToken: cancellationToken));
        return rows
            .GroupBy(r => DetectionKeys.Key(r.Name, DetectionKeys.MaxProviderLength), StringComparer.Ordinal)
            .Select(g => (Key: g.Key, Failed: g.Sum(r => r.Failed), Calls: g.Sum(r => r.Calls)))
            .OrderByDescending(p => p.Failed).ThenByDescending(p => p.Calls).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(DetectionData.MaxProviders)
            .Select(p => p.Key)
            .ToList();
    }

    private static async Task ReadEventsAsync(SqliteConnection connection, SqliteTransaction transaction, DetectionData data, long afterSeq, long upToSeq, bool adoptProviders, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<EventBucket>(new CommandDefinition(EventsSql, new { after = afterSeq, upTo = upToSeq }, transaction, cancellationToken: cancellationToken));
        foreach (var row in rows)
        {
            if (row.Minute < data.BaseMinute)
            {
                continue;
            }

            data.FirstDataMinute = Math.Min(data.FirstDataMinute, row.Minute);
            data.MarkDirty(row.Minute);
            switch (row.Type)
            {
                case "llm_call":
                    data.LlmCalls.Add(row.Minute, row.Total, row.Failed);
                    // No provider: in the all-provider counts only (as the aggregator has it). An odd name is keyed by its sanitised form.
                    if (!string.IsNullOrEmpty(row.Key))
                    {
                        data.AdmitProvider(row.Key, row.Minute, row.Failed, adoptProviders)?.Add(row.Minute, row.Total, row.Failed);
                    }

                    break;
                case "sandbox_crashed" or "sandbox_restarted":
                    data.Crashes.Add(row.Minute, row.Total, 0);
                    break;
                case "deployment_completed" or "deployment_failed" when row.Key == "cloudflare":
                    break;
                case "deployment_completed":
                    data.Starts.Add(row.Minute, row.Total, 0);
                    break;
                case "deployment_failed":
                    // A failed deploy is a failed start whatever its status (as the preview_startup SLO counts it).
                    data.Starts.Add(row.Minute, row.Total, row.Total);
                    break;
                case "d1_query":
                    data.D1Queries.Add(row.Minute, row.Total, row.Failed);
                    break;
                case "migration_applied" or "migration_failed":
                    AddMigration(data, row);
                    break;
            }
        }

        data.Migrations.Sort((a, b) => a.AtMs != b.AtMs ? a.AtMs.CompareTo(b.AtMs) : a.Failed.CompareTo(b.Failed));
    }

    /// <summary>
    /// A failed migration always counts: with no readable name it is keyed <see cref="DetectionKeys.Unknown"/>, with an
    /// odd one (too long, control characters) by its sanitised form, and the evidence quotes what attrs_json held. An
    /// applied one with no readable name is dropped: it cannot say which failure it fixes.
    /// </summary>
    private static void AddMigration(DetectionData data, EventBucket row)
    {
        var failed = row.Type == "migration_failed";
        var key = DetectionKeys.Key(row.Key, DetectionKeys.MaxMigrationLength);
        if (key == row.Key)
        {
            data.Migrations.Add(new MigrationEvent(key, row.FirstAt, failed));
            return;
        }

        if (!failed && key == DetectionKeys.Unknown)
        {
            return;
        }

        data.Migrations.Add(new MigrationEvent(key, row.FirstAt, failed, DetectionKeys.Excerpt(row.Raw)));
    }

    // attempted_at is unix ms after import; text or other values cast to small numbers and fall before the history.
    private const string AuthBucketsSql = """
        SELECT CAST(attempted_at AS INTEGER) / 60000 AS Minute, COUNT(*) AS Total,
               SUM(CASE WHEN CAST(success AS INTEGER) = 0 THEN 1 ELSE 0 END) AS Failed
        FROM auth_attempts
        WHERE rowid > @after AND rowid <= @upTo AND attempted_at IS NOT NULL AND CAST(attempted_at AS INTEGER) >= @from
        GROUP BY 1
        """;

    private const string MaxRowIdAfterSql = "SELECT MAX(rowid) FROM auth_attempts WHERE rowid > @after";

    private const string FailedAttemptsSql = """
        SELECT CAST(ip_address AS TEXT) AS Ip, CAST(identifier AS TEXT) AS Identifier, CAST(attempted_at AS INTEGER) AS At
        FROM auth_attempts
        WHERE rowid > @after AND rowid <= @upTo AND CAST(success AS INTEGER) = 0 AND attempted_at IS NOT NULL
          AND CAST(attempted_at AS INTEGER) >= @from AND ip_address IS NOT NULL AND identifier IS NOT NULL
          AND length(CAST(ip_address AS TEXT)) BETWEEN 1 AND 64 AND length(CAST(identifier AS TEXT)) BETWEEN 1 AND 320
        """;

    private static async Task<long> ReadAuthAsync(SqliteConnection connection, SqliteTransaction transaction, DetectionData data, long afterRowId, bool stuffing, CancellationToken cancellationToken)
    {
        var upTo = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(MaxRowIdAfterSql, new { after = afterRowId }, transaction, cancellationToken: cancellationToken));
        if (upTo is null)
        {
            return afterRowId;
        }

        var from = data.BaseMinute * MinuteMs;
        var auth = data.Auth!;
        foreach (var row in await connection.QueryAsync<AuthBucket>(new CommandDefinition(AuthBucketsSql, new { after = afterRowId, upTo, from }, transaction, cancellationToken: cancellationToken)))
        {
            auth.Add(row.Minute, row.Total, row.Failed);
            data.FirstDataMinute = Math.Min(data.FirstDataMinute, row.Minute);
            data.MarkDirty(row.Minute);
        }

        if (stuffing)
        {
            foreach (var row in await connection.QueryAsync<FailedRow>(new CommandDefinition(FailedAttemptsSql, new { after = afterRowId, upTo, from }, transaction, cancellationToken: cancellationToken)))
            {
                data.AddFailedAttempt(new FailedAttempt(row.Ip, row.Identifier, row.At));
            }
        }

        return upTo.Value;
    }

    private const string MigrationNamesSql = "SELECT CAST(name AS TEXT) FROM d1_migrations WHERE name IS NOT NULL";

    private static async Task<HashSet<string>> MigrationNamesAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(MigrationNamesSql, transaction: transaction, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);

    /// <summary>A key a person can read: non-empty, printable, bounded.</summary>
    internal static bool IsName(string? value, int maxLength) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= maxLength && !value.Any(char.IsControl);

    private sealed class EventBucket
    {
        public long Minute { get; set; }
        public string Type { get; set; } = "";
        public string? Key { get; set; }
        public long Total { get; set; }
        public long Failed { get; set; }
        public long FirstAt { get; set; }

        public string? Raw { get; set; }
    }

    private sealed class AuthBucket
    {
        public long Minute { get; set; }
        public long Total { get; set; }
        public long Failed { get; set; }
    }

    private sealed class FailedRow
    {
        public string Ip { get; set; } = "";
        public string Identifier { get; set; } = "";
        public long At { get; set; }
    }
}
