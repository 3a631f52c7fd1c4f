using System.Data.Common;
using System.Globalization;
using Dapper;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Review;

/// <summary>
/// The review's SQL, one query per question, each over a half-open range [from, to) of unix ms on an open connection.
/// Times are compared as the store keeps them (INTEGER unix ms UTC); status comparisons are case-insensitive and a
/// missing status is not an error, as in every metric (docs/metrics.md).
/// </summary>
internal static class ReviewQueries
{
    private const long DayMs = 86_400_000;

    private static CommandDefinition Command(string sql, object parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, cancellationToken: cancellationToken);

    // ---- coverage and cache ----

    private const string DataStartSql = "SELECT MIN(occurred_at) FROM ops_events";

    public static Task<long?> DataStartAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long?>(Command(DataStartSql, new { }, cancellationToken));

    // What a closed month's numbers depend on besides time. Its events change only by an import (the live appender
    // writes the present), so the import mark covers them; the operator tables move their marks whenever a row is added
    // or changed (every change of an incident bumps its version).
    private const string MarksSql = """
        SELECT
            (SELECT COALESCE(MAX(id), 0) FROM _vd_imports WHERE outcome = 'Succeeded') || ':' ||
            (SELECT COALESCE(MIN(occurred_at), 0) FROM ops_events) AS Events,
            (SELECT COUNT(*) || '/' || COALESCE(SUM(version), 0) FROM _vd_incidents) || ':' ||
            (SELECT COUNT(*) || '/' || COALESCE(SUM(done), 0) || '/' || COALESCE(MAX(done_at), 0) FROM _vd_follow_ups) || ':' ||
            (SELECT COALESCE(MAX(id), 0) FROM _vd_alert_history) || ':' ||
            (SELECT COALESCE(MAX(id), 0) FROM _vd_rollout_timeline) AS Operations
        """;

