using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Notifications;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Incidents;

/// <summary><c>/api/incidents…</c> and <c>/api/deliveries</c> on the real host: roles, the documented shape, the 400s, 404s and 409s.</summary>
public sealed class IncidentApiTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new(new Dictionary<string, string?>
    {
        ["Notifications:Webhooks:0:Name"] = "ops",
        ["Notifications:Webhooks:0:Url"] = "http://127.0.0.1:9/hook",
        ["Notifications:Webhooks:0:Secret"] = "s3cret",
        ["Notifications:Webhooks:0:Events:0"] = "incident.*",
        ["Notifications:Webhooks:0:Format"] = "slack",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonObject> ObjectAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["detail"]?.GetValue<string>() ?? text;
    }

    private static async Task<JsonObject> DeclareAsync(HttpClient client, string severity = "SEV3", string title = "Checkout is slow") =>
        await ObjectAsync(await client.PostAsync("/api/incidents", Json(new { @class = "unclassified", title, severity })));

    private static Task<HttpResponseMessage> ActAsync(HttpClient client, JsonObject incident, string action, object? body = null)
    {
        var fields = JsonSerializer.SerializeToNode(body ?? new { })!.AsObject();
        fields["expectedVersion"] = incident["version"]!.GetValue<long>();
        return client.PostAsync($"/api/incidents/{incident["number"]}/{action}", new StringContent(fields.ToJsonString(), Encoding.UTF8, "application/json"));
    }

    [Fact]
    public async Task Viewers_read_operators_act_anonymous_callers_get_401_and_refusals_are_audited()
    {
        using var anonymous = _app.CreateAnonymousClient();
        using var viewer = await _app.CreateClientAsAsync(DashboardRole.Viewer);
        using var operatorClient = await _app.CreateClientAsAsync(DashboardRole.Operator);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/incidents")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/incidents", Json(new { @class = "unclassified", title = "x", severity = "SEV3" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/incidents", Json(new { @class = "unclassified", title = "x", severity = "SEV3" }))).StatusCode);

        var created = await operatorClient.PostAsync("/api/incidents", Json(new { @class = "unclassified", title = "Checkout is slow", severity = "SEV3" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/incidents/1", created.Headers.Location!.ToString());
        var incident = await ObjectAsync(created);
        Assert.Equal(HttpStatusCode.Forbidden, (await ActAsync(viewer, incident, "acknowledge")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ActAsync(operatorClient, incident, "acknowledge")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/incidents/1")).StatusCode);

        var entries = (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "incident.*", Limit: 100))).Entries.Reverse().ToList();
        Assert.Equal(
            [("incident.declare", CommandOutcome.Denied), ("incident.declare", CommandOutcome.Denied), ("incident.declare", CommandOutcome.Ok), ("incident.acknowledge", CommandOutcome.Denied), ("incident.acknowledge", CommandOutcome.Ok)],
            entries.Select(e => (e.Action, e.Outcome)));
    }

    [Fact]
    public async Task An_operator_takes_an_incident_from_declare_to_close_and_the_api_shows_the_documented_shape()
    {
        using var client = await _app.CreateClientAsAsync(DashboardRole.Operator);
        var incident = await DeclareAsync(client, "SEV2");
        incident = await ObjectAsync(await ActAsync(client, incident, "acknowledge", new { owner = "olivia", nextUpdateAt = Iso(DateTimeOffset.UtcNow.AddMinutes(30)) }));
        Assert.Equal("investigating", incident["status"]!.GetValue<string>());
        Assert.Equal("olivia", incident["owner"]!.GetValue<string>());
        // Sent with an offset, returned in UTC.
        var eta = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds());
        incident = await ObjectAsync(await ActAsync(client, incident, "update", new { message = "Failing over", status = "identified", eta = Iso(eta.ToOffset(TimeSpan.FromHours(1))), nextUpdateAt = Iso(DateTimeOffset.UtcNow.AddHours(1)) }));
        Assert.Equal(eta.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", System.Globalization.CultureInfo.InvariantCulture), incident["eta"]!.GetValue<string>());
        incident = await ObjectAsync(await ActAsync(client, incident, "severity", new { severity = "SEV1" }));
        incident = await ObjectAsync(await ActAsync(client, incident, "checklist", new { index = 0, done = true }));
        incident = await ObjectAsync(await ActAsync(client, incident, "resolve", new { message = "Back to normal" }));

        var refused = await ProblemAsync(await ActAsync(client, incident, "close"), HttpStatusCode.BadRequest);
        Assert.Contains("published postmortem", refused);
        incident = await ObjectAsync(await ActAsync(client, incident, "postmortem", new { summary = "Edge TLS", impact = "12% of pro", rootCause = "No canary", status = "in_review" }));
        incident = await ObjectAsync(await ActAsync(client, incident, "postmortem", new { summary = "Edge TLS", impact = "12% of pro", rootCause = "No canary", status = "published" }));
        incident = await ObjectAsync(await ActAsync(client, incident, "follow-ups", new { title = "Canary edge config", owner = "edge", due = "2026-12-20", kind = "automated_mitigation" }));
        incident = await ObjectAsync(await ActAsync(client, incident, "close"));
        Assert.Equal("closed", incident["status"]!.GetValue<string>());

        using var list = JsonDocument.Parse(await client.GetStringAsync("/api/incidents?status=all"));
        var item = Assert.Single(list.RootElement.EnumerateArray());
        foreach (var field in new[] { "id", "number", "class", "key", "title", "severity", "status", "source", "startedAt", "detectedAt", "acknowledgedAt", "resolvedAt", "endedAt", "owner", "eta", "nextUpdateAt", "signal", "version" })
        {
            Assert.True(item.TryGetProperty(field, out _), field);
        }

        Assert.Equal("inc-1", item.GetProperty("id").GetString());
        Assert.Equal("unclassified", item.GetProperty("class").GetString());
        Assert.Equal("SEV1", item.GetProperty("severity").GetString());
        Assert.Equal("manual", item.GetProperty("source").GetString());
        Assert.Empty(JsonDocument.Parse(await client.GetStringAsync("/api/incidents")).RootElement.EnumerateArray());

        var detail = JsonNode.Parse(await client.GetStringAsync("/api/incidents/1"))!.AsObject();
        Assert.Equal("inc-1", detail["id"]!.GetValue<string>());
        Assert.Equal(2, detail["updates"]!.AsArray().Count);
        Assert.True(detail["checklist"]![0]!["done"]!.GetValue<bool>());
        Assert.Equal("published", detail["postmortem"]!["status"]!.GetValue<string>());
        Assert.Equal("automated_mitigation", detail["followUps"]![0]!["kind"]!.GetValue<string>());
        Assert.Contains(detail["timeline"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "checklist");
        var followUps = JsonNode.Parse(await client.GetStringAsync("/api/follow-ups"))!.AsArray();
        Assert.Equal("Canary edge config", followUps.Single()!["title"]!.GetValue<string>());

        var events = (await _app.Services.GetRequiredService<DeliveryLog>().ListAsync(new DeliveryQuery(Limit: 100))).OrderBy(d => d.OutboxId).Select(d => d.Event);
        Assert.Equal(
            [IncidentEvents.Created, IncidentEvents.Assigned, IncidentEvents.Updated, IncidentEvents.SeverityChanged, IncidentEvents.Resolved, IncidentEvents.PostmortemPublished, IncidentEvents.Closed],
            events);
    }

    [Fact]
    public async Task Bad_requests_get_400_naming_the_problem_stale_ones_409_and_unknown_incidents_404()
    {
        using var client = await _app.CreateClientAsAsync(DashboardRole.Operator);
        var incident = await DeclareAsync(client);

        Assert.Contains("unknown field colour", await ProblemAsync(await ActAsync(client, incident, "assign", new { owner = "bob", colour = "red" }), HttpStatusCode.BadRequest));
        Assert.StartsWith("eta:", await ProblemAsync(await ActAsync(client, incident, "update", new { message = "x", eta = "tomorrow" }), HttpStatusCode.BadRequest));
        Assert.StartsWith("nextUpdateAt:", await ProblemAsync(await ActAsync(client, incident, "update", new { message = "x", nextUpdateAt = "2099-01-01 10:00" }), HttpStatusCode.BadRequest));
        Assert.StartsWith("message:", await ProblemAsync(await ActAsync(client, incident, "update", new { message = new string('x', 20_001) }), HttpStatusCode.BadRequest));
        Assert.Contains("larger than", await ProblemAsync(await ActAsync(client, incident, "update", new { message = new string('x', 300_000) }), HttpStatusCode.BadRequest));
        Assert.StartsWith("severity:", await ProblemAsync(await ActAsync(client, incident, "severity", new { severity = "SEV9" }), HttpStatusCode.BadRequest));
        Assert.Contains("only a resolved incident", await ProblemAsync(await ActAsync(client, incident, "reopen", new { reason = "why not" }), HttpStatusCode.BadRequest));
        var noVersion = await client.PostAsync("/api/incidents/1/assign", Json(new { owner = "bob" }));
        Assert.StartsWith("expectedVersion:", await ProblemAsync(noVersion, HttpStatusCode.BadRequest));
        Assert.Contains("unknown field", await ProblemAsync(await client.PostAsync("/api/incidents", Json(new { @class = "unclassified", title = "x", severity = "SEV3", priority = 1 })), HttpStatusCode.BadRequest));

        var moved = await ObjectAsync(await ActAsync(client, incident, "assign", new { owner = "bob" }));
        var stale = await ActAsync(client, incident, "assign", new { owner = "carol" });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(moved["version"]!.GetValue<long>(), JsonNode.Parse(await stale.Content.ReadAsStringAsync())!["currentVersion"]!.GetValue<long>());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/incidents/99")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/incidents/99/assign", Json(new { owner = "x", expectedVersion = 1 }))).StatusCode);
        Assert.StartsWith("status:", await ProblemAsync(await client.GetAsync("/api/incidents?status=burning"), HttpStatusCode.BadRequest));
        Assert.StartsWith("from:", await ProblemAsync(await client.GetAsync("/api/incidents?from=yesterday"), HttpStatusCode.BadRequest));
        Assert.StartsWith("class:", await ProblemAsync(await client.GetAsync("/api/incidents?class=fire"), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Html_in_a_message_comes_back_verbatim_as_json_text()
    {
        const string message = "<img src=x onerror=alert(1)> **done** <script>fetch('/api/tokens')</script>";
        using var client = await _app.CreateClientAsAsync(DashboardRole.Operator);
        var incident = await DeclareAsync(client);
        await ObjectAsync(await ActAsync(client, incident, "update", new { message }));

        var detail = JsonNode.Parse(await client.GetStringAsync("/api/incidents/1"))!;
        Assert.Equal(message, detail["updates"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admins_list_deliveries_and_retry_one_others_may_not()
    {
        using var operatorClient = await _app.CreateClientAsAsync(DashboardRole.Operator);
        using var admin = await _app.CreateClientAsAsync(DashboardRole.Admin);
        await DeclareAsync(operatorClient);

        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync("/api/deliveries")).StatusCode);
        var deliveries = JsonNode.Parse(await admin.GetStringAsync("/api/deliveries?webhook=ops"))!.AsArray();
        var delivery = Assert.Single(deliveries)!;
        Assert.Equal("incident.created", delivery["event"]!.GetValue<string>());
        Assert.Equal("incident:1", delivery["aggregate"]!.GetValue<string>());
        Assert.StartsWith("status:", await ProblemAsync(await admin.GetAsync("/api/deliveries?status=lost"), HttpStatusCode.BadRequest));

        var id = delivery["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync($"/api/deliveries/{id}/retry", null)).StatusCode);
        Assert.Contains("only a dead delivery", await ProblemAsync(await admin.PostAsync($"/api/deliveries/{id}/retry", null), HttpStatusCode.BadRequest));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/deliveries/{Guid.NewGuid()}/retry", null)).StatusCode);
    }

    /// <summary>A time as the API takes it: ISO 8601 with its offset, to the second.</summary>
    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
}
