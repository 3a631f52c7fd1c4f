using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Incidents.Detection;
using Xunit.Abstractions;

namespace VibeDashboard.Tests.Operations.Incidents.Detection;

/// <summary>
/// Detection handed to the real reconciler on a 30-day demo store (done-when of issue 10): the four past incidents
/// are recorded closed as historical, the ongoing one opens live, and running again creates nothing twice.
/// </summary>
public sealed class DemoBoardTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_demo_board_shows_the_baked_incidents_as_historical_and_the_ongoing_one_live()
    {
        await using var harness = new IncidentHarness(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "30" });
        var seeder = harness.Services.GetRequiredService<DemoSeeder>();
        Assert.True(await seeder.EnsureDemoAsync());
        var coordinator = harness.Services.GetRequiredService<DetectionCoordinator>();

        await coordinator.RunOnceAsync();
        await coordinator.RunOnceAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        await seeder.AppendLiveAsync();
        await coordinator.RunOnceAsync();
        // A second detector (a restart) over the same data hands everything over again: nothing is created twice.
        var again = await harness.Services.GetRequiredService<IIncidentDetector>().DetectAsync(true, CancellationToken.None);
        await harness.Sink.ReconcileAsync(again, CancellationToken.None);

        var all = await harness.Board.ListAsync(new IncidentQuery(IncidentListStatus.All), CancellationToken.None);
        foreach (var i in all)
        {
            output.WriteLine($"#{i.Number} {i.Class} {i.Key} {i.Source} {i.Status} {i.Severity} {i.StartedAt:u} {i.Title}");
        }

        Assert.Equal(5, all.Count);
        var live = Assert.Single(all, i => i.Source == IncidentSource.Detected);
        Assert.Equal((IncidentClass.SandboxInstability, IncidentStatus.Triage), (live.Class, live.Status));
        var historical = all.Where(i => i.Source == IncidentSource.Historical).ToList();
        Assert.Equal(
            [IncidentClass.ProviderOutage, IncidentClass.SandboxInstability, IncidentClass.MigrationRegression, IncidentClass.AuthPolicyFailure],
            historical.Select(i => i.Class).Order());
        Assert.All(historical, i => Assert.Equal(IncidentStatus.Closed, i.Status));
    }
}
