using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Audit;

/// <summary>One host for the class: three entries written at start, then only read.</summary>
public sealed class AuditApiFixture : IAsyncLifetime
{
    public DashboardAppFactory App { get; } = new();

    public HttpClient Viewer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Creating the viewer's token is itself audited (token.create by the system actor "tests"): entry 1.
        Viewer = await App.CreateClientAsAsync(DashboardRole.Viewer);
        var pipeline = App.Services.GetRequiredService<ICommandPipeline>();
        await pipeline.RecordRejectedAsync("token.revoke", "token", "wall", new Actor("mallory", ActorKind.Token, DashboardRole.Viewer, "203.0.113.9", "curl/8"), CommandOutcome.Denied, "role viewer may not token.revoke");
        await pipeline.RecordRejectedAsync("incident.acknowledge", "incident", "42", new Actor("olivia@example.com", ActorKind.User, DashboardRole.Operator), CommandOutcome.Conflict, "stale");
    }

    public async Task DisposeAsync()
    {
        Viewer.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary><c>/api/audit</c> and <c>/api/audit.csv</c> on the real host, read with a viewer's API token.</summary>
public sealed class AuditApiTests(AuditApiFixture fixture) : IClassFixture<AuditApiFixture>
{
    private readonly DashboardAppFactory _app = fixture.App;
    private readonly HttpClient _viewer = fixture.Viewer;

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await _viewer.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task A_viewer_reads_the_log_newest_first_in_the_wires_vocabulary()
    {
        var body = await GetJsonAsync("/api/audit");

        var entries = body.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([3L, 2, 1], entries.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.False(body.GetProperty("more").GetBoolean());
        var denied = entries[1];
        Assert.Equal("mallory", denied.GetProperty("actorName").GetString());
        Assert.Equal("token", denied.GetProperty("actorKind").GetString());
        Assert.Equal("viewer", denied.GetProperty("actorRole").GetString());
        Assert.Equal("denied", denied.GetProperty("outcome").GetString());
        Assert.Equal("role viewer may not token.revoke", denied.GetProperty("error").GetString());
        Assert.Equal(64, denied.GetProperty("hash").GetString()!.Length);
        // The token's creation records what was created, never the secret.
        var created = entries[2];
        Assert.Equal(("token.create", "ok", "system"), (created.GetProperty("action").GetString(), created.GetProperty("outcome").GetString(), created.GetProperty("actorKind").GetString()));
        Assert.Equal(JsonValueKind.Object, created.GetProperty("after").ValueKind);
    }

    [Theory]
    [InlineData("?action=token.", new long[] { 2, 1 })]
    [InlineData("?action=token.revoke", new long[] { 2 })]
    [InlineData("?actor=OLIVIA", new long[] { 3 })]
    [InlineData("?target=token:wall", new long[] { 2 })]
    [InlineData("?target=incident&actor=olivia", new long[] { 3 })]
    [InlineData("?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z", new long[] { })]
    [InlineData("?limit=1", new long[] { 3 })]
    public async Task Filters_narrow_the_entries(string query, long[] expected)
    {
        var body = await GetJsonAsync("/api/audit" + query);

        Assert.Equal(expected, body.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
    }

    [Theory]
    [InlineData("?from=yesterday", "from:")]
    [InlineData("?limit=5000", "limit:")]
    [InlineData("?target=:x", "target:")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string expected)
    {
        using var response = await _viewer.GetAsync("/api/audit" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith(expected, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Without_credentials_both_routes_answer_401()
    {
        using var anonymous = _app.CreateAnonymousClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/audit.csv")).StatusCode);
    }

    [Fact]
    public async Task The_csv_takes_the_same_filters_and_downloads_as_a_file()
    {
        using var response = await _viewer.GetAsync("/api/audit.csv?action=token.");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("audit.csv", response.Content.Headers.ContentDisposition!.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("seq,at,actor_name,actor_kind,actor_role,action,target_type,target_id,outcome", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("2,", lines[1]);
        Assert.Contains(",mallory,token,viewer,token.revoke,token,wall,denied,", lines[1]);
        Assert.StartsWith("1,", lines[2]);

        using var bad = await _viewer.GetAsync("/api/audit.csv?to=nope");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
