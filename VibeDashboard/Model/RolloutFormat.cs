using System.Globalization;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Model;

/// <summary>How the rollout pages word a rollout: states, waves, gate results as marks, the promotion countdown.</summary>
public static class RolloutFormat
{
    public const string ListPath = "/rollouts";

    public static string DetailUrl(string id) => $"{ListPath}/{Uri.EscapeDataString(id)}";

    public static string State(RolloutState state) => state switch
    {
        RolloutState.Draft => "draft",
        RolloutState.Running => "running",
        RolloutState.Paused => "paused",
        RolloutState.Ready => "ready",
        RolloutState.RolledBack => "rolled back",
        RolloutState.Aborted => "aborted",
        RolloutState.Completed => "completed",
        _ => state.ToString(),
    };

    public static string Wave(WaveState state) => state switch
    {
        WaveState.Pending => "pending",
        WaveState.Observing => "observing",
        WaveState.Held => "held",
        WaveState.Ready => "ready",
        WaveState.Promoted => "promoted",
        WaveState.RolledBack => "rolled back",
        _ => state.ToString(),
    };

    public static string Pause(RolloutPause pause) => pause.Cause switch
    {
        PauseCause.Operator => "by an operator",
        PauseCause.Alert => "an SLO alert in scope",
        PauseCause.Guardrail => "a guardrail failed",
        PauseCause.Errors => "gate checks kept failing to run",
        _ => pause.Cause.ToString(),
    };

    public static string Kind(GateKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>One check as a mark of a streak: ✓ pass, ✗ fail, ? inconclusive, ! error (each also has a word for screen readers).</summary>
    public static string Mark(GateResult result) => result switch
    {
        GateResult.Pass => "✓",
        GateResult.Fail => "✗",
        GateResult.Inconclusive => "?",
        GateResult.Error => "!",
        _ => "·",
    };

    public static string Result(GateResult result) => result switch
    {
        GateResult.Pass => "pass",
        GateResult.Fail => "fail",
        GateResult.Inconclusive => "inconclusive",
        GateResult.Error => "error",
        _ => result.ToString(),
    };

    public static StateTone Tone(RolloutState state) => state switch
    {
        RolloutState.Running or RolloutState.Ready or RolloutState.Completed => StateTone.Ok,
        RolloutState.Paused => StateTone.Warning,
        RolloutState.RolledBack or RolloutState.Aborted => StateTone.Critical,
        _ => StateTone.Unknown,
    };

    public static StateTone Tone(GateResult result) => result switch
    {
        GateResult.Pass => StateTone.Ok,
        GateResult.Fail => StateTone.Critical,
        GateResult.Error => StateTone.Warning,
        _ => StateTone.Unknown,
    };

    /// <summary>"wave 2 of 4 (pro)"; "not started" for a draft.</summary>
    public static string CurrentWave(RolloutView rollout) =>
        rollout.Status.State == RolloutState.Draft
            ? "not started"
            : $"wave {rollout.Status.CurrentWave + 1} of {rollout.Definition.Waves.Count} ({string.Join(", ", rollout.Definition.Waves[rollout.Status.CurrentWave].Tiers)})";

    /// <summary>
    /// "promotable in 12 min" while the stable clock runs; "observation complete" once it has reached the window
    /// (the wave may still wait for its sample or its gates); null when no clock runs (draft, paused, ended).
    /// Rounded up like the machine's refusal, so it never says a wave is promotable earlier than it is.
    /// </summary>
    public static string? Countdown(RolloutView rollout, DateTimeOffset now)
    {
        if (rollout.Status.State == RolloutState.Ready)
        {
            return "promotable now";
        }

        if (RolloutMachine.PromotableAt(rollout.Definition, rollout.Status) is not { } at)
        {
            return null;
        }

        var left = at - now;
        return left <= TimeSpan.Zero ? "observation complete" : $"promotable in {Left(left)}";
    }

    public static string Left(TimeSpan left)
    {
        if (left < TimeSpan.FromMinutes(1))
        {
            return $"{(long)Math.Ceiling(left.TotalSeconds)} s";
        }

        var minutes = (long)Math.Ceiling(left.TotalMinutes);
        return minutes < 60 ? $"{minutes} min" : $"{minutes / 60} h {minutes % 60} min";
    }

    /// <summary>"0.93 ≥ 0.95": the value against the threshold with the gate's operator (baseline: the limit the baseline sets).</summary>
    public static string Against(GateDefinition? gate, GateCheck? check)
    {
        if (check is null)
        {
            return "not checked yet";
        }

        if (check.Value is null && check.Threshold is null)
        {
            return check.Reason;
        }

        var op = gate?.Op is { } o ? Op(o) : gate?.Baseline == true ? "vs" : "against";
        var value = check.Value is { } v ? Number(v) : "no value";
        var threshold = check.Threshold is { } t ? Number(t) : "none";
        var baseline = check.Baseline is { } b ? $" (baseline {Number(b)})" : "";
        return $"{value} {op} {threshold}{baseline}";
    }

    public static string Op(GateOperator op) => op switch
    {
        GateOperator.AtLeast => "≥",
        GateOperator.AtMost => "≤",
        GateOperator.Above => ">",
        GateOperator.Below => "<",
        _ => op.ToString(),
    };

    /// <summary>Up to four significant digits without exponents: the same words as the gates' reasons and the timeline (<see cref="GateEvaluator.Number"/>).</summary>
    public static string Number(double value) => GateEvaluator.Number(value);

    public static string Readiness(ReadinessResult result) => result switch
    {
        ReadinessResult.Passed => "passed",
        ReadinessResult.Failed => "failed",
        ReadinessResult.Attested => "attested",
        ReadinessResult.Unknown => "unknown",
        _ => result.ToString(),
    };

    public static string Input(RolloutInput input) => input switch
    {
        RolloutInput.Start => "Start",
        RolloutInput.Pause => "Pause",
        RolloutInput.Resume => "Resume",
        RolloutInput.Promote => "Promote",
        RolloutInput.ForcePromote => "Force-promote",
        RolloutInput.Rollback => "Roll back",
        RolloutInput.Abort => "Abort",
        RolloutInput.Retry => "Retry",
        _ => RolloutInputNames.Of(input),
    };
}
