using Microsoft.Playwright;
using VibeDashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>The overview in a real browser against the real app. Outcomes only: every wait is generous.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class OverviewBrowserTests(BrowserFixture browser)
{
    static OverviewBrowserTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    private static IEnumerable<DumpEvent> Probes(string prefix, int count, DateTimeOffset end, bool ok) =>
        Enumerable.Range(0, count).Select(i => WranglerDump.Probe($"{prefix}-{i}", end.AddSeconds(-10 * i), ok, i % 2 == 0 ? "pro" : "free"));

    private static IEnumerable<DumpEvent> Mixed(string prefix, DateTimeOffset end) =>
        Enumerable.Range(0, 30).SelectMany(i => new[]
        {
            new DumpEvent($"{prefix}-dep-{i}", end.AddMinutes(-i), "deployer", "deployment_completed", "ok", 2000 + 150 * i, i % 2 == 0 ? "pro" : "free", $"app_{i % 5}"),
            new DumpEvent($"{prefix}-d1-{i}", end.AddMinutes(-i).AddSeconds(5), "d1", "d1_query", "ok", 3 + i, "pro", $"app_{i % 5}"),
            new DumpEvent($"{prefix}-gen-{i}", end.AddMinutes(-i).AddSeconds(7), "agent", "generation_started", "ok", null, "free", $"app_g{i}"),
        });

    [Fact]
    public async Task Overview_renders_apexcharts_svg_and_saves_a_screenshot()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await host.ImportAsync(Probes("p", 60, now, ok: true).Concat(Mixed("m", now)));
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, host);

        await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + "/");

        await Expect(page.Locator("[data-testid=slo-card-availability]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=slo-spark-availability] svg.apexcharts-svg")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid^=area-tile-]")).ToHaveCountAsync(5);
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "overview.png"), FullPage = true });

        // Both themes: the toggle re-themes the charts in place (still one SVG per chart).
        await page.Locator("[data-testid=theme-toggle]").ClickAsync();
        await Expect(page.Locator(".vd-root[data-theme=light]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=slo-spark-availability] svg.apexcharts-svg")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "overview-light.png"), FullPage = true });
    }

    [Fact]
    public async Task The_tab_title_names_the_page_and_follows_navigation_inside_the_circuit()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(host.BaseUrl + "/login");
        await Expect(page).ToHaveTitleAsync("Sign in · VibeDashboard");
        await BrowserFixture.SignInAsync(page, host);

        await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + "/");
        await Expect(page).ToHaveTitleAsync("Overview · VibeDashboard");
        await page.EvaluateAsync("() => window.__vdNoReload = true");
        await page.Locator("[data-testid=nav-incidents]").ClickAsync();
        await Expect(page).ToHaveTitleAsync("Incidents · VibeDashboard");
        await page.GoBackAsync();
        await Expect(page).ToHaveTitleAsync("Overview · VibeDashboard");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__vdNoReload === true"), "the navigation reloaded the page");
    }

    [Fact]
    public async Task A_value_changes_on_screen_after_new_events_are_imported_without_reload()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        await host.ImportAsync(Probes("ok", 20, DateTimeOffset.UtcNow, ok: true));
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, host);
        await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + "/?range=1h");
        var value = page.Locator("[data-testid=metric-value-availability]");
        await Expect(value).ToHaveTextAsync("100.0 %");
        await page.EvaluateAsync("() => window.__vdNoReload = true");

        await host.ImportAsync(Probes("bad", 20, DateTimeOffset.UtcNow, ok: false));

        await Expect(value).Not.ToHaveTextAsync("100.0 %");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__vdNoReload === true"));
    }

    [Fact]
    public async Task Changing_the_range_updates_the_url_and_survives_a_reload()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        await host.ImportAsync(Probes("p", 10, DateTimeOffset.UtcNow, ok: true));
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, host);
        await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + "/");

        await page.Locator("[data-testid=range-24h]").ClickAsync();

        await page.WaitForURLAsync("**/?range=24h");
        await Expect(page.Locator("[data-testid=range-24h]")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.ReloadAsync();
        await BrowserFixture.WaitInteractiveAsync(page);
        Assert.EndsWith("/?range=24h", page.Url);
        await Expect(page.Locator("[data-testid=range-24h]")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("[data-testid=range-6h]")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(page.Locator("[data-testid=area-tile-runtime] a")).ToHaveAttributeAsync("href", "/metrics/runtime?range=24h");
    }

    [Fact]
    public async Task The_stale_banner_appears_when_data_stops_arriving_and_goes_when_it_resumes()
    {
        await using var host = await LiveDashboardHost.StartAsync(new Dictionary<string, string?> { ["Health:StaleAfter"] = "00:00:30" });
        await host.ImportAsync(Probes("old", 5, DateTimeOffset.UtcNow.AddSeconds(-20), ok: true));
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, host);
        await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + "/");

        // Nothing new arrives: the newest event ages past 30 s and the badge becomes a banner.
        await Expect(page.Locator("[data-testid=stale-banner]")).ToBeVisibleAsync();

        await host.ImportAsync(Probes("fresh", 5, DateTimeOffset.UtcNow, ok: true));

        await Expect(page.Locator("[data-testid=stale-banner]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=freshness-badge]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Slo_and_metric_pages_render_their_charts()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        await host.ImportAsync(Probes("p", 30, now, ok: true).Concat(Mixed("m", now)));
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, host);

        await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + "/slo/availability?range=1h");
        await Expect(page.Locator("[data-testid=chart-burn] svg.apexcharts-svg")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=chart-budget] svg.apexcharts-svg")).ToHaveCountAsync(1);

        await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + "/metrics/runtime?range=1h&tier=pro");
        await Expect(page.Locator("[data-testid=chart-preview_startup_latency_ms] svg.apexcharts-svg")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=tier-pro]")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-button-filled"));
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "metrics-runtime.png"), FullPage = true });
    }
}
