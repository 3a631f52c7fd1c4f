using System.Text.Json.Serialization;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// What happens to a rollout: a round of gate checks from the check loop, or an operator's control. Serialised with
/// its kind (<c>"input": "promote"</c>) so that a command's idempotency fingerprint covers its fields.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "input")]
[JsonDerivedType(typeof(CheckRound), "check_round")]
[JsonDerivedType(typeof(Start), "start")]
[JsonDerivedType(typeof(Pause), "pause")]
[JsonDerivedType(typeof(Resume), "resume")]
[JsonDerivedType(typeof(Promote), "promote")]
[JsonDerivedType(typeof(ForcePromote), "force_promote")]
[JsonDerivedType(typeof(Rollback), "rollback")]
[JsonDerivedType(typeof(Abort), "abort")]
[JsonDerivedType(typeof(Retry), "retry")]
public abstract record RolloutInput
{
    /// <summary>
    /// One check of every gate on the current wave's cohort, as of <paramref name="CheckedAt"/>; <paramref name="Sample"/>
    /// the cohort's events the loop counted against the wave's minimum; <paramref name="AlertsInScope"/> the SLOs
    /// alerting (ticket or page) in the rollout's scope.
    /// </summary>
    public sealed record CheckRound(DateTimeOffset CheckedAt, IReadOnlyList<GateCheck> Checks, long Sample, IReadOnlyList<string> AlertsInScope) : RolloutInput;

    public sealed record Start : RolloutInput;

    public sealed record Pause(string? Reason = null) : RolloutInput;

    public sealed record Resume : RolloutInput;

    public sealed record Promote : RolloutInput;

    /// <summary>Promotes a wave that is not ready (admin); the reason is required and goes on the timeline.</summary>
    public sealed record ForcePromote(string Reason) : RolloutInput;

    /// <summary>Takes the current wave's tiers out of the exposure (back to the previous wave).</summary>
    public sealed record Rollback(string? Reason = null) : RolloutInput;

    /// <summary>Takes every tier out of the exposure.</summary>
    public sealed record Abort(string? Reason = null) : RolloutInput;

    /// <summary>Restarts the current wave after a rollback or an abort.</summary>
    public sealed record Retry : RolloutInput;
}

/// <summary>The webhook events of a rollout (published through the outbox).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RolloutEventKind>))]
public enum RolloutEventKind
{
    [JsonStringEnumMemberName("rollout.started")]
    Started,

    [JsonStringEnumMemberName("rollout.wave_promoted")]
    WavePromoted,

    [JsonStringEnumMemberName("rollout.paused")]
    Paused,

    [JsonStringEnumMemberName("rollout.resumed")]
    Resumed,

    [JsonStringEnumMemberName("rollout.gate_failed")]
    GateFailed,

    [JsonStringEnumMemberName("rollout.rolled_back")]
    RolledBack,

    [JsonStringEnumMemberName("rollout.aborted")]
    Aborted,

    [JsonStringEnumMemberName("rollout.completed")]
    Completed,
}

/// <summary>
/// One line of the rollout's timeline. <see cref="Event"/> set: it is also published (webhook). <see cref="Automatic"/>:
/// the machine did it on a check round (audit it as the system actor); otherwise the control's actor did.
/// <see cref="Evidence"/> holds the checks behind it (both Fails of an automatic rollback).
/// </summary>
public sealed record RolloutLine(
    DateTimeOffset At,
    int Wave,
    string Text,
    RolloutEventKind? Event,
    bool Automatic,
    bool Forced,
    IReadOnlyList<GateCheck> Evidence);

/// <summary>What a transition did besides the state: the new exposure when it changed, and the timeline's new lines.</summary>
public sealed record RolloutEffects(IReadOnlyList<string>? Exposure, IReadOnlyList<RolloutLine> Timeline)
{
    public static readonly RolloutEffects None = new(null, []);

    /// <summary>The lines that are also webhook events, in order.</summary>
    public IEnumerable<RolloutLine> Events => Timeline.Where(l => l.Event is not null);
}

