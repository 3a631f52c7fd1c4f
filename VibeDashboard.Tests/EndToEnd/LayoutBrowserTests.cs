using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>The frame at a phone's width and a wall screen's: the drawer, the overview's use of the width, the focus ring.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class LayoutBrowserTests(BrowserFixture browser)
{
    static LayoutBrowserTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    private static IEnumerable<DumpEvent> Probes(int count, DateTimeOffset end) =>
        Enumerable.Range(0, count).Select(i => WranglerDump.Probe($"p-{i}", end.AddSeconds(-10 * i), ok: true, i % 2 == 0 ? "pro" : "free"));

    private async Task<IPage> OpenAsync(LiveDashboardHost host, int width, int height, string path = "/")
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(width, height);
        await BrowserFixture.SignInAsync(page, host);
        if (path != "/")
        {
            await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + path);
        }

        return page;
    }

    private static Task<double> RightEdgeAsync(ILocator locator) =>
        locator.EvaluateAsync<double>("e => e.getBoundingClientRect().right");

    [Fact]
    public async Task On_a_phone_the_drawer_starts_closed_opens_on_the_menu_button_and_closes_on_navigation()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        await host.ImportAsync(Probes(20, DateTimeOffset.UtcNow));
        var page = await OpenAsync(host, 390, 844);
        var drawer = page.Locator("[data-testid=nav-drawer]");

        await Expect(page.Locator("[data-testid=slo-card-availability]")).ToBeVisibleAsync();
        await Expect(drawer).Not.ToBeInViewportAsync();
        await Expect(drawer.Locator("a").First).ToBeHiddenAsync();
        // Nothing on the overview is wider than the phone.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the overview scrolls sideways at 390 px");

        await page.Locator("[data-testid=menu-button-narrow]").ClickAsync();

        await Expect(drawer).ToBeInViewportAsync();
        await Expect(page.Locator("[data-testid=menu-button-narrow]")).ToHaveAttributeAsync("aria-expanded", "true");
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "layout-390-drawer.png") });

        await drawer.Locator("a[href='/slo/availability']").ClickAsync();

        await page.WaitForURLAsync("**/slo/availability");
        await Expect(drawer).Not.ToBeInViewportAsync();
        await Expect(page.Locator("[data-testid=menu-button-narrow]")).ToHaveAttributeAsync("aria-expanded", "false");
    }

    [Fact]
    public async Task On_a_desktop_the_drawer_starts_open_beside_the_page_and_the_menu_button_closes_it()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var page = await OpenAsync(host, 1280, 900);
        var drawer = page.Locator("[data-testid=nav-drawer]");

        await Expect(drawer).ToBeInViewportAsync();
        await Expect(page.Locator("[data-testid=nav-scrim]")).ToHaveCountAsync(0);
        Assert.True(await page.Locator(".vd-main").EvaluateAsync<double>("e => e.getBoundingClientRect().left") >= 240);

        await page.Locator("[data-testid=menu-button]").ClickAsync();

        await Expect(drawer).Not.ToBeInViewportAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('.vd-main').getBoundingClientRect().left === 0");
    }

    [Fact]
    public async Task At_1920_px_the_overview_cards_use_the_width_and_at_1280_px_nothing_overflows()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        await host.ImportAsync(Probes(20, DateTimeOffset.UtcNow));
        var page = await OpenAsync(host, 1920, 1080);
        await Expect(page.Locator("[data-testid=slo-card-availability]")).ToBeVisibleAsync();

        var sloRight = (await page.Locator("[data-testid^=slo-card-]").EvaluateAllAsync<double[]>("es => es.map(e => e.getBoundingClientRect().right)")).Max();
        var tileRight = (await page.Locator("[data-testid^=area-tile-]").EvaluateAllAsync<double[]>("es => es.map(e => e.getBoundingClientRect().right)")).Max();
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "layout-1920.png"), FullPage = true });
        // The rows reach the content's right edge (1920 − 24 px padding), not a column short of it.
        Assert.True(sloRight > 0.95 * 1920, $"the rightmost SLO card ends at {sloRight} px of 1920");
        Assert.True(tileRight > 0.95 * 1920, $"the rightmost area tile ends at {tileRight} px of 1920");

        await page.SetViewportSizeAsync(1280, 900);
        await page.WaitForFunctionAsync("() => window.innerWidth === 1280");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the overview scrolls sideways at 1280 px");
        Assert.True(await RightEdgeAsync(page.Locator("[data-testid=slo-cards]")) <= 1280);
    }

    [Fact]
    public async Task The_heading_takes_focus_after_navigation_without_a_visible_ring()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var page = await OpenAsync(host, 1280, 900);
        var heading = page.Locator("h1");
        await Expect(heading).ToBeFocusedAsync();
        Assert.Equal("none", await heading.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));

        // A keyboard user follows a link in the drawer: the ring heuristics are at their most eager after keys.
        await page.Locator("[data-testid=nav-drawer] a[href='/slo/availability']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/slo/availability");
        await Expect(heading).ToHaveTextAsync("Availability");
        await Expect(heading).ToBeFocusedAsync();
        Assert.Equal("none", await heading.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));
    }

    /// <summary>A provider outage the rules would report: still active, begun <paramref name="startedAt"/>.</summary>
    private static Task DetectOutageAsync(LiveDashboardHost host, DateTimeOffset startedAt) =>
        host.Services.GetRequiredService<IIncidentSignalSink>().ReconcileAsync(
            new DetectionResult(startedAt.AddMinutes(-5), DateTimeOffset.UtcNow,
            [
                new DetectedEpisode(IncidentClass.ProviderOutage, "openai", "provider_error_ratio", startedAt, null, Severity.Sev2, "openai failing",
                    new SignalEvidence("openai error ratio 0.80 ≥ 0.25", [new EvidenceValue("error_ratio", 0.8, ">=", 0.25)], ["503"], ["pro"], 0.3)),
            ], FullHistory: false),
            CancellationToken.None);

    [Fact]
    public async Task On_a_phone_a_detected_incident_appears_in_the_overview_strip_without_reload_and_its_span_on_the_slo_chart()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await host.ImportAsync(Probes(60, now));
        var page = await OpenAsync(host, 390, 844);
        await Expect(page.Locator("[data-testid=incidents-none]")).ToHaveTextAsync("No open incidents.");
        await page.EvaluateAsync("() => window.__vdNoReload = true");

        await DetectOutageAsync(host, now.AddMinutes(-5));

        var row = page.Locator("[data-testid^=open-incident-]");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("[data-testid=incident-title]")).ToContainTextAsync("openai failing");
        await Expect(row.Locator("[data-testid=incident-severity]")).ToHaveTextAsync("SEV2");
        await Expect(row).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/incidents/[0-9]+$"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__vdNoReload === true"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the overview with an incident scrolls sideways at 390 px");
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "layout-390-incident.png"), FullPage = true });
        var number = (await row.GetAttributeAsync("href"))!["/incidents/".Length..];

        // Provider outages affect availability (their runbook's SLOs): its SLI chart shades the span.
        await page.SetViewportSizeAsync(1280, 900);
        await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + "/slo/availability?range=1h");
        await Expect(page.Locator("[data-testid=chart-sli] .apexcharts-xaxis-annotations text")).ToHaveTextAsync($"#{number} provider_outage");
        // Every point at 100 %: the axis stops at 100 % (ApexCharts alone would draw 0–200 % for a flat line at its max).
        var yLabels = await page.Locator("[data-testid=chart-sli] .apexcharts-yaxis-label").AllTextContentsAsync();
        Assert.StartsWith("100 %", yLabels[0]); // a label's text and its title
        Assert.DoesNotContain(yLabels, label => label.Contains("200", StringComparison.Ordinal));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "slo-incident-span.png"), FullPage = true });
    }
}
