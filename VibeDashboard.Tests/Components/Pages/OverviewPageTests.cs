using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Components;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Components.Pages;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Components.Rollouts;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.Snapshots;

namespace VibeDashboard.Tests.Components.Pages;

public sealed class OverviewPageTests : DashboardComponentTest
{
    private readonly IncidentBoardFake _board;
    private readonly FakeRolloutBoard _rollouts = new();

    public OverviewPageTests()
    {
        _board = IncidentBoardFake.AddTo(Services);
        Services.AddSingleton<IRolloutBoard>(_rollouts);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Feed.Current = Build(1, [Metric(MetricKeys.Availability, 0.998), Metric(MetricKeys.PreviewStartupLatencyMs, 900, p50: 500, p95: 2500, p99: 7000)]);
        Feed.SloSeriesSource = (_, range) => SloPoints(30, At);
    }

    [Fact]
    public void Shows_a_card_per_slo_and_a_tile_per_metric_area()
    {
        var page = Render<Overview>();

        Assert.Equal(5, page.FindAll("[data-testid^=slo-card-]").Count);
        Assert.Equal(["generation", "runtime", "data", "spend", "security"], page.FindAll("[data-testid^=area-tile-]").Select(e => e.GetAttribute("data-testid")!["area-tile-".Length..]));
        Assert.Equal("99.95 %", page.Find("[data-testid=slo-card-availability] [data-testid=slo-sli]").TextContent);
        Assert.Equal("80.0 %", page.Find("[data-testid=slo-card-availability] [data-testid=slo-budget]").TextContent);
        Assert.Equal("0.50×", page.Find("[data-testid=slo-card-availability] [data-testid=slo-burn-1h]").TextContent);
        Assert.Equal("99.80 %", page.Find("[data-testid=metric-value-availability]").TextContent);
        // Latency headline is the p95, with all three percentiles beside it.
        Assert.Equal("2.5 s", page.Find("[data-testid=metric-value-preview_startup_latency_ms]").TextContent);
        // As shown (the tiles are pre-rendered HTML, where "·" is written as a character reference).
        Assert.Contains("p50 500 ms · p95 2.5 s · p99 7.0 s", page.Find("[data-testid=area-tiles]").TextContent);
        Assert.Equal("—", page.Find("[data-testid=metric-value-d1_query_latency_ms]").TextContent);
    }

    [Fact]
    public void Each_slo_card_draws_its_sparkline_once()
    {
        var module = JSInterop.SetupModule(ApexChart.ModulePath);
        var page = Render<Overview>();

        page.WaitForAssertion(() => Assert.Equal(5, module.Invocations.Count(i => i.Identifier == "render")));
        Assert.Equal(5, Feed.QueryCount("SloSeries:"));
    }

    [Fact]
    public async Task Text_follows_the_feed_quickly_and_charts_on_their_own_slower_cadence()
    {
        var module = JSInterop.SetupModule(ApexChart.ModulePath);
        var page = Render<Overview>();
        page.WaitForAssertion(() => Assert.Equal(5, module.Invocations.Count(i => i.Identifier == "render")));
        var chartQueries = Feed.QueryCount("SloSeries:");

        // A burst of snapshots coalesces into one text refresh.
        for (var v = 2; v <= 6; v++)
        {
            await Feed.PublishAsync(Build(v, [Metric(MetricKeys.Availability, 0.9 + v / 100d)]));
        }

        Assert.Equal("99.80 %", page.Find("[data-testid=metric-value-availability]").TextContent);
        Time.Advance(LivePageBase.TextInterval);
        page.WaitForAssertion(() => Assert.Equal("96.0 %", page.Find("[data-testid=metric-value-availability]").TextContent));
        Assert.Equal(chartQueries, Feed.QueryCount("SloSeries:"));
        Assert.DoesNotContain(module.Invocations, i => i.Identifier == "update");

        Time.Advance(LivePageBase.ChartInterval);
        page.WaitForAssertion(() => Assert.Equal(5, module.Invocations.Count(i => i.Identifier == "update")));
        Assert.Equal(chartQueries + 5, Feed.QueryCount("SloSeries:"));
        Assert.Equal(5, module.Invocations.Count(i => i.Identifier == "render"));
    }

