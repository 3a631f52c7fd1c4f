using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using static Microsoft.Playwright.Assertions;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>Signing in as a person does it: the link from the console, a wall screen's token, and being signed out by a revoke.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_logged_link_opens_the_live_overview_as_admin_and_works_only_once()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var link = host.LoggedSignInLink;
        Assert.StartsWith(host.BaseUrl + "/login?t=", link);
        var page = await browser.NewPageAsync();

        await page.GotoAsync(link);
        await BrowserFixture.WaitInteractiveAsync(page);

        Assert.Equal(host.BaseUrl + "/", page.Url); // the secret is gone from the address bar
        await Expect(page.Locator("[data-testid=slo-card-availability]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=user-role]")).ToHaveTextAsync("admin");
        await Expect(page.Locator("[data-testid=nav-access]")).ToBeVisibleAsync();

        var stranger = await browser.NewPageAsync();
        var second = await stranger.GotoAsync(link);
        Assert.Equal(401, second!.Status);
        await Expect(stranger.Locator("[data-testid=login-message]")).ToContainTextAsync("works once");
    }

    [Fact]
    public async Task A_viewer_sees_no_token_controls_and_is_refused_the_access_page()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var token = await host.CreateTokenAsync(DashboardRole.Viewer, "wall");
        var page = await browser.NewPageAsync();

        await page.GotoAsync($"{host.BaseUrl}/login?t={token}&returnUrl=%2Fslo%2Favailability");
        await BrowserFixture.WaitInteractiveAsync(page);

        Assert.Equal(host.BaseUrl + "/slo/availability", page.Url);
        await Expect(page.Locator("[data-testid=user-role]")).ToHaveTextAsync("viewer");
        await Expect(page.Locator("[data-testid=nav-access]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=nav-audit]")).ToBeVisibleAsync();

        var refused = await page.GotoAsync(host.BaseUrl + "/access");
        Assert.Equal(403, refused!.Status);
        await Expect(page.Locator("[data-testid=forbidden-title]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=token-create]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Revoking_the_token_closes_the_open_page_and_sends_it_back_to_sign_in()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var token = await host.CreateTokenAsync(DashboardRole.Viewer, "kiosk");
        var page = await browser.NewPageAsync();
        await page.GotoAsync($"{host.BaseUrl}/login?t={token}");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=user-role]")).ToHaveTextAsync("viewer");

        var revoked = await host.Services.GetRequiredService<ICommandPipeline>().SendAsync(new RevokeTokenCommand("kiosk"), Actor.System("tests"));
        Assert.True(revoked.Succeeded, revoked.Error);

        // Revalidation runs every 2 s; the page must be back at sign-in well within the 5 s.
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 5000 });
        await Expect(page.Locator("[data-testid=login-title]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Unsecured_mode_says_so_on_every_page()
    {
        await using var host = await LiveDashboardHost.StartAsync(new Dictionary<string, string?> { ["Auth:Mode"] = "Unsecured" });
        var page = await browser.NewPageAsync();

        await BrowserFixture.GotoInteractiveAsync(page, host.BaseUrl + "/imports");

        await Expect(page.Locator("[data-testid=unsecured-banner]")).ToContainTextAsync("Unsecured mode");
    }
}
