using System.Net.Http.Json;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Utils;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary>
/// The whole code flow, browser-side driven by hand: the dashboard (TestServer, at https://localhost) redirects to
/// the in-process OpenIddict provider (Kestrel, loopback), which redirects back with a code; the dashboard redeems
/// it over real HTTP, maps the groups to a role and sets its session cookie.
/// </summary>
public sealed class OpenIdConnectSignInTests(OpenIdConnectSignInFixture fixture) : IClassFixture<OpenIdConnectSignInFixture>
{
    private static readonly OidcTestUser Admin = new("u-admin", "ada@example.com", "Ada", ["staff", "vd-admins"]);
    private static readonly OidcTestUser Viewer = new("u-viewer", "vic@example.com", "Vic", ["vd-viewers"]);
    private static readonly OidcTestUser Stranger = new("u-none", "sam@example.com", "Sam", ["staff", "marketing"]);

    private OidcTestProvider Provider => fixture.Provider;

    [Fact]
    public async Task An_admin_group_signs_in_as_admin_through_the_code_flow_with_pkce()
    {
        var browser = fixture.NewBrowser();
        var flow = await browser.SignInAsync(Admin, "/incidents?window=1h");

        var authorize = Query(flow.Authorize);
        Assert.StartsWith(Provider.Authority + "connect/authorize", flow.Authorize.AbsoluteUri);
        Assert.Equal("code", authorize["response_type"]);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(authorize["code_challenge"]));
        Assert.Equal(OidcTestProvider.RedirectUri, authorize["redirect_uri"]);
        Assert.Contains("openid", authorize["scope"]!.Split(' '));

        Assert.Equal(HttpStatusCode.OK, flow.Completed.StatusCode);
        var page = await flow.Completed.Content.ReadAsStringAsync();
        Assert.Contains("""<meta http-equiv="refresh" content="0;url=/incidents?window=1h">""", page);
        Assert.Contains(flow.Completed.Headers.GetValues("Set-Cookie"), c => c.StartsWith(fixture.SessionCookie + "=", StringComparison.Ordinal));

