using System.Text.Json;
using Dapper;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// The rollouts' lines on incident timelines (issue 11: "rollback and pause appear on the timelines of open
/// incidents"): every rollback, pause and abort of any rollout, read from the rollout timeline by time when an
/// incident page is read (<see cref="IIncidentTimelineSource"/>). Whether the rollout caused the incident or
/// answered it is for the reader to judge; every incident open at the time shows it.
/// </summary>
public sealed class RolloutIncidentLines(SqliteConnectionFactory connections, StoreSchema schema) : IIncidentTimelineSource
{
    /// <summary>The events that take a release back from users, or stop it: what someone working an incident must know.</summary>
    public static readonly IReadOnlyList<RolloutEventKind> Shown = [RolloutEventKind.RolledBack, RolloutEventKind.Paused, RolloutEventKind.Aborted];

    private static readonly string[] ShownNames = [.. Shown.Select(RolloutWire.Name)];

    private const string DuringSql = """
        SELECT t.rollout_number AS Number, t.at AS At, t.wave AS Wave, t.actor AS Actor, t.text AS Text, t.event AS Event,
            t.automatic AS Automatic, r.name AS Name, r.release_name AS ReleaseName
        FROM _vd_rollout_timeline t JOIN _vd_rollouts r ON r.number = t.rollout_number
        WHERE t.event IN @events AND t.at >= @from AND t.at <= @to
        ORDER BY t.at, t.id
        """;

    public async Task<IReadOnlyList<TimelineEntry>> DuringAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            return [];
        }

        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<LineRow>(new CommandDefinition(DuringSql, new
        {
            events = ShownNames,
            from = from.ToUnixTimeMilliseconds(),
            to = to.ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
        return rows.Select(Entry).ToList();
    }

    private const string MarkSql = "SELECT COUNT(*) FROM _vd_rollout_timeline WHERE event IN @events";

    // Timeline lines are never deleted: the count of shown lines moves exactly when one is added.
    public async Task<long> MarkAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(MarkSql, new { events = ShownNames }, cancellationToken: cancellationToken));
    }

    /// <summary>"ro-1 (2026.12.1): wave 2 (pro) rolled back automatically: gate …" — the rollout's own line, named.</summary>
    private static TimelineEntry Entry(LineRow row)
    {
        var id = RolloutStore.IdOf(row.Number);
        return new TimelineEntry(RolloutStore.Time(row.At), TimelineKind.Rollout, row.Actor, $"{id} ({row.ReleaseName}): {row.Text}",
            JsonSerializer.Serialize(new
            {
                rollout = id,
                name = row.Name,
                release = row.ReleaseName,
                @event = row.Event,
                wave = row.Wave,
                automatic = row.Automatic != 0,
            }, CommandJson.Options));
    }

    private sealed class LineRow
    {
        public long Number { get; set; }
        public long At { get; set; }
        public long Wave { get; set; }
        public string Actor { get; set; } = "";
        public string Text { get; set; } = "";
        public string Event { get; set; } = "";
        public long Automatic { get; set; }
        public string Name { get; set; } = "";
        public string ReleaseName { get; set; } = "";
    }
}
