using Dapper;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents.Detection;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// Turns detected episodes into incidents (<see cref="IIncidentSignalSink"/>): per episode, the incident it belongs to
/// (<see cref="IncidentMatching"/>) gets <c>incident.signal</c> when its stored signal differs, or a new one opens
/// with <c>incident.detect</c> — both sent through the pipeline as the system actor, so each is audited with its
/// evidence. Nothing is sent for an episode whose state (rule, active, start, clear time) an incident already shows — evidence
/// alone is not a change: the same result twice, or a live value moving each tick, writes nothing. A full-history
/// pass also clears the active signal of an open incident whose (class, key) it no longer finds (<see cref="SignalGoneCommand"/>).
/// </summary>
/// <remarks>
/// Passes run one at a time (a tick's pass and an import's full pass may overlap). An episode outside the result's
/// [From, To] is skipped: a partial pass only touches what it looked at. The detect handler repeats the decision under
/// the write lock, so a declaration or another process racing a pass cannot produce a duplicate.
/// </remarks>
public sealed class IncidentReconciler(
    ICommandPipeline pipeline,
    SqliteConnectionFactory connections,
    StoreSchema schema,
    IOptions<IncidentOptions> options,
    ILogger<IncidentReconciler> logger) : IIncidentSignalSink
{
    public static readonly Actor Detection = Actor.System("detection");

    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task ReconcileAsync(DetectionResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var gap = options.Value.Rules.ReopenWithin;
            var incidents = await LoadAsync(cancellationToken);
            foreach (var episode in result.Episodes.Where(e => IncidentMatching.Within(e, result.From, result.To)).OrderBy(e => e.StartedAt))
            {
                var sameKey = incidents.Where(r => r.Class == IncidentWire.Name(episode.Class) && r.IncidentKey == episode.Key);
                var (decision, match) = IncidentMatching.Decide(sameKey, episode, gap);
                if (decision == EpisodeDecision.Nothing)
                {
                    continue;
                }

                IncidentCommand command = decision == EpisodeDecision.Create
                    ? new DetectIncidentCommand(episode) { Reason = Reason(episode) }
                    : new UpdateIncidentSignalCommand(match!.Number, episode) { ExpectedVersion = match.Version, Reason = Reason(episode) };
                var sent = await pipeline.SendAsync(command, Detection, cancellationToken);
                if (!sent.Succeeded)
                {
                    // A person changed the incident between the read and the write (409), or a race opened it: the next pass sees the new state.
                    logger.LogInformation("Detection could not record {Rule} for {Class}/{Key}: {Error}", episode.Rule, episode.Class.Name(), episode.Key, sent.Error);
                }

                // Later episodes of the same (class, key) in this pass must see what this one did.
                incidents = await LoadAsync(cancellationToken);
            }

            if (result.FullHistory)
            {
                await ClearGoneAsync(result, incidents, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A full-history pass sees every episode the data holds. An open incident whose signal is still active but which
    /// no episode of its (class, key) explains (none overlaps its signal or lies within ReopenWithin of it) lost its
    /// data — a real import replaced the demo's, or the history was rewritten: nothing would ever clear it, so it is
    /// marked cleared at the pass's end. Closed and historical incidents are records and are left as they are; a
    /// partial pass proves nothing and touches none.
    /// </summary>
    private async Task ClearGoneAsync(DetectionResult result, IReadOnlyList<IncidentRow> incidents, CancellationToken cancellationToken)
    {
        var gap = options.Value.Rules.ReopenWithin;
        var byClassKey = result.Episodes.ToLookup(e => (IncidentWire.Name(e.Class), e.Key));
        foreach (var row in incidents.Where(r => r.HasSignal && r.SignalActive == 1 && !IncidentMatching.IsTerminal(r)
                                                 && r.Source != IncidentWire.Name(IncidentSource.Historical)
                                                 && !byClassKey[(r.Class, r.IncidentKey)].Any(e => IncidentMatching.Touches(r, e, gap))))
        {
            var command = new SignalGoneCommand(row.Number, result.To)
            {
                ExpectedVersion = row.Version,
                Reason = $"{row.SignalRule}: {SignalGoneCommand.Text} (full detection pass up to {IncidentWriter.Utc(result.To)})",
            };
            var sent = await pipeline.SendAsync(command, Detection, cancellationToken);
            if (!sent.Succeeded)
            {
                logger.LogInformation("Detection could not clear the vanished {Rule} signal of incident {Number}: {Error}", row.SignalRule, row.Number, sent.Error);
            }
        }
    }

    /// <summary>The audit entry's reason: the rule and its evidence in words (the values are in the entry's after).</summary>
    private static string Reason(DetectedEpisode episode)
    {
        var reason = $"{episode.Rule}: {episode.Evidence.Summary}";
        return reason.Length > 1000 ? reason[..1000] : reason;
    }

    private async Task<IReadOnlyList<IncidentRow>> LoadAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<IncidentRow>(new CommandDefinition(IncidentStore.SelectIncidents, cancellationToken: cancellationToken))).ToList();
    }
}
