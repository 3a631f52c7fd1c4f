using System.Text.Json;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>The rollout commands through the real pipeline on a store: what each keeps, refuses, audits and announces.</summary>
public sealed class RolloutCommandTests : IAsyncLifetime
{
    private readonly RolloutHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_created_rollout_is_a_stored_draft_with_its_readiness_judged_and_no_exposure()
    {
        var created = await _h.CreateAsync();

        Assert.Equal("ro-1", created.Id);
        Assert.Equal(RolloutState.Draft, created.Status.State);
        Assert.Equal(1, created.Version);
        Assert.Equal(RolloutHarness.Definition(), created.Definition, RolloutDefinitionComparer.Instance);
        Assert.Equal(ReadinessJudge.Items, created.Readiness.Select(r => r.Item));
        Assert.Equal("olivia@example.com", created.CreatedBy);
        var read = await _h.Board.GetAsync("ro-1", CancellationToken.None);
        Assert.Equal(JsonSerializer.Serialize(created.Status, CommandJson.Options), JsonSerializer.Serialize(read!.Status, CommandJson.Options));
        Assert.Empty((await _h.Board.ExposureAsync(CancellationToken.None)).Rollouts);
        Assert.Equal("rollout.create", (await _h.EntriesAsync()).Single().Action);
    }

    [Fact]
    public async Task A_definition_invalid_under_the_configuration_is_refused_with_the_field()
    {
        var bad = RolloutHarness.Definition() with { Gates = [new GateDefinition("slos", Slos: ["no_such_slo"])] };

        var result = await _h.SendAsync(new CreateRolloutCommand(bad));

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.Contains("no_such_slo", result.Error);
    }

    [Fact]
    public async Task Start_is_refused_without_readiness_and_allowed_to_an_admin_overriding_with_a_reason()
    {
        var created = await _h.CreateAsync();

        var refused = await _h.SendAsync(new RolloutControlCommand(created.Id, new RolloutInput.Start()) { ExpectedVersion = 1 });
        Assert.Equal(CommandOutcome.Conflict, refused.Outcome);
        Assert.Contains("not ready to start", refused.Error);

        var operatorOverride = await _h.SendAsync(new RolloutControlCommand(created.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = 1, Reason = "soaked" });
        Assert.Equal(CommandOutcome.Denied, operatorOverride.Outcome);

        var noReason = await _h.SendAsync(new RolloutControlCommand(created.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = 1 }, RolloutHarness.Admin);
        Assert.Equal(CommandOutcome.Invalid, noReason.Outcome);
        Assert.Contains("reason", noReason.Error);

        var started = await _h.OkAsync(new RolloutControlCommand(created.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = 1, Reason = "staging soak done by hand" }, RolloutHarness.Admin);
        Assert.Equal(RolloutState.Running, started.Status.State);
        Assert.Equal(2, started.Version);
        Assert.Contains(started.Timeline, l => l.Forced && l.Text.StartsWith("readiness overridden by ada@example.com: staging soak done by hand", StringComparison.Ordinal));
        var (exposure, _) = await _h.Board.ExposureAsync(CancellationToken.None);
        Assert.Equal(["internal"], exposure.Single().EnabledTiers);
        Assert.Equal(["rollout.started"], await _h.EventsAsync());
        var entry = (await _h.EntriesAsync()).Last();
        Assert.Equal(("rollout.start", "ada@example.com", "staging soak done by hand"), (entry.Action, entry.ActorName, entry.Reason));
    }

    [Fact]
    public async Task An_operator_is_refused_force_promote_and_an_admin_needs_a_reason()
    {
        var started = await _h.StartedAsync();

        var byOperator = await _h.SendAsync(new RolloutControlCommand(started.Id, new RolloutInput.ForcePromote("looks fine")) { ExpectedVersion = started.Version, Reason = "looks fine" });
        Assert.Equal(CommandOutcome.Denied, byOperator.Outcome);
        var noReason = await _h.SendAsync(new RolloutControlCommand(started.Id, new RolloutInput.ForcePromote(" ")) { ExpectedVersion = started.Version }, RolloutHarness.Admin);
        Assert.Equal(CommandOutcome.Invalid, noReason.Outcome);

        var forced = await _h.OkAsync(new RolloutControlCommand(started.Id, new RolloutInput.ForcePromote("exec sign-off")) { ExpectedVersion = started.Version, Reason = "exec sign-off" }, RolloutHarness.Admin);
        Assert.Equal(1, forced.Status.CurrentWave);
        Assert.Contains(forced.Timeline, l => l.Forced && l.Event == RolloutEventKind.WavePromoted);
    }

    [Fact]
    public async Task Promote_before_ready_is_a_409_with_the_reason()
    {
        var started = await _h.StartedAsync();

        var early = await _h.SendAsync(new RolloutControlCommand(started.Id, new RolloutInput.Promote()) { ExpectedVersion = started.Version });

        Assert.Equal(CommandOutcome.Conflict, early.Outcome);
        Assert.Contains("no gate checks yet", early.Error);
        Assert.Equal(started.Version, early.CurrentVersion);
    }

