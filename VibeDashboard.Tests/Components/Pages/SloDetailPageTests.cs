using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Components;
using VibeDashboard.Operations.Incidents;
using static VibeDashboard.Tests.Components.IncidentBoardFake;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Components.Pages;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Components.Rollouts;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.Snapshots;

namespace VibeDashboard.Tests.Components.Pages;

public sealed class SloDetailPageTests : DashboardComponentTest
{
    private readonly IncidentBoardFake _board;
    private readonly FakeRolloutBoard _rollouts = new();

    public SloDetailPageTests()
    {
        _board = IncidentBoardFake.AddTo(Services);
        Services.AddSingleton<IRolloutBoard>(_rollouts);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Feed.Current = Build(1, slos: [Slo("availability", alert: AlertState.Page, burn1h: 15, burn6h: 7, budget: 0.1)]);
        Feed.SloSeriesSource = (_, range) => SloPoints(10, At);
        Feed.Alerts["availability"] =
        [
            new AlertTransition(At.AddMinutes(-5), "availability", AlertState.Ticket, AlertState.Page, "1h and 5m above 14.4"),
            new AlertTransition(At.AddHours(-2), "availability", AlertState.Ok, AlertState.Ticket, "1d and 2h above 3"),
        ];
    }

    [Fact]
    public void Shows_state_budget_burn_per_window_and_alert_history()
    {
        var page = Render<SloDetail>(p => p.Add(c => c.SloKey, "availability"));

        Assert.Equal("PAGE", page.Find("[data-testid=slo-summary] [data-testid=slo-alert]").TextContent);
        Assert.Equal("critical", page.Find("[data-testid=slo-summary]").GetAttribute("data-state"));
        Assert.Equal("10.0 %", page.Find("[data-testid=slo-budget]").TextContent);
        Assert.Equal("15.0×", page.Find("[data-testid=burn-1h]").TextContent);
        Assert.Equal("7.00×", page.Find("[data-testid=burn-6h]").TextContent);
        var rows = page.FindAll("[data-testid=alert-history] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("2026-03-02 11:55:00 UTC", rows[0].TextContent);
        Assert.Contains("1h and 5m above 14.4", rows[0].TextContent);
        Assert.Equal("/metrics/runtime", page.Find("a[href^='/metrics/']").GetAttribute("href"));
    }

    [Fact]
    public void Draws_sli_against_objective_burn_against_the_four_thresholds_and_the_30_day_budget()
    {
        var module = JSInterop.SetupModule(ApexChart.ModulePath);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/slo/availability?range=1h");

        var page = Render<SloDetail>(p => p.Add(c => c.SloKey, "availability"));

        page.WaitForAssertion(() => Assert.Equal(3, module.Invocations.Count(i => i.Identifier == "render")));
        var payloads = module.Invocations.Where(i => i.Identifier == "render").Select(i => (JsonElement)i.Arguments[1]!).ToList();
        var thresholds = payloads.Select(p => p.GetProperty("thresholds").EnumerateArray().Select(t => t.GetProperty("y").GetDouble()).ToList()).ToList();
        Assert.Contains([0.999], thresholds);
        Assert.Contains([14.4, 6, 3, 1], thresholds);
        Assert.Contains("SloSeries:availability:1h", Feed.Queries);
        Assert.Contains("SloSeries:availability:30d", Feed.Queries);
    }

    private static List<string> SpanLabels(JsonElement payload) =>
        payload.TryGetProperty("spans", out var spans) ? [.. spans.EnumerateArray().Select(s => s.GetProperty("label").GetString()!)] : [];

    [Fact]
    public async Task Charts_shade_the_incidents_of_classes_whose_runbook_lists_this_slo_and_follow_the_board()
    {
        Feed.Current = Build(1, slos: [Slo("provider_success")]);
        await _board.SetAsync(
            Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-6), resolvedAt: At.AddMinutes(-2)),
            Incident(8, IncidentClass.SandboxInstability, At.AddMinutes(-6)));
        var module = JSInterop.SetupModule(ApexChart.ModulePath);

        var page = Render<SloDetail>(p => p.Add(c => c.SloKey, "provider_success"));

        // provider_outage lists provider_success among its SLOs; sandbox_instability does not.
        page.WaitForAssertion(() => Assert.Equal(3, module.Invocations.Count(i => i.Identifier == "render")));
        var drawn = module.Invocations.Where(i => i.Identifier is "render" or "update").Select(i => (JsonElement)i.Arguments[1]!).TakeLast(3).ToList();
        Assert.All(drawn, payload => Assert.Equal(["#7 provider_outage"], SpanLabels(payload)));
        var span = drawn[0].GetProperty("spans")[0];
        Assert.Equal(At.AddMinutes(-6).ToUnixTimeMilliseconds(), span.GetProperty("x").GetInt64());
        Assert.Equal(At.AddMinutes(-2).ToUnixTimeMilliseconds(), span.GetProperty("x2").GetInt64());
        Assert.Equal(IncidentListStatus.All, _board.Queries[^1].Status);

