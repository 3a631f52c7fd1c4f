using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;
using static VibeDashboard.Tests.Components.IncidentBoardFake;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Components.Pages;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Components.Rollouts;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.Snapshots;

namespace VibeDashboard.Tests.Components.Pages;

public sealed class MetricAreaPageTests : DashboardComponentTest
{
    private readonly IncidentBoardFake _board;
    private readonly FakeRolloutBoard _rollouts = new();

    public MetricAreaPageTests()
    {
        _board = IncidentBoardFake.AddTo(Services);
        Services.AddSingleton<IRolloutBoard>(_rollouts);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Feed.Current = Build(1,
        [
            Metric(MetricKeys.PreviewStartupLatencyMs, 1000, p50: 800, p95: 3000, p99: 9000),
            Metric(MetricKeys.PreviewStartupLatencyMs, 1000, tier: "free", p50: 900, p95: 4000, p99: 9500),
            Metric(MetricKeys.PreviewStartupLatencyMs, 1000, tier: "pro", p50: 700, p95: 2000, p99: 8000),
            Metric(MetricKeys.Availability, 0.999, tier: "pro"),
        ]);
        Feed.SeriesSource = (_, _, _) => SeriesPoints(5, At, 1000);
        Feed.OffenderLists[OffenderKind.IpsByAuthFailures] = [new Offender("203.0.113.9", 42, "7 identifiers")];
    }

    [Fact]
    public void Latencies_chart_p50_p95_p99_and_split_by_tier()
    {
        var module = JSInterop.SetupModule(ApexChart.ModulePath);

        var page = Render<MetricAreaPage>(p => p.Add(c => c.AreaKey, "runtime"));

        Assert.Equal("3.0 s", page.Find("[data-testid=metric-panel-preview_startup_latency_ms] [data-testid=metric-value-preview_startup_latency_ms]").TextContent);
        page.WaitForAssertion(() => Assert.Equal(3, module.Invocations.Count(i => i.Identifier == "render")));
        var latency = module.Invocations.Where(i => i.Identifier == "render").Select(i => (JsonElement)i.Arguments[1]!)
            .Single(p => p.GetProperty("unit").GetString() == "milliseconds");
        Assert.Equal(["p50", "p95", "p99"], latency.GetProperty("series").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var split = page.Find("[data-testid=tier-split]");
        Assert.Equal(["metric", "free", "pro"], split.QuerySelectorAll("thead th").Select(th => th.TextContent.Trim()));
        Assert.Contains("4.0 s", split.QuerySelectorAll("tbody tr")[0].TextContent);
        Assert.Contains("99.90 %", split.QuerySelectorAll("tbody tr")[2].TextContent);
    }

    [Fact]
    public void The_tier_filter_comes_from_the_url_and_reaches_values_series_and_links()
    {
        // 7 days reads the snapshot's 3-day window (the longest not longer than the range).
        Feed.Current = Build(1, [Metric(MetricKeys.PreviewStartupLatencyMs, 1000, window: "3d", tier: "free", p95: 4000), Metric(MetricKeys.PreviewStartupLatencyMs, 1000, tier: "pro", p95: 2000)]);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/metrics/runtime?range=7d&tier=free");

        var page = Render<MetricAreaPage>(p => p.Add(c => c.AreaKey, "runtime"));

        Assert.Equal("4.0 s", page.Find("[data-testid=metric-value-preview_startup_latency_ms]").TextContent);
        Assert.Contains("Series:preview_startup_latency_ms:7d:free", Feed.Queries);
        Assert.Equal("/metrics/runtime?range=7d&tier=pro", page.Find("[data-testid=tier-pro]").GetAttribute("href"));
        Assert.Equal("/metrics/runtime?range=7d", page.Find("[data-testid=tier-all]").GetAttribute("href"));
        Assert.Contains("mud-button-filled", page.Find("[data-testid=tier-free]").ClassName);
        Assert.DoesNotContain("mud-button-filled", page.Find("[data-testid=tier-all]").ClassName);
        Assert.Equal("/metrics/runtime?tier=free", page.Find("[data-testid=range-6h]").GetAttribute("href"));
    }

    [Fact]
    public void Offender_lists_load_off_the_render_and_the_page_says_so_until_they_arrive()
    {
        // A slow store: the queries have not answered yet when the page renders.
        Feed.OffendersHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var page = Render<MetricAreaPage>(p => p.Add(c => c.AreaKey, "security"));

        // The page rendered (headlines, charts) without waiting for them; each table says it is loading.
        Assert.NotEmpty(page.FindAll("[data-testid^=metric-panel-]"));
        Assert.Equal(2, page.FindAll("[data-testid=offenders-loading]").Count);
        Assert.Equal(1, Feed.QueryCount($"TopOffenders:{OffenderKind.IpsByAuthFailures}"));

        Feed.OffendersHeld.SetResult();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=offenders-loading]")));
        Assert.Contains("203.0.113.9", page.Find($"[data-testid=offenders-{OffenderKind.IpsByAuthFailures}]").TextContent);
        Assert.Contains("None in this range", page.Find($"[data-testid=offenders-{OffenderKind.LimiterKeysByBreaches}]").TextContent);
    }

