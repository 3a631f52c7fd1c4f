using System.Text.Json.Serialization;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// A rollout's persisted state beside its <see cref="RolloutDefinition"/>: everything <see cref="RolloutMachine"/>
/// needs to resume after a restart exactly where it was — the wave, its clocks, every gate's streaks and last
/// check, the last check round (a round at or before <see cref="LastRoundAt"/> is not applied again) and why it is
/// paused. Serialises as-is (System.Text.Json); the exposure is derived from the waves' states, never stored twice.
/// </summary>
public sealed record RolloutStatus
{
    public required RolloutState State { get; init; }

    /// <summary>Index into the definition's waves: the wave being observed (or rolled back, or the last one once completed).</summary>
    public required int CurrentWave { get; init; }

    /// <summary>One per wave of the definition, in its order.</summary>
    public required IReadOnlyList<WaveStatus> Waves { get; init; }

    /// <summary>One per gate of the definition, in its order.</summary>
    public required IReadOnlyList<GateStatus> Gates { get; init; }

    /// <summary>Set while <see cref="RolloutState.Paused"/>.</summary>
    public RolloutPause? Pause { get; init; }

    /// <summary>The <see cref="GateCheck.CheckedAt"/> of the last round applied: the restart-safety mark.</summary>
    public DateTimeOffset? LastRoundAt { get; init; }

    /// <summary>The cohort's events as the last round counted them (against the wave's minimum sample).</summary>
    public long LastSample { get; init; }

    /// <summary>SLO alerts in scope at the last round: a resume is refused while this is not empty.</summary>
    public IReadOnlyList<string> AlertsInScope { get; init; } = [];

    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Completed or aborted.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Bumped by every change the machine makes (every applied round too): the commands' expected version.</summary>
    public long Version { get; init; } = 1;

    /// <summary>Bumped only when the enabled tiers or the state change: the exposure API's version and ETag.</summary>
    public long ExposureVersion { get; init; } = 1;

    /// <summary>When <see cref="ExposureVersion"/> last moved (the exposure API's <c>updatedAt</c>); null in a draft never touched.</summary>
    public DateTimeOffset? ExposureUpdatedAt { get; init; }

    public static RolloutStatus Draft(RolloutDefinition definition) => new()
    {
        State = RolloutState.Draft,
        CurrentWave = 0,
        Waves = definition.Waves.Select(_ => new WaveStatus(WaveState.Pending)).ToList(),
        Gates = definition.Gates.Select(g => new GateStatus(g.Name, g.Kind)).ToList(),
    };

    /// <summary>The tiers that get the release: those of every wave observing, held, ready or promoted, in wave order.</summary>
    public IReadOnlyList<string> EnabledTiers(RolloutDefinition definition) =>
        Waves.Select((w, i) => (w, i))
            .Where(x => x.w.IsExposed)
            .SelectMany(x => definition.Waves[x.i].Tiers)
            .Distinct(StringComparer.Ordinal)
            .ToList();
}

/// <summary>
/// One wave's state and times. <see cref="StableSince"/> is the start of the stable clock: the continuous time since
/// the wave's last Fail, alert or resume (or since it started); <see cref="ReadyAt"/> when the clock last reached
/// the observation window with the sample; <see cref="EndedAt"/> when it was promoted or rolled back.
/// </summary>
public sealed record WaveStatus(
    WaveState State,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? StableSince = null,
    DateTimeOffset? ReadyAt = null,
    DateTimeOffset? EndedAt = null,
    bool Forced = false)
{
    [JsonIgnore]
    public bool IsExposed => State is WaveState.Observing or WaveState.Held or WaveState.Ready or WaveState.Promoted;
}

/// <summary>
/// One gate's memory across checks: <see cref="FailStreak"/> counts consecutive Fails (a Pass resets it,
/// Inconclusive and Error leave it), <see cref="ErrorStreak"/> consecutive Errors (any other result resets it),
/// <see cref="StreakFails"/> the Fail checks of the current streak (the last two: the rollback's evidence).
/// </summary>
public sealed record GateStatus(string Name, GateKind Kind, int FailStreak = 0, int ErrorStreak = 0, GateCheck? Last = null)
{
    public IReadOnlyList<GateCheck> StreakFails { get; init; } = [];
}

/// <summary>Why a rollout is paused, since when, and the evidence in words.</summary>
public sealed record RolloutPause(PauseCause Cause, string Reason, DateTimeOffset At);

[JsonConverter(typeof(JsonStringEnumConverter<PauseCause>))]
public enum PauseCause
{
    /// <summary>An operator paused it.</summary>
    [JsonStringEnumMemberName("operator")]
    Operator,

    /// <summary>An SLO alert fired in the rollout's scope.</summary>
    [JsonStringEnumMemberName("alert")]
    Alert,

    /// <summary>A budget, cost or quota guardrail failed (an SLO, cost or quota gate's Fail).</summary>
    [JsonStringEnumMemberName("guardrail")]
    Guardrail,

    /// <summary>A gate's check was Error too many times in a row: the rollout is flying blind.</summary>
    [JsonStringEnumMemberName("errors")]
    Errors,
}