    public static async Task<StoreMarks> MarksAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<MarksData>(Command(MarksSql, new { }, cancellationToken));
        return new StoreMarks(row.Events, row.Events + "|" + row.Operations);
    }

    // ---- incidents ----

    // A historical incident (found in past data) has no human resolution: its end is when its signal cleared.
    private const string IncidentClassesSql = """
        SELECT class AS Class, COUNT(*) AS Count,
            SUM(severity = 'SEV1') AS Sev1, SUM(severity = 'SEV2') AS Sev2, SUM(severity = 'SEV3') AS Sev3, SUM(severity = 'SEV4') AS Sev4,
            COUNT(acknowledged_at) AS Acknowledged, AVG(acknowledged_at - started_at) AS MttaMs,
            COUNT(resolved_end) AS Resolved, AVG(resolved_end - started_at) AS MttrMs
        FROM (SELECT *, CASE WHEN source = 'historical' THEN ended_at ELSE resolved_at END AS resolved_end FROM _vd_incidents
              WHERE started_at >= @from AND started_at < @to AND status NOT IN ('declined', 'duplicate'))
        GROUP BY class
        """;

    public static async Task<IReadOnlyList<IncidentClassRowData>> IncidentClassesAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<IncidentClassRowData>(Command(IncidentClassesSql, new { from, to }, cancellationToken))];

    private const string RecurringSql = """
        SELECT class AS Class, incident_key AS "Key", COUNT(*) AS Occurrences, MIN(started_at) AS FirstStartedAt, MAX(started_at) AS LastStartedAt,
            group_concat(number) AS Numbers
        FROM (SELECT * FROM _vd_incidents WHERE started_at >= @from AND started_at < @to AND status NOT IN ('declined', 'duplicate') ORDER BY number)
        GROUP BY class, incident_key HAVING COUNT(*) >= 2
        ORDER BY COUNT(*) DESC, class, incident_key
        """;

    public static async Task<IReadOnlyList<RecurringRowData>> RecurringAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<RecurringRowData>(Command(RecurringSql, new { from, to }, cancellationToken))];

    // ---- follow-ups ----

    private const string FollowUpColumns = """
        id AS Id, incident_number AS Incident, title AS Title, owner AS Owner, due AS Due, kind AS Kind, done AS Done,
        created_at AS CreatedAt, done_at AS DoneAt
        """;

    private const string FollowUpsOfSql = $"SELECT {FollowUpColumns} FROM _vd_follow_ups WHERE incident_number IN @numbers ORDER BY incident_number, id";

    public static async Task<IReadOnlyList<FollowUpRowData>> FollowUpsOfAsync(DbConnection connection, IReadOnlyCollection<long> numbers, CancellationToken cancellationToken) =>
        numbers.Count == 0 ? [] : [.. await connection.QueryAsync<FollowUpRowData>(Command(FollowUpsOfSql, new { numbers }, cancellationToken))];

    // Open at the end: created before it and not done by then. A row marked done without a time counts as done.
    private const string FollowUpCountsSql = """
        SELECT
            SUM(created_at >= @from AND created_at < @to) AS Created,
            SUM(done = 1 AND done_at >= @from AND done_at < @to) AS Closed,
            SUM(created_at < @to AND (done = 0 OR done_at >= @to)) AS OpenAtEnd,
            SUM(created_at < @to AND (done = 0 OR done_at >= @to) AND due IS NOT NULL AND due < @endDate) AS OverdueAtEnd
        FROM _vd_follow_ups
        """;

    public static async Task<FollowUpCountsData> FollowUpCountsAsync(DbConnection connection, long from, long to, string endDate, CancellationToken cancellationToken) =>
        await connection.QuerySingleAsync<FollowUpCountsData>(Command(FollowUpCountsSql, new { from, to, endDate }, cancellationToken));

    private const string MonthFollowUpsSql = $"""
        SELECT {FollowUpColumns} FROM _vd_follow_ups
        WHERE (created_at >= @from AND created_at < @to)
            OR (done = 1 AND done_at >= @from AND done_at < @to)
            OR (created_at < @to AND (done = 0 OR done_at >= @to))
        ORDER BY due IS NULL, due, id
        """;

    public static async Task<IReadOnlyList<FollowUpRowData>> MonthFollowUpsAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<FollowUpRowData>(Command(MonthFollowUpsSql, new { from, to }, cancellationToken))];

    // ---- SLOs ----

    /// <summary>
    /// Every SLO's SLI events per UTC day in one scan: columns <c>T{i}</c> and <c>G{i}</c> count the events of
    /// <paramref name="slos"/>[i] and the good ones among them, each with the SLO's own selection and definition of good.
    /// </summary>
    public static async Task<IReadOnlyList<IReadOnlyList<SloDayData>>> SloDaysAsync(DbConnection connection, IReadOnlyList<SloDefinition> slos, long from, long to, CancellationToken cancellationToken)
    {
        if (slos.Count == 0)
        {
            return [];
        }

        var parameters = new DynamicParameters(new { from, to, all = slos.SelectMany(s => s.Events).Distinct(StringComparer.Ordinal).ToList() });
        var columns = new List<string>();
        for (var i = 0; i < slos.Count; i++)
        {
            var slo = slos[i];
            var status = slo.GoodStatus is null ? "(status IS NULL OR LOWER(status) <> 'error')" : $"LOWER(status) = LOWER(@goodStatus{i})";
            var latency = slo.Sli == SliKind.Latency ? $" AND duration_ms IS NOT NULL AND duration_ms < @threshold{i}" : "";
            var match = $"event_type IN @events{i}" + (slo.Source is null ? "" : $" AND source = @source{i}") + (slo.RequireAppId ? " AND app_id IS NOT NULL AND app_id <> ''" : "");
            columns.Add($"SUM(CASE WHEN {match} THEN 1 ELSE 0 END) AS T{i}");
            columns.Add($"SUM(CASE WHEN {match} AND event_type NOT IN @failures{i} AND {status}{latency} THEN 1 ELSE 0 END) AS G{i}");
            parameters.Add($"events{i}", slo.Events);
            parameters.Add($"failures{i}", SloDefinition.FailedEventTypes.Concat(slo.FailureEvents).Distinct(StringComparer.Ordinal).ToList());
            parameters.Add($"goodStatus{i}", slo.GoodStatus);
            parameters.Add($"threshold{i}", slo.ThresholdMs ?? 0);
            parameters.Add($"source{i}", slo.Source);
        }

        var sql = $"""
            SELECT occurred_at / {DayMs} AS Day, {string.Join(", ", columns)}
            FROM ops_events WHERE occurred_at >= @from AND occurred_at < @to AND event_type IN @all
            GROUP BY occurred_at / {DayMs} ORDER BY Day
            """;
        var rows = (await connection.QueryAsync(Command(sql, parameters, cancellationToken))).Cast<IDictionary<string, object?>>().ToList();
        return
        [
            .. slos.Select((_, i) => (IReadOnlyList<SloDayData>)
            [
                .. rows.Select(r => new SloDayData { Day = Long(r["Day"]), Total = Long(r[$"T{i}"]), Good = Long(r[$"G{i}"]) }).Where(d => d.Total > 0),
            ]),
        ];
    }

    private static long Long(object? value) => value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    // The state each SLO was in at the range's start (its last transition before it), then every transition inside.
    private const string AlertTransitionsSql = """
        SELECT h.slo_key AS SloKey, h.to_state AS ToState, @from AS AtMs, 0 AS Id FROM _vd_alert_history h
        JOIN (SELECT MAX(id) AS id FROM _vd_alert_history WHERE at < @from GROUP BY slo_key) l ON l.id = h.id
        UNION ALL
        SELECT slo_key, to_state, at, id FROM _vd_alert_history WHERE at >= @from AND at < @to
        ORDER BY SloKey, AtMs, Id
        """;

    public static async Task<IReadOnlyList<AlertTransitionData>> AlertTransitionsAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<AlertTransitionData>(Command(AlertTransitionsSql, new { from, to }, cancellationToken))];

    // ---- spend ----

    // The ISO week's Monday as a day number: day 0 (1970-01-01) was a Thursday, three days after a Monday.
    private const string WeeklySpendSql = """
        SELECT occurred_at / 86400000 - (occurred_at / 86400000 + 3) % 7 AS WeekDay,
            SUM(CASE WHEN event_type = 'llm_call' THEN COALESCE(cost_usd, 0) ELSE 0 END) AS CostUsd,
            SUM(event_type = 'generation_started') AS Generations,
            SUM(CASE WHEN event_type = 'runtime_usage' THEN COALESCE(cost_usd, 0) ELSE 0 END) AS RuntimeCostUsd
        FROM ops_events
        WHERE occurred_at >= @from AND occurred_at < @to AND event_type IN ('llm_call', 'generation_started', 'runtime_usage')
        GROUP BY WeekDay ORDER BY WeekDay
        """;

    public static async Task<IReadOnlyList<WeekSpendData>> WeeklySpendAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<WeekSpendData>(Command(WeeklySpendSql, new { from, to }, cancellationToken))];

    private const string ModelCallsSql = """
        SELECT provider AS Provider, NULLIF(model, '') AS Model, COUNT(*) AS Calls, SUM(LOWER(COALESCE(status, '')) = 'error') AS Errors,
            SUM(COALESCE(cost_usd, 0)) AS CostUsd
        FROM ops_events
        WHERE occurred_at >= @from AND occurred_at < @to AND event_type = 'llm_call' AND provider IS NOT NULL AND provider <> ''
        GROUP BY provider, NULLIF(model, '') ORDER BY provider, model
        """;

    public static async Task<IReadOnlyList<ModelCallsData>> ModelCallsAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<ModelCallsData>(Command(ModelCallsSql, new { from, to }, cancellationToken))];

    // The last start or stop of every instance before the range: twice the time, plus one for a stop, so that MAX
    // picks the later edge and, at the same ms, the stop (a start sorts before a stop at the same ms).
    private const string RunningAtStartSql = """
        SELECT instance_id FROM ops_events
        WHERE occurred_at < @from AND event_type IN ('sandbox_started', 'sandbox_stopped') AND instance_id IS NOT NULL AND instance_id <> ''
        GROUP BY instance_id HAVING MAX(occurred_at * 2 + (event_type = 'sandbox_stopped')) % 2 = 0
        """;

    public static async Task<IReadOnlyList<string>> RunningAtStartAsync(DbConnection connection, long from, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<string>(Command(RunningAtStartSql, new { from }, cancellationToken))];

    private const string InstanceEdgesSql = """
        SELECT instance_id AS Instance, occurred_at AS AtMs, event_type = 'sandbox_stopped' AS Stop FROM ops_events
        WHERE occurred_at >= @from AND occurred_at < @to AND event_type IN ('sandbox_started', 'sandbox_stopped')
            AND instance_id IS NOT NULL AND instance_id <> ''
        """;

    public static async Task<IReadOnlyList<PreviewTime.Edge>> InstanceEdgesAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. (await connection.QueryAsync<EdgeData>(Command(InstanceEdgesSql, new { from, to }, cancellationToken))).Select(e => new PreviewTime.Edge(e.Instance, e.AtMs, e.Stop != 0))];

    // ---- model routing ----

    // Each app in the range goes to the (provider, model) that served most of its calls there; then what its events
    // in the range say, and its first generation and first deploy ever (up to the range's end).
    private const string RoutedAppsSql = """
        WITH calls AS (
            SELECT app_id, provider, model, COUNT(*) AS n, SUM(COALESCE(cost_usd, 0)) AS cost FROM ops_events
            WHERE occurred_at >= @from AND occurred_at < @to AND event_type = 'llm_call'
                AND app_id IS NOT NULL AND app_id <> '' AND provider IS NOT NULL AND provider <> '' AND model IS NOT NULL AND model <> ''
            GROUP BY app_id, provider, model),
        routed AS (
            SELECT app_id, provider, model FROM (
                SELECT app_id, provider, model, ROW_NUMBER() OVER (PARTITION BY app_id ORDER BY n DESC, cost DESC, provider, model) AS r FROM calls)
            WHERE r = 1),
        inside AS (
            SELECT app_id,
                SUM(event_type = 'generation_started') AS generations,
                SUM(event_type = 'generation_complete' AND LOWER(COALESCE(status, '')) <> 'error') AS completed,
                SUM((event_type = 'generation_complete' AND LOWER(COALESCE(status, '')) = 'error') OR (event_type = 'error' AND source = 'agent')) AS failed,
                SUM(event_type IN ('runtime_error_found', 'code_fix_edits', 'deterministic_code_fix_started')) AS fixes
            FROM ops_events
            WHERE occurred_at >= @from AND occurred_at < @to
                AND event_type IN ('generation_started', 'generation_complete', 'error', 'runtime_error_found', 'code_fix_edits', 'deterministic_code_fix_started')
                AND app_id IN (SELECT app_id FROM routed)
            GROUP BY app_id),
        firsts AS (
            SELECT app_id,
                MIN(CASE WHEN event_type = 'generation_started' THEN occurred_at END) AS first_start,
                MIN(CASE WHEN event_type <> 'generation_started' THEN occurred_at END) AS first_deploy
            FROM ops_events
            WHERE occurred_at < @to AND event_type IN ('generation_started', 'deployment_completed', 'cloudflare_deployment_completed')
                AND app_id IN (SELECT app_id FROM routed)
            GROUP BY app_id)
        SELECT r.app_id AS App, r.provider AS Provider, r.model AS Model,
            COALESCE(i.generations, 0) AS Generations, COALESCE(i.completed, 0) AS Completed, COALESCE(i.failed, 0) AS Failed,
            COALESCE(i.fixes, 0) AS Fixes, f.first_start AS FirstStart, f.first_deploy AS FirstDeploy
        FROM routed r LEFT JOIN inside i ON i.app_id = r.app_id LEFT JOIN firsts f ON f.app_id = r.app_id
        ORDER BY r.provider, r.model, r.app_id
        """;

    public static async Task<IReadOnlyList<RoutedAppData>> RoutedAppsAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<RoutedAppData>(Command(RoutedAppsSql, new { from, to }, cancellationToken))];

    // ---- rollouts ----

    private const string RolloutLinesSql = """
        SELECT t.rollout_number AS Rollout, COALESCE(r.name, 'ro-' || t.rollout_number) AS Name, t.wave AS Wave, t.at AS At, t.event AS Event,
            t.automatic AS Automatic, t.text AS Text, t.evidence_json AS Evidence
        FROM _vd_rollout_timeline t LEFT JOIN _vd_rollouts r ON r.number = t.rollout_number
        WHERE t.at >= @from AND t.at < @to AND t.event IN ('rollout.wave_promoted', 'rollout.paused', 'rollout.rolled_back')
        ORDER BY t.at, t.id
        """;

    public static async Task<IReadOnlyList<RolloutLineData>> RolloutLinesAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<RolloutLineData>(Command(RolloutLinesSql, new { from, to }, cancellationToken))];

    // ---- retire candidates ----

    // One scan groups every name at once (their combinations are few); the builder splits them by kind. A limiter key
    // is read only from rate-limit events whose attrs are JSON (json_extract fails the statement on anything else).
    private const string NamesSql = """
        SELECT NULLIF(source, '') AS Source, NULLIF(provider, '') AS Provider, NULLIF(model, '') AS Model, NULLIF(policy_tier, '') AS Tier,
            NULLIF(CASE WHEN event_type = 'rate_limit_exceeded' AND json_valid(attrs_json) THEN CAST(json_extract(attrs_json, '$.limiter') AS TEXT) END, '') AS Limiter,
            MAX(occurred_at) AS LastSeen, COUNT(*) AS Events
        FROM ops_events WHERE occurred_at >= @from AND occurred_at < @to
        GROUP BY 1, 2, 3, 4, 5
        """;

    public static async Task<IReadOnlyList<NamesData>> NamesAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<NamesData>(Command(NamesSql, new { from, to }, cancellationToken))];
}

