using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Components;
using VibeDashboard.Components.Pages;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Components.Rollouts;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Components.IncidentBoardFake;

namespace VibeDashboard.Tests.Components.Wall;

public sealed class WallPageTests : RolloutPageTest
{
    private readonly IncidentBoardFake _incidents;

    public WallPageTests()
    {
        _incidents = AddTo(Services);
        Services.AddSingleton(Options.Create(WallOptions));
        Feed.Current = Snapshots.Build(3, slos:
        [
            Snapshots.Slo("availability", AlertState.Page, sli: 0.9921, budget: -0.4, burn1h: 15.2, burn6h: 7.1),
            Snapshots.Slo("generation_completion", objective: 0.95, sli: 0.97),
        ]) with { GeneratedAt = Now.AddSeconds(-4) };
    }

    private WallOptions WallOptions { get; } = new() { MaxIncidents = 3 };

    [Fact]
    public async Task While_the_demo_store_is_being_built_the_wall_says_so_instead_of_no_data()
    {
        DemoBuild.Begin();
        await Monitor.RefreshAsync();

        var wall = Render<VibeDashboard.Components.Pages.Wall>();

        var freshness = wall.Find("[data-testid=wall-freshness]");
        Assert.Equal("building the demo data…", freshness.TextContent.Trim());
        Assert.Equal("stale", freshness.GetAttribute("data-state"));

        await DemoBuild.CompleteAsync(built: true);
        await Monitor.RefreshAsync();

        // Built, and this test's store has no events: the wall says so in red, as for any empty store.
        wall.WaitForAssertion(() => Assert.Equal("no data at all", wall.Find("[data-testid=wall-freshness]").TextContent.Trim()));
    }

    [Fact]
    public async Task Shows_open_incidents_every_slo_the_current_rollout_and_the_clock()
    {
        await ImportEventsAsync(Now.AddSeconds(-30));
        await _incidents.SetAsync(
            Incident(7, IncidentClass.ProviderOutage, Now.AddMinutes(-25), IncidentStatus.Investigating, Severity.Sev1, "OpenAI errors at 40 %", "alice", nextUpdateAt: Now.AddMinutes(10))
                with { Eta = Now.AddMinutes(40) },
            Incident(3, IncidentClass.SandboxInstability, Now.AddDays(-3), IncidentStatus.Closed, resolvedAt: Now.AddDays(-2)));
        Board.Put(Rollout("ro-3", s => Running(s, wave: 1, stableFor: TimeSpan.FromMinutes(108)) with
        {
            Gates =
            [
                new GateStatus("completion", GateKind.Metric, FailStreak: 1, Last: Check("completion", GateResult.Fail, TimeSpan.FromMinutes(1), value: 0.91)),
                new GateStatus("startup p95", GateKind.Metric, Last: Check("startup p95", GateResult.Pass, TimeSpan.FromMinutes(1), value: 4200, threshold: 10000)),
            ],
        }));

        var wall = Render<VibeDashboard.Components.Pages.Wall>();

        var incident = wall.Find("[data-testid=wall-incident-7]");
        Assert.Equal("SEV1", Text(incident, "wall-incident-severity"));
        Assert.Equal("#7 OpenAI errors at 40 %", Text(incident, "wall-incident-title"));
        Assert.Equal("Provider outage", Text(incident, "wall-incident-class"));
        Assert.Equal("investigating", Text(incident, "wall-incident-status"));
        Assert.Equal("alice", Text(incident, "wall-incident-owner"));
        Assert.Equal("25 min old", Text(incident, "wall-incident-age"));
        Assert.Equal("ETA in 40 min (12:40 UTC)", Text(incident, "wall-incident-eta"));
        Assert.Equal("update due in 10 min", Text(incident, "wall-incident-next-update"));
        Assert.Equal("false", incident.GetAttribute("data-overdue"));
        Assert.Empty(wall.FindAll("[data-testid=wall-incident-3]"));
        Assert.Equal("1", wall.Find("[data-testid=wall-incident-count]").TextContent);

        var availability = wall.Find("[data-testid=wall-slo-availability]");
        Assert.Equal("critical", availability.GetAttribute("data-state"));
        Assert.Equal("PAGE", Text(availability, "wall-slo-state"));
        Assert.Equal("99.21 % of 99.90 %", Text(availability, "wall-slo-sli"));
        Assert.Equal("budget -40.0 %", Text(availability, "wall-slo-budget"));
        Assert.Equal("burn 15.2× 1h · 7.10× 6h", Text(availability, "wall-slo-burn"));
        Assert.Equal("OK", Text(wall.Find("[data-testid=wall-slo-generation_completion]"), "wall-slo-state"));

        Assert.Equal("running", wall.Find("[data-testid=wall-rollout-current]").GetAttribute("data-state"));
        Assert.Equal("wave 2 of 3", wall.Find("[data-testid=wall-rollout-wave]").TextContent);
        Assert.Equal("pro", wall.Find("[data-testid=wall-rollout-tiers]").TextContent);
        Assert.Equal(["fail", "pass"], wall.FindAll("[data-testid=wall-rollout-gate]").Select(g => g.GetAttribute("data-result")));
        Assert.Equal("fail 1 of 2", wall.Find("[data-testid=wall-gate-streak]").TextContent);
        Assert.StartsWith("wave 2 (pro) is held: gate \"completion\"", wall.Find("[data-testid=wall-rollout-promotion]").TextContent);

        Assert.StartsWith("12:00", wall.Find("[data-testid=wall-time-utc]").TextContent);
        Assert.Equal("12:00 local (UTC)", wall.Find("[data-testid=wall-time-local]").TextContent);
        Assert.Equal("updated 4 s ago", wall.Find("[data-testid=wall-updated]").TextContent);
        Assert.Equal("fresh", wall.Find("[data-testid=wall-freshness]").GetAttribute("data-state"));
        Assert.Equal("data 30 s old", wall.Find("[data-testid=wall-freshness]").TextContent);
    }