    [Fact]
    public void Security_lists_its_top_offenders()
    {
        var page = Render<MetricAreaPage>(p => p.Add(c => c.AreaKey, "security"));

        var ips = page.Find($"[data-testid=offenders-{OffenderKind.IpsByAuthFailures}]");
        Assert.Contains("203.0.113.9", ips.TextContent);
        Assert.Contains("7 identifiers", ips.TextContent);
        Assert.Contains("None in this range", page.Find($"[data-testid=offenders-{OffenderKind.LimiterKeysByBreaches}]").TextContent);
    }

    [Fact]
    public async Task Every_time_chart_shades_every_incident_in_its_range_whatever_the_class()
    {
        await _board.SetAsync(
            Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-3), resolvedAt: At.AddMinutes(-1)),
            Incident(8, IncidentClass.AuthPolicyFailure, At.AddMinutes(-2)),
            Incident(2, IncidentClass.SandboxInstability, At.AddDays(-2), IncidentStatus.Closed, resolvedAt: At.AddDays(-2).AddHours(1)));
        var module = JSInterop.SetupModule(ApexChart.ModulePath);
        Services.GetRequiredService<NavigationManager>().NavigateTo("/metrics/runtime?range=1h");

        var page = Render<MetricAreaPage>(p => p.Add(c => c.AreaKey, "runtime"));

        page.WaitForAssertion(() => Assert.Equal(3, module.Invocations.Count(i => i.Identifier == "render")));
        var payloads = module.Invocations.Where(i => i.Identifier == "render").Select(i => (JsonElement)i.Arguments[1]!).ToList();
        Assert.All(payloads, p => Assert.Equal(["#7 provider_outage", "#8 auth_policy_failure"], p.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("label").GetString())));
        // The query asks for the page's range only.
        Assert.Equal(At.AddHours(-1), _board.Queries[^1].From);
    }

    [Fact]
    public void Every_time_chart_marks_the_rollout_transitions_and_a_tier_only_those_of_rollouts_reaching_it()
    {
        _rollouts.Put(RolloutViews.Running("ro-1", [["internal"], ["pro"]], (At.AddMinutes(-2), 0, RolloutEventKind.WavePromoted)));
        _rollouts.Put(RolloutViews.Running("ro-2", [["free"]], (At.AddMinutes(-3), 0, RolloutEventKind.Paused), (At.AddHours(-3), 0, RolloutEventKind.Started)));
        var module = JSInterop.SetupModule(ApexChart.ModulePath);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/metrics/runtime?range=1h");

        var page = Render<MetricAreaPage>(p => p.Add(c => c.AreaKey, "runtime"));

        page.WaitForAssertion(() => Assert.Equal(3, module.Invocations.Count(i => i.Identifier == "render")));
        Assert.All(module.Invocations.Where(i => i.Identifier == "render").Select(i => (JsonElement)i.Arguments[1]!),
            p => Assert.Equal(["ro-2 paused", "ro-1 wave 1 promoted"], p.GetProperty("markers").EnumerateArray().Select(m => m.GetProperty("label").GetString())));

        navigation.NavigateTo("/metrics/runtime?range=1h&tier=pro");
        Render<MetricAreaPage>(p => p.Add(c => c.AreaKey, "runtime"));

        page.WaitForAssertion(() => Assert.Equal(6, module.Invocations.Count(i => i.Identifier == "render")));
        Assert.All(module.Invocations.Where(i => i.Identifier == "render").TakeLast(3).Select(i => (JsonElement)i.Arguments[1]!),
            p => Assert.Equal(["ro-1 wave 1 promoted"], p.GetProperty("markers").EnumerateArray().Select(m => m.GetProperty("label").GetString())));
    }

    [Fact]
    public void An_unknown_area_lists_the_real_ones()
    {
        var page = Render<MetricAreaPage>(p => p.Add(c => c.AreaKey, "nope"));

        Assert.Contains("generation, runtime, data, spend, security", page.Find("[data-testid=area-unknown]").TextContent);
    }
}
