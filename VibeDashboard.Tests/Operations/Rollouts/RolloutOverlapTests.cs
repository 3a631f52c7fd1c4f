using Dapper;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>A tier gets one release at a time; a damaged rollout row hides only itself.</summary>
public sealed class RolloutOverlapTests
{
    [Fact]
    public async Task A_rollout_sharing_a_tier_with_an_active_one_cannot_start_until_that_one_ends()
    {
        await using var harness = new RolloutHarness();
        var first = await harness.StartedAsync();
        var second = await harness.CreateAsync(RolloutHarness.Definition() with { Name = "hotfix", Release = "2026.12.2" });

        var refused = await harness.SendAsync(new RolloutControlCommand(second.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = second.Version, Reason = "hotfix" }, RolloutHarness.Admin);
        Assert.False(refused.Succeeded);
        Assert.Equal("tier internal is also in rollout ro-1 (release 2026.12.1, running): a tier gets one release at a time; complete, roll back or abort ro-1 first", refused.Error);

        // Another tier entirely is fine; once the first is aborted the second starts.
        var other = await harness.CreateAsync(RolloutHarness.Definition() with { Name = "enterprise only", Waves = [new WaveDefinition(["enterprise"], TimeSpan.FromMinutes(1), 10)] });
        await harness.OkAsync(new RolloutControlCommand(other.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = other.Version, Reason = "separate tier" }, RolloutHarness.Admin);
        await harness.OkAsync(new RolloutControlCommand(first.Id, new RolloutInput.Abort("superseded by the hotfix")) { ExpectedVersion = first.Version });
        var started = await harness.OkAsync(new RolloutControlCommand(second.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = second.Version, Reason = "hotfix" }, RolloutHarness.Admin);
        Assert.Equal(RolloutState.Running, started.Status.State);

        // Retrying the aborted first one now meets the hotfix.
        var aborted = (await harness.Board.GetAsync(first.Id, CancellationToken.None))!;
        var retry = await harness.SendAsync(new RolloutControlCommand(first.Id, new RolloutInput.Retry()) { ExpectedVersion = aborted.Version });
        Assert.False(retry.Succeeded);
        Assert.Contains("also in rollout ro-2", retry.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_damaged_outside_the_dashboard_is_left_out_of_the_list_and_the_exposure_not_the_others()
    {
        await using var harness = new RolloutHarness();
        var good = await harness.StartedAsync();
        var damaged = await harness.StartedAsync(RolloutHarness.Definition() with { Name = "other", Waves = [new WaveDefinition(["free"], TimeSpan.FromMinutes(1), 10)] });
        await using (var connection = await harness.Services.GetRequiredService<SqliteConnectionFactory>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE _vd_rollouts SET status_json = 'not json' WHERE number = 2");
        }

        Assert.Equal([good.Id], (await harness.Board.ListAsync(CancellationToken.None)).Select(r => r.Id));
        var (exposure, _) = await harness.Board.ExposureAsync(CancellationToken.None);
        Assert.Equal([good.Id], exposure.Select(e => e.Id));
        Assert.NotEqual(good.Id, damaged.Id);
    }
}
