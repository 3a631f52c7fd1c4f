using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary>The start-up link and token sign-in, as a browser goes through them.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly DashboardAppFactory _app;

    public SignInTests() => _app = new DashboardAppFactory(time: _time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Browser() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task The_link_signs_in_as_admin_once_with_a_strict_http_only_cookie_and_leaves_the_address_bar()
    {
        var link = _app.IssueSignInLink();
        using var browser = Browser();

        using var first = await browser.GetAsync(link);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/", Where(first)); // the secret is gone from the address bar
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith("vd_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using var overview = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        using var tokens = await browser.GetAsync("/api/tokens");
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode); // admin

        using var again = Browser();
        using var second = await again.GetAsync(link);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains("works once", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Under_https_the_session_cookie_is_secure()
    {
        using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

        using var response = await browser.GetAsync(_app.IssueSignInLink());

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("vd_session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_link_expires_after_its_lifetime()
    {
        var link = _app.IssueSignInLink();
        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        using var browser = Browser();

        using var response = await browser.GetAsync(link);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var overview = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, overview.StatusCode);
    }

    [Fact]
    public async Task An_api_token_signs_a_wall_screen_in_with_its_role_and_its_return_url()
    {
        var token = await _app.CreateTokenAsync(DashboardRole.Viewer, "wall");
        using var browser = Browser();

        using var response = await browser.GetAsync(VibeDashboard.Utils.DashboardUrls.Login(returnUrl: "/slo/availability", token: token));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/slo/availability", Where(response));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/slo/availability")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/tokens")).StatusCode); // a viewer
    }

    [Fact]
    public async Task A_pasted_token_signs_in_through_the_form_and_a_post_without_the_antiforgery_token_is_refused()
    {
        var token = await _app.CreateTokenAsync(DashboardRole.Viewer, "pasted");
        using var browser = Browser();
        var page = await browser.GetStringAsync("/login");
        var antiforgery = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(antiforgery);

        using var forged = await Browser().PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["Form.Token"] = token,
        }));
        using var posted = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["__RequestVerificationToken"] = antiforgery, ["Form.Token"] = token, ["Form.ReturnUrl"] = "/imports",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/imports", Where(posted));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/imports")).StatusCode);
    }

    [Fact]
    public async Task A_return_url_to_another_site_is_not_followed()
    {
        using var browser = Browser();

        using var response = await browser.GetAsync(VibeDashboard.Utils.DashboardUrls.Login(returnUrl: "//evil.example/x", token: await _app.CreateTokenAsync(DashboardRole.Viewer)));

        Assert.Equal("/", Where(response));
    }

    [Fact]
    public async Task A_non_ascii_return_url_is_percent_encoded_and_the_link_still_signs_in()
    {
        using var browser = Browser();

        using var response = await browser.GetAsync(_app.IssueSignInLink() + "&returnUrl=%2Fcaf%C3%A9");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/caf%C3%A9", Where(response));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/readyz", HttpStatusCode.ServiceUnavailable)] // no data yet: not ready, but answered, not redirected
    [InlineData("/login", HttpStatusCode.Unauthorized)]
    public async Task A_head_request_gets_a_status_not_a_redirect_loop(string path, HttpStatusCode expected)
    {
        using var browser = Browser();

        using var response = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Past_ten_failures_a_minute_sign_in_answers_429_even_with_a_good_token()
    {
        using var browser = Browser();
        for (var i = 0; i < 10; i++)
        {
            using var failed = await browser.GetAsync(VibeDashboard.Utils.DashboardUrls.Login(token: $"vd_wrong_{i}"));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var throttled = await browser.GetAsync(VibeDashboard.Utils.DashboardUrls.Login(token: _app.IssueSignInLink()[("/login?t=".Length)..]));

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Contains("Too many failed sign-in attempts", await throttled.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_revoked_token_ends_the_browser_session_it_signed_in()
    {
        var token = await _app.CreateTokenAsync(DashboardRole.Viewer, "kiosk");
        using var browser = Browser();
        await browser.GetAsync(VibeDashboard.Utils.DashboardUrls.Login(token: token));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        using var admin = await _app.CreateClientAsAsync(DashboardRole.Admin);
        Assert.True((await admin.DeleteAsync("/api/tokens/kiosk")).IsSuccessStatusCode);

        using var after = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", Where(after));
    }

    /// <summary>Where a redirect sends the browser, as a local path and query (the server may write it absolute).</summary>
    private static string Where(HttpResponseMessage response) => new Uri(new Uri("http://localhost"), response.Headers.Location!).PathAndQuery;
}