// Dapper maps SQLite's Int64 and REAL into settable properties (positional records with int would not map).

/// <summary>The cache keys: <see cref="Events"/> for what only events decide, <see cref="All"/> for a whole month's figures.</summary>
internal sealed record StoreMarks(string Events, string All);

internal sealed class MarksData
{
    public string Events { get; set; } = "";
    public string Operations { get; set; } = "";
}

internal sealed class IncidentClassRowData
{
    public string Class { get; set; } = "";
    public long Count { get; set; }
    public long Sev1 { get; set; }
    public long Sev2 { get; set; }
    public long Sev3 { get; set; }
    public long Sev4 { get; set; }
    public long Acknowledged { get; set; }
    public double? MttaMs { get; set; }
    public long Resolved { get; set; }
    public double? MttrMs { get; set; }
}

internal sealed class RecurringRowData
{
    public string Class { get; set; } = "";
    public string Key { get; set; } = "";
    public long Occurrences { get; set; }
    public long FirstStartedAt { get; set; }
    public long LastStartedAt { get; set; }
    public string Numbers { get; set; } = "";
}

internal sealed class FollowUpRowData
{
    public long Id { get; set; }
    public long Incident { get; set; }
    public string Title { get; set; } = "";
    public string Owner { get; set; } = "";
    public string? Due { get; set; }
    public string Kind { get; set; } = "";
    public long Done { get; set; }
    public long CreatedAt { get; set; }
    public long? DoneAt { get; set; }
}