    [Fact]
    public async Task An_overdue_update_is_red_and_one_falls_overdue_on_the_walls_own_clock()
    {
        await _incidents.SetAsync(
            Incident(1, IncidentClass.AuthPolicyFailure, Now.AddHours(-2), nextUpdateAt: Now.AddMinutes(-5), owner: null),
            Incident(2, IncidentClass.MigrationRegression, Now.AddMinutes(-30), nextUpdateAt: Now.AddSeconds(20)));

        var wall = Render<VibeDashboard.Components.Pages.Wall>();

        var overdue = wall.Find("[data-testid=wall-incident-1] [data-testid=wall-incident-next-update]");
        Assert.Equal("update overdue 5 min", overdue.TextContent);
        Assert.Contains("vd-wall-critical", overdue.ClassName);
        Assert.Equal("true", wall.Find("[data-testid=wall-incident-1]").GetAttribute("data-overdue"));
        Assert.Equal("no owner", wall.Find("[data-testid=wall-incident-1] [data-testid=wall-incident-owner]").TextContent);
        Assert.Equal("1 update overdue", wall.Find("[data-testid=wall-overdue-count]").TextContent);
        Assert.DoesNotContain("vd-wall-critical", wall.Find("[data-testid=wall-incident-2] [data-testid=wall-incident-next-update]").ClassName ?? "");

        Time.Advance(VibeDashboard.Components.Pages.Wall.ClockInterval * 6);

        wall.WaitForAssertion(() => Assert.Equal("true", wall.Find("[data-testid=wall-incident-2]").GetAttribute("data-overdue")));
        Assert.Contains("vd-wall-critical", wall.Find("[data-testid=wall-incident-2] [data-testid=wall-incident-next-update]").ClassName);
        Assert.Equal("2 updates overdue", wall.Find("[data-testid=wall-overdue-count]").TextContent);
    }

    [Fact]
    public async Task Past_the_cap_the_rest_are_counted_and_a_new_incident_shows_live()
    {
        await _incidents.SetAsync(
        [
            .. Enumerable.Range(1, 5).Select(n => Incident(n, IncidentClass.SandboxInstability, Now.AddMinutes(-n), severity: Severity.Sev3, title: $"sandbox {n}")),
        ]);

        var wall = Render<VibeDashboard.Components.Pages.Wall>();

        Assert.Equal(3, wall.FindAll("[data-testid^=wall-incident-][data-overdue]").Count);
        Assert.Equal("+2 more open incidents", wall.Find("[data-testid=wall-incidents-more]").TextContent);
        Assert.Equal("5", wall.Find("[data-testid=wall-incident-count]").TextContent);

        await _incidents.SetAsync(
        [
            .. Enumerable.Range(1, 5).Select(n => Incident(n, IncidentClass.SandboxInstability, Now.AddMinutes(-n), severity: Severity.Sev3, title: $"sandbox {n}")),
            Incident(9, IncidentClass.ProviderOutage, Now, severity: Severity.Sev1, title: "provider down"),
        ]);
        Time.Advance(LivePageBase.TextInterval);

        // The worst comes first, so a new SEV1 is on the wall even past the cap.
        wall.WaitForAssertion(() => Assert.Equal("#9 provider down", wall.Find("[data-testid=wall-incident-9] [data-testid=wall-incident-title]").TextContent));
        Assert.Equal("+3 more open incidents", wall.Find("[data-testid=wall-incidents-more]").TextContent);
        Assert.Equal(1, _incidents.SubscriberCount);
        await DisposeComponentsAsync();
        Assert.Equal(0, _incidents.SubscriberCount);
        Assert.Equal(0, Board.SubscriberCount);
        Assert.Equal(0, Feed.SubscriberCount);
    }

