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
    public static double PreviewHours(SqliteConnection db, long start, long end, string? tier, string ownTiers = NoOwnTiers) => db.ExecuteScalar<double>($"""
        WITH {Stretches}
        SELECT COALESCE(SUM(MAX(0, until - MAX(since, @start))), 0) / 3600000.0 FROM stretch
        """, new { start, end, tier, ownTiers });

    /// <summary>
    /// <see cref="PreviewHours"/> in each bucket of <paramref name="unit"/> ms, index <paramref name="first"/> to
    /// <paramref name="last"/> (bucket i = [i·unit, (i + 1)·unit), the last one up to <paramref name="end"/> = now).
    /// </summary>
    public static Dictionary<long, double> PreviewHoursByBucket(SqliteConnection db, long unit, long first, long last, long end, string? tier, string ownTiers = NoOwnTiers) =>
        db.Query<(long Bucket, double Hours)>($"""
            WITH RECURSIVE {Stretches},
                 b(i) AS (SELECT @first UNION ALL SELECT i + 1 FROM b WHERE i < @last)
            SELECT i, SUM(MAX(0, MIN(until, (i + 1) * @unit) - MAX(since, i * @unit))) / 3600000.0
            FROM b JOIN stretch ON since < (i + 1) * @unit AND until > i * @unit GROUP BY i
            """, new { unit, first, last, end, tier, ownTiers }).ToDictionary(r => r.Bucket, r => r.Hours);

    // The stretches of preview time (since, until) of the tier (@tier, null = all) up to @end.
    private static readonly string Stretches = $"""
        e AS (SELECT instance_id, occurred_at AS at, event_type = 'sandbox_stopped' AS stop, policy_tier FROM ops_events
              WHERE event_type IN ('sandbox_started', 'sandbox_stopped') AND instance_id <> '' AND occurred_at <= @end),
        s AS (SELECT *, LEAD(at) OVER (PARTITION BY instance_id ORDER BY at, stop, policy_tier) AS next FROM e),
        stretch AS (SELECT at AS since, MIN(COALESCE(next, @end), @end) AS until FROM s WHERE stop = 0 AND {TierIs("policy_tier")})
        """;

    /// <summary>No tier has been folded into <c>other</c> (the JSON array bound as @ownTiers).</summary>
    public const string NoOwnTiers = "[]";

    /// <summary>
    /// A row of tier @tier (null = all rows): a tier with rollups of its own by name; <c>other</c> = every named tier
    /// not in @ownTiers (a JSON array of the tiers with a slot of their own), as the aggregator folds them.
    /// </summary>
    public static string TierIs(string column) =>
        $"(@tier IS NULL OR {column} = @tier OR (@tier = 'other' AND {column} <> '' AND {column} NOT IN (SELECT value FROM json_each(@ownTiers))))";

    /// <summary>
    /// Time-to-deployable samples (at = an app's first deploy, v = ms since its first generation_started) up to @end,
    /// in the tier of the app's first generation (<see cref="TierIs"/>); apps deployed before they started are skipped.
    /// </summary>
    public static readonly string TimeToDeployableSamples = $"""
        WITH s AS (SELECT app_id, MIN(occurred_at) AS start, policy_tier FROM ops_events WHERE event_type = 'generation_started' AND occurred_at <= @end GROUP BY app_id),
             d AS (SELECT app_id, MIN(occurred_at) AS deploy FROM ops_events WHERE event_type IN ('deployment_completed', 'cloudflare_deployment_completed') AND occurred_at <= @end GROUP BY app_id)
        SELECT d.deploy AS at, d.deploy - s.start AS v FROM s JOIN d USING (app_id) WHERE d.deploy >= s.start AND {TierIs("s.policy_tier")}
        """;

    /// <summary>Fix-loop samples (at = an app's first generation_started, v = its fix events up to @end), in that generation's tier.</summary>
    public static readonly string FixLoopSamples = $"""
        WITH s AS (SELECT app_id, MIN(occurred_at) AS start, policy_tier FROM ops_events WHERE event_type = 'generation_started' AND occurred_at <= @end GROUP BY app_id),
             f AS (SELECT app_id, COUNT(*) AS fixes FROM ops_events
                   WHERE event_type IN ('runtime_error_found', 'code_fix_edits', 'deterministic_code_fix_started') AND occurred_at <= @end GROUP BY app_id)
        SELECT s.start AS at, COALESCE(f.fixes, 0) AS v FROM s LEFT JOIN f USING (app_id) WHERE {TierIs("s.policy_tier")}
        """;

    /// <summary>The nearest-rank percentile of one column of samples: the ⌈p·n⌉-th smallest (p in whole percent); null without samples.</summary>
    public static double? NearestRank(SqliteConnection db, string samplesSql, object? args, int percent) =>
        NearestRankByGroup(db, $"WITH one(v) AS ({samplesSql}) SELECT 0, v FROM one", args, percent).TryGetValue(0, out var v) ? v : null;

    /// <summary>
    /// <see cref="NearestRank"/> per group: <paramref name="samplesSql"/> selects (group, value) rows; the result
    /// holds, for each group with samples, its ⌈p·n⌉-th smallest value.
    /// </summary>
    public static Dictionary<long, double> NearestRankByGroup(SqliteConnection db, string samplesSql, object? args, int percent)
    {
        var parameters = new DynamicParameters(args);
        parameters.Add("percent", percent);
        return db.Query<(long Group, double Value)>($"""
            WITH samples(g, v) AS ({samplesSql}),
                 ranked AS (SELECT g, v, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v) AS k, COUNT(*) OVER (PARTITION BY g) AS n FROM samples)
            SELECT g, v FROM ranked WHERE k = MAX(1, (@percent * n + 99) / 100)
            """, parameters).ToDictionary(r => r.Group, r => r.Value);
    }
}
