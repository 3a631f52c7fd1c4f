using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Tests.Operations.Rollouts;

namespace VibeDashboard.Tests.Hubs;

/// <summary>The hub's rollout path on the real host: the current rollouts on request, then each change as it commits.</summary>
public sealed class RolloutHubTests : IAsyncLifetime
{
    private static readonly Actor Admin = new("ada@example.com", ActorKind.User, DashboardRole.Admin);

    private readonly DashboardAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_client_reads_the_current_rollouts_and_then_receives_each_change_with_its_own_method()
    {
        var pipeline = _app.Services.GetRequiredService<ICommandPipeline>();
        var started = await SendAsync(pipeline, new CreateRolloutCommand(RolloutHarness.Definition()));
        started = await SendAsync(pipeline, new RolloutControlCommand(started.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = started.Version, Reason = "staging soak done by hand" });
        // A draft has exposed nothing: it is not current.
        await SendAsync(pipeline, new CreateRolloutCommand(RolloutHarness.Definition() with { Name = "vibesdk 2026.12 hotfix" }));

        var pushed = Channel.CreateUnbounded<RolloutSummary>();
        await using var connection = await _app.CreateHubConnectionAsAsync(DashboardRole.Viewer, MetricsHub.Path);
        connection.On<RolloutSummary>(nameof(IMetricsClient.Rollout), r => pushed.Writer.TryWrite(r));
        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var current = Assert.Single(await connection.InvokeAsync<IReadOnlyList<RolloutSummary>>(nameof(MetricsHub.Rollouts), timeout.Token));
        Assert.Equal(("ro-1", "vibesdk 2026.12", "2026.12.1", RolloutState.Running), (current.Id, current.Name, current.Release, current.State));
        Assert.Equal((0, 2, "wave 1 (internal)"), (current.CurrentWave, current.Waves, current.WaveLabel));
        Assert.Equal(["internal"], current.EnabledTiers);
        Assert.Null(current.PausedBecause);

        // No expected version: the check loop may have applied a round since.
        await SendAsync(pipeline, new RolloutControlCommand("ro-1", new RolloutInput.Pause("a provider incident is open")));
        RolloutSummary received;
        do
        {
            received = await pushed.Reader.ReadAsync(timeout.Token);
        }
        while (received.Id != "ro-1" || received.State != RolloutState.Paused);

        Assert.Equal("a provider incident is open", received.PausedBecause);
        Assert.Equal("paused: a provider incident is open", received.LastLine);
        Assert.Equal(["internal"], received.EnabledTiers);
        Assert.True(received.Version > current.Version);

        // A new rollout appears without anyone asking, drafts too (a client filters by state).
        await SendAsync(pipeline, new CreateRolloutCommand(RolloutHarness.Definition() with { Name = "vibesdk 2027.01" }));
        do
        {
            received = await pushed.Reader.ReadAsync(timeout.Token);
        }
        while (received.Id != "ro-3");

        Assert.Equal((RolloutState.Draft, "vibesdk 2027.01"), (received.State, received.Name));
        Assert.Empty(received.EnabledTiers);
        Assert.Equal(["ro-1"], (await connection.InvokeAsync<IReadOnlyList<RolloutSummary>>(nameof(MetricsHub.Rollouts), timeout.Token)).Select(r => r.Id));
    }

    private static async Task<RolloutView> SendAsync(ICommandPipeline pipeline, RolloutCommand command)
    {
        var result = await pipeline.SendAsync(command, Admin);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }
}