/// <summary>
/// The result of an input: the new state and its effects; or, for a control the rules forbid, the unchanged state
/// and a refusal naming the rule (a 409 with that reason). <see cref="Changed"/> is false for a round that was
/// applied already or arrives when no wave is being observed.
/// </summary>
public sealed record RolloutTransition(RolloutStatus Status, RolloutEffects Effects, string? Refusal, bool Changed)
{
    public bool Allowed => Refusal is null;
}

/// <summary><c>Rollouts:MaxConsecutiveErrors</c>: a gate whose checks are Error this many times in a row pauses the rollout.</summary>
public sealed record RolloutMachineSettings(int MaxConsecutiveErrors = 5);

/// <summary>
/// The wave state machine: a pure function of (definition, state, input, now) → (state, effects) or a refusal.
/// The rules (issue 11, exactly): a Fail grows its gate's streak, holds the wave and restarts the stable clock;
/// a Pass resets the streak; Inconclusive and Error leave it and hold the wave; a gate's fifth Error in a row
/// pauses; a streak of two rolls the wave back at once; an SLO alert in scope or a guardrail's Fail pauses until
/// an operator resumes after it cleared; the stable clock reaching the observation window with the sample, every
/// gate passing and no alert makes the wave ready; <c>autoPromote</c> promotes it; the last wave promoted completes.
/// A round is judged as of its own <see cref="RolloutInput.CheckRound.CheckedAt"/> (not <c>now</c>), so replaying it
/// after a restart lands on the same state, and a round at or before the last one applied changes nothing.
/// </summary>
public static class RolloutMachine
{
    /// <summary>Consecutive Fails of one gate that roll its wave back.</summary>
    public const int RollbackStreak = 2;

    /// <summary>The longest reason a control may carry.</summary>
    public const int MaxReasonLength = 2_000;

    public static RolloutTransition Apply(RolloutDefinition definition, RolloutStatus status, RolloutInput input, DateTimeOffset now, RolloutMachineSettings? settings = null)
    {
        if (status.Waves.Count != definition.Waves.Count || status.Gates.Count != definition.Gates.Count || definition.Waves.Count == 0)
        {
            return Refuse(status, "the rollout's state does not match its definition (waves or gates differ)");
        }

        var result = input switch
        {
            RolloutInput.CheckRound round => Round(definition, status, round, settings ?? new RolloutMachineSettings()),
            RolloutInput.Start => Start(definition, status, now),
            RolloutInput.Pause p => PauseByHand(definition, status, p, now),
            RolloutInput.Resume => Resume(definition, status, now),
            RolloutInput.Promote => status.State == RolloutState.Ready
                ? Promote(definition, status, now, automatic: false, forcedReason: null)
                : Refuse(status, WhyNotPromotable(definition, status, now)),
            RolloutInput.ForcePromote f => ForcePromote(definition, status, f, now),
            RolloutInput.Rollback r => RollbackByHand(definition, status, r, now),
            RolloutInput.Abort a => Abort(definition, status, a, now),
            RolloutInput.Retry => Retry(definition, status, now),
            _ => Refuse(status, $"unknown input {input.GetType().Name}"),
        };

        return result.Changed ? result with { Status = result.Status with { Version = status.Version + 1 } } : result;
    }

    /// <summary>When the current wave's stable clock reaches its observation window (the page's countdown); null when no clock runs.</summary>
    public static DateTimeOffset? PromotableAt(RolloutDefinition definition, RolloutStatus status) =>
        status.State is RolloutState.Running or RolloutState.Ready && status.Waves[status.CurrentWave].StableSince is { } since
            ? since + definition.Waves[status.CurrentWave].Observation
            : null;