    [Fact]
    public async Task Two_concurrent_promotes_on_one_version_one_wins_the_other_sees_the_new_version()
    {
        var started = await _h.StartedAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        var ready = (await _h.RoundAsync(started, GateResult.Pass, 0.99)).Value!;
        Assert.Equal(RolloutState.Ready, ready.Status.State);

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            _h.SendAsync(new RolloutControlCommand(ready.Id, new RolloutInput.Promote()) { ExpectedVersion = ready.Version }))));

        Assert.Single(results, r => r.Succeeded);
        var loser = Assert.Single(results, r => !r.Succeeded);
        Assert.Equal(CommandOutcome.Conflict, loser.Outcome);
        Assert.Equal(ready.Version + 1, loser.CurrentVersion);
        var after = await _h.Board.GetAsync(ready.Id, CancellationToken.None);
        Assert.Equal(1, after!.Status.CurrentWave);
        Assert.Single(after.Timeline, l => l.Event == RolloutEventKind.WavePromoted);
    }

    [Fact]
    public async Task Two_failing_rounds_roll_the_wave_back_as_the_system_with_both_checks_in_the_audit_and_the_outbox()
    {
        var rollout = await _h.StartedAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        rollout = (await _h.RoundAsync(rollout, GateResult.Fail, 0.80)).Value!;
        Assert.Equal(RolloutState.Running, rollout.Status.State);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        rollout = (await _h.RoundAsync(rollout, GateResult.Fail, 0.78)).Value!;

        Assert.Equal(RolloutState.RolledBack, rollout.Status.State);
        Assert.Empty(rollout.Status.EnabledTiers(rollout.Definition));
        var entry = (await _h.EntriesAsync()).Last();
        Assert.Equal(("rollout.check", ActorKind.System, "ro-1"), (entry.Action, entry.ActorKind, entry.TargetId));
        Assert.Contains("rolled back automatically", entry.AfterJson);
        Assert.Contains("0.78", entry.AfterJson);
        Assert.Contains("0.8", entry.AfterJson);
        Assert.Equal(["rollout.started", "rollout.gate_failed", "rollout.gate_failed", "rollout.rolled_back"], await _h.EventsAsync());
        var (aggregate, payload) = await _h.LastOutboxAsync("rollout.rolled_back");
        Assert.Equal("rollout:ro-1", aggregate);
        var data = System.Text.Json.Nodes.JsonNode.Parse(payload)!;
        Assert.Equal(("ro-1", "rolled_back", 0), (data["rollout"]!["id"]!.GetValue<string>(), data["rollout"]!["state"]!.GetValue<string>(), data["rollout"]!["enabledTiers"]!.AsArray().Count));
        Assert.True(data["line"]!["automatic"]!.GetValue<bool>());
        Assert.Equal(2, data["line"]!["evidence"]!.AsArray().Count);
        var checks = await _h.Board.ChecksAsync(rollout.Id, 10, CancellationToken.None);
        Assert.Equal([0.78, 0.80], checks.Select(c => c.Value!.Value));
        var (exposure, _) = await _h.Board.ExposureAsync(CancellationToken.None);
        Assert.Empty(exposure.Single().EnabledTiers);
        Assert.Equal(RolloutState.RolledBack, exposure.Single().State);
    }

    [Fact]
    public async Task A_check_round_from_a_person_is_refused_even_for_an_admin()
    {
        var rollout = await _h.StartedAsync();

        var result = await _h.Pipeline.SendAsync(new RolloutCheckRoundCommand(rollout.Id, new RolloutInput.CheckRound(_h.Time.GetUtcNow(), [], 0, [])) { ExpectedVersion = rollout.Version }, RolloutHarness.Admin);
        var asControl = await _h.SendAsync(new RolloutControlCommand(rollout.Id, new RolloutInput.CheckRound(_h.Time.GetUtcNow(), [], 0, [])) { ExpectedVersion = rollout.Version });

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.Equal(CommandOutcome.Invalid, asControl.Outcome);
    }

    [Fact]
    public async Task An_admin_attests_a_readiness_item_on_a_draft_and_it_reads_attested()
    {
        var created = await _h.CreateAsync();

        var attested = await _h.OkAsync(new AttestReadinessCommand(created.Id, ReadinessItemKey.RotationOwnership, "https://wiki.example.com/rotation") { ExpectedVersion = 1 }, RolloutHarness.Admin);
        var byOperator = await _h.SendAsync(new AttestReadinessCommand(created.Id, ReadinessItemKey.Observability, "https://x") { ExpectedVersion = 2 });

        Assert.Equal(2, attested.Version);
        var item = attested.Readiness.Single(i => i.Item == ReadinessItemKey.RotationOwnership);
        Assert.Equal(ReadinessResult.Attested, item.Result);
        Assert.Equal("ada@example.com", item.Attestation!.By);
        Assert.Equal(CommandOutcome.Denied, byOperator.Outcome);
    }
}

/// <summary>Definitions hold lists: compare them by their written JSON.</summary>
internal sealed class RolloutDefinitionComparer : IEqualityComparer<RolloutDefinition>
{
    public static readonly RolloutDefinitionComparer Instance = new();

    public bool Equals(RolloutDefinition? x, RolloutDefinition? y) =>
        x is not null && y is not null && RolloutDefinitionJson.Serialize(x) == RolloutDefinitionJson.Serialize(y);

    public int GetHashCode(RolloutDefinition obj) => RolloutDefinitionJson.Serialize(obj).GetHashCode(StringComparison.Ordinal);
}
