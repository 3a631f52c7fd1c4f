using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Demo;

/// <summary>
/// <c>/api/demo/fault</c> and the demo's rollout template on the real host: offered on the live demo (operators
/// degrade a tier, audited; viewers only read), refused with the reason on a store of imported data.
/// </summary>
public sealed class DemoFaultApiTests
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<(HttpStatusCode Status, JsonNode? Body, string Text)> SendAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, text);
    }

    [Fact]
    public async Task On_the_demo_an_operator_degrades_a_tier_and_ends_it_audited_while_a_viewer_only_reads()
    {
        await using var app = new DashboardAppFactory(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "1" });
        using var viewer = await app.CreateClientAsAsync(DashboardRole.Viewer);
        using var operatorClient = await app.CreateClientAsAsync(DashboardRole.Operator);

        var state = await SendAsync(viewer.GetAsync("/api/demo/fault"));
        Assert.Equal(HttpStatusCode.OK, state.Status);
        Assert.True(state.Body!["isDemo"]!.GetValue<bool>());
        Assert.Null(state.Body["fault"]);
        Assert.Equal("[\"internal\",\"free\",\"pro\",\"enterprise\"]", state.Body["tiers"]!.ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(viewer.PostAsync("/api/demo/fault", Json("""{"tier":"pro"}""")))).Status);
        foreach (var (body, says) in new[]
        {
            ("""{"tier":"platinum"}""", "'platinum' is not a demo tier (internal, free, pro, enterprise)"),
            ("""{"tier":"pro","minutes":0}""", "minutes: a fault lasts from 1 to 60 minutes"),
            ("""{"tier":"pro","minutes":1.5}""", "minutes: must be a whole number"),
            ("""{"tier":"pro","until":"later"}""", "unknown field until"),
            ("""{"minutes":5}""", "tier: required"),
            ("""{"tier":"\ud800"}""", "tier: required"),
            ("""[1]""", "must be a JSON object"),
        })
        {
            var refused = await SendAsync(operatorClient.PostAsync("/api/demo/fault", Json(body)));
            Assert.True(refused.Status == HttpStatusCode.BadRequest, $"{body}: {(int)refused.Status} {refused.Text}");
            Assert.Contains(says, refused.Body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var set = await SendAsync(operatorClient.PostAsync("/api/demo/fault", Json("""{"tier":"pro","minutes":5,"reason":"show the rollback"}""")));
        Assert.True(set.Status == HttpStatusCode.OK, set.Text);
        Assert.Equal("pro", set.Body!["tier"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromMinutes(5), set.Body["until"]!.GetValue<DateTimeOffset>() - set.Body["from"]!.GetValue<DateTimeOffset>());
        Assert.Equal("pro", (await SendAsync(viewer.GetAsync("/api/demo/fault"))).Body!["fault"]!["tier"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(operatorClient.DeleteAsync("/api/demo/fault"))).Status);
        Assert.Null((await SendAsync(viewer.GetAsync("/api/demo/fault"))).Body!["fault"]);
        var again = await SendAsync(operatorClient.DeleteAsync("/api/demo/fault"));
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Contains("no demo fault is active", again.Text, StringComparison.Ordinal);

        var entries = (await app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "demo.*", Limit: 100))).Entries;
        Assert.Contains(entries, e => e is { Action: "demo.fault_inject", Outcome: CommandOutcome.Ok, TargetId: "pro" } && e.Reason == "show the rollback");
        Assert.Contains(entries, e => e is { Action: "demo.fault_inject", Outcome: CommandOutcome.Denied });
        Assert.Contains(entries, e => e is { Action: "demo.fault_end", Outcome: CommandOutcome.Ok });
        Assert.Contains(entries, e => e is { Action: "demo.fault_end", Outcome: CommandOutcome.Invalid });
    }

    [Fact]
    public async Task The_demo_offers_its_own_rollout_template_with_quick_checks()
    {
        await using var app = new DashboardAppFactory(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "1" });
        using var operatorClient = await app.CreateClientAsAsync(DashboardRole.Operator);
        var created = await SendAsync(operatorClient.PostAsync("/api/rollouts", Json($$"""{"template":"{{DemoRolloutTemplate.Name}}"}""")));
        Assert.True(created.Status == HttpStatusCode.Created, created.Text);
        Assert.Equal("draft", created.Body!["state"]!.GetValue<string>());
        Assert.Equal("[\"pro\"]", created.Body["waves"]![0]!["tiers"]!.ToJsonString());
        var view = await app.Services.GetRequiredService<IRolloutBoard>().GetAsync(created.Body["id"]!.GetValue<string>(), CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(15), view!.Definition.CheckInterval);
        Assert.Contains(view.Definition.Gates, g => g.Kind == GateKind.Cost);
        Assert.Contains(view.Definition.Gates, g => g.Kind == GateKind.Quota);
        Assert.DoesNotContain(view.Definition.Gates, g => g.Metric == RolloutMetrics.CostBurn); // no monthly budget configured
    }

    [Fact]
    public async Task On_imported_data_faults_and_the_demo_template_are_refused_with_the_reason()
    {
        await using var app = new DashboardAppFactory();
        using var operatorClient = await app.CreateClientAsAsync(DashboardRole.Operator);
        Assert.False((await SendAsync(operatorClient.GetAsync("/api/demo/fault"))).Body!["isDemo"]!.GetValue<bool>());
        var refused = await SendAsync(operatorClient.PostAsync("/api/demo/fault", Json("""{"tier":"pro"}""")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("not the demo", refused.Text, StringComparison.Ordinal);
        var template = await SendAsync(operatorClient.PostAsync("/api/rollouts", Json($$"""{"template":"{{DemoRolloutTemplate.Name}}"}""")));
        Assert.Equal(HttpStatusCode.BadRequest, template.Status);
        Assert.Contains("none is configured", template.Text, StringComparison.Ordinal);
    }
}
