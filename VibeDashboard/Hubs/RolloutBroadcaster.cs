using Microsoft.AspNetCore.SignalR;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Hubs;

/// <summary>
/// A rollout as the hub sends it (<see cref="IMetricsClient.Rollout"/>, <see cref="MetricsHub.Rollouts"/>): enough
/// for a wall display or a script — the state, the wave, the tiers that have the release, why it is paused, the
/// last line of its timeline — without the definition and every check. <see cref="CurrentWave"/> is 0-based, as
/// the API's <c>currentWave</c>; <see cref="Version"/> is what a control's <c>expectedVersion</c> names.
/// </summary>
public sealed record RolloutSummary(
    string Id,
    string Name,
    string Release,
    RolloutState State,
    int CurrentWave,
    int Waves,
    string WaveLabel,
    IReadOnlyList<string> EnabledTiers,
    string? PausedBecause,
    string? LastLine,
    DateTimeOffset? LastLineAt,
    long Version,
    long ExposureVersion,
    DateTimeOffset? ExposureUpdatedAt)
{
    public static RolloutSummary Of(RolloutView view)
    {
        var status = view.Status;
        var last = view.Timeline.Count > 0 ? view.Timeline[^1] : null;
        return new(view.Id, view.Definition.Name, view.Definition.Release, status.State, status.CurrentWave, view.Definition.Waves.Count,
            RolloutMachine.Label(view.Definition, Math.Clamp(status.CurrentWave, 0, view.Definition.Waves.Count - 1)),
            status.EnabledTiers(view.Definition), status.Pause?.Reason, last?.Text, last?.At, status.Version, status.ExposureVersion, status.ExposureUpdatedAt);
    }

    /// <summary>
    /// Current: started and not finished with — running, ready, paused, or rolled back (its tiers reverted, waiting
    /// for a retry or an abort). Drafts have exposed nothing; completed and aborted rollouts are history.
    /// </summary>
    public static bool IsCurrent(RolloutState state) => state is RolloutState.Running or RolloutState.Ready or RolloutState.Paused or RolloutState.RolledBack;
}

/// <summary>
/// Sends each changed rollout to every hub client (<see cref="IMetricsClient.Rollout"/>), once per version: a
/// control, a round that moved a streak or a clock, a new draft. The board's signal carries no data: on each, the
/// rollouts are read and those whose version moved are sent.
/// </summary>
public sealed class RolloutBroadcaster(IRolloutBoard board, IHubContext<MetricsHub, IMetricsClient> hub, ILogger<RolloutBroadcaster> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, long> _sent = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = board.Subscribe(() => SendAsync(stoppingToken));
        // What exists at start is the baseline: clients read it with Rollouts, not as a burst of pushes.
        await SendAsync(stoppingToken, baseline: true);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken, bool baseline = false)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var rollouts = await board.ListAsync(cancellationToken);
            // The board lists newest first; send in the order they were created, as the incidents are.
            foreach (var rollout in rollouts.Reverse())
            {
                if (_sent.TryGetValue(rollout.Id, out var version) && version == rollout.Version)
                {
                    continue;
                }

                _sent[rollout.Id] = rollout.Version;
                if (!baseline)
                {
                    await hub.Clients.All.Rollout(RolloutSummary.Of(rollout));
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Broadcasting rollout changes failed");
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _gate.Release();
        }
    }
}