    /// <summary>Why the current wave cannot be promoted now, in the words the 409 carries.</summary>
    public static string WhyNotPromotable(RolloutDefinition definition, RolloutStatus status, DateTimeOffset now)
    {
        var label = Label(definition, status.CurrentWave);
        switch (status.State)
        {
            case RolloutState.Ready:
                return $"{label} is ready";
            case RolloutState.Draft:
                return "the rollout has not started";
            case RolloutState.Paused:
                return $"the rollout is paused ({status.Pause?.Reason ?? "by hand"}): resume it first";
            case RolloutState.RolledBack:
            case RolloutState.Aborted:
                return $"the rollout is {Name(status.State)}: retry the wave first";
            case RolloutState.Completed:
                return "the rollout is completed";
        }

        var held = status.Gates.Where(g => g.Last is { Result: not GateResult.Pass }).ToList();
        if (held.Count > 0)
        {
            return $"{label} is held: " + string.Join("; ", held.Select(g => $"gate \"{g.Name}\" was {Name(g.Last!.Result)} ({g.Last.Reason})"));
        }

        if (status.AlertsInScope.Count > 0)
        {
            return $"{label} is held: alert firing in scope on {string.Join(", ", status.AlertsInScope)}";
        }

        var wave = status.Waves[status.CurrentWave];
        var waveDefinition = definition.Waves[status.CurrentWave];
        if (status.Gates.Count > 0 && status.Gates.Any(g => g.Last is null))
        {
            return $"{label} has no gate checks yet";
        }

        if (wave.StableSince is { } since && since + waveDefinition.Observation > now)
        {
            return $"{label} is promotable in {Left(since + waveDefinition.Observation - now)} (stable since {since.UtcDateTime:HH:mm:ss} UTC, observation {Durations.Format(waveDefinition.Observation)})";
        }

        if (status.LastSample < waveDefinition.MinEvents)
        {
            return $"{label} has {status.LastSample} of the {waveDefinition.MinEvents} events its observation needs";
        }

        return $"{label} becomes ready at the next gate check";
    }

    private static RolloutTransition Round(RolloutDefinition definition, RolloutStatus status, RolloutInput.CheckRound round, RolloutMachineSettings settings)
    {
        if (status.State is not (RolloutState.Running or RolloutState.Ready or RolloutState.Paused)
            || status.LastRoundAt is { } last && round.CheckedAt <= last)
        {
            return Unchanged(status);
        }

        var at = round.CheckedAt;
        var index = status.CurrentWave;
        var lines = new List<RolloutLine>();
        var checks = status.Gates.Select(g => round.Checks.FirstOrDefault(c => c.Gate == g.Name)
            ?? new GateCheck(g.Name, g.Kind, GateResult.Error, null, null, 0, at, "not checked in this round", [])).ToList();
        var gates = status.Gates.Zip(checks, Streak).ToList();

        foreach (var (gate, check) in gates.Zip(checks).Where(x => x.Second.Result == GateResult.Fail))
        {
            lines.Add(new RolloutLine(at, index, $"gate \"{gate.Name}\" failed: {check.Reason} (fail {gate.FailStreak} of {RollbackStreak} in a row)",
                RolloutEventKind.GateFailed, Automatic: true, Forced: false, [check]));
        }

        var next = status with { Gates = gates, LastRoundAt = at, LastSample = round.Sample, AlertsInScope = round.AlertsInScope };
        var wave = status.Waves[index];
        var waveDefinition = definition.Waves[index];

        if (gates.FirstOrDefault(g => g.FailStreak >= RollbackStreak) is { } culprit)
        {
            var evidence = culprit.StreakFails;
            var text = $"{Label(definition, index)} rolled back automatically: gate \"{culprit.Name}\" failed {RollbackStreak} consecutive checks: "
                + string.Join(", ", evidence.Select(c => $"{Value(c.Value)} against {Value(c.Threshold)} at {c.CheckedAt.UtcDateTime:HH:mm:ss}"));
            lines.Add(new RolloutLine(at, index, text, RolloutEventKind.RolledBack, Automatic: true, Forced: false, evidence));
            next = next with
            {
                State = RolloutState.RolledBack,
                Pause = null,
                Waves = Replace(status.Waves, index, wave with { State = WaveState.RolledBack, ReadyAt = null, EndedAt = at }),
            };
            return Done(definition, status, at, next, lines);
        }

        var failed = checks.Any(c => c.Result == GateResult.Fail);
        var alerting = round.AlertsInScope.Count > 0;
        var stableSince = failed || alerting ? at : wave.StableSince ?? at;

        if (status.State != RolloutState.Paused && PauseFor(gates, checks, round, settings) is { } pause)
        {
            lines.Add(new RolloutLine(at, index, $"paused automatically: {pause.Reason}", RolloutEventKind.Paused, Automatic: true, Forced: false,
                checks.Where(c => c.Result != GateResult.Pass).ToList()));
            next = next with { State = RolloutState.Paused, Pause = pause with { At = at } };
        }

        var allPass = checks.All(c => c.Result == GateResult.Pass);
        var ready = next.State != RolloutState.Paused && allPass && !alerting
            && at - stableSince >= waveDefinition.Observation && round.Sample >= waveDefinition.MinEvents;
        var waveNext = wave with
        {
            State = ready ? WaveState.Ready : allPass && next.State != RolloutState.Paused ? WaveState.Observing : WaveState.Held,
            StableSince = stableSince,
            ReadyAt = ready ? wave.ReadyAt ?? at : null,
        };
        next = next with
        {
            Waves = Replace(status.Waves, index, waveNext),
            State = next.State == RolloutState.Paused ? RolloutState.Paused : ready ? RolloutState.Ready : RolloutState.Running,
        };

        if (ready && wave.State != WaveState.Ready)
        {
            lines.Add(new RolloutLine(at, index, $"{Label(definition, index)} ready: stable {Durations.Format(Whole(at - stableSince))} with {round.Sample} events, every gate passing",
                Event: null, Automatic: true, Forced: false, checks));
            if (definition.AutoPromote)
            {
                var promoted = Promote(definition, next, at, automatic: true, forcedReason: null);
                return Done(definition, status, at, promoted.Status, [.. lines, .. promoted.Effects.Timeline]);
            }
        }

        return Done(definition, status, at, next, lines);
    }

