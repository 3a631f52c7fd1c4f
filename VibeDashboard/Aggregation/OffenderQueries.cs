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
    // Keys are read as text whatever their storage class: an export may hold a limiter key as text in one row and
    // a number in another, or an IP as a blob (shown as x'…', as SQLite writes one). Grouping by the text form
    // also makes 5 and '5' one key.
    private static string AsText(string column) =>
        $"CASE typeof({column}) WHEN 'blob' THEN 'x''' || hex({column}) || '''' ELSE CAST({column} AS TEXT) END";

    private static readonly string FixLoopsSql = $"""
        SELECT {AsText("app_id")} AS "Key", COUNT(*) AS Count, NULL AS Detail FROM ops_events
        WHERE event_type IN ('runtime_error_found', 'code_fix_edits', 'deterministic_code_fix_started')
          AND app_id IS NOT NULL AND occurred_at >= @from
        GROUP BY 1 ORDER BY Count DESC, "Key" LIMIT @count
        """;

    private static readonly string LimitersSql = $"""
        SELECT COALESCE({AsText("CASE WHEN json_valid(attrs_json) THEN json_extract(attrs_json, '$.limiter') END")}, '(unknown)') AS "Key",
               COUNT(*) AS Count, NULL AS Detail
        FROM ops_events WHERE event_type = 'rate_limit_exceeded' AND occurred_at >= @from
        GROUP BY 1 ORDER BY Count DESC, "Key" LIMIT @count
        """;

    private static readonly string AuthIpsSql = $"""
        SELECT {AsText("ip_address")} AS "Key", COUNT(*) AS Count, COUNT(DISTINCT {AsText("identifier")}) AS Identifiers FROM auth_attempts
        WHERE CAST(success AS INTEGER) = 0 AND CAST(attempted_at AS INTEGER) >= @from AND ip_address IS NOT NULL
        GROUP BY 1 ORDER BY Count DESC, "Key" LIMIT @count
        """;

    // auth_attempts is imported and has every column the query reads (an older store may lack one: no list, no error).
    private const string HasAuthSql = """
        SELECT EXISTS (SELECT 1 FROM _vd_tables WHERE name = 'auth_attempts')
           AND (SELECT COUNT(DISTINCT lower(name)) FROM pragma_table_info('auth_attempts')
                WHERE lower(name) IN ('ip_address', 'identifier', 'success', 'attempted_at')) = 4
        """;

    /// <summary>The longest key shown; keys are grouped by their full text, only the listing is shortened.</summary>
    internal const int MaxShownKeyLength = 128;

    // A limiter key is whatever the platform wrote: a 64 KB one would make the Security page a megabyte of text.
    private static string Shown(string key) => key.Length <= MaxShownKeyLength ? key : string.Concat(key.AsSpan(0, MaxShownKeyLength - 1), "…");

    public static async Task<IReadOnlyList<Offender>> QueryAsync(SqliteConnectionFactory connections, OffenderKind kind, long fromMs, int count, CancellationToken cancellationToken)
    {
        // A GROUP BY over an indexed range of the store; the caller runs it off the render thread (see MetricsAggregator).
        await using var connection = await connections.OpenAsync(cancellationToken);
        var args = new { from = fromMs, count };
        switch (kind)
        {
            case OffenderKind.AppsByFixLoops:
                return (await connection.QueryAsync<Row>(new CommandDefinition(FixLoopsSql, args, cancellationToken: cancellationToken)))
                    .Select(r => new Offender(Shown(r.Key ?? ""), r.Count, null)).ToList();
            case OffenderKind.LimiterKeysByBreaches:
                return (await connection.QueryAsync<Row>(new CommandDefinition(LimitersSql, args, cancellationToken: cancellationToken)))
                    .Select(r => new Offender(Shown(r.Key ?? "(unknown)"), r.Count, null)).ToList();
            default:
                if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(HasAuthSql, cancellationToken: cancellationToken)))
                {
                    return [];
                }

                return (await connection.QueryAsync<Row>(new CommandDefinition(AuthIpsSql, args, cancellationToken: cancellationToken)))
                    .Select(r => new Offender(Shown(r.Key ?? ""), r.Count, r.Identifiers.ToString(CultureInfo.InvariantCulture) + (r.Identifiers == 1 ? " identifier" : " identifiers")))
                    .ToList();
        }
    }

    private sealed class Row
    {
        public string? Key { get; set; }
        public long Count { get; set; }
        public long Identifiers { get; set; }
    }
}