internal sealed class FollowUpCountsData
{
    public long Created { get; set; }
    public long Closed { get; set; }
    public long OpenAtEnd { get; set; }
    public long OverdueAtEnd { get; set; }
}

internal sealed class SloDayData
{
    public long Day { get; set; }
    public long Total { get; set; }
    public long Good { get; set; }
}

internal sealed class AlertTransitionData
{
    public string SloKey { get; set; } = "";
    public string ToState { get; set; } = "";
    public long AtMs { get; set; }
    public long Id { get; set; }
}

internal sealed class WeekSpendData
{
    public long WeekDay { get; set; }
    public double CostUsd { get; set; }
    public long Generations { get; set; }
    public double RuntimeCostUsd { get; set; }
}

internal sealed class ModelCallsData
{
    public string Provider { get; set; } = "";
    public string? Model { get; set; }
    public long Calls { get; set; }
    public long Errors { get; set; }
    public double CostUsd { get; set; }
}

internal sealed class EdgeData
{
    public string Instance { get; set; } = "";
    public long AtMs { get; set; }
    public long Stop { get; set; }
}

internal sealed class RoutedAppData
{
    public string App { get; set; } = "";
    public string Provider { get; set; } = "";
    public string Model { get; set; } = "";
    public long Generations { get; set; }
    public long Completed { get; set; }
    public long Failed { get; set; }
    public long Fixes { get; set; }
    public long? FirstStart { get; set; }
    public long? FirstDeploy { get; set; }
}

internal sealed class RolloutLineData
{
    public long Rollout { get; set; }
    public string Name { get; set; } = "";
    public long Wave { get; set; }
    public long At { get; set; }
    public string Event { get; set; } = "";
    public long Automatic { get; set; }
    public string Text { get; set; } = "";
    public string? Evidence { get; set; }
}

internal sealed class NamesData
{
    public string? Source { get; set; }
    public string? Provider { get; set; }
    public string? Model { get; set; }
    public string? Tier { get; set; }
    public string? Limiter { get; set; }
    public long LastSeen { get; set; }
    public long Events { get; set; }
}