    private static GateStatus Streak(GateStatus gate, GateCheck check) => check.Result switch
    {
        GateResult.Fail => gate with { FailStreak = gate.FailStreak + 1, ErrorStreak = 0, Last = check, StreakFails = [.. gate.StreakFails.TakeLast(RollbackStreak - 1), check] },
        GateResult.Pass => gate with { FailStreak = 0, ErrorStreak = 0, Last = check, StreakFails = [] },
        GateResult.Error => gate with { ErrorStreak = gate.ErrorStreak + 1, Last = check },
        _ => gate with { ErrorStreak = 0, Last = check },
    };

    // An alert outranks a guardrail, which outranks blindness: the pause names the most pressing cause.
    private static RolloutPause? PauseFor(IReadOnlyList<GateStatus> gates, IReadOnlyList<GateCheck> checks, RolloutInput.CheckRound round, RolloutMachineSettings settings)
    {
        if (round.AlertsInScope.Count > 0)
        {
            return new RolloutPause(PauseCause.Alert, $"alert firing in scope on {string.Join(", ", round.AlertsInScope)}", round.CheckedAt);
        }

        var breached = checks.Where(c => c.Result == GateResult.Fail && IsGuardrail(c.Kind)).ToList();
        if (breached.Count > 0)
        {
            return new RolloutPause(PauseCause.Guardrail, "guardrail breached: " + string.Join("; ", breached.Select(c => $"\"{c.Gate}\" {c.Reason}")), round.CheckedAt);
        }

        var blind = gates.Zip(checks).Where(x => x.First.ErrorStreak >= settings.MaxConsecutiveErrors).ToList();
        return blind.Count == 0 ? null
            : new RolloutPause(PauseCause.Errors, string.Join("; ", blind.Select(x => $"gate \"{x.First.Name}\" was Error {x.First.ErrorStreak} times in a row ({x.Second.Reason})")), round.CheckedAt);
    }