        var me = await browser.WhoAmIAsync();
        Assert.Equal("admin", me!.Role);
        Assert.Equal("ada@example.com", me.Name);
        Assert.Equal("oidc", me.Method);
        Assert.Equal("u-admin", me.Subject);
        Assert.Equal(Provider.Authority, me.Issuer);
        Assert.Equal(["staff", "vd-admins"], me.ProviderRoles.Order());
        Assert.Equal(HttpStatusCode.OK, (await browser.Dashboard.GetAsync("/api/tokens")).StatusCode);
    }

    [Fact]
    public async Task A_viewer_group_signs_in_as_viewer_and_the_highest_mapped_role_wins()
    {
        var viewer = fixture.NewBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.Dashboard.GetAsync("/api/snapshot")).StatusCode);
        await viewer.SignInAsync(Viewer);
        Assert.Equal("viewer", (await viewer.WhoAmIAsync())!.Role);
        Assert.Equal(HttpStatusCode.OK, (await viewer.Dashboard.GetAsync("/api/snapshot")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.Dashboard.GetAsync("/api/tokens")).StatusCode);

        var both = fixture.NewBrowser();
        await both.SignInAsync(Viewer with { Subject = "u-both", Groups = ["vd-viewers", "vd-operators"] });
        Assert.Equal("operator", (await both.WhoAmIAsync())!.Role);
    }

    [Fact]
    public async Task A_person_whose_groups_map_to_no_role_is_refused_and_told_why()
    {
        var browser = fixture.NewBrowser();
        var flow = await browser.SignInAsync(Stranger);

        Assert.Equal(HttpStatusCode.Redirect, flow.Completed.StatusCode);
        Assert.Equal("/login?error=no_role", flow.Completed.Headers.Location!.OriginalString);
        Assert.DoesNotContain(fixture.SessionCookie, browser.CookieNames());
        Assert.Null(await browser.WhoAmIAsync());
        Assert.NotNull(OpenIdConnectErrors.Describe(OpenIdConnectErrors.NoRole));
    }

    [Fact]
    public async Task A_mapping_an_admin_lowers_or_removes_takes_effect_on_the_signed_in_persons_next_request()
    {
        var first = await fixture.SetMappingAsync("vd-leads", DashboardRole.Admin, expectedVersion: null);
        var browser = fixture.NewBrowser();
        await browser.SignInAsync(Viewer with { Subject = "u-lead", Groups = ["staff", "vd-leads"] });
        Assert.Equal("admin", (await browser.WhoAmIAsync())!.Role);
        Assert.Equal(HttpStatusCode.OK, (await browser.Dashboard.GetAsync("/api/tokens")).StatusCode);

        var lowered = await fixture.SetMappingAsync("vd-leads", DashboardRole.Viewer, first.Version);

        Assert.Equal("viewer", (await browser.WhoAmIAsync())!.Role);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.Dashboard.GetAsync("/api/tokens")).StatusCode);

        await fixture.RemoveMappingAsync("vd-leads", lowered.Version);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Dashboard.GetAsync("/api/snapshot")).StatusCode);
        Assert.Null(await browser.WhoAmIAsync());
    }

    [Fact]
    public async Task Groups_sent_as_one_json_array_string_are_mapped()
    {
        var browser = fixture.NewBrowser();
        await browser.SignInAsync(Admin with { Subject = "u-json", GroupsAsJsonString = true, Groups = ["staff", "vd-operators"] });

        var me = await browser.WhoAmIAsync();
        Assert.Equal("operator", me!.Role);
        Assert.Equal(["staff", "vd-operators"], me.ProviderRoles.Order());
    }

    [Fact]
    public async Task A_tampered_state_is_refused()
    {
        var browser = fixture.NewBrowser();
        var callback = await browser.StartAsync(Viewer);
        var tampered = ReplaceQuery(callback, "state", value => value[..^4] + (value.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA"));

        var response = await browser.Dashboard.GetAsync(tampered);

        Assert.Equal("/login?error=state", response.Headers.Location!.OriginalString);
        Assert.Null(await browser.WhoAmIAsync());
    }

    [Fact]
    public async Task A_replayed_callback_is_refused_in_the_same_browser_and_a_replayed_code_at_the_provider()
    {
        var browser = fixture.NewBrowser();
        var callback = await browser.StartAsync(Viewer);
        var copy = browser.Clone();

        var first = await browser.Dashboard.GetAsync(callback);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // The correlation cookie went with the first use.
        var again = await browser.Dashboard.GetAsync(callback);
        Assert.Equal("/login?error=state", again.Headers.Location!.OriginalString);

        // A browser that kept the cookies from before the callback gets past the correlation, but the provider
        // redeems a code once.
        var refusedBefore = Provider.RefusedTokenRequests;
        var replayed = await copy.Dashboard.GetAsync(callback);
        Assert.Equal("/login?error=provider", replayed.Headers.Location!.OriginalString);
        Assert.Equal(refusedBefore + 1, Provider.RefusedTokenRequests);
        Assert.Null(await copy.WhoAmIAsync());
    }

    [Fact]
    public async Task Declining_at_the_provider_comes_back_as_access_denied()
    {
        var browser = fixture.NewBrowser();
        var flow = await browser.SignInAsync(null);

        Assert.Equal("/login?error=access_denied", flow.Completed.Headers.Location!.OriginalString);
        Assert.Null(await browser.WhoAmIAsync());
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example/steal")]
    public async Task A_return_url_to_another_site_returns_to_the_overview_instead(string returnUrl)
    {
        var browser = fixture.NewBrowser();
        var flow = await browser.SignInAsync(Viewer, returnUrl);

        var page = await flow.Completed.Content.ReadAsStringAsync();
        Assert.Contains("""<meta http-equiv="refresh" content="0;url=/">""", page);
        Assert.DoesNotContain("evil.example", page);
    }

    [Fact]
    public async Task Groups_only_in_userinfo_are_read_when_the_dashboard_is_told_to()
    {
        await using var app = fixture.App.WithWebHostBuilder(b => b.UseSetting("Auth:OpenIdConnect:GetClaimsFromUserInfoEndpoint", "true"));
        var browser = new OidcBrowser(app, Provider);
        await browser.SignInAsync(Admin with { Subject = "u-userinfo", GroupsOnlyInUserInfo = true });

        Assert.Equal("admin", (await browser.WhoAmIAsync())!.Role);

        // Without userinfo the same person has no groups, so no role.
        var plain = fixture.NewBrowser();
        var flow = await plain.SignInAsync(Admin with { Subject = "u-userinfo", GroupsOnlyInUserInfo = true });
        Assert.Equal("/login?error=no_role", flow.Completed.Headers.Location!.OriginalString);
    }

    private static Dictionary<string, string?> Query(Uri uri) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());

    private static string ReplaceQuery(string pathAndQuery, string key, Func<string, string> change)
    {
        var uri = new Uri(new Uri("https://localhost"), pathAndQuery);
        var query = Query(uri);
        query[key] = change(query[key]!);
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(uri.AbsolutePath, query);
    }
}

/// <summary>The provider, and one dashboard host configured for it, shared by the class's tests.</summary>
public sealed class OpenIdConnectSignInFixture : IAsyncLifetime
{
    private DashboardAppFactory? _factory;

    public OidcTestProvider Provider { get; } = new();

    public WebApplicationFactory<Program> App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Provider.InitializeAsync();
        _factory = new DashboardAppFactory(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "OpenIdConnect",
            ["Auth:OpenIdConnect:Authority"] = Provider.Authority,
            ["Auth:OpenIdConnect:ClientId"] = OidcTestProvider.ClientId,
            ["Auth:OpenIdConnect:ClientSecret"] = OidcTestProvider.ClientSecret,
            ["Auth:OpenIdConnect:RequireHttpsMetadata"] = "false",
            ["Auth:OpenIdConnect:RoleClaim"] = "groups",
            ["Auth:OpenIdConnect:Scopes:0"] = "profile",
            ["Auth:OpenIdConnect:Scopes:1"] = "email",
            ["Auth:OpenIdConnect:Scopes:2"] = "groups",
            ["Auth:OpenIdConnect:Roles:Viewer:0"] = "vd-viewers",
            ["Auth:OpenIdConnect:Roles:Operator:0"] = "vd-operators",
            ["Auth:OpenIdConnect:Roles:Admin:0"] = "vd-admins",
        });
        App = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(OidcTestHost.Register));

        // Discovery and the signing keys, fetched once here rather than inside the first test.
        var oidc = App.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(AccessSchemes.OpenIdConnect);
        await oidc.ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
    }

    public OidcBrowser NewBrowser() => new(App, Provider);

    /// <summary>An admin's change to a role mapping, through the pipeline; the directory has reloaded when it returns.</summary>
    public async Task<RoleMappingChange> SetMappingAsync(string value, DashboardRole role, long? expectedVersion)
    {
        var result = await App.Services.GetRequiredService<ICommandPipeline>()
            .SendAsync(new SetRoleMappingCommand(value, role, expectedVersion), Actor.System("tests"));
        Assert.True(result.Succeeded, result.Error);
        await App.Services.GetRequiredService<AccessDirectory>().RefreshAsync();
        return result.Value!;
    }

    public async Task RemoveMappingAsync(string value, long expectedVersion)
    {
        var result = await App.Services.GetRequiredService<ICommandPipeline>()
            .SendAsync(new RemoveRoleMappingCommand(value, expectedVersion), Actor.System("tests"));
        Assert.True(result.Succeeded, result.Error);
        await App.Services.GetRequiredService<AccessDirectory>().RefreshAsync();
    }

    /// <summary>The session cookie's name, as the host configured it.</summary>
    public string SessionCookie => App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(AccessSchemes.Cookie).Cookie.Name!;

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Provider.DisposeAsync();
    }
}

