using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hubs;

/// <summary>
/// The hub's <c>incidents</c> topic on the real host: the open incidents as the subscription's state, then each
/// change as it commits (what changed, whole; the numbers of those no longer open), each version following the last.
/// </summary>
public sealed class IncidentHubTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_subscriber_starts_from_the_open_incidents_and_then_receives_each_change()
    {
        var pipeline = _app.Services.GetRequiredService<ICommandPipeline>();
        var system = Actor.System("tests");
        var first = await pipeline.SendAsync(new DeclareIncidentCommand(IncidentClass.ProviderOutage, "OpenAI 5xx", Severity.Sev2, "openai"), system);
        Assert.True(first.Succeeded, first.Error);

        var pushed = Channel.CreateUnbounded<TopicMessage>();
        await using var connection = await _app.CreateHubConnectionAsAsync(DashboardRole.Viewer, MetricsHub.Path);
        connection.On<TopicMessage>(nameof(IMetricsClient.Changed), m => pushed.Writer.TryWrite(m));
        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var state = Assert.Single(await connection.InvokeAsync<IReadOnlyList<TopicMessage>>(nameof(MetricsHub.Subscribe), new[] { HubTopics.Incidents }, timeout.Token));
        Assert.True(state.Full);
        Assert.Equal("OpenAI 5xx", Assert.Single(state.Incidents!).Title);
        Assert.Equal(["OpenAI 5xx"], (await connection.InvokeAsync<IReadOnlyList<IncidentSummary>>(nameof(MetricsHub.OpenIncidents), timeout.Token)).Select(i => i.Title));

        var acknowledged = await pipeline.SendAsync(new IncidentActionCommand(1, new IncidentAction.Acknowledge("olivia")) { ExpectedVersion = 1 }, system);
        Assert.True(acknowledged.Succeeded, acknowledged.Error);
        var change = await pushed.Reader.ReadAsync(timeout.Token);
        Assert.Equal((HubTopics.Incidents, state.Version, state.Version + 1, false), (change.Topic, change.Previous, change.Version, change.Full));
        var received = Assert.Single(change.Incidents!);
        Assert.Equal((1, IncidentStatus.Investigating, "olivia", Severity.Sev2, 2), (received.Number, received.Status, received.Owner, received.Severity, received.Version));
        Assert.Null(change.RemovedIncidents);

        // A detected one appears without anyone asking, alone in its message.
        var sink = _app.Services.GetRequiredService<IIncidentSignalSink>();
        var now = DateTimeOffset.UtcNow;
        await sink.ReconcileAsync(new DetectionResult(now.AddHours(-1), now, [new DetectedEpisode(IncidentClass.SandboxInstability, "preview", "sandbox_crash_rate", now.AddMinutes(-10), null, Severity.Sev3, "Sandbox crashes",
            new SignalEvidence("crashes 14 ≥ 10", [], [], ["pro"], 0.1))], false), timeout.Token);
        var detected = await pushed.Reader.ReadAsync(timeout.Token);
        Assert.Equal(change.Version, detected.Previous);
        received = Assert.Single(detected.Incidents!);
        Assert.Equal((2, IncidentSource.Detected), (received.Number, received.Source));
        Assert.True(received.Signal!.Active);
        Assert.Equal("crashes 14 ≥ 10", received.Signal.Evidence.Summary);

        // Declined, it is no longer open: only its number comes.
        var declined = await pipeline.SendAsync(new IncidentActionCommand(2, new IncidentAction.Decline("a noisy canary")), system);
        Assert.True(declined.Succeeded, declined.Error);
        var removed = await pushed.Reader.ReadAsync(timeout.Token);
        Assert.Equal(detected.Version, removed.Previous);
        Assert.Null(removed.Incidents);
        Assert.Equal([2L], removed.RemovedIncidents);
    }
}