    /// <summary>The gates whose Fail is a budget drift (the SLOs' alerts and error budget, cost, quota): they pause as well as hold.</summary>
    public static bool IsGuardrail(GateKind kind) => kind is GateKind.Slo or GateKind.Cost or GateKind.Quota;

    private static RolloutTransition Start(RolloutDefinition definition, RolloutStatus status, DateTimeOffset now)
    {
        if (status.State != RolloutState.Draft)
        {
            return Refuse(status, $"the rollout is {Name(status.State)}: it has started already");
        }

        var next = status with
        {
            State = RolloutState.Running,
            StartedAt = now,
            Waves = Replace(status.Waves, 0, new WaveStatus(WaveState.Observing, now, now)),
        };
        return Done(definition, status, now, next, [Line(now, 0, $"started: {Label(definition, 0)} exposed", RolloutEventKind.Started)]);
    }

    private static RolloutTransition PauseByHand(RolloutDefinition definition, RolloutStatus status, RolloutInput.Pause pause, DateTimeOffset now)
    {
        if (status.State == RolloutState.Paused)
        {
            return Refuse(status, $"the rollout is paused already ({status.Pause?.Reason ?? "by hand"})");
        }

        if (status.State is not (RolloutState.Running or RolloutState.Ready))
        {
            return Refuse(status, $"the rollout is {Name(status.State)}: only a running or ready rollout can be paused");
        }

        if (Reason(pause.Reason, required: false) is { } invalid)
        {
            return Refuse(status, invalid);
        }

        var reason = string.IsNullOrWhiteSpace(pause.Reason) ? "paused by hand" : pause.Reason.Trim();
        var wave = status.Waves[status.CurrentWave];
        var next = status with
        {
            State = RolloutState.Paused,
            Pause = new RolloutPause(PauseCause.Operator, reason, now),
            Waves = Replace(status.Waves, status.CurrentWave, wave with { State = WaveState.Held, ReadyAt = null }),
        };
        return Done(definition, status, now, next, [Line(now, status.CurrentWave, $"paused: {reason}", RolloutEventKind.Paused)]);
    }

    // Resuming restarts the stable clock (the issue's definition) and gives blind gates a fresh count of Errors.
    private static RolloutTransition Resume(RolloutDefinition definition, RolloutStatus status, DateTimeOffset now)
    {
        if (status.State != RolloutState.Paused)
        {
            return Refuse(status, $"the rollout is {Name(status.State)}: only a paused rollout can be resumed");
        }

        if (status.AlertsInScope.Count > 0)
        {
            return Refuse(status, $"the alert has not cleared: still firing in scope on {string.Join(", ", status.AlertsInScope)}");
        }

        if (status.Gates.Where(g => IsGuardrail(g.Kind) && g.Last is { Result: GateResult.Fail }).ToList() is { Count: > 0 } breached)
        {
            return Refuse(status, "the guardrail has not cleared: " + string.Join("; ", breached.Select(g => $"\"{g.Name}\" {g.Last!.Reason}")));
        }

        var wave = status.Waves[status.CurrentWave];
        var next = status with
        {
            State = RolloutState.Running,
            Pause = null,
            Gates = status.Gates.Select(g => g with { ErrorStreak = 0 }).ToList(),
            Waves = Replace(status.Waves, status.CurrentWave, wave with { State = WaveState.Observing, StableSince = now, ReadyAt = null }),
        };
        return Done(definition, status, now, next, [Line(now, status.CurrentWave, $"resumed after: {status.Pause?.Reason ?? "a pause"}; the stable clock restarts", RolloutEventKind.Resumed)]);
    }

    private static RolloutTransition ForcePromote(RolloutDefinition definition, RolloutStatus status, RolloutInput.ForcePromote force, DateTimeOffset now)
    {
        if (Reason(force.Reason, required: true) is { } invalid)
        {
            return Refuse(status, invalid);
        }

        return status.State is RolloutState.Running or RolloutState.Ready or RolloutState.Paused
            ? Promote(definition, status, now, automatic: false, forcedReason: force.Reason.Trim())
            : Refuse(status, $"the rollout is {Name(status.State)}: only a running, ready or paused rollout can be promoted");
    }

