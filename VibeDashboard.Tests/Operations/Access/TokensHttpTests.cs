using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary><c>/api/tokens</c> and <c>/api/role-mappings</c> on the real host, signed in with API tokens.</summary>
public sealed class TokensHttpTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new();
    private HttpClient _admin = null!;

    public async Task InitializeAsync() => _admin = await _app.CreateClientAsAsync(DashboardRole.Admin);

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task An_admin_creates_a_token_that_works_at_once_and_is_shown_only_in_the_201()
    {
        using var response = await _admin.PostAsJsonAsync("/api/tokens", new { name = "wall", role = "viewer", expires = "30d" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/tokens/wall", response.Headers.Location?.OriginalString);
        var body = await JsonAsync(response);
        Assert.Equal(["name", "role", "prefix", "token", "createdAt", "expiresAt"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("wall", body.GetProperty("name").GetString());
        Assert.Equal("viewer", body.GetProperty("role").GetString());
        var token = body.GetProperty("token").GetString()!;
        Assert.Equal(token[..13], body.GetProperty("prefix").GetString());
        var created = body.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(created.AddDays(30), body.GetProperty("expiresAt").GetDateTimeOffset());

        using var wall = _app.CreateAnonymousClient();
        wall.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var snapshot = await wall.GetAsync("/api/snapshot");
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);

        using var list = await _admin.GetAsync("/api/tokens");
        var text = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token[14..], text);
        var row = (await JsonAsync(list)).EnumerateArray().Single(t => t.GetProperty("name").GetString() == "wall");
        Assert.Equal(token[..13], row.GetProperty("prefix").GetString());
        Assert.Equal("active", row.GetProperty("state").GetString());
        Assert.False(row.TryGetProperty("token", out _));
        Assert.False(row.TryGetProperty("hash", out _));
    }

    [Fact]
    public async Task The_default_expiry_is_90_days()
    {
        using var response = await _admin.PostAsJsonAsync("/api/tokens", new { name = "script", role = "operator" });

        var body = await JsonAsync(response);
        Assert.Equal(body.GetProperty("createdAt").GetDateTimeOffset().AddDays(90), body.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Delete_revokes_the_token_and_a_second_delete_is_404()
    {
        var token = await _app.CreateTokenAsync(DashboardRole.Viewer, "wall");

        using var deleted = await _admin.DeleteAsync("/api/tokens/wall");
        using var again = await _admin.DeleteAsync("/api/tokens/wall");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("wall", (await JsonAsync(deleted)).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var wall = _app.CreateAnonymousClient();
        wall.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wall.GetAsync("/api/snapshot")).StatusCode);
    }

    [Fact]
    public async Task A_duplicate_name_is_409()
    {
        await _app.CreateTokenAsync(DashboardRole.Viewer, "wall");

        using var response = await _admin.PostAsJsonAsync("/api/tokens", new { name = "wall", role = "admin" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("already exists", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("""{"role":"viewer"}""", "name: required")]
    [InlineData("""{"name":"wall"}""", "role: required")]
    [InlineData("""{"name":"wall","role":"root"}""", "role: use viewer, operator or admin")]
    [InlineData("""{"name":7,"role":"viewer"}""", "name: must be a string")]
    [InlineData("""{"name":"has space","role":"viewer"}""", "name:")]
    [InlineData("""{"name":"wall","role":"viewer","expires":"1y"}""", "expires:")]
    public async Task Bad_bodies_are_400_naming_the_field(string json, string error)
    {
        using var response = await _admin.PostAsync("/api/tokens", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(error, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_same_idempotency_key_creates_once_and_the_replay_carries_no_secret()
    {
        async Task<HttpResponseMessage> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tokens") { Content = JsonContent.Create(new { name = "wall", role = "viewer" }) };
            request.Headers.Add("Idempotency-Key", "create-wall-1");
            return await _admin.SendAsync(request);
        }

        using var first = await PostAsync();
        using var second = await PostAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var a = await JsonAsync(first);
        var b = await JsonAsync(second);
        Assert.Equal(a.GetProperty("prefix").GetString(), b.GetProperty("prefix").GetString());
        Assert.NotNull(a.GetProperty("token").GetString());
        Assert.Equal(JsonValueKind.Null, b.GetProperty("token").ValueKind);
        using var list = await _admin.GetAsync("/api/tokens");
        Assert.Single((await JsonAsync(list)).EnumerateArray(), t => t.GetProperty("name").GetString() == "wall");
    }

    [Theory]
    [InlineData("DELETE", "/api/tokens/wall")]
    [InlineData("GET", "/api/role-mappings")]
    [InlineData("PUT", "/api/role-mappings/sre")]
    [InlineData("DELETE", "/api/role-mappings/sre")]
    public async Task Viewers_and_operators_get_403(string method, string path)
    {
        await _app.CreateTokenAsync(DashboardRole.Viewer, "wall");
        foreach (var role in new[] { DashboardRole.Viewer, DashboardRole.Operator })
        {
            using var client = await _app.CreateClientAsAsync(role);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method == "PUT")
            {
                request.Content = Json("""{"role":"admin","expectedVersion":0}""");
            }

            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using var list = await _admin.GetAsync("/api/tokens");
        Assert.Equal("active", (await JsonAsync(list)).EnumerateArray().Single(t => t.GetProperty("name").GetString() == "wall").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Role_mappings_set_with_expected_versions_conflict_when_stale_and_remove()
    {
        using var created = await _admin.PutAsync("/api/role-mappings/sre", Json("""{"role":"operator","expectedVersion":0}"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var v1 = (await JsonAsync(created)).GetProperty("version").GetInt64();

        using var updated = await _admin.PutAsync("/api/role-mappings/sre", Json($$"""{"role":"admin","expectedVersion":{{v1}}}"""));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var v2 = (await JsonAsync(updated)).GetProperty("version").GetInt64();

        using var stale = await _admin.PutAsync("/api/role-mappings/sre", Json($$"""{"role":"viewer","expectedVersion":{{v1}}}"""));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains(v2.ToString(), await stale.Content.ReadAsStringAsync());

        using var list = await _admin.GetAsync("/api/role-mappings");
        var row = (await JsonAsync(list)).EnumerateArray().Single(m => m.GetProperty("claimValue").GetString() == "sre");
        Assert.Equal("admin", row.GetProperty("role").GetString());
        Assert.Equal("store", row.GetProperty("source").GetString());
        Assert.Equal(v2, row.GetProperty("version").GetInt64());

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, "/api/role-mappings/sre");
        staleDelete.Headers.TryAddWithoutValidation("If-Match", $"\"{v1}\"");
        Assert.Equal(HttpStatusCode.Conflict, (await _admin.SendAsync(staleDelete)).StatusCode);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/role-mappings/sre");
        delete.Headers.TryAddWithoutValidation("If-Match", $"\"{v2}\"");
        Assert.Equal(HttpStatusCode.OK, (await _admin.SendAsync(delete)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync("/api/role-mappings/sre")).StatusCode);
    }

    [Theory]
    [InlineData("""{"expectedVersion":0}""", "role: required")]
    [InlineData("""{"role":"admin","expectedVersion":"x"}""", "expectedVersion:")]
    public async Task Bad_role_mapping_bodies_are_400_naming_the_field(string json, string error)
    {
        using var response = await _admin.PutAsync("/api/role-mappings/sre", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(error, await response.Content.ReadAsStringAsync());
    }
}
