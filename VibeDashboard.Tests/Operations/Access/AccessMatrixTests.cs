using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary>
/// Who gets what, on the real host: anonymous, viewer, operator and admin against a page, the snapshot, the audit
/// log, a mutating route (token create) and the hub. Roles are enforced by the server: a forged call is refused.
/// </summary>
public sealed class AccessMatrixTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string?, string, string, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string?, string, string, HttpStatusCode>();
        void Row(string? role, string method, string path, HttpStatusCode expected) => data.Add(role, method, path, expected);

        // A page: people without a session go to sign-in.
        Row(null, "GET", "/", HttpStatusCode.Redirect);
        Row("viewer", "GET", "/", HttpStatusCode.OK);
        Row("operator", "GET", "/", HttpStatusCode.OK);
        Row("admin", "GET", "/", HttpStatusCode.OK);

        // An admin page: a lower role's token gets 403 (a browser session is sent to the "not allowed" page instead).
        Row(null, "GET", "/access", HttpStatusCode.Redirect);
        Row("viewer", "GET", "/access", HttpStatusCode.Forbidden);
        Row("operator", "GET", "/access", HttpStatusCode.Forbidden);
        Row("admin", "GET", "/access", HttpStatusCode.OK);

        foreach (var path in new[] { "/api/snapshot", "/api/audit" })
        {
            Row(null, "GET", path, HttpStatusCode.Unauthorized);
            Row("viewer", "GET", path, HttpStatusCode.OK);
            Row("operator", "GET", path, HttpStatusCode.OK);
            Row("admin", "GET", path, HttpStatusCode.OK);
        }

        Row(null, "POST", "/api/tokens", HttpStatusCode.Unauthorized);
        Row("viewer", "POST", "/api/tokens", HttpStatusCode.Forbidden);
        Row("operator", "POST", "/api/tokens", HttpStatusCode.Forbidden);
        Row("admin", "POST", "/api/tokens", HttpStatusCode.Created);

        Row(null, "GET", "/api/tokens", HttpStatusCode.Unauthorized);
        Row("viewer", "GET", "/api/tokens", HttpStatusCode.Forbidden);
        Row("admin", "GET", "/api/tokens", HttpStatusCode.OK);

        // The hub's negotiate request is where a SignalR client is let in or not.
        Row(null, "POST", "/hubs/metrics/negotiate?negotiateVersion=1", HttpStatusCode.Unauthorized);
        Row("viewer", "POST", "/hubs/metrics/negotiate?negotiateVersion=1", HttpStatusCode.OK);
        Row("operator", "POST", "/hubs/metrics/negotiate?negotiateVersion=1", HttpStatusCode.OK);
        Row("admin", "POST", "/hubs/metrics/negotiate?negotiateVersion=1", HttpStatusCode.OK);

        // Open to everyone.
        Row(null, "GET", "/healthz", HttpStatusCode.OK);
        Row(null, "GET", "/login", HttpStatusCode.OK);
        Row(null, "GET", "/favicon.svg", HttpStatusCode.OK);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_gets_what_it_may_and_nothing_more(string? role, string method, string path, HttpStatusCode expected)
    {
        using var client = role is null ? _app.CreateAnonymousClient() : await _app.CreateClientAsAsync(Parse(role));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (path == "/api/tokens" && method == "POST")
        {
            request.Content = JsonContent.Create(new { name = "made-by-" + (role ?? "nobody"), role = "viewer", expires = "30d" });
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Redirect)
        {
            var location = Where(response);
            Assert.StartsWith(role is null ? "/login?returnUrl=" : "/forbidden", location);
        }
    }

    [Fact]
    public async Task A_viewer_forging_a_token_create_gets_403_and_the_attempt_is_audited_as_denied()
    {
        using var viewer = await _app.CreateClientAsAsync(DashboardRole.Viewer);

        using var response = await viewer.PostAsJsonAsync("/api/tokens", new { name = "sneaky", role = "admin" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var entries = (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "token.create"))).Entries;
        var denied = Assert.Single(entries, e => e.Outcome == CommandOutcome.Denied);
        Assert.Equal(ActorKind.Token, denied.ActorKind);
        Assert.Equal(DashboardRole.Viewer, denied.ActorRole);
        Assert.DoesNotContain(entries, e => e.Outcome == CommandOutcome.Ok && e.TargetId == "sneaky");
    }

    [Fact]
    public async Task An_anonymous_token_create_gets_401_and_is_audited_as_denied()
    {
        using var anonymous = _app.CreateAnonymousClient();

        using var response = await anonymous.PostAsJsonAsync("/api/tokens", new { name = "nobody", role = "admin" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var entries = (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "token.create"))).Entries;
        var denied = Assert.Single(entries, e => e.Outcome == CommandOutcome.Denied);
        Assert.Equal("anonymous", denied.ActorName);
    }

    [Fact]
    public async Task A_malformed_request_to_a_mutating_route_gets_400_and_is_audited_as_invalid()
    {
        using var admin = await _app.CreateClientAsAsync(DashboardRole.Admin);

        using var response = await admin.PostAsync("/api/tokens", new StringContent("not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var entries = (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "token.create"))).Entries;
        Assert.Single(entries, e => e.Outcome == CommandOutcome.Invalid && e.Error!.Contains("not valid JSON"));
    }

    [Fact]
    public async Task A_numeric_auth_mode_stops_the_start_naming_the_key()
    {
        await using var app = new DashboardAppFactory(new Dictionary<string, string?> { ["Auth:Mode"] = "2" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Auth:Mode is '2'", error.ToString());
    }

    [Fact]
    public async Task Pages_carry_the_security_headers()
    {
        using var client = _app.CreateAnonymousClient();

        using var response = await client.GetAsync("/login");

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline' ; script", csp);
        Assert.Equal("nosniff", string.Join("", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", string.Join("", response.Headers.GetValues("Referrer-Policy")));
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html); // no inline script for the policy to block
    }

    private static DashboardRole Parse(string role) => DashboardRoles.TryParse(role, out var parsed) ? parsed : throw new ArgumentException(role);

    /// <summary>Where a redirect sends the browser, as a local path and query (the server may write it absolute).</summary>
    private static string Where(HttpResponseMessage response) => new Uri(new Uri("http://localhost"), response.Headers.Location!).PathAndQuery;
}