    // The next wave starts from scratch: its cohort is new, so the previous cohort's streaks and checks say nothing of it.
    private static RolloutTransition Promote(RolloutDefinition definition, RolloutStatus status, DateTimeOffset now, bool automatic, string? forcedReason)
    {
        var index = status.CurrentWave;
        var forced = forcedReason is not null;
        var waves = Replace(status.Waves, index, status.Waves[index] with { State = WaveState.Promoted, EndedAt = now, Forced = forced });
        var how = forced ? $" by force: {forcedReason}" : automatic ? " automatically" : "";
        var lines = new List<RolloutLine>
        {
            new(now, index, $"{Label(definition, index)} promoted{how}", RolloutEventKind.WavePromoted, automatic, forced, []),
        };

        RolloutStatus next;
        if (index == definition.Waves.Count - 1)
        {
            next = status with { State = RolloutState.Completed, Pause = null, Waves = waves, EndedAt = now };
            lines.Add(new RolloutLine(now, index, "completed: every wave promoted", RolloutEventKind.Completed, automatic, forced, []));
        }
        else
        {
            next = status with
            {
                State = RolloutState.Running,
                Pause = null,
                CurrentWave = index + 1,
                Waves = Replace(waves, index + 1, new WaveStatus(WaveState.Observing, now, now)),
                Gates = Fresh(status.Gates),
                LastSample = 0,
                AlertsInScope = [],
            };
            lines.Add(new RolloutLine(now, index + 1, $"{Label(definition, index + 1)} exposed", null, automatic, forced, []));
        }

        return Done(definition, status, now, next, lines);
    }

    private static RolloutTransition RollbackByHand(RolloutDefinition definition, RolloutStatus status, RolloutInput.Rollback rollback, DateTimeOffset now)
    {
        if (status.State is not (RolloutState.Running or RolloutState.Ready or RolloutState.Paused))
        {
            return Refuse(status, $"the rollout is {Name(status.State)}: only a running, ready or paused rollout can be rolled back");
        }

        if (Reason(rollback.Reason, required: false) is { } invalid)
        {
            return Refuse(status, invalid);
        }

        var index = status.CurrentWave;
        var next = status with
        {
            State = RolloutState.RolledBack,
            Pause = null,
            Waves = Replace(status.Waves, index, status.Waves[index] with { State = WaveState.RolledBack, ReadyAt = null, EndedAt = now }),
        };
        var why = string.IsNullOrWhiteSpace(rollback.Reason) ? "" : $": {rollback.Reason.Trim()}";
        return Done(definition, status, now, next, [Line(now, index, $"{Label(definition, index)} rolled back{why}", RolloutEventKind.RolledBack)]);
    }

    private static RolloutTransition Abort(RolloutDefinition definition, RolloutStatus status, RolloutInput.Abort abort, DateTimeOffset now)
    {
        if (status.State is RolloutState.Aborted or RolloutState.Completed)
        {
            return Refuse(status, $"the rollout is {Name(status.State)} already");
        }

        if (Reason(abort.Reason, required: false) is { } invalid)
        {
            return Refuse(status, invalid);
        }

        var next = status with
        {
            State = RolloutState.Aborted,
            Pause = null,
            EndedAt = now,
            Waves = status.Waves.Select(w => w.IsExposed ? w with { State = WaveState.RolledBack, ReadyAt = null, EndedAt = w.EndedAt ?? now } : w).ToList(),
        };
        var why = string.IsNullOrWhiteSpace(abort.Reason) ? "" : $": {abort.Reason.Trim()}";
        return Done(definition, status, now, next, [Line(now, status.CurrentWave, $"aborted, every tier reverted{why}", RolloutEventKind.Aborted)]);
    }

