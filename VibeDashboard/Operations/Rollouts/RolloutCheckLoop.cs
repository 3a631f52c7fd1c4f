using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// The gate check loop: every <see cref="Tick"/> it finds the running, ready and paused rollouts whose
/// <c>checkInterval</c> has passed since their last round (or since the current wave began), checks every gate on
/// the current wave's cohort against the current snapshot and the open incidents, and sends the round through the
/// pipeline as the system actor (<see cref="RolloutCheckRoundCommand"/>). All the rules live in
/// <see cref="RolloutMachine"/>; the loop only gathers evidence. A round is sent with the version it was built
/// from: when an operator acts in between, the round is refused (409) and the next tick builds a fresh one. The
/// machine's restart mark (<see cref="RolloutStatus.LastRoundAt"/>) keeps a round from being applied twice.
/// </summary>
public sealed class RolloutCheckLoop(
    SqliteConnectionFactory connections,
    StoreSchema schema,
    ICommandPipeline pipeline,
    IMetricsFeed metrics,
    IIncidentBoard incidents,
    IOptions<RolloutOptions> options,
    IOptions<HealthOptions> health,
    TimeProvider time,
    ILogger<RolloutCheckLoop> logger) : BackgroundService
{
    /// <summary>How often the loop looks for due rollouts: the shortest check interval a definition may have.</summary>
    public static readonly TimeSpan Tick = RolloutDefinition.MinCheckInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // One bad read must not stop the rollouts' checks: the next tick tries again.
                    logger.LogWarning(e, "A rollout check round failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Checks every due rollout once; returns the rounds the machine applied.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        IReadOnlyList<RolloutRow> rows;
        await using (var connection = await connections.OpenAsync(cancellationToken))
        {
            rows = await RolloutStore.ActiveAsync(connection, cancellationToken);
        }

        var now = time.GetUtcNow();
        var due = new List<(RolloutRow Row, RolloutDefinition Definition, RolloutStatus Status)>();
        foreach (var row in rows)
        {
            try
            {
                var (definition, status) = (row.Definition(), row.Status());
                if (IsDue(definition, status, now))
                {
                    due.Add((row, definition, status));
                }
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                // One unreadable row (edited by hand, written by a newer build) must not stop every other rollout's checks.
                logger.LogError(e, "Rollout {Id} cannot be read: it is not checked", row.Id);
            }
        }

        if (due.Count == 0)
        {
            return 0;
        }

        var snapshot = metrics.Current;
        var open = await incidents.ListAsync(new IncidentQuery(IncidentListStatus.Open), cancellationToken);
        var settings = new GateEvaluationSettings(health.Value.StaleAfter, options.Value.MonthlyCostBudgetUsd);
        var applied = 0;
        foreach (var (row, definition, status) in due)
        {
            var round = Round(definition, status, snapshot, open, settings, now);
            var result = await pipeline.SendAsync(new RolloutCheckRoundCommand(row.Id, round) { ExpectedVersion = status.Version }, Actor.System(), cancellationToken);
            if (result.Succeeded)
            {
                applied++;
            }
            else
            {
                logger.LogDebug("The check round of rollout {Id} was not applied: {Error}", row.Id, result.Error);
            }
        }

        return applied;
    }

    /// <summary>
    /// Due once the interval (at least <see cref="RolloutDefinition.MinCheckInterval"/>) passed since the later of the
    /// last round and the current wave's start, give or take half a <see cref="Tick"/>: a round is stamped with the
    /// clock read after the rows are loaded, so the tick that reaches the interval may read it a few milliseconds short,
    /// and without the slack every round would wait one tick more (a 5 s rollout checked every 10 s).
    /// </summary>
    public static bool IsDue(RolloutDefinition definition, RolloutStatus status, DateTimeOffset now)
    {
        var interval = definition.CheckInterval < RolloutDefinition.MinCheckInterval ? RolloutDefinition.MinCheckInterval : definition.CheckInterval;
        var since = new[] { status.LastRoundAt, status.Waves[status.CurrentWave].StartedAt, status.StartedAt }.Max();
        return since is null || now - since >= interval - Tick / 2;
    }

    /// <summary>
    /// One round on the current wave's cohort. Baseline gates compare with the tiers the rollout does not expose;
    /// the alerts in scope are the SLO gates' SLOs alerting (ticket or page) above what their gates tolerate.
    /// </summary>
    public static RolloutInput.CheckRound Round(RolloutDefinition definition, RolloutStatus status, Snapshot snapshot, IReadOnlyList<IncidentSummary> openIncidents,
        GateEvaluationSettings settings, DateTimeOffset now)
    {
        var wave = definition.Waves[status.CurrentWave];
        var exposed = status.EnabledTiers(definition).Union(wave.Tiers, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var checks = definition.Gates.Select(gate =>
        {
            var baseline = gate.Baseline && gate.Metric is { } metric && gate.Window is { } window
                ? GateInputs.BaselineTiers(snapshot, metric, window, exposed)
                : [];
            return GateEvaluator.Evaluate(gate, GateInputs.FromSnapshot(snapshot, gate, wave.Tiers, baseline, openIncidents), settings, now);
        }).ToList();
        // An alert is in scope above what the slo gates listing its SLO tolerate (the strictest of their maxAlert): a
        // ticket that a "maxAlert": "ticket" gate passes must not pause the rollout and hold the wave all the same.
        var alerts = definition.Gates.Where(g => g.Kind == GateKind.Slo)
            .SelectMany(g => (g.Slos ?? []).Select(key => (Key: key, g.MaxAlert)))
            .GroupBy(s => s.Key, StringComparer.Ordinal)
            .Where(group => snapshot.Slos.FirstOrDefault(s => s.Key == group.Key) is { Alert: AlertState.Ticket or AlertState.Page } slo
                && slo.Alert > group.Min(s => s.MaxAlert))
            .Select(group => group.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new RolloutInput.CheckRound(now, checks, GateInputs.CohortSample(snapshot, wave.Tiers, wave.Observation), alerts);
    }
}
