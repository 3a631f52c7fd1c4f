using Dapper;
using Microsoft.Data.Sqlite;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>Definitions of docs/metrics.md written as plain SQL over a store, for truth tests to compare the snapshot with.</summary>
public static class TruthSql
{
    /// <summary>
    /// Preview hours in [<paramref name="start"/>, <paramref name="end"/>] (end = now), over every event of the store,
    /// those before the aggregator's read horizon included: per instance, its sandbox_started and sandbox_stopped in
    /// time order (a start before a stop at the same ms); the time from each start to the next of those events is
    /// preview time, in the tier of that start; after a last start, up to now. So an instance runs from a start until
    /// the next stop after it, a second start while running changes nothing (but the tier), and a stop with no start
    /// before it is ignored. Rows dated after now do not count.
    /// </summary>
    public static double PreviewHours(SqliteConnection db, long start, long end, string? tier) => db.ExecuteScalar<double>("""
        WITH e AS (SELECT instance_id, occurred_at AS at, event_type = 'sandbox_stopped' AS stop, policy_tier FROM ops_events
                   WHERE event_type IN ('sandbox_started', 'sandbox_stopped') AND instance_id <> '' AND occurred_at <= @end),
             s AS (SELECT *, LEAD(at) OVER (PARTITION BY instance_id ORDER BY at, stop, policy_tier) AS next FROM e)
        SELECT COALESCE(SUM(MAX(0, MIN(COALESCE(next, @end), @end) - MAX(at, @start))), 0) / 3600000.0
        FROM s WHERE stop = 0 AND (@tier IS NULL OR policy_tier = @tier)
        """, new { start, end, tier });

    /// <summary>The nearest-rank percentile of one column of samples: the ⌈p·n⌉-th smallest (p in whole percent); null without samples.</summary>
    public static double? NearestRank(SqliteConnection db, string samplesSql, object? args, int percent)
    {
        var n = db.ExecuteScalar<long>($"WITH samples(v) AS ({samplesSql}) SELECT COUNT(*) FROM samples", args);
        if (n == 0)
        {
            return null;
        }

        var parameters = new DynamicParameters(args);
        parameters.Add("offset", ((percent * n) + 99) / 100 - 1);
        return db.ExecuteScalar<double>($"WITH samples(v) AS ({samplesSql}) SELECT v FROM samples ORDER BY v LIMIT 1 OFFSET @offset", parameters);
    }
}
