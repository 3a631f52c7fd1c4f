using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Hubs;

/// <summary>
/// A rollout as the hub sends it (the <c>rollouts</c> and <c>wall</c> topics, <see cref="MetricsHub.Rollouts"/>): enough
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
/// Hands the current rollouts to the <see cref="TopicBook"/> on each change (a control, a round that moved a streak
/// or a clock, a completion), which sends the <c>rollouts</c> and <c>wall</c> topics what moved. The board's signal
/// carries no data: on each, the rollouts are read again.
/// </summary>
public sealed class RolloutBroadcaster(IRolloutBoard board, TopicBook book, ILogger<RolloutBroadcaster> logger) : BoardBroadcaster(logger)
{
    protected override string What => "rollout";

    protected override IDisposable Subscribe(Func<Task> changed) => board.Subscribe(changed);

    protected override async Task PublishOnceAsync(CancellationToken cancellationToken) =>
        book.PublishRollouts((await board.ListAsync(cancellationToken)).Where(r => RolloutSummary.IsCurrent(r.Status.State)).Select(RolloutSummary.Of).ToList());
}
