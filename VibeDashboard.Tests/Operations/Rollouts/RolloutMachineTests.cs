using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>The wave state machine walked with a fake clock, one test per rule of issue 11's table.</summary>
public sealed class RolloutMachineTests
{
    private static readonly RolloutDefinition Definition = new(
        "vibesdk 2026.12",
        "2026.12.1",
        TimeSpan.FromMinutes(1),
        AutoPromote: false,
        [
            new WaveDefinition(["internal"], TimeSpan.FromMinutes(30), 50),
            new WaveDefinition(["pro"], TimeSpan.FromHours(2), 200),
        ],
        [
            new GateDefinition("completion", MetricKeys.CompletionSuccessRate, Window: "30m", Op: GateOperator.AtLeast, Threshold: 0.95, MinEvents: 20),
            new GateDefinition("cost", MetricKeys.ProviderCostPerGenerationUsd, Window: "1h", Op: GateOperator.AtMost, Threshold: 0.50),
        ]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 17, 0, 0, TimeSpan.Zero));

    private RolloutStatus _status = RolloutStatus.Draft(Definition);

    private DateTimeOffset Now => _time.GetUtcNow();

    private RolloutTransition Apply(RolloutInput input, RolloutDefinition? definition = null)
    {
        var transition = RolloutMachine.Apply(definition ?? Definition, _status, input, Now);
        Assert.True(transition.Allowed, transition.Refusal);
        _status = transition.Status;
        return transition;
    }

    private string Refusal(RolloutInput input)
    {
        var transition = RolloutMachine.Apply(Definition, _status, input, Now);
        Assert.False(transition.Allowed);
        Assert.Same(_status, transition.Status);
        return transition.Refusal!;
    }

    private GateCheck Completion(GateResult result, double? value = null) =>
        new("completion", GateKind.Metric, result, value ?? (result == GateResult.Fail ? 0.91 : 0.97), 0.95, 120, Now, $"completion {result}", []);

    private GateCheck Cost(GateResult result = GateResult.Pass, double value = 0.2) =>
        new("cost", GateKind.Cost, result, value, 0.50, 120, Now, $"{value} against 0.5", []);

    /// <summary>A minute later, one round: the completion gate as given, the cost gate passing unless given.</summary>
    private RolloutTransition Round(GateResult completion, GateCheck? cost = null, long sample = 100, IReadOnlyList<string>? alerts = null, double? value = null)
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        return Apply(new RolloutInput.CheckRound(Now, [Completion(completion, value), cost ?? Cost()], sample, alerts ?? []));
    }

    private GateStatus Gate(string name) => _status.Gates.Single(g => g.Name == name);

    private WaveStatus Wave => _status.Waves[_status.CurrentWave];

    [Fact]
    public void Start_exposes_the_first_wave_and_publishes_started()
    {
        var started = Apply(new RolloutInput.Start());
        Assert.Equal(RolloutState.Running, _status.State);
        Assert.Equal(["internal"], started.Effects.Exposure);
        Assert.Equal(RolloutEventKind.Started, Assert.Single(started.Effects.Events).Event);
        Assert.Equal(new WaveStatus(WaveState.Observing, Now, Now), Wave);
        Assert.Equal(2, _status.Version);
        Assert.Contains("started", Refusal(new RolloutInput.Start()));
    }

    [Fact]
    public void Passing_checks_make_the_wave_ready_after_the_observation_window_then_promote_exposes_the_next()
    {
        var startedAt = Now;
        Apply(new RolloutInput.Start());
        for (var minute = 1; minute < 30; minute++)
        {
            Round(GateResult.Pass);
            Assert.Equal(RolloutState.Running, _status.State);
            Assert.Equal(WaveState.Observing, Wave.State);
        }

        var ready = Round(GateResult.Pass);
        Assert.Equal(RolloutState.Ready, _status.State);
        Assert.Equal(WaveState.Ready, Wave.State);
        Assert.Equal(startedAt.AddMinutes(30), Wave.ReadyAt);
        Assert.Null(ready.Effects.Exposure);
        Assert.Contains("ready", Assert.Single(ready.Effects.Timeline).Text);

        // Still ready a minute later; ReadyAt keeps the first moment.
        Round(GateResult.Pass);
        Assert.Equal(startedAt.AddMinutes(30), Wave.ReadyAt);

        var promoted = Apply(new RolloutInput.Promote());
        Assert.Equal(["internal", "pro"], promoted.Effects.Exposure);
        Assert.Equal([RolloutEventKind.WavePromoted], promoted.Effects.Events.Select(e => e.Event));
        Assert.Equal(1, _status.CurrentWave);
        Assert.Equal(WaveState.Promoted, _status.Waves[0].State);
        Assert.Equal(new WaveStatus(WaveState.Observing, Now, Now), Wave);
        Assert.All(_status.Gates, g => Assert.True(g is { FailStreak: 0, ErrorStreak: 0, Last: null, StreakFails.Count: 0 }));
        Assert.Equal(RolloutState.Running, _status.State);
    }

    [Fact]
    public void Without_the_minimum_sample_the_wave_is_not_ready_however_long_it_is_stable()
    {
        Apply(new RolloutInput.Start());
        for (var minute = 0; minute < 45; minute++)
        {
            Round(GateResult.Pass, sample: 49);
        }

        Assert.Equal(RolloutState.Running, _status.State);
        Assert.Equal("wave 1 (internal) has 49 of the 50 events its observation needs", Refusal(new RolloutInput.Promote()));
        Round(GateResult.Pass, sample: 50);
        Assert.Equal(RolloutState.Ready, _status.State);
    }

    [Fact]
    public void Fail_pass_fail_does_not_roll_back_but_holds_and_restarts_the_stable_clock()
    {
        Apply(new RolloutInput.Start());
        var first = Round(GateResult.Fail);
        Assert.Equal(1, Gate("completion").FailStreak);
        Assert.Equal(WaveState.Held, Wave.State);
        Assert.Equal(Now, Wave.StableSince);
        Assert.Equal(RolloutEventKind.GateFailed, Assert.Single(first.Effects.Events).Event);

        Round(GateResult.Pass);
        Assert.Equal(0, Gate("completion").FailStreak);
        Assert.Equal(WaveState.Observing, Wave.State);

        Round(GateResult.Fail);
        Assert.Equal(1, Gate("completion").FailStreak);
        Assert.Equal(RolloutState.Running, _status.State);
        Assert.Equal(Now, Wave.StableSince);
        Assert.Equal(["internal"], _status.EnabledTiers(Definition));
    }

    [Fact]
    public void Fail_fail_rolls_the_wave_back_at_once_naming_the_gate_and_both_checks()
    {
        PromoteFirstWave();
        Round(GateResult.Fail, value: 0.91);
        var firstFail = Now;
        var rollback = Round(GateResult.Fail, value: 0.88);

        Assert.Equal(RolloutState.RolledBack, _status.State);
        Assert.Equal(WaveState.RolledBack, Wave.State);
        Assert.Equal(Now, Wave.EndedAt);
        Assert.Equal(["internal"], rollback.Effects.Exposure);
        Assert.Equal([RolloutEventKind.GateFailed, RolloutEventKind.RolledBack], rollback.Effects.Events.Select(e => e.Event));

        var line = rollback.Effects.Timeline.Single(l => l.Event == RolloutEventKind.RolledBack);
        Assert.True(line.Automatic);
        Assert.Equal(
            $"wave 2 (pro) rolled back automatically: gate \"completion\" failed 2 consecutive checks: 0.91 against 0.95 at {firstFail:HH:mm:ss}, 0.88 against 0.95 at {Now:HH:mm:ss}",
            line.Text);
        Assert.Equal([0.91, 0.88], line.Evidence.Select(c => c.Value));
        Assert.Equal([0.95, 0.95], line.Evidence.Select(c => c.Threshold));

        // A late round after the rollback changes nothing.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(RolloutMachine.Apply(Definition, _status, new RolloutInput.CheckRound(Now, [Completion(GateResult.Fail), Cost()], 100, []), Now).Changed);
    }

    [Fact]
    public void Inconclusive_and_error_neither_grow_nor_reset_the_streak_so_inconclusive_never_rolls_back()
    {
        Apply(new RolloutInput.Start());
        for (var i = 0; i < 40; i++)
        {
            Round(GateResult.Inconclusive);
        }

        Assert.Equal(0, Gate("completion").FailStreak);
        Assert.Equal(RolloutState.Running, _status.State);
        Assert.Equal(WaveState.Held, Wave.State);
        Assert.Contains("is held: gate \"completion\" was inconclusive", Refusal(new RolloutInput.Promote()));

        // Between two Fails an Inconclusive keeps the streak: the second Fail is the second in a row.
        Round(GateResult.Fail);
        Round(GateResult.Inconclusive);
        Assert.Equal(1, Gate("completion").FailStreak);
        Round(GateResult.Fail);
        Assert.Equal(RolloutState.RolledBack, _status.State);
    }

    [Fact]
    public void Stale_data_is_an_error_never_a_pass_and_five_errors_in_a_row_pause()
    {
        Apply(new RolloutInput.Start());
        var gate = Definition.Gates[0];
        var settings = new GateEvaluationSettings(TimeSpan.FromMinutes(10));
        var lastEvent = Now;
        for (var i = 1; i <= 4; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(5));
            var check = GateEvaluator.Evaluate(gate, new GateInput([new TierReading("internal", 0.99, 500, lastEvent)]), settings, Now);
            Assert.Equal(i < 3 ? GateResult.Pass : GateResult.Error, check.Result);
            Apply(new RolloutInput.CheckRound(Now, [check, Cost()], 500, []));
        }

        Assert.Equal(2, Gate("completion").ErrorStreak);
        Assert.Equal(RolloutState.Running, _status.State);
        Assert.Equal(WaveState.Held, Wave.State);

        for (var i = 0; i < 2; i++)
        {
            Round(GateResult.Error);
        }

        Assert.Equal(RolloutState.Running, _status.State);
        var paused = Round(GateResult.Error);
        Assert.Equal(RolloutState.Paused, _status.State);
        Assert.Equal(PauseCause.Errors, _status.Pause!.Cause);
        Assert.Equal(RolloutEventKind.Paused, Assert.Single(paused.Effects.Events).Event);
        Assert.Equal(0, Gate("completion").FailStreak);

        // Resumable at once (nothing to clear), with a fresh count of Errors.
        Apply(new RolloutInput.Resume());
        Assert.Equal(0, Gate("completion").ErrorStreak);
    }

    [Fact]
    public void An_alert_in_scope_pauses_and_resume_is_refused_until_it_clears_then_restarts_the_clock()
    {
        Apply(new RolloutInput.Start());
        for (var i = 0; i < 10; i++)
        {
            Round(GateResult.Pass);
        }

        var paused = Round(GateResult.Pass, alerts: ["availability"]);
        Assert.Equal(RolloutState.Paused, _status.State);
        Assert.Equal(PauseCause.Alert, _status.Pause!.Cause);
        Assert.True(Assert.Single(paused.Effects.Events).Automatic);
        Assert.Equal(Now, Wave.StableSince);
        Assert.Equal(WaveState.Held, Wave.State);
        Assert.Contains("paused", Refusal(new RolloutInput.Promote()));
        Assert.Equal("the alert has not cleared: still firing in scope on availability", Refusal(new RolloutInput.Resume()));
        Assert.Equal("the rollout is paused already (alert firing in scope on availability)", Refusal(new RolloutInput.Pause()));

        // Cleared, but paused until someone resumes: no expansion, however long it is stable.
        for (var i = 0; i < 40; i++)
        {
            Round(GateResult.Pass);
        }

        Assert.Equal(RolloutState.Paused, _status.State);
        _time.Advance(TimeSpan.FromSeconds(10));
        var resumed = Apply(new RolloutInput.Resume());
        Assert.Equal(RolloutEventKind.Resumed, Assert.Single(resumed.Effects.Events).Event);
        Assert.Equal(RolloutState.Running, _status.State);
        Assert.Equal(Now, Wave.StableSince);
        Assert.StartsWith("wave 1 (internal) is promotable in 30 min", Refusal(new RolloutInput.Promote()));
    }

    [Fact]
    public void A_cost_guardrail_breach_pauses_as_well_as_counting_and_resume_waits_for_it_to_pass()
    {
        Apply(new RolloutInput.Start());
        var breached = Round(GateResult.Pass, cost: Cost(GateResult.Fail, 0.8));
        Assert.Equal(RolloutState.Paused, _status.State);
        Assert.Equal(PauseCause.Guardrail, _status.Pause!.Cause);
        Assert.Equal(1, Gate("cost").FailStreak);
        Assert.Equal([RolloutEventKind.GateFailed, RolloutEventKind.Paused], breached.Effects.Events.Select(e => e.Event));
        Assert.Contains("guardrail has not cleared", Refusal(new RolloutInput.Resume()));

        Round(GateResult.Pass);
        Apply(new RolloutInput.Resume());
        Assert.Equal(RolloutState.Running, _status.State);
    }

    [Fact]
    public void A_restart_mid_streak_keeps_the_streak_and_a_replayed_round_acts_once()
    {
        Apply(new RolloutInput.Start());
        Round(GateResult.Pass);
        Round(GateResult.Fail);
        var lastRound = new RolloutInput.CheckRound(Now, [Completion(GateResult.Fail), Cost()], 100, []);

        // The process stops; the state comes back from storage as JSON.
        var json = JsonSerializer.Serialize(_status, JsonSerializerOptions.Web);
        _status = JsonSerializer.Deserialize<RolloutStatus>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(1, Gate("completion").FailStreak);
        Assert.Single(Gate("completion").StreakFails);
        Assert.Equal(JsonSerializer.Serialize(_status, JsonSerializerOptions.Web), json);

        // The loop replays the round it had in flight: applied already, nothing happens.
        var replay = RolloutMachine.Apply(Definition, _status, lastRound, Now);
        Assert.False(replay.Changed);
        Assert.Same(_status, replay.Status);
        Assert.Empty(replay.Effects.Timeline);

        Round(GateResult.Fail);
        Assert.Equal(RolloutState.RolledBack, _status.State);

        // The same for the round that rolled back: replaying it neither rolls back twice nor publishes again.
        var again = RolloutMachine.Apply(Definition, _status, new RolloutInput.CheckRound(Now, [Completion(GateResult.Fail), Cost()], 100, []), Now);
        Assert.False(again.Changed);
        Assert.Empty(again.Effects.Events);
    }

    [Fact]
    public void Promote_before_ready_is_refused_with_the_time_left()
    {
        Apply(new RolloutInput.Start());
        Assert.Equal("wave 1 (internal) has no gate checks yet", Refusal(new RolloutInput.Promote()));
        for (var i = 0; i < 17; i++)
        {
            Round(GateResult.Pass);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("wave 1 (internal) is promotable in 13 min (stable since 17:00:00 UTC, observation 30m)", Refusal(new RolloutInput.Promote()));
        Assert.Equal(Now.AddMinutes(12.5), RolloutMachine.PromotableAt(Definition, _status));
        Assert.Contains("has not started", RolloutMachine.WhyNotPromotable(Definition, RolloutStatus.Draft(Definition), Now));
    }

    [Fact]
    public void Force_promote_needs_a_reason_and_is_marked_forced()
    {
        Apply(new RolloutInput.Start());
        Round(GateResult.Fail);
        Assert.Equal("reason: required", Refusal(new RolloutInput.ForcePromote("  ")));

        var forced = Apply(new RolloutInput.ForcePromote("customer demo needs pro today"));
        var line = forced.Effects.Timeline.Single(l => l.Event == RolloutEventKind.WavePromoted);
        Assert.True(line.Forced);
        Assert.False(line.Automatic);
        Assert.Equal("wave 1 (internal) promoted by force: customer demo needs pro today", line.Text);
        Assert.True(_status.Waves[0].Forced);
        Assert.Equal(["internal", "pro"], forced.Effects.Exposure);
    }

    [Fact]
    public void Auto_promote_promotes_a_ready_wave_and_the_last_wave_promoted_completes()
    {
        var auto = Definition with { AutoPromote = true, Waves = [Definition.Waves[0], Definition.Waves[1] with { Observation = TimeSpan.FromMinutes(5) }] };
        _status = RolloutStatus.Draft(auto);
        Apply(new RolloutInput.Start(), auto);
        RolloutTransition last = null!;
        for (var i = 0; i < 35; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            last = Apply(new RolloutInput.CheckRound(Now, [Completion(GateResult.Pass), Cost()], 500, []), auto);
            if (last.Effects.Exposure is not null)
            {
                break;
            }
        }

        Assert.Equal(1, _status.CurrentWave);
        Assert.True(last.Effects.Events.Single().Automatic);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            last = Apply(new RolloutInput.CheckRound(Now, [Completion(GateResult.Pass), Cost()], 500, []), auto);
        }

        Assert.Equal(RolloutState.Completed, _status.State);
        Assert.Equal([RolloutEventKind.WavePromoted, RolloutEventKind.Completed], last.Effects.Events.Select(e => e.Event));
        Assert.Equal(["internal", "pro"], _status.EnabledTiers(auto));
        Assert.Equal(Now, _status.EndedAt);
    }

    [Fact]
    public void Rollback_abort_and_retry_by_hand_move_the_exposure()
    {
        PromoteFirstWave();
        var rolledBack = Apply(new RolloutInput.Rollback("pro looks odd"));
        Assert.Equal(["internal"], rolledBack.Effects.Exposure);
        Assert.Equal("wave 2 (pro) rolled back: pro looks odd", rolledBack.Effects.Timeline.Single().Text);
        Assert.Contains("rolled_back", Refusal(new RolloutInput.Promote()));

        var retried = Apply(new RolloutInput.Retry());
        Assert.Equal(["internal", "pro"], retried.Effects.Exposure);
        Assert.Equal(RolloutEventKind.Started, retried.Effects.Events.Single().Event);
        Assert.Equal(new WaveStatus(WaveState.Observing, Now, Now), Wave);

        var aborted = Apply(new RolloutInput.Abort("release pulled"));
        Assert.Empty(aborted.Effects.Exposure!);
        Assert.Equal(RolloutState.Aborted, _status.State);
        Assert.Contains("aborted already", Refusal(new RolloutInput.Abort()));

        var again = Apply(new RolloutInput.Retry());
        Assert.Equal(["internal", "pro"], again.Effects.Exposure);
        Assert.Equal(WaveState.Promoted, _status.Waves[0].State);
        Assert.Contains("only a paused rollout", Refusal(new RolloutInput.Resume()));
    }

    [Fact]
    public void The_exposure_version_moves_with_the_tiers_and_state_not_with_every_round()
    {
        Apply(new RolloutInput.Start());
        var started = (_status.ExposureVersion, _status.ExposureUpdatedAt);
        Assert.Equal((2L, (DateTimeOffset?)Now), started);
        Round(GateResult.Pass);
        Round(GateResult.Pass);
        Assert.Equal(4, _status.Version);
        Assert.Equal(started, (_status.ExposureVersion, _status.ExposureUpdatedAt));
        Round(GateResult.Pass, alerts: ["availability"]);
        Assert.Equal((3L, (DateTimeOffset?)Now), (_status.ExposureVersion, _status.ExposureUpdatedAt));
    }

    [Fact]
    public void Inputs_round_trip_as_json_with_their_kind()
    {
        RolloutInput input = new RolloutInput.ForcePromote("because");
        var json = JsonSerializer.Serialize(input, JsonSerializerOptions.Web);
        Assert.Contains("\"input\":\"force_promote\"", json);
        Assert.Equal(input, JsonSerializer.Deserialize<RolloutInput>(json, JsonSerializerOptions.Web));
    }

    private void PromoteFirstWave()
    {
        Apply(new RolloutInput.Start());
        for (var i = 0; i < 30; i++)
        {
            Round(GateResult.Pass);
        }

        Apply(new RolloutInput.Promote());
        Assert.Equal(1, _status.CurrentWave);
    }
}
