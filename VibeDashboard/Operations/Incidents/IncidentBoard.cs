using System.Text.Json;
using Dapper;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// The incidents' read model over the store (<see cref="IIncidentBoard"/>). Its subscribers are signalled after a
/// command that changed an incident commits: on the pipeline's commit signal the board reads the incidents' version
/// total (every change bumps a version, every new incident adds one), which moves only when an incident changed,
/// plus the timeline sources' marks (a rollback's line is a change of what an incident page shows).
/// The timeline of an incident page adds the SLO alert transitions of the class's SLOs during the incident, and the
/// lines other parts of the control plane contribute (<see cref="IIncidentTimelineSource"/>: rollbacks and pauses of
/// rollouts) while it was open. Both are merged when read, never written into the incident: a line written there
/// would have to bump the incident's version (or break its meaning), and operators acting on it would get 409s.
/// </summary>
public sealed class IncidentBoard : IIncidentBoard, IDisposable
{
    private readonly SqliteConnectionFactory _connections;
    private readonly StoreSchema _schema;
    private readonly IncidentRunbooks _runbooks;
    private readonly IMetricsFeed _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<IncidentBoard> _logger;
    private readonly IReadOnlyList<IIncidentTimelineSource> _sources;
    private readonly CommitSignal _signal;

    public IncidentBoard(
        SqliteConnectionFactory connections,
        StoreSchema schema,
        ICommandPipeline pipeline,
        IncidentRunbooks runbooks,
        IMetricsFeed metrics,
        TimeProvider time,
        ILogger<IncidentBoard> logger,
        IEnumerable<IIncidentTimelineSource> timelineSources)
    {
        _connections = connections;
        _schema = schema;
        _runbooks = runbooks;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _sources = [.. timelineSources];
        _signal = new CommitSignal(pipeline, ReadChangeTotalAsync, logger, "incidents");
    }

    public async Task<IReadOnlyList<IncidentSummary>> ListAsync(IncidentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Filters are added as SQL only when given: PostgreSQL cannot type a bare "@p IS NULL".
        var where = new List<string>();
        var terminal = "('closed', 'declined', 'duplicate')";
        if (query.Status == IncidentListStatus.Open)
        {
            where.Add($"status NOT IN {terminal}");
        }
        else if (query.Status == IncidentListStatus.Closed)
        {
            where.Add($"status IN {terminal}");
        }

        if (query.Class is not null)
        {
            where.Add("class = @class");
        }

        if (query.Severity is not null)
        {
            where.Add("severity = @severity");
        }

        // The span overlaps the range: it began before the range ends, and had not ended (or been resolved) before it starts.
        if (query.To is not null)
        {
            where.Add("started_at <= @to");
        }

        if (query.From is not null)
        {
            where.Add("COALESCE(ended_at, resolved_at, @far) >= @from");
        }

        var sql = IncidentStore.SelectIncidents + (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where)) + " ORDER BY started_at DESC, number DESC";
        await _schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await _connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<IncidentRow>(new CommandDefinition(sql, new
        {
            @class = query.Class is { } c ? IncidentWire.Name(c) : null,
            severity = query.Severity is { } s ? IncidentWire.Name(s) : null,
            from = query.From?.ToUnixTimeMilliseconds(),
            to = query.To?.ToUnixTimeMilliseconds(),
            far = long.MaxValue,
        }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToSummary()).ToList();
    }