        // A new incident on the board is drawn without a new snapshot.
        var updates = module.Invocations.Count(i => i.Identifier == "update");
        await _board.SetAsync(
            Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-6), resolvedAt: At.AddMinutes(-2)),
            Incident(9, IncidentClass.ProviderOutage, At.AddMinutes(-1)));
        Time.Advance(LivePageBase.TextInterval);

        page.WaitForAssertion(() => Assert.Equal(updates + 3, module.Invocations.Count(i => i.Identifier == "update")));
        Assert.All(module.Invocations.Where(i => i.Identifier == "update").TakeLast(3),
            i => Assert.Equal(["#7 provider_outage", "#9 provider_outage"], SpanLabels((JsonElement)i.Arguments[1]!)));
    }

    [Fact]
    public async Task A_board_change_that_moves_no_span_redraws_nothing()
    {
        await _board.SetAsync(Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-6)));
        var module = JSInterop.SetupModule(ApexChart.ModulePath);
        var page = Render<SloDetail>(p => p.Add(c => c.SloKey, "availability"));
        page.WaitForAssertion(() => Assert.Equal(3, module.Invocations.Count(i => i.Identifier == "render")));
        var calls = module.Invocations.Count;

        // A closed incident from last year changes the board, not these charts.
        await _board.SetAsync(Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-6)), Incident(1, IncidentClass.ProviderOutage, At.AddYears(-1), IncidentStatus.Closed, resolvedAt: At.AddYears(-1).AddHours(1)));
        Time.Advance(LivePageBase.TextInterval);

        page.WaitForAssertion(() => Assert.Equal(2, _board.Queries.Count));
        Assert.Equal(calls, module.Invocations.Count);
    }

    private static List<string> MarkerLabels(JsonElement payload) =>
        payload.TryGetProperty("markers", out var markers) ? [.. markers.EnumerateArray().Select(s => s.GetProperty("label").GetString()!)] : [];

    [Fact]
    public async Task Charts_mark_the_rollout_transitions_in_their_range_beside_the_incidents_and_follow_the_rollouts()
    {
        Feed.Current = Build(1, slos: [Slo("provider_success")]);
        await _board.SetAsync(Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-6), resolvedAt: At.AddMinutes(-2)));
        _rollouts.Put(RolloutViews.Running("ro-1", [["internal"], ["pro"]],
            (At.AddHours(-40 * 24), 0, RolloutEventKind.Started), // before even the budget's 30 days
            (At.AddMinutes(-3), 0, RolloutEventKind.RolledBack)));
        var module = JSInterop.SetupModule(ApexChart.ModulePath);

        var page = Render<SloDetail>(p => p.Add(c => c.SloKey, "provider_success"));

        page.WaitForAssertion(() => Assert.Equal(3, module.Invocations.Count(i => i.Identifier == "render")));
        var drawn = module.Invocations.Where(i => i.Identifier == "render").Select(i => (JsonElement)i.Arguments[1]!).ToList();
        Assert.All(drawn, payload => Assert.Equal(["ro-1 wave 1 rolled back"], MarkerLabels(payload)));
        Assert.All(drawn, payload => Assert.Equal(["#7 provider_outage"], SpanLabels(payload)));
        Assert.Equal(At.AddMinutes(-3).ToUnixTimeMilliseconds(), drawn[0].GetProperty("markers")[0].GetProperty("x").GetInt64());

        // A transition committed on the rollout board is drawn without a new snapshot; the incident stays shaded.
        var updates = module.Invocations.Count(i => i.Identifier == "update");
        _rollouts.Put(RolloutViews.Running("ro-1", [["internal"], ["pro"]],
            (At.AddHours(-40 * 24), 0, RolloutEventKind.Started),
            (At.AddMinutes(-3), 0, RolloutEventKind.RolledBack),
            (At.AddMinutes(-1), 0, RolloutEventKind.Started)));
        await _rollouts.RaiseAsync();
        Time.Advance(LivePageBase.TextInterval);

        page.WaitForAssertion(() => Assert.Equal(updates + 3, module.Invocations.Count(i => i.Identifier == "update")));
        Assert.All(module.Invocations.Where(i => i.Identifier == "update").TakeLast(3).Select(i => (JsonElement)i.Arguments[1]!), payload =>
        {
            Assert.Equal(["ro-1 wave 1 rolled back", "ro-1 wave 1 retried"], MarkerLabels(payload));
            Assert.Equal(["#7 provider_outage"], SpanLabels(payload));
        });
    }

    [Fact]
    public void An_unknown_slo_says_which_ones_exist()
    {
        var page = Render<SloDetail>(p => p.Add(c => c.SloKey, "nope"));

        Assert.Contains("There is no SLO \"nope\". Configured SLOs: availability.", page.Find("[data-testid=slo-unknown]").TextContent);
    }
}