    // Waves before the current one were promoted once (that is how the rollout got past them): a retry after an
    // abort exposes them again as promoted, and the current wave starts over.
    private static RolloutTransition Retry(RolloutDefinition definition, RolloutStatus status, DateTimeOffset now)
    {
        if (status.State is not (RolloutState.RolledBack or RolloutState.Aborted) || status.StartedAt is null)
        {
            return Refuse(status, $"the rollout is {Name(status.State)}: only a rolled back or aborted rollout that had started can be retried");
        }

        var index = status.CurrentWave;
        var waves = status.Waves.Select((w, i) =>
            i < index ? w with { State = WaveState.Promoted }
            : i == index ? new WaveStatus(WaveState.Observing, now, now)
            : new WaveStatus(WaveState.Pending)).ToList();
        var next = status with
        {
            State = RolloutState.Running,
            Pause = null,
            EndedAt = null,
            Waves = waves,
            Gates = Fresh(status.Gates),
            LastSample = 0,
            AlertsInScope = [],
        };
        return Done(definition, status, now, next, [Line(now, index, $"retry: {Label(definition, index)} exposed again", RolloutEventKind.Started)]);
    }

    private static IReadOnlyList<GateStatus> Fresh(IReadOnlyList<GateStatus> gates) => gates.Select(g => new GateStatus(g.Name, g.Kind)).ToList();

    // The exposure's own version moves only when what the platform reads (the tiers, the state) does: the
    // rollout's version moves on every round, and the Worker's ETag should not.
    private static RolloutTransition Done(RolloutDefinition definition, RolloutStatus before, DateTimeOffset at, RolloutStatus after, IReadOnlyList<RolloutLine> lines)
    {
        var exposureBefore = before.EnabledTiers(definition);
        var exposureAfter = after.EnabledTiers(definition);
        var tiersMoved = !exposureBefore.SequenceEqual(exposureAfter);
        after = tiersMoved || before.State != after.State
            ? after with { ExposureVersion = before.ExposureVersion + 1, ExposureUpdatedAt = at }
            : after with { ExposureVersion = before.ExposureVersion, ExposureUpdatedAt = before.ExposureUpdatedAt };
        return new RolloutTransition(after, new RolloutEffects(tiersMoved ? exposureAfter : null, lines), null, Changed: true);
    }

    private static RolloutTransition Refuse(RolloutStatus status, string reason) => new(status, RolloutEffects.None, reason, Changed: false);

    private static RolloutTransition Unchanged(RolloutStatus status) => new(status, RolloutEffects.None, null, Changed: false);

    private static RolloutLine Line(DateTimeOffset at, int wave, string text, RolloutEventKind kind) => new(at, wave, text, kind, Automatic: false, Forced: false, []);

    private static IReadOnlyList<WaveStatus> Replace(IReadOnlyList<WaveStatus> waves, int index, WaveStatus wave) =>
        waves.Select((w, i) => i == index ? wave : w).ToList();

    private static string? Reason(string? reason, bool required) =>
        string.IsNullOrWhiteSpace(reason) ? (required ? "reason: required" : null)
        : reason.Length > MaxReasonLength ? $"reason: at most {MaxReasonLength:N0} characters"
        : null;

    /// <summary>"wave 2 (pro, free)": numbered from 1, as the page shows it.</summary>
    public static string Label(RolloutDefinition definition, int index) => $"wave {index + 1} ({string.Join(", ", definition.Waves[index].Tiers)})";

    // Rounded up: "promotable in 12 min" must not be promotable a little earlier than it says.
    private static string Left(TimeSpan left)
    {
        if (left < TimeSpan.FromMinutes(1))
        {
            return $"{(long)Math.Ceiling(left.TotalSeconds)} s";
        }

        var minutes = (long)Math.Ceiling(left.TotalMinutes);
        return minutes < 60 ? $"{minutes} min" : $"{minutes / 60} h {minutes % 60} min";
    }

    private static TimeSpan Whole(TimeSpan span) => TimeSpan.FromSeconds(Math.Max(1, Math.Floor(span.TotalSeconds)));

    private static string Value(double? value) => value is { } v ? GateEvaluator.Number(v) : "no value";

    private static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonSerializer.Serialize(value).Trim('"');
}
