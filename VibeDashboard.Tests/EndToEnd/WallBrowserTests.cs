using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using VibeDashboard.Hosting;
using VibeDashboard.Ingestion;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>
/// The war-room wall in a real browser at 1920×1080, signed in once with a viewer token as a wall screen is: it
/// fits without a scrollbar and offers nothing to press, shows a new incident live, turns amber then red when data
/// stops, and comes back by itself when the server is restarted under it.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class WallBrowserTests(BrowserFixture browser)
{
    private static readonly Actor Colleague = new("ada@example.com", ActorKind.User, DashboardRole.Operator);

    private const string Wall = ".vd-root[data-interactive=true] [data-testid=wall]";

    static WallBrowserTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    private static IEnumerable<DumpEvent> Probes(string prefix, DateTimeOffset end) =>
        Enumerable.Range(0, 30).Select(i => WranglerDump.Probe($"{prefix}-{i}", end.AddSeconds(-10 * i), ok: true));

    private async Task<IPage> WallPageAsync(string baseUrl, string token, int width = 1920, int height = 1080)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(BrowserFixture.TimeoutMs);
        context.SetDefaultNavigationTimeout(BrowserFixture.TimeoutMs);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{baseUrl}/login?t={token}&returnUrl=%2Fwall");
        await page.Locator(Wall).WaitForAsync();
        return page;
    }

    private static async Task DeclareAsync(IServiceProvider services, string title, Severity severity)
    {
        var result = await services.GetRequiredService<ICommandPipeline>()
            .SendAsync(new DeclareIncidentCommand(IncidentClass.SandboxInstability, title, severity), Colleague);
        Assert.True(result.Succeeded, result.Error);
    }

    /// <summary>The document does not scroll, and no section of the wall is cut off inside.</summary>
    private static Task<string[]> OverflowsAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => {
          const out = [];
          const doc = document.scrollingElement;
          if (doc.scrollHeight > window.innerHeight || doc.scrollWidth > window.innerWidth)
            out.push(`document ${doc.scrollWidth}×${doc.scrollHeight} in ${window.innerWidth}×${window.innerHeight}`);
          for (const s of document.querySelectorAll('.vd-wall > section, .vd-wall > header'))
            if (s.scrollHeight > s.clientHeight + 1) out.push(`${s.dataset.testid ?? s.className} ${s.scrollHeight} > ${s.clientHeight}`);
          return out;
        }
        """);

    [Fact]
    public async Task At_1920x1080_with_many_incidents_it_fits_offers_nothing_to_press_and_shows_a_new_incident_live()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        await host.ImportAsync(Probes("ok", DateTimeOffset.UtcNow));
        for (var i = 1; i <= 12; i++)
        {
            await DeclareAsync(host.Services, $"Sandbox pool {i} restarting with a long title that goes on and on across the wall", Severity.Sev3);
        }

        var page = await WallPageAsync(host.BaseUrl, await host.CreateTokenAsync(DashboardRole.Viewer, "wall"));

        await Expect(page.Locator("[data-testid=wall-incidents-more]")).ToHaveTextAsync("+6 more open incidents");
        await Expect(page.Locator("[data-testid^=wall-slo-][data-state]")).ToHaveCountAsync(5);
        Assert.Empty(await OverflowsAsync(page));
        Assert.Equal(0, await page.Locator("button:visible, a:visible, input:visible, select:visible, textarea:visible").CountAsync());
        Assert.Equal(0, await page.Locator(".vd-wall-root :is(button, a, input, select, textarea, form)").CountAsync());
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "wall-1920x1080.png") });

        await DeclareAsync(host.Services, "Provider failing over", Severity.Sev1);

        // The worst first: a new SEV1 is on the wall at once, even past the cap.
        await Expect(page.Locator("[data-testid=wall-incident-13] [data-testid=wall-incident-title]")).ToHaveTextAsync("#13 Provider failing over");
        await Expect(page.Locator("[data-testid=wall-incidents-more]")).ToHaveTextAsync("+7 more open incidents");
        Assert.Empty(await OverflowsAsync(page));

        // A 4K screen shows the same wall, scaled.
        await page.SetViewportSizeAsync(3840, 2160);
        await Expect(page.Locator("[data-testid=wall-incident-13]")).ToBeVisibleAsync();
        Assert.Empty(await OverflowsAsync(page));
        var size = await page.Locator("[data-testid=wall-incident-13] [data-testid=wall-incident-title]").EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");
        Assert.InRange(size, 55, 80);
    }

    [Fact]
    public async Task When_data_stops_the_freshness_turns_amber_then_red_and_new_data_clears_it()
    {
        await using var host = await LiveDashboardHost.StartAsync(new Dictionary<string, string?>
        {
            ["Health:StaleAfter"] = "00:00:15",
            ["Health:MaxDataAge"] = "00:00:30",
        });
        var page = await WallPageAsync(host.BaseUrl, await host.CreateTokenAsync(DashboardRole.Viewer, "wall"));
        var freshness = page.Locator("[data-testid=wall-freshness]");
        await Expect(freshness).ToHaveTextAsync("no data at all");

        await host.ImportAsync(Probes("ok", DateTimeOffset.UtcNow));

        await Expect(freshness).ToHaveAttributeAsync("data-state", "fresh");
        await Expect(freshness).ToHaveAttributeAsync("data-state", "stale");
        await Expect(freshness).ToContainTextAsync("stale data: newest event");
        await Expect(freshness).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("vd-wall-freshness-stale"));
        await Expect(freshness).ToHaveAttributeAsync("data-state", "too-old");
        await Expect(freshness).ToContainTextAsync("STALE DATA: newest event");
        await Expect(freshness).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("vd-wall-freshness-too-old"));

        await host.ImportAsync(Probes("again", DateTimeOffset.UtcNow));
        await Expect(freshness).ToHaveAttributeAsync("data-state", "fresh");
    }

    [Fact]
    public async Task It_reconnects_by_itself_and_reloads_itself_when_the_server_restarted_under_it()
    {
        var directory = Path.Combine(Path.GetTempPath(), "vd-e2e", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string baseUrl;
            string token;
            IPage page;
            await using (var first = await RestartableHost.StartAsync(directory, "http://127.0.0.1:0"))
            {
                baseUrl = first.BaseUrl;
                token = await first.CreateTokenAsync();
                await first.ImportAsync(Probes("ok", DateTimeOffset.UtcNow));
                page = await WallPageAsync(baseUrl, token);
                // What the status line said, kept across the reload (sessionStorage outlives the page, not the tab).
                await page.EvaluateAsync("""
                    () => {
                      window.__vdFirstPage = true;
                      const line = document.querySelector('[data-unattended-status]');
                      new MutationObserver(() => {
                        if (!line.hidden) sessionStorage.setItem('vdStatus', (sessionStorage.getItem('vdStatus') ?? '') + line.textContent + '\n');
                      }).observe(line, { childList: true, characterData: true, subtree: true, attributes: true });
                    }
                    """);
                await Expect(page.Locator("[data-testid=wall-freshness]")).ToHaveAttributeAsync("data-state", "fresh");
            }

            // The server is gone: the wall says it is reconnecting, and no dialog or button asks anybody for anything.
            var status = page.Locator("[data-testid=unattended-status]");
            await Expect(status).ToBeVisibleAsync();
            await Expect(status).ToContainTextAsync("reconnecting");
            await Expect(page.Locator("#components-reconnect-modal")).Not.ToBeVisibleAsync();
            Assert.Equal(0, await page.Locator("button:visible").CountAsync());

            await using var second = await RestartableHost.StartAsync(directory, baseUrl);

            // A new server knows nothing of the old circuit: the wall reloads itself and is live again, still signed in.
            await page.WaitForFunctionAsync(
                "() => window.__vdFirstPage === undefined && document.querySelector('.vd-root[data-interactive=true] [data-testid=wall]') !== null",
                null,
                new PageWaitForFunctionOptions { Timeout = 120_000, PollingInterval = 250 });
            Assert.Contains("server restarted — reloading", await page.EvaluateAsync<string>("() => sessionStorage.getItem('vdStatus') ?? ''"));
            await Expect(page.Locator("[data-testid=wall-freshness]")).ToHaveAttributeAsync("data-state", "fresh");
            await Expect(status).ToBeHiddenAsync();

            await second.ImportAsync([WranglerDump.Probe("after-restart", DateTimeOffset.UtcNow, ok: true)]);
            await Expect(page.Locator("[data-testid=wall-freshness]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^data [0-9]+ s old$"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task A_rotation_cycles_its_pages_with_the_query_and_notes_what_it_ignored()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var token = await host.CreateTokenAsync(DashboardRole.Viewer, "wall");
        var page = await WallPageAsync(host.BaseUrl, token);
        const string Query = "?rotate=10s&pages=wall,incidents,https://elsewhere.example";

        await page.GotoAsync(host.BaseUrl + "/wall" + Query);
        await page.Locator(Wall).WaitForAsync();
        await Expect(page.Locator("[data-testid=rotation-notes]")).ToHaveTextAsync("rotation: page \"https://elsewhere.example\" ignored: not a page of this dashboard");
        await page.EvaluateAsync("() => window.__vdSamePage = true");

        // Within the circuit (no reload), the next page with the same query, still unattended; then back to the wall.
        await page.WaitForURLAsync(host.BaseUrl + "/incidents" + Query);
        await page.Locator(".vd-root[data-interactive=true] [data-testid=incident-board], .vd-root[data-interactive=true] h1").First.WaitForAsync();
        await Expect(page.Locator("[data-testid=rotation-notes]")).ToBeVisibleAsync();
        Assert.Equal(1, await page.Locator("[data-unattended]").CountAsync());
        await page.WaitForURLAsync(host.BaseUrl + "/wall" + Query);
        await page.Locator(Wall).WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.__vdSamePage === true"), "the rotation reloaded the page instead of navigating in the circuit");
    }

    [Fact]
    public async Task The_periodic_clean_reload_happens_once_due_at_a_quiet_moment()
    {
        await using var host = await LiveDashboardHost.StartAsync(new Dictionary<string, string?>
        {
            ["Wall:ReloadEvery"] = "00:01:00",
            ["Wall:QuietFor"] = "00:00:00",
        });
        var page = await WallPageAsync(host.BaseUrl, await host.CreateTokenAsync(DashboardRole.Viewer, "wall"));
        await page.EvaluateAsync("() => window.__vdFirstPage = true");
        var loaded = await page.EvaluateAsync<double>("() => performance.timeOrigin");

        await page.WaitForFunctionAsync(
            "() => window.__vdFirstPage === undefined && document.querySelector('.vd-root[data-interactive=true] [data-testid=wall]') !== null",
            null,
            new PageWaitForFunctionOptions { Timeout = 180_000, PollingInterval = 500 });

        // Not before it was due (a minute after the first load), and the wall is back where it was.
        var reloaded = await page.EvaluateAsync<double>("() => performance.timeOrigin");
        Assert.InRange(reloaded - loaded, 60_000, 150_000);
        Assert.EndsWith("/wall", page.Url);
    }

    /// <summary>The real app on a given address and store directory, so a test can stop it and start another on the same port and data.</summary>
    private sealed class RestartableHost : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RestartableHost(WebApplication app, string directory)
        {
            _app = app;
            Directory = directory;
            BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        }

        public string BaseUrl { get; }

        public string Directory { get; }

        public static async Task<RestartableHost> StartAsync(string directory, string url)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(VibeDashboardHosting).Assembly.GetName().Name,
                EnvironmentName = Environments.Development,
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.WebHost.UseUrls(url);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Path"] = Path.Combine(directory, "store.db"),
                ["Demo:Enabled"] = "false",
            });
            builder.AddVibeDashboard();
            var app = builder.Build();
            app.MapVibeDashboard();
            await app.StartAsync();
            return new RestartableHost(app, directory);
        }

        public async Task<string> CreateTokenAsync()
        {
            var result = await _app.Services.GetRequiredService<ICommandPipeline>()
                .SendAsync(new CreateTokenCommand("wall", DashboardRole.Viewer), Actor.System("tests"));
            Assert.True(result.Succeeded, result.Error);
            return result.Value!.Token!;
        }

        public async Task ImportAsync(IEnumerable<DumpEvent> events)
        {
            var path = Path.Combine(Directory, $"dump-{Guid.NewGuid():N}.sql");
            await File.WriteAllTextAsync(path, WranglerDump.OpsEvents(events));
            var result = await _app.Services.GetRequiredService<Importer>().ImportFileAsync(path);
            Assert.True(result.Succeeded, result.Record.Error);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }
}
