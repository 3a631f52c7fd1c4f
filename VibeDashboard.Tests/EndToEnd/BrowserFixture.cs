using Microsoft.Playwright;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>
/// One headless Chromium (Debian's, never a downloaded one) for the browser tests. Playwright's driver ships in
/// the NuGet package (the test output's <c>.playwright</c> folder), so this works offline.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Generous: the machine is small and shared; these tests assert outcomes, never timings.</summary>
    public const float TimeoutMs = 60_000;

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--disable-gpu", "--mute-audio",
            ],
        });
    }

    /// <summary>A fresh context and page with the generous timeouts set.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        context.SetDefaultTimeout(TimeoutMs);
        context.SetDefaultNavigationTimeout(TimeoutMs);
        return await context.NewPageAsync();
    }

    /// <summary>Opens a URL and waits until the circuit is live (clicks before that would do nothing).</summary>
    public static async Task GotoInteractiveAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        await WaitInteractiveAsync(page);
    }

    /// <summary>Signs the page's browser context in through a one-time link (the logged one first, as a person would).</summary>
    public static async Task SignInAsync(IPage page, LiveDashboardHost host)
    {
        var link = Interlocked.Exchange(ref host.LoggedLinkUsed, 1) == 0 ? host.LoggedSignInLink : host.IssueSignInLink();
        await page.GotoAsync(link);
        await WaitInteractiveAsync(page);
    }

    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator(".vd-root[data-interactive=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
