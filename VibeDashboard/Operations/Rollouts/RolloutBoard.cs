namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// A rollout as pages, the API and the hub show it: its definition, its persisted status (the machine's state),
/// the readiness checklist as last judged and its timeline (oldest first). <see cref="Id"/> is <c>ro-{n}</c>.
/// </summary>
public sealed record RolloutView(
    string Id,
    RolloutDefinition Definition,
    RolloutStatus Status,
    IReadOnlyList<ReadinessItem> Readiness,
    IReadOnlyList<RolloutLine> Timeline,
    DateTimeOffset CreatedAt,
    string CreatedBy)
{
    public long Version => Status.Version;
}

/// <summary>One rollout's exposure for the platform's Worker (<c>GET /api/rollouts/exposure</c>).</summary>
public sealed record ExposureEntry(string Id, string Release, RolloutState State, IReadOnlyList<string> EnabledTiers, long Version, DateTimeOffset? UpdatedAt);

/// <summary>
/// The rollouts' read side (signal, then pull). <see cref="Subscribe"/> is raised after any rollout command commits
/// (a person's control, the check loop's round).
/// </summary>
public interface IRolloutBoard
{
    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<RolloutView>> ListAsync(CancellationToken cancellationToken);

    Task<RolloutView?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The most recent gate checks of a rollout, newest first (the page's streaks, <c>GET /api/rollouts/{id}/checks</c>).</summary>
    Task<IReadOnlyList<GateCheck>> ChecksAsync(string id, int limit, CancellationToken cancellationToken);

    /// <summary>Every rollout that is not a draft, with its enabled tiers; the ETag is derived from their exposure versions.</summary>
    Task<(IReadOnlyList<ExposureEntry> Rollouts, string ETag)> ExposureAsync(CancellationToken cancellationToken);

    IDisposable Subscribe(Func<Task> changed);
}
