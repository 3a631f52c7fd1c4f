using Dapper;
using Microsoft.Data.Sqlite;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// Reads the readiness checklist's evidence from ops_events in one read transaction (<see cref="ReadinessEvidence"/>).
/// Every value is cast in SQL: an export may hold text where numbers belong, a blob for a source or a non-integer
/// occurred_at; such rows are not counted, never thrown on. Only counts and times leave the store, never a raw
/// value, so an odd name cannot reach the evidence text. Windows end at <c>now</c>: an event dated ahead is not
/// evidence yet.
/// </summary>
internal static class ReadinessReader
{
    private static readonly string[] Columns = ["occurred_at", "source", "event_type", "instance_id", "status"];

    private const string ColumnsSql = "SELECT name FROM pragma_table_info('ops_events')";

    // Sources compare lower-cased (as statuses do in the metrics): 'API' is the api path, not a missing one.
    private const string SourcesSql = """
        SELECT lower(CAST(source AS TEXT)) AS Source, COUNT(*) AS Count FROM ops_events
        WHERE occurred_at >= @from AND occurred_at <= @now AND typeof(occurred_at) = 'integer'
          AND lower(CAST(source AS TEXT)) IN @sources
        GROUP BY 1
        """;

    // The CI evidence (30 days, source ci) and the limiters' refusals (7 days, any source: the event is the refusal).
    // Failed marks status 'error' (any case): a failed drill or apply is not a tested procedure. The outer range
    // (the longer window) lets the occurred_at index narrow the scan.
    private const string TalliesSql = """
        SELECT event_type AS Type, COALESCE(lower(CAST(status AS TEXT)) = 'error', 0) AS Failed, COUNT(*) AS Count, MAX(occurred_at) AS LastAt
        FROM ops_events
        WHERE typeof(occurred_at) = 'integer' AND occurred_at <= @now AND occurred_at >= MIN(@monthFrom, @weekFrom) AND (
                (event_type IN ('migration_applied', 'rollback_drill') AND lower(CAST(source AS TEXT)) = 'ci' AND occurred_at >= @monthFrom)
             OR (event_type = 'rate_limit_exceeded' AND occurred_at >= @weekFrom))
        GROUP BY 1, 2
        """;

    // Instances running over time, as MetricEngine pairs them: per instance its sandbox_started/sandbox_stopped in
    // time order, a start before a stop at the same ms; running from a start to the next stop, so a start while
    // running and a stop while stopped change nothing (Delta 0). Then one sweep over all instances, stops before
    // starts at the same ms (a run is [start, stop): one ending as another begins is not two at once); Running is
    // the count after each row. Rows tied on (At, Stop) come in any order, so a count at an instant is a sum of
    // deltas, never one row's Running; the peak is the largest Running in the window (within a tie the starts only
    // climb and the stops only fall, so no row exceeds the count after its instant or before it). AtStart is the
    // count at the window's first instant: runs ending there have ended. The whole history is read, like the
    // engine's horizon read: an instance started weeks ago and never stopped is running today.
    private const string PeakSql = """
        WITH e AS (
            SELECT CAST(instance_id AS TEXT) AS Instance, occurred_at AS At, event_type = 'sandbox_stopped' AS Stop
            FROM ops_events
            WHERE event_type IN ('sandbox_started', 'sandbox_stopped') AND typeof(occurred_at) = 'integer' AND occurred_at <= @now
              AND instance_id IS NOT NULL AND CAST(instance_id AS TEXT) <> ''),
        p AS (SELECT At, Stop, LAG(Stop) OVER (PARTITION BY Instance ORDER BY At, Stop) AS Previous FROM e),
        d AS (SELECT At, Stop, CASE WHEN Stop = 0 AND (Previous IS NULL OR Previous = 1) THEN 1
                                    WHEN Stop = 1 AND Previous = 0 THEN -1 ELSE 0 END AS Delta FROM p),
        r AS MATERIALIZED (SELECT At, Stop, Delta, SUM(Delta) OVER (ORDER BY At, Stop DESC ROWS UNBOUNDED PRECEDING) AS Running
                           FROM d WHERE Delta <> 0)
        SELECT (SELECT COALESCE(SUM(Delta), 0) FROM r WHERE At < @from OR (At = @from AND Stop = 1)) AS AtStart,
               (SELECT Running FROM r WHERE At >= @from ORDER BY Running DESC, At LIMIT 1) AS Peak,
               (SELECT At FROM r WHERE At >= @from ORDER BY Running DESC, At LIMIT 1) AS PeakAt
        """;

    /// <summary>The evidence at <paramref name="now"/>; null when the store has no readable ops_events (nothing to judge from).</summary>
    public static async Task<ReadinessEvidence?> ReadAsync(SqliteConnectionFactory connections, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await ReadAsync(connection, now, cancellationToken);
    }

    public static async Task<ReadinessEvidence?> ReadAsync(SqliteConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: true);
        var present = (await connection.QueryAsync<string>(new CommandDefinition(ColumnsSql, transaction: transaction, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!Columns.All(present.Contains))
        {
            return null;
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        long From(TimeSpan window) => nowMs - (long)window.TotalMilliseconds;

        var sources = ReadinessJudge.ObservedSources.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        foreach (var row in await connection.QueryAsync<(string Source, long Count)>(new CommandDefinition(
                     SourcesSql, new { from = From(ReadinessJudge.ObservabilityWindow), now = nowMs, sources = ReadinessJudge.ObservedSources }, transaction, cancellationToken: cancellationToken)))
        {
            sources[row.Source] = row.Count;
        }

        var applied = EventTally.None;
        var drills = EventTally.None;
        var refusals = EventTally.None;
        long failedDrills = 0;
        foreach (var row in await connection.QueryAsync<(string Type, long Failed, long Count, long LastAt)>(new CommandDefinition(
                     TalliesSql, new { now = nowMs, monthFrom = From(ReadinessJudge.CiWindow), weekFrom = From(ReadinessJudge.RefusalWindow) }, transaction, cancellationToken: cancellationToken)))
        {
            switch (row.Type)
            {
                case "migration_applied" when row.Failed == 0:
                    applied = Add(applied, row.Count, row.LastAt);
                    break;
                case "rollback_drill" when row.Failed == 0:
                    drills = Add(drills, row.Count, row.LastAt);
                    break;
                case "rollback_drill":
                    failedDrills += row.Count;
                    break;
                case "rate_limit_exceeded":
                    refusals = Add(refusals, row.Count, row.LastAt);
                    break;
            }
        }

        var peak = await connection.QuerySingleAsync<(long AtStart, long? Peak, long? PeakAt)>(new CommandDefinition(
            PeakSql, new { now = nowMs, from = From(ReadinessJudge.ConcurrencyWindow) }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);

        // The window's own peak when it tops the count it opened with; else that count, at no instant of its own.
        var (peakCount, peakAt) = peak is { Peak: { } top, PeakAt: { } topAt } && top > peak.AtStart
            ? (top, DateTimeOffset.FromUnixTimeMilliseconds(topAt))
            : (Math.Max(0, peak.AtStart), (DateTimeOffset?)null);
        return new ReadinessEvidence(now, sources, applied, drills, failedDrills, refusals, peakCount, peakAt);
    }

    private static EventTally Add(EventTally tally, long count, long lastAtMs)
    {
        var last = DateTimeOffset.FromUnixTimeMilliseconds(lastAtMs);
        return new EventTally(tally.Count + count, tally.LastAt is { } known && known > last ? known : last);
    }
}