    [Fact]
    public void Alerts_sit_at_the_top_with_pages_before_tickets()
    {
        Feed.Current = Build(1, slos: [Slo("availability", alert: AlertState.Ticket, burn1h: 4), Slo("provider_success", alert: AlertState.Page, burn1h: 20, budget: -0.1), Slo("d1_query_latency")]);

        var page = Render<Overview>();

        var alerts = page.FindAll("[data-testid^=alert-]").Where(e => e.GetAttribute("data-testid") != "alert-strip").Select(e => e.GetAttribute("data-testid")).ToList();
        Assert.Equal(["alert-provider_success", "alert-availability"], alerts);
        Assert.Contains("PAGE: provider success burning at 20.0× (1h)", page.Find("[data-testid=alert-provider_success]").TextContent);
        Assert.Equal("critical", page.Find("[data-testid=slo-card-provider_success]").GetAttribute("data-state"));
        Assert.Equal("warning", page.Find("[data-testid=slo-card-availability]").GetAttribute("data-state"));
        Assert.Equal("ok", page.Find("[data-testid=slo-card-d1_query_latency]").GetAttribute("data-state"));
    }

    [Fact]
    public void The_range_in_the_url_picks_the_window_and_the_links()
    {
        Feed.Current = Build(1, [Metric(MetricKeys.Availability, 0.5, window: "1d"), Metric(MetricKeys.Availability, 0.9, window: "6h")]);

        Services.GetRequiredService<NavigationManager>().NavigateTo("/?range=24h");
        var page = Render<Overview>();

        Assert.Equal("50.0 %", page.Find("[data-testid=metric-value-availability]").TextContent);
        Assert.Contains("SloSeries:availability:24h", Feed.Queries);
        Assert.Equal("/slo/availability?range=24h", page.Find("[data-testid=slo-card-availability] a").GetAttribute("href"));
        Assert.Equal("/metrics/runtime?range=24h", page.Find("[data-testid=area-tile-runtime] a").GetAttribute("href"));
        Assert.Equal("true", page.Find("[data-testid=range-24h]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task Open_incidents_come_first_above_the_alerts()
    {
        await _board.SetAsync(IncidentBoardFake.Incident(4, VibeDashboard.Operations.Incidents.IncidentClass.ProviderOutage, At.AddMinutes(-3)));

        var page = Render<Overview>();

        var order = page.FindAll("[data-testid=open-incidents], [data-testid=alert-strip]").Select(e => e.GetAttribute("data-testid"));
        Assert.Equal(["open-incidents", "alert-strip"], order);
        Assert.Equal("/incidents/4", page.Find("[data-testid=open-incident-4]").GetAttribute("href"));
    }

    [Fact]
    public void Shows_the_demo_label_on_demo_data()
    {
        Feed.Current = Build(1, demo: true);

        var page = Render<Overview>();

        Assert.Single(page.FindAll("[data-testid=overview-demo-label]"));
    }

    [Fact]
    public async Task Releases_its_subscription_and_timers_on_dispose()
    {
        Render<Overview>();
        Assert.Equal(1, Feed.SubscriberCount);

        await DisposeComponentsAsync();

        Assert.Equal(0, Feed.SubscriberCount);
        await Feed.PublishAsync(Build(9));
        Time.Advance(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Flags_rows_quarantined_in_the_last_import_with_a_link_to_the_imports_page()
    {
        var page = Render<Overview>();
        Assert.Empty(page.FindAll("[data-testid=quarantine-flag]"));
        var at = At.AddHours(-1).ToUnixTimeMilliseconds();
        var dump = new System.Text.StringBuilder("PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, event_type TEXT, cost_usd REAL);\n");
        for (var i = 0; i < 1200; i++)
        {
            dump.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO \"ops_events\" VALUES('e-{i}',{at},'probe',{(i % 100 == 0 ? "-1" : "0.5")});\n");
        }

        var result = await Store.ImportAsync(Store.WriteFile("quarantine.sql", dump.ToString()));
        Assert.Equal(12, result.Record.QuarantinedRows);
        await Monitor.RefreshAsync();

        page.WaitForAssertion(() => Assert.Equal("12 rows quarantined in the last import", page.Find("[data-testid=quarantine-flag]").TextContent.Trim()));
        Assert.Equal("imports", page.Find("[data-testid=quarantine-flag]").GetAttribute("href"));
    }

    [Fact]
    public async Task Shows_the_current_rollout_under_the_incidents_and_nothing_when_none_is_under_way()
    {
        var page = Render<Overview>();
        Assert.Empty(page.FindAll("[data-testid=current-rollout]"));

        _rollouts.Put(RolloutViews.Running("ro-1", [["internal"], ["pro"]], (At.AddMinutes(-20), 0, RolloutEventKind.Started)));
        await _rollouts.RaiseAsync();
        Time.Advance(LivePageBase.TextInterval);

        page.WaitForAssertion(() => Assert.Equal("/rollouts/ro-1", page.Find("[data-testid=current-rollout]").GetAttribute("href")));
        Assert.Equal("wave 1 of 2", page.Find("[data-testid=current-rollout-wave]").TextContent);
        Assert.Equal("internal", page.Find("[data-testid=current-rollout-tiers]").TextContent);
    }
}
