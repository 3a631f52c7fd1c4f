using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Components.Pages;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.Snapshots;

namespace VibeDashboard.Tests.Components.Pages;

public sealed class SloDetailPageTests : DashboardComponentTest
{
    private readonly IncidentBoardFake _board;

    public SloDetailPageTests() => _board = IncidentBoardFake.AddTo(Services);

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

    [Fact]
    public void An_unknown_slo_says_which_ones_exist()
    {
        var page = Render<SloDetail>(p => p.Add(c => c.SloKey, "nope"));

        Assert.Contains("There is no SLO \"nope\". Configured SLOs: availability.", page.Find("[data-testid=slo-unknown]").TextContent);
    }
}
