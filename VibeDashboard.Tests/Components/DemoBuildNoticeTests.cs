using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Components.Layout;
using VibeDashboard.Components.Pages;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Components.Rollouts;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Components;

/// <summary>
/// Start-up builds the demo store in the background while the server answers: the frame and the live pages say
/// the demo is on its way (not "stale data"), and the notice goes by itself when the build commits.
/// </summary>
public sealed class DemoBuildNoticeTests : DashboardComponentTest
{
    public DemoBuildNoticeTests()
    {
        Services.AddSingleton(Options.Create(new AuthOptions()));
        IncidentBoardFake.AddTo(Services);
        Services.AddSingleton<IRolloutBoard>(new FakeRolloutBoard());
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    public override async Task InitializeAsync()
    {
        DemoBuild.Begin();
        await base.InitializeAsync();
    }

    /// <summary>The monitor runs as in the app: it hears the build's end by its signal, not by a poll (the clock is frozen).</summary>
    private async Task<IAsyncDisposable> RunMonitorAsync()
    {
        await Monitor.StartAsync(CancellationToken.None);
        return new Stopper(Monitor);
    }

    private sealed class Stopper(VibeDashboard.Model.StoreStatusMonitor monitor) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await monitor.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_frame_says_the_demo_is_being_built_and_drops_the_notice_when_the_build_commits()
    {
        await using var running = await RunMonitorAsync();
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<h1>Page</h1>"))));

        var notice = layout.Find("[data-testid=demo-building]");
        Assert.Contains("Building the demo data… the dashboard fills in when it is ready", notice.TextContent);
        Assert.Equal("status", notice.GetAttribute("role"));
        Assert.Empty(layout.FindAll("[data-testid=demo-banner]"));

        await DemoBuild.CompleteAsync(built: true);

        layout.WaitForAssertion(() => Assert.Empty(layout.FindAll("[data-testid=demo-building]")));
    }

    [Fact]
    public async Task The_overview_rendered_during_the_build_shows_its_progress_instead_of_calling_the_data_stale()
    {
        await using var running = await RunMonitorAsync();
        DemoBuild.Report(120_000);
        await Monitor.RefreshAsync();

        var page = Render<Overview>();

        var chip = page.Find("[data-testid=freshness-building]");
        Assert.Contains("building demo data", chip.TextContent);
        Assert.Contains("120,000 events", chip.TextContent);
        Assert.Empty(page.FindAll("[data-testid=stale-banner]"));

        await DemoBuild.CompleteAsync(built: true);

        // An empty store, now that no build is running: stale, as any store without events.
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=stale-banner]")));
        Assert.Empty(page.FindAll("[data-testid=freshness-building]"));
    }
}
