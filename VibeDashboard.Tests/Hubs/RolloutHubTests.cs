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

/// <summary>
/// The hub's <c>rollouts</c> topic on the real host: the current rollouts as the subscription's state, then each
/// change as it commits; a draft is not current, and one that is aborted leaves (its id in <c>removedRollouts</c>).
/// </summary>
public sealed class RolloutHubTests : IAsyncLifetime
{
    private static readonly Actor Admin = new("ada@example.com", ActorKind.User, DashboardRole.Admin);

    private readonly DashboardAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_subscriber_starts_from_the_current_rollouts_and_then_receives_each_change()
    {
        var pipeline = _app.Services.GetRequiredService<ICommandPipeline>();
        var started = await SendAsync(pipeline, new CreateRolloutCommand(RolloutHarness.Definition()));
        started = await SendAsync(pipeline, new RolloutControlCommand(started.Id, new RolloutInput.Start(), OverrideReadiness: true) { ExpectedVersion = started.Version, Reason = "staging soak done by hand" });
        // A draft has exposed nothing: it is not current.
        await SendAsync(pipeline, new CreateRolloutCommand(RolloutHarness.Definition() with { Name = "vibesdk 2026.12 hotfix" }));

        var pushed = Channel.CreateUnbounded<TopicMessage>();
        await using var connection = await _app.CreateHubConnectionAsAsync(DashboardRole.Viewer, MetricsHub.Path);
        connection.On<TopicMessage>(nameof(IMetricsClient.Changed), m => pushed.Writer.TryWrite(m));
        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var state = Assert.Single(await connection.InvokeAsync<IReadOnlyList<TopicMessage>>(nameof(MetricsHub.Subscribe), new[] { HubTopics.Rollouts }, timeout.Token));
        var current = Assert.Single(state.Rollouts!);
        Assert.Equal(("ro-1", "vibesdk 2026.12", "2026.12.1", RolloutState.Running), (current.Id, current.Name, current.Release, current.State));
        Assert.Equal((0, 2, "wave 1 (internal)"), (current.CurrentWave, current.Waves, current.WaveLabel));
        Assert.Equal(["internal"], current.EnabledTiers);
        Assert.Null(current.PausedBecause);

        // No expected version: the check loop may have applied a round since (and sent it: follow the versions).
        await SendAsync(pipeline, new RolloutControlCommand("ro-1", new RolloutInput.Pause("a provider incident is open")));
        var held = state.Version;
        RolloutSummary received;
        do
        {
            var change = await pushed.Reader.ReadAsync(timeout.Token);
            Assert.Equal((held, held + 1), (change.Previous, change.Version));
            held = change.Version;
            received = Assert.Single(change.Rollouts!);
        }
        while (received.State != RolloutState.Paused);

        Assert.Equal("ro-1", received.Id);
        Assert.Equal("a provider incident is open", received.PausedBecause);
        Assert.Equal("paused: a provider incident is open", received.LastLine);
        Assert.Equal(["internal"], received.EnabledTiers);
        Assert.True(received.Version > current.Version);

        // Aborted, it is history: only its id comes. The draft created meanwhile sent nothing.
        await SendAsync(pipeline, new CreateRolloutCommand(RolloutHarness.Definition() with { Name = "vibesdk 2027.01" }));
        await SendAsync(pipeline, new RolloutControlCommand("ro-1", new RolloutInput.Abort("the provider is still down")) { Reason = "the provider is still down" });
        TopicMessage removed;
        do
        {
            removed = await pushed.Reader.ReadAsync(timeout.Token);
            Assert.Equal((held, held + 1), (removed.Previous, removed.Version));
            held = removed.Version;
        }
        while (removed.RemovedRollouts is null);

        Assert.Null(removed.Rollouts);
        Assert.Equal(["ro-1"], removed.RemovedRollouts);
        Assert.Empty(await connection.InvokeAsync<IReadOnlyList<RolloutSummary>>(nameof(MetricsHub.Rollouts), timeout.Token));
    }

    private static async Task<RolloutView> SendAsync(ICommandPipeline pipeline, RolloutCommand command)
    {
        var result = await pipeline.SendAsync(command, Admin);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }
}
