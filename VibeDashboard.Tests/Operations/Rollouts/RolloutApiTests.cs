using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary><c>/api/rollouts…</c> on the real host: roles, the documented shape, the 400s, 404s and 409s, the exposure's ETag.</summary>
public sealed class RolloutApiTests : IAsyncLifetime
{
    private const string Definition = """
        { "name": "vibesdk 2026.12", "release": "2026.12.1", "checkInterval": "1m",
          "waves": [ { "tiers": ["internal"], "observation": "30m", "minEvents": 50 }, { "tiers": ["pro"], "observation": "2h", "minEvents": 200 } ],
          "gates": [ { "name": "completion", "metric": "completion_success_rate", "window": "30m", "op": ">=", "threshold": 0.95, "minEvents": 20 },
                     { "name": "slos", "slos": ["availability"], "maxAlert": "ok" } ] }
        """;

    private readonly DashboardAppFactory _app = new(new Dictionary<string, string?>
    {
        ["Rollouts:Templates:0:Name"] = "standard",
        ["Rollouts:Templates:0:Release"] = "2026.12.2",
        ["Rollouts:Templates:0:Waves:0:Tiers:0"] = "internal",
        ["Rollouts:Templates:0:Waves:0:Observation"] = "30m",
        ["Rollouts:Templates:0:Waves:0:MinEvents"] = "50",
        ["Rollouts:Templates:0:Gates:0:Name"] = "completion",
        ["Rollouts:Templates:0:Gates:0:Metric"] = "completion_success_rate",
        ["Rollouts:Templates:0:Gates:0:Window"] = "30m",
        ["Rollouts:Templates:0:Gates:0:Op"] = ">=",
        ["Rollouts:Templates:0:Gates:0:Threshold"] = "0.95",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static StringContent Json(object body) => Json(JsonSerializer.Serialize(body));

    private static async Task<JsonObject> ObjectAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var node = JsonNode.Parse(text)!;
        return node["detail"]?.GetValue<string>() ?? node["error"]?.GetValue<string>() ?? text;
    }

    private static Task<HttpResponseMessage> ActAsync(HttpClient client, string id, string action, long version, object? extra = null)
    {
        var fields = JsonSerializer.SerializeToNode(extra ?? new { })!.AsObject();
        fields["expectedVersion"] = version;
        return client.PostAsync($"/api/rollouts/{id}/{action}", Json(fields.ToJsonString()));
    }

    [Fact]
    public async Task The_role_matrix_viewers_read_operators_control_admins_force_and_override()
    {
        using var anonymous = _app.CreateAnonymousClient();
        using var viewer = await _app.CreateClientAsAsync(DashboardRole.Viewer);
        using var operatorClient = await _app.CreateClientAsAsync(DashboardRole.Operator);
        using var admin = await _app.CreateClientAsAsync(DashboardRole.Admin);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/rollouts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/rollouts/exposure")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/rollouts", Json(Definition))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/rollouts", Json(Definition))).StatusCode);

        var created = await operatorClient.PostAsync("/api/rollouts", Json(Definition));
        var rollout = await ObjectAsync(created, HttpStatusCode.Created);
        Assert.Equal("/api/rollouts/ro-1", created.Headers.Location!.ToString());
        Assert.Equal(("ro-1", "2026.12.1", "draft", 0, 1L), (rollout["id"]!.GetValue<string>(), rollout["release"]!.GetValue<string>(), rollout["state"]!.GetValue<string>(),
            rollout["currentWave"]!.GetValue<int>(), rollout["version"]!.GetValue<long>()));
        var wave = rollout["waves"]![0]!.AsObject();
        Assert.Equal(["tiers", "state", "startedAt", "readyAt", "stableSince"], wave.Select(p => p.Key).Take(5));
        var gate = rollout["gates"]![0]!.AsObject();
        Assert.Equal(["name", "kind", "lastResult", "failStreak", "value", "threshold", "checkedAt"], gate.Select(p => p.Key).Take(7));
        Assert.Equal("slo", rollout["gates"]![1]!["kind"]!.GetValue<string>());
        Assert.Equal(5, rollout["readiness"]!.AsArray().Count);
        Assert.All(rollout["readiness"]!.AsArray(), r => Assert.NotNull(r!["evidence"]));

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/rollouts/ro-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/rollouts/ro-1/checks")).StatusCode);
        Assert.Single((await ObjectArrayAsync(viewer, "/api/rollouts")));
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/rollouts/ro-9")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(viewer, "ro-1", "start", 1)).StatusCode);

        Assert.Contains("not ready to start", await ErrorAsync(await ActAsync(operatorClient, "ro-1", "start", 1), HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(operatorClient, "ro-1", "start", 1, new { overrideReadiness = true, reason = "soaked" })).StatusCode);
        Assert.Contains("reason", await ErrorAsync(await ActAsync(admin, "ro-1", "start", 1, new { overrideReadiness = true }), HttpStatusCode.BadRequest));
        var started = await ObjectAsync(await ActAsync(admin, "ro-1", "start", 1, new { overrideReadiness = true, reason = "staging soak done by hand" }));
        Assert.Equal(("running", 2L), (started["state"]!.GetValue<string>(), started["version"]!.GetValue<long>()));

        Assert.Contains("no gate checks yet", await ErrorAsync(await ActAsync(operatorClient, "ro-1", "promote", 2), HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(operatorClient, "ro-1", "force-promote", 2, new { reason = "exec sign-off" })).StatusCode);
        Assert.Contains("reason", await ErrorAsync(await ActAsync(admin, "ro-1", "force-promote", 2), HttpStatusCode.BadRequest));
        var promoted = await ObjectAsync(await ActAsync(admin, "ro-1", "force-promote", 2, new { reason = "exec sign-off" }));
        Assert.Equal(1, promoted["currentWave"]!.GetValue<int>());
        Assert.Contains("version 3", await ErrorAsync(await ActAsync(operatorClient, "ro-1", "pause", 2), HttpStatusCode.Conflict));
        Assert.Equal("paused", (await ObjectAsync(await ActAsync(operatorClient, "ro-1", "pause", 3, new { reason = "watching costs" })))["state"]!.GetValue<string>());

        var entries = (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "rollout.*", Limit: 100))).Entries;
        Assert.Contains(entries, e => e is { Action: "rollout.force_promote", Outcome: CommandOutcome.Denied });
        Assert.Contains(entries, e => e is { Action: "rollout.force_promote", Outcome: CommandOutcome.Ok, ActorName: var n } && n.Length > 0);
        Assert.Contains(entries, e => e is { Action: "rollout.create", Outcome: CommandOutcome.Denied });
    }

    [Fact]
    public async Task Bodies_are_strict_unknown_fields_wrong_types_and_missing_versions_are_400s()
    {
        using var operatorClient = await _app.CreateClientAsAsync(DashboardRole.Operator);
        await ObjectAsync(await operatorClient.PostAsync("/api/rollouts", Json(Definition)), HttpStatusCode.Created);

        Assert.Contains("unknown field force", await ErrorAsync(await ActAsync(operatorClient, "ro-1", "pause", 1, new { force = true }), HttpStatusCode.BadRequest));
        Assert.Contains("expectedVersion: required", await ErrorAsync(await operatorClient.PostAsync("/api/rollouts/ro-1/pause", Json("{}")), HttpStatusCode.BadRequest));
        Assert.Contains("overrideReadiness", await ErrorAsync(await ActAsync(operatorClient, "ro-1", "start", 1, new { overrideReadiness = "yes" }), HttpStatusCode.BadRequest));
        Assert.Contains("only a start", await ErrorAsync(await ActAsync(operatorClient, "ro-1", "pause", 1, new { overrideReadiness = true, reason = "x" }), HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.PostAsync("/api/rollouts", Json("""{"name": "x", "colour": "red"}"""))).StatusCode);
        Assert.Contains("there is no template", await ErrorAsync(await operatorClient.PostAsync("/api/rollouts", Json(new { template = "nope" })), HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.NotFound, (await ActAsync(operatorClient, "ro-7", "pause", 1)).StatusCode);

        var fromTemplate = await ObjectAsync(await operatorClient.PostAsync("/api/rollouts", Json(new { template = "standard" })), HttpStatusCode.Created);
        Assert.Equal(("ro-2", "2026.12.2"), (fromTemplate["id"]!.GetValue<string>(), fromTemplate["release"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_exposure_answers_304_to_its_etag_until_a_tier_or_state_moves()
    {
        using var viewer = await _app.CreateClientAsAsync(DashboardRole.Viewer);
        using var admin = await _app.CreateClientAsAsync(DashboardRole.Admin);

        var empty = await viewer.GetAsync("/api/rollouts/exposure");
        Assert.Empty((await ObjectAsync(empty))["rollouts"]!.AsArray());
        var firstTag = empty.Headers.ETag!;

        await ObjectAsync(await admin.PostAsync("/api/rollouts", Json(Definition)), HttpStatusCode.Created);
        var draftOnly = await GetWithTagAsync(viewer, firstTag);
        Assert.Equal(HttpStatusCode.NotModified, draftOnly.StatusCode);
        Assert.Equal(firstTag, draftOnly.Headers.ETag);

        await ObjectAsync(await ActAsync(admin, "ro-1", "start", 1, new { overrideReadiness = true, reason = "soaked" }));
        var moved = await GetWithTagAsync(viewer, firstTag);
        var body = await ObjectAsync(moved);
        var entry = body["rollouts"]!.AsArray().Single()!.AsObject();
        Assert.Equal(["id", "release", "state", "enabledTiers", "version", "updatedAt"], entry.Select(p => p.Key));
        Assert.Equal(("ro-1", "running", "internal"), (entry["id"]!.GetValue<string>(), entry["state"]!.GetValue<string>(), entry["enabledTiers"]![0]!.GetValue<string>()));
        Assert.NotEqual(firstTag, moved.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await GetWithTagAsync(viewer, moved.Headers.ETag!)).StatusCode);

        await ObjectAsync(await ActAsync(admin, "ro-1", "abort", 2, new { reason = "wrong build" }));
        var aborted = await GetWithTagAsync(viewer, moved.Headers.ETag!);
        var abortedEntry = (await ObjectAsync(aborted))["rollouts"]![0]!;
        Assert.Equal("aborted", abortedEntry["state"]!.GetValue<string>());
        Assert.Empty(abortedEntry["enabledTiers"]!.AsArray());
    }

    [Fact]
    public async Task Two_operators_acting_at_once_one_wins_and_the_other_gets_409_with_the_new_version()
    {
        using var admin = await _app.CreateClientAsAsync(DashboardRole.Admin);
        using var alice = await _app.CreateClientAsAsync(DashboardRole.Operator);
        using var bob = await _app.CreateClientAsAsync(DashboardRole.Operator);
        await ObjectAsync(await admin.PostAsync("/api/rollouts", Json(Definition)), HttpStatusCode.Created);
        await ObjectAsync(await ActAsync(admin, "ro-1", "start", 1, new { overrideReadiness = true, reason = "soaked" }));

        var answers = await Task.WhenAll(ActAsync(alice, "ro-1", "pause", 2, new { reason = "alice" }), ActAsync(bob, "ro-1", "abort", 2, new { reason = "bob" }));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        var loser = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal(3, JsonNode.Parse(await loser.Content.ReadAsStringAsync())!["currentVersion"]!.GetValue<long>());
    }

    private static async Task<HttpResponseMessage> GetWithTagAsync(HttpClient client, EntityTagHeaderValue tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/rollouts/exposure");
        request.Headers.IfNoneMatch.Add(tag);
        return await client.SendAsync(request);
    }

    private static async Task<JsonArray> ObjectArrayAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!.AsArray();
    }
}
