using System.Globalization;
using Dapper;
using VibeDashboard.Storage;

namespace VibeDashboard.Aggregation;

/// <summary>
/// Top offenders, straight from the store: distinct identifiers per IP are not additive across buckets, so
/// SQL over the range is both simpler and exact. Results are cached briefly by the aggregator.
/// </summary>
internal static class OffenderQueries
{
    private const string FixLoopsSql = """
        SELECT app_id AS "Key", COUNT(*) AS Count, NULL AS Detail FROM ops_events
        WHERE event_type IN ('runtime_error_found', 'code_fix_edits', 'deterministic_code_fix_started')
          AND app_id IS NOT NULL AND occurred_at >= @from
        GROUP BY app_id ORDER BY Count DESC, "Key" LIMIT @count
        """;

    private const string LimitersSql = """
        SELECT COALESCE(CASE WHEN json_valid(attrs_json) THEN json_extract(attrs_json, '$.limiter') END, '(unknown)') AS "Key",
               COUNT(*) AS Count, NULL AS Detail
        FROM ops_events WHERE event_type = 'rate_limit_exceeded' AND occurred_at >= @from
        GROUP BY 1 ORDER BY Count DESC, "Key" LIMIT @count
        """;

    private const string AuthIpsSql = """
        SELECT ip_address AS "Key", COUNT(*) AS Count, COUNT(DISTINCT identifier) AS Identifiers FROM auth_attempts
        WHERE CAST(success AS INTEGER) = 0 AND CAST(attempted_at AS INTEGER) >= @from AND ip_address IS NOT NULL
        GROUP BY ip_address ORDER BY Count DESC, "Key" LIMIT @count
        """;

    private const string HasAuthSql = "SELECT EXISTS (SELECT 1 FROM _vd_tables WHERE name = 'auth_attempts')";

    public static IReadOnlyList<Offender> Query(SqliteConnectionFactory connections, OffenderKind kind, long fromMs, int count)
    {
        // Synchronous by contract (IMetricsFeed); a GROUP BY over an indexed range of the store.
        using var connection = connections.OpenAsync().GetAwaiter().GetResult();
        var args = new { from = fromMs, count };
        switch (kind)
        {
            case OffenderKind.AppsByFixLoops:
                return connection.Query<Row>(FixLoopsSql, args).Select(r => new Offender(r.Key, r.Count, null)).ToList();
            case OffenderKind.LimiterKeysByBreaches:
                return connection.Query<Row>(LimitersSql, args).Select(r => new Offender(r.Key, r.Count, null)).ToList();
            default:
                if (!connection.ExecuteScalar<bool>(HasAuthSql))
                {
                    return [];
                }

                return connection.Query<Row>(AuthIpsSql, args)
                    .Select(r => new Offender(r.Key, r.Count, r.Identifiers.ToString(CultureInfo.InvariantCulture) + (r.Identifiers == 1 ? " identifier" : " identifiers")))
                    .ToList();
        }
    }

    private sealed class Row
    {
        public string Key { get; set; } = "";
        public long Count { get; set; }
        public long Identifiers { get; set; }
    }
}