/// <summary>What the test host adds to the real wiring: <c>/test/whoami</c>, which shows the session's claims.</summary>
internal static class OidcTestHost
{
    public static void Register(IServiceCollection services)
    {
        services.AddTransient<IStartupFilter, Endpoints>();
    }

    private sealed class Endpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map("/test/whoami", whoami => whoami.Run(async context =>
            {
                var result = await context.AuthenticateAsync(AccessSchemes.Cookie);
                if (result.Principal is not { } user)
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                await context.Response.WriteAsJsonAsync(new WhoAmI(
                    user.Identity!.Name!,
                    user.FindFirstValue(DashboardClaims.Role)!,
                    user.FindFirstValue(DashboardClaims.Method)!,
                    user.FindFirstValue(OpenIdConnectSignIn.SubjectClaim),
                    user.FindFirstValue(OpenIdConnectSignIn.IssuerClaim),
                    user.FindAll(DashboardClaims.ProviderRole).Select(c => c.Value).ToList()));
            }));
            next(app);
        };
    }
}

public sealed record WhoAmI(string Name, string Role, string Method, string? Subject, string? Issuer, List<string> ProviderRoles);

public sealed record OidcFlow(Uri Authorize, string Callback, HttpResponseMessage Completed);

/// <summary>
/// A browser by hand: a cookie jar for the dashboard (redirects not followed, so each hop is asserted) and a plain
/// client for the provider, which needs no cookies since it signs in its test user without a login page.
/// </summary>
public sealed class OidcBrowser
{
    private static readonly Uri Origin = new("https://localhost");
    private readonly WebApplicationFactory<Program> _app;
    private readonly OidcTestProvider _provider;
    private readonly CookieContainer _jar;