    public async Task<IncidentDetail?> GetAsync(long number, CancellationToken cancellationToken)
    {
        await _schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await _connections.OpenAsync(cancellationToken);
        // One read transaction: the incident and its children as of one moment.
        await using var transaction = connection.BeginTransaction();
        var row = await IncidentStore.GetAsync(connection, transaction, number, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var incident = row.ToSummary();
        var timeline = await IncidentStore.TimelineAsync(connection, transaction, number, cancellationToken);
        var checklist = await IncidentStore.ChecklistAsync(connection, transaction, number, cancellationToken);
        var updates = await IncidentStore.UpdatesAsync(connection, number, cancellationToken);
        var postmortem = await IncidentStore.PostmortemAsync(connection, transaction, number, cancellationToken);
        var followUps = await IncidentStore.FollowUpsOfAsync(connection, number, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var contributed = await ContributedAsync(incident, cancellationToken);
        // A stable sort: lines at the same instant keep the incident's own first.
        var merged = timeline.Concat(SloAlerts(incident)).Concat(contributed).OrderBy(e => e.At).ToList();
        var firstAction = checklist.Count > 0 ? checklist[0].Text : _runbooks.For(incident.Class).FirstAction;
        return new IncidentDetail(incident, merged, checklist, updates, postmortem, followUps, firstAction);
    }

    public async Task<IReadOnlyList<FollowUp>> FollowUpsAsync(bool openOnly, CancellationToken cancellationToken)
    {
        await _schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await _connections.OpenAsync(cancellationToken);
        return await IncidentStore.FollowUpsAsync(connection, openOnly, cancellationToken);
    }

    public IDisposable Subscribe(Func<Task> changed) => _signal.Subscribe(changed);

    public void Dispose() => _signal.Dispose();

    /// <summary>The SLO alert transitions of the class's SLOs from the incident's start to its end (or now).</summary>
    private IEnumerable<TimelineEntry> SloAlerts(IncidentSummary incident)
    {
        var end = incident.EndedAt ?? incident.ResolvedAt ?? _time.GetUtcNow();
        foreach (var slo in _runbooks.For(incident.Class).Slos)
        {
            foreach (var transition in _metrics.AlertHistory(slo))
            {
                if (transition.At >= incident.StartedAt && transition.At <= end)
                {
                    yield return new TimelineEntry(transition.At, TimelineKind.SloAlert, "system",
                        $"{slo}: {transition.From.Name()} → {transition.To.Name()} ({transition.Reason})",
                        JsonSerializer.Serialize(new { slo, from = transition.From.Name(), to = transition.To.Name(), reason = transition.Reason }, CommandJson.Options));
                }
            }
        }
    }

    /// <summary>
    /// The sources' lines from the incident's start until it ended (closed, declined or merged) or now. Unlike the
    /// SLO alerts this does not stop at resolve: a resolved incident is still open until it is closed, and a
    /// rollback while it awaits close is what its reviewers need to see.
    /// </summary>
    private async Task<IReadOnlyList<TimelineEntry>> ContributedAsync(IncidentSummary incident, CancellationToken cancellationToken)
    {
        var end = incident.EndedAt ?? _time.GetUtcNow();
        var lines = new List<TimelineEntry>();
        foreach (var source in _sources)
        {
            try
            {
                lines.AddRange(await source.DuringAsync(incident.StartedAt, end, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The incident page matters more than a rollout's lines on it: show the incident without them.
                _logger.LogWarning(e, "Reading the timeline lines of {Source} for incident {Number} failed", source.GetType().Name, incident.Number);
            }
        }

        return lines;
    }

    private const string VersionTotalSql = "SELECT COALESCE(SUM(version), 0) FROM _vd_incidents";

    private async Task<long> ReadChangeTotalAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(VersionTotalSql);
        // Versions and the sources' marks only grow, so the sum moves exactly when either did: an incident page
        // open during a rollback shows its line without a reload.
        foreach (var source in _sources)
        {
            try
            {
                total += await source.MarkAsync(cancellationToken);
            }
            catch (Exception e)
            {
                // A failing source must not silence the incidents' own changes (at worst one extra signal).
                _logger.LogWarning(e, "Reading the timeline mark of {Source} after a commit failed", source.GetType().Name);
            }
        }

        return total;
    }
}

/// <summary>
/// Lines another part of the control plane adds to the timelines of the incidents open when they happened (the
/// rollouts: rollbacks and pauses). Declared here and implemented there, so that incidents import nothing of what
/// contributes; registered as an enumerable (<c>TryAddEnumerable</c>), read on every incident page read.
/// </summary>
public interface IIncidentTimelineSource
{
    /// <summary>The lines from <paramref name="from"/> to <paramref name="to"/>, both included, in any order.</summary>
    Task<IReadOnlyList<TimelineEntry>> DuringAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>A number that only grows, and grows whenever a line is added (a count of lines): the board's change signal.</summary>
    Task<long> MarkAsync(CancellationToken cancellationToken);
}
