using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hubs;

/// <summary>The hub's incident path on the real host: the open incidents on request, then each change as it commits.</summary>
public sealed class IncidentHubTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_client_reads_the_open_incidents_and_then_receives_each_change_with_its_own_method()
    {
        var pipeline = _app.Services.GetRequiredService<ICommandPipeline>();
        var system = Actor.System("tests");
        var first = await pipeline.SendAsync(new DeclareIncidentCommand(IncidentClass.ProviderOutage, "OpenAI 5xx", Severity.Sev2, "openai"), system);
        Assert.True(first.Succeeded, first.Error);

        var pushed = Channel.CreateUnbounded<IncidentSummary>();
        await using var connection = await _app.CreateHubConnectionAsAsync(DashboardRole.Viewer, MetricsHub.Path);
        connection.On<IncidentSummary>(nameof(IMetricsClient.Incident), i => pushed.Writer.TryWrite(i));
        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var open = await connection.InvokeAsync<IReadOnlyList<IncidentSummary>>(nameof(MetricsHub.OpenIncidents), timeout.Token);
        Assert.Equal("OpenAI 5xx", Assert.Single(open).Title);

        var acknowledged = await pipeline.SendAsync(new IncidentActionCommand(1, new IncidentAction.Acknowledge("olivia")) { ExpectedVersion = 1 }, system);
        Assert.True(acknowledged.Succeeded, acknowledged.Error);
        IncidentSummary received;
        do
        {
            received = await pushed.Reader.ReadAsync(timeout.Token);
        }
        while (received.Version < 2);

        Assert.Equal(1, received.Number);
        Assert.Equal(IncidentStatus.Investigating, received.Status);
        Assert.Equal("olivia", received.Owner);
        Assert.Equal(Severity.Sev2, received.Severity);

        // A detected one appears without anyone asking.
        var sink = _app.Services.GetRequiredService<IIncidentSignalSink>();
        var now = DateTimeOffset.UtcNow;
        await sink.ReconcileAsync(new DetectionResult(now.AddHours(-1), now, [new DetectedEpisode(IncidentClass.SandboxInstability, "preview", "sandbox_crash_rate", now.AddMinutes(-10), null, Severity.Sev3, "Sandbox crashes",
            new SignalEvidence("crashes 14 ≥ 10", [], [], ["pro"], 0.1))], false), timeout.Token);
        do
        {
            received = await pushed.Reader.ReadAsync(timeout.Token);
        }
        while (received.Number != 2);

        Assert.Equal(IncidentSource.Detected, received.Source);
        Assert.True(received.Signal!.Active);
        Assert.Equal("crashes 14 ≥ 10", received.Signal.Evidence.Summary);
    }
}