    public OidcBrowser(WebApplicationFactory<Program> app, OidcTestProvider provider, CookieContainer? jar = null)
    {
        _app = app;
        _provider = provider;
        _jar = jar ?? new CookieContainer();
        Dashboard = app.CreateDefaultClient(Origin, new CookieJarHandler(_jar));
    }

    public HttpClient Dashboard { get; }

    /// <summary>Another browser holding a copy of this one's cookies (an attacker who copied them).</summary>
    public OidcBrowser Clone()
    {
        var jar = new CookieContainer();
        foreach (Cookie cookie in _jar.GetAllCookies())
        {
            jar.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain) { Secure = cookie.Secure, HttpOnly = cookie.HttpOnly });
        }

        return new OidcBrowser(_app, _provider, jar);
    }

    public IEnumerable<string> CookieNames() => _jar.GetAllCookies().Select(c => c.Name);

    /// <summary>Challenge, then the provider's answer: the callback the provider sends the browser to (not yet opened).</summary>
    public async Task<string> StartAsync(OidcTestUser? user, string returnUrl = "/") => (await AuthorizeAsync(user, returnUrl)).Callback;

    public async Task<OidcFlow> SignInAsync(OidcTestUser? user, string returnUrl = "/")
    {
        var (authorize, callback) = await AuthorizeAsync(user, returnUrl);
        var completed = await Dashboard.GetAsync(callback);
        return new OidcFlow(authorize, callback, completed);
    }

    public async Task<WhoAmI?> WhoAmIAsync()
    {
        var response = await Dashboard.GetAsync("/test/whoami");
        return response.StatusCode == HttpStatusCode.Unauthorized ? null : await response.Content.ReadFromJsonAsync<WhoAmI>();
    }

    private async Task<(Uri Authorize, string Callback)> AuthorizeAsync(OidcTestUser? user, string returnUrl)
    {
        _provider.NextUser = user;
        var challenge = await Dashboard.GetAsync(DashboardUrls.LoginWithProviderPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;

        using var providerClient = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        var answer = await providerClient.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var callback = answer.Headers.Location!;
        Assert.StartsWith(OidcTestProvider.RedirectUri + "?", callback.AbsoluteUri);
        return (authorize, callback.PathAndQuery);
    }

    private sealed class CookieJarHandler(CookieContainer jar) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            if (jar.GetCookieHeader(uri) is { Length: > 0 } cookies)
            {
                request.Headers.Add("Cookie", cookies);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    jar.SetCookies(uri, setCookie);
                }
            }

            return response;
        }
    }
}