    [Theory]
    [InlineData(DashboardRole.Viewer)]
    [InlineData(DashboardRole.Operator)]
    [InlineData(DashboardRole.Admin)]
    public async Task Nothing_on_the_wall_acts_whoever_looks_at_it(DashboardRole role)
    {
        SignIn(role);
        await _incidents.SetAsync(Incident(1, IncidentClass.ProviderOutage, Now.AddMinutes(-5), severity: Severity.Sev1));
        Board.Put(Rollout("ro-1", s => Running(s)));

        var wall = Render<VibeDashboard.Components.Pages.Wall>();

        Assert.Single(wall.FindAll("[data-testid=wall-incident-1]"));
        Assert.Single(wall.FindAll("[data-testid=wall-rollout-current]"));
        Assert.Empty(wall.FindAll("button, a, input, select, textarea, form, [onclick], [tabindex]"));
    }

    [Fact]
    public async Task Freshness_turns_amber_past_stale_after_and_red_past_max_data_age_when_data_stops()
    {
        Health.StaleAfter = TimeSpan.FromMinutes(10);
        Health.MaxDataAge = TimeSpan.FromMinutes(30);
        await ImportEventsAsync(Now.AddMinutes(-2));

        var wall = Render<VibeDashboard.Components.Pages.Wall>();
        var freshness = () => wall.Find("[data-testid=wall-freshness]");
        Assert.Equal("fresh", freshness().GetAttribute("data-state"));
        Assert.Equal("status", freshness().GetAttribute("role"));

        Time.Advance(TimeSpan.FromMinutes(9));

        wall.WaitForAssertion(() => Assert.Equal("stale", freshness().GetAttribute("data-state")));
        Assert.Equal("stale data: newest event 11 min old", freshness().TextContent);
        Assert.Contains("vd-wall-freshness-stale", freshness().ClassName);
        Assert.Equal("alert", freshness().GetAttribute("role"));

        Time.Advance(TimeSpan.FromMinutes(20));

        wall.WaitForAssertion(() => Assert.Equal("too-old", freshness().GetAttribute("data-state")));
        Assert.Equal("STALE DATA: newest event 31 min old", freshness().TextContent);
        Assert.Contains("vd-wall-freshness-too-old", freshness().ClassName);
        Assert.Equal("updated 29 min ago", wall.Find("[data-testid=wall-updated]").TextContent);
    }

    [Fact]
    public void No_data_and_a_failing_aggregator_are_red()
    {
        var wall = Render<VibeDashboard.Components.Pages.Wall>();
        Assert.Equal("no data at all", wall.Find("[data-testid=wall-freshness]").TextContent);
        Assert.Equal("too-old", wall.Find("[data-testid=wall-freshness]").GetAttribute("data-state"));

        var frozen = Feed.Current with { Version = 4, Failure = new AggregationFailure("disk I/O error", Now.AddMinutes(-3)) };
        _ = Feed.PublishAsync(frozen);
        Time.Advance(LivePageBase.TextInterval);

        wall.WaitForAssertion(() => Assert.Equal("numbers frozen: aggregation failing for 3 min", wall.Find("[data-testid=wall-freshness]").TextContent));
    }

    [Fact]
    public async Task The_quiet_key_moves_with_incidents_but_not_with_slo_numbers()
    {
        await _incidents.SetAsync(Incident(1, IncidentClass.ProviderOutage, Now.AddMinutes(-5)));
        var wall = Render<VibeDashboard.Components.Pages.Wall>();
        var version = () => wall.Find("[data-testid=wall]").GetAttribute("data-wall-version");
        var before = version();

        await Feed.PublishAsync(Feed.Current with { Version = 9, GeneratedAt = Now });
        Time.Advance(LivePageBase.TextInterval);
        wall.WaitForAssertion(() => Assert.Equal("updated 0 s ago", wall.Find("[data-testid=wall-updated]").TextContent));
        Assert.Equal(before, version());

        await _incidents.SetAsync(Incident(1, IncidentClass.ProviderOutage, Now.AddMinutes(-5)) with { Version = 2 });
        Time.Advance(LivePageBase.TextInterval);
        wall.WaitForAssertion(() => Assert.NotEqual(before, version()));
    }

    private static string Text(AngleSharp.Dom.IElement scope, string testId) => scope.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
}
