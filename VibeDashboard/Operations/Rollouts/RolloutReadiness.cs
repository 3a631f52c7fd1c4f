using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Model;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// Gathers the readiness checklist's inputs (the store's evidence, the snapshot's preview-startup SLO and its alert
/// history, the open incidents, the runbooks, the rollout's attestations) and judges them with
/// <see cref="ReadinessJudge"/>. The evidence is read on a connection of its own: inside a command, WAL lets that
/// read go on beside the command's write transaction.
/// </summary>
public sealed class RolloutReadiness(
    SqliteConnectionFactory connections,
    IMetricsFeed metrics,
    IIncidentBoard incidents,
    IncidentRunbooks runbooks,
    IOptions<RolloutOptions> options)
{
    /// <summary>
    /// How long a read of the evidence serves the pages: reading it scans up to 30 days of events (most of a second on
    /// the 30-day demo store), and an open draft re-reads on every rollout change. Commands always read afresh.
    /// </summary>
    public static readonly TimeSpan PageEvidenceAge = TimeSpan.FromSeconds(15);

    private (DateTimeOffset At, ReadinessEvidence? Evidence) _lastRead;

    public async Task<IReadOnlyList<ReadinessItem>> JudgeAsync(RolloutDefinition definition, IReadOnlyList<ReadinessAttestation> attestations, DateTimeOffset now, CancellationToken cancellationToken, bool fresh = true)
    {
        var last = _lastRead;
        var evidence = !fresh && last.Evidence is not null && now >= last.At && now - last.At < PageEvidenceAge
            ? last.Evidence
            : await ReadinessReader.ReadAsync(connections, now, cancellationToken);
        if (!ReferenceEquals(evidence, last.Evidence))
        {
            _lastRead = (now, evidence);
        }

        var snapshot = metrics.Current;
        var previewStartup = snapshot.Slos.FirstOrDefault(s => s.Key == SloCatalog.PreviewStartup);
        var alerts = previewStartup is null ? [] : metrics.AlertHistory(SloCatalog.PreviewStartup);
        var open = await incidents.ListAsync(new IncidentQuery(IncidentListStatus.Open), cancellationToken);
        return ReadinessJudge.Judge(new ReadinessInput(evidence, definition, options.Value.ExpectedConcurrency, previewStartup, alerts, runbooks.All, open, attestations, now));
    }
}
