using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>Persistence of the machine's memory: a restart keeps streaks, a round is applied once, a retry with a key replays.</summary>
public sealed class RolloutRestartTests
{
    private static Snapshot Failing(DateTimeOffset now) =>
        new(1, now, now, false, VibeDashboard.Aggregation.Windows.All.Select(w => new MetricValue(MetricKeys.CompletionSuccessRate, w.Name, "internal", 0.8, 100, null, null, null)).ToList(), []);

    [Fact]
    public async Task A_restart_mid_streak_keeps_the_streak_and_the_next_fail_rolls_back()
    {
        var directory = Path.Combine(Path.GetTempPath(), "vd-tests", Guid.NewGuid().ToString("N"));
        DateTimeOffset at;
        string id;
        await using (var before = new RolloutHarness(directory))
        {
            id = (await before.StartedAsync()).Id;
            before.Time.Advance(TimeSpan.FromMinutes(1));
            before.Metrics.Current = Failing(before.Time.GetUtcNow());
            Assert.Equal(1, await before.Services.GetRequiredService<RolloutCheckLoop>().RunOnceAsync(CancellationToken.None));
            at = before.Time.GetUtcNow();
        }

        await using (var after = new RolloutHarness(directory, at))
        {
            var resumed = (await after.Board.GetAsync(id, CancellationToken.None))!;
            Assert.Equal(1, resumed.Status.Gates[0].FailStreak);
            after.Metrics.Current = Failing(at);
            Assert.Equal(0, await after.Services.GetRequiredService<RolloutCheckLoop>().RunOnceAsync(CancellationToken.None));

            after.Time.Advance(TimeSpan.FromMinutes(1));
            after.Metrics.Current = Failing(after.Time.GetUtcNow());
            Assert.Equal(1, await after.Services.GetRequiredService<RolloutCheckLoop>().RunOnceAsync(CancellationToken.None));
            Assert.Equal(RolloutState.RolledBack, (await after.Board.GetAsync(id, CancellationToken.None))!.Status.State);
        }

        System.IO.Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_round_already_applied_is_not_applied_again()
    {
        await using var h = new RolloutHarness();
        var rollout = await h.StartedAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var round = new RolloutInput.CheckRound(h.Time.GetUtcNow(), [new GateCheck("completion", GateKind.Metric, GateResult.Fail, 0.8, 0.95, 100, h.Time.GetUtcNow(), "0.8 against >= 0.95", [])], 100, []);

        var first = await h.Pipeline.SendAsync(new RolloutCheckRoundCommand(rollout.Id, round) { ExpectedVersion = rollout.Version }, Actor.System());
        var again = await h.Pipeline.SendAsync(new RolloutCheckRoundCommand(rollout.Id, round) { ExpectedVersion = first.Value!.Version }, Actor.System());

        Assert.True(first.Succeeded);
        Assert.Equal(CommandOutcome.Conflict, again.Outcome);
        var read = (await h.Board.GetAsync(rollout.Id, CancellationToken.None))!;
        Assert.Equal(1, read.Status.Gates[0].FailStreak);
        Assert.Equal(["rollout.started", "rollout.gate_failed"], await h.EventsAsync());
    }

    [Fact]
    public async Task A_control_retried_with_its_idempotency_key_replays_the_first_result_and_board_subscribers_hear_each_commit()
    {
        await using var h = new RolloutHarness();
        var signals = 0;
        using var subscription = h.Board.Subscribe(() => { Interlocked.Increment(ref signals); return Task.CompletedTask; });
        var rollout = await h.StartedAsync();
        var pause = new RolloutControlCommand(rollout.Id, new RolloutInput.Pause("costs")) { ExpectedVersion = rollout.Version, Reason = "costs", IdempotencyKey = "pause-1" };

        var first = await h.SendAsync(pause);
        var replay = await h.SendAsync(pause);

        Assert.True(first.Succeeded, first.Error);
        Assert.True(replay.Replayed);
        Assert.Equal(first.Value!.Status.State, replay.Value!.Status.State);
        Assert.Equal(first.Value.Version, replay.Value.Version);
        Assert.Equal(["rollout.started", "rollout.paused"], await h.EventsAsync());
        Assert.Equal(3, signals);
    }
}
