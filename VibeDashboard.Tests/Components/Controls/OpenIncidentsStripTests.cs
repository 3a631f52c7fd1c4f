using Bunit;
using VibeDashboard.Components;
using VibeDashboard.Components.Controls;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Components.IncidentBoardFake;
using static VibeDashboard.Tests.Infrastructure.Snapshots;

namespace VibeDashboard.Tests.Components.Controls;

public sealed class OpenIncidentsStripTests : DashboardComponentTest
{
    private readonly IncidentBoardFake _board;

    public OpenIncidentsStripTests() => _board = AddTo(Services);

    [Fact]
    public async Task Shows_each_open_incident_with_severity_class_status_owner_age_and_next_update_linking_to_its_page()
    {
        await _board.SetAsync(
            Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-25), IncidentStatus.Investigating, Severity.Sev1, "OpenAI errors at 40 %", "alice", nextUpdateAt: At.AddMinutes(10)),
            Incident(3, IncidentClass.SandboxInstability, At.AddDays(-3), IncidentStatus.Closed, resolvedAt: At.AddDays(-2)));

        var strip = Render<OpenIncidentsStrip>();

        var row = strip.Find("[data-testid=open-incident-7]");
        Assert.Equal("/incidents/7", row.GetAttribute("href"));
        Assert.Equal("SEV1", row.QuerySelector("[data-testid=incident-severity]")!.TextContent);
        Assert.Equal("Provider outage", row.QuerySelector("[data-testid=incident-class]")!.TextContent);
        Assert.Equal("#7 OpenAI errors at 40 %", row.QuerySelector("[data-testid=incident-title]")!.TextContent);
        Assert.Equal("investigating", row.QuerySelector("[data-testid=incident-status]")!.TextContent);
        Assert.Equal("alice", row.QuerySelector("[data-testid=incident-owner]")!.TextContent);
        Assert.Equal("25 min old", row.QuerySelector("[data-testid=incident-age]")!.TextContent);
        var next = row.QuerySelector("[data-testid=incident-next-update]")!;
        Assert.Equal("next update in 10 min", next.TextContent);
        Assert.DoesNotContain("vd-text-critical", next.ClassName ?? "");
        Assert.Equal("false", row.GetAttribute("data-overdue"));
        // Closed incidents are history, not the strip's business.
        Assert.Empty(strip.FindAll("[data-testid=open-incident-3]"));
        Assert.Empty(strip.FindAll("[data-testid=incidents-none]"));
    }

    [Fact]
    public async Task An_overdue_next_update_is_red_and_one_falls_overdue_as_time_passes_with_no_event()
    {
        await _board.SetAsync(
            Incident(1, IncidentClass.AuthPolicyFailure, At.AddHours(-2), nextUpdateAt: At.AddMinutes(-5), owner: null),
            Incident(2, IncidentClass.MigrationRegression, At.AddMinutes(-30), nextUpdateAt: At.AddMinutes(1)));

        var strip = Render<OpenIncidentsStrip>();

        var overdue = strip.Find("[data-testid=open-incident-1] [data-testid=incident-next-update]");
        Assert.Equal("update overdue by 5 min", overdue.TextContent);
        Assert.Contains("vd-text-critical", overdue.ClassName);
        Assert.Equal("no owner", strip.Find("[data-testid=open-incident-1] [data-testid=incident-owner]").TextContent);
        Assert.Equal("false", strip.Find("[data-testid=open-incident-2]").GetAttribute("data-overdue"));

        Time.Advance(OpenIncidentsStrip.ClockInterval * 4);

        strip.WaitForAssertion(() => Assert.Equal("true", strip.Find("[data-testid=open-incident-2]").GetAttribute("data-overdue")));
        Assert.Equal("update overdue by 1 min", strip.Find("[data-testid=open-incident-2] [data-testid=incident-next-update]").TextContent);
        Assert.Equal("32 min old", strip.Find("[data-testid=open-incident-2] [data-testid=incident-age]").TextContent);
    }

    [Fact]
    public async Task A_resolved_incident_awaiting_close_is_listed_after_active_ones_and_owes_no_update()
    {
        await _board.SetAsync(
            Incident(4, IncidentClass.ProviderOutage, At.AddHours(-3), IncidentStatus.Resolved, Severity.Sev1, nextUpdateAt: At.AddHours(-1), resolvedAt: At.AddHours(-1)),
            Incident(5, IncidentClass.SandboxInstability, At.AddMinutes(-10), IncidentStatus.Triage, Severity.Sev3),
            Incident(6, IncidentClass.Unclassified, At.AddMinutes(-5), IncidentStatus.Triage, Severity.Sev2));

        var strip = Render<OpenIncidentsStrip>();

        Assert.Equal(["open-incident-6", "open-incident-5", "open-incident-4"], strip.FindAll("[data-testid^=open-incident-]").Select(e => e.GetAttribute("data-testid")));
        Assert.Equal("no update due", strip.Find("[data-testid=open-incident-4] [data-testid=incident-next-update]").TextContent);
        Assert.Equal("false", strip.Find("[data-testid=open-incident-4]").GetAttribute("data-overdue"));
    }

    [Fact]
    public async Task With_no_open_incident_it_says_so_quietly_and_a_new_one_appears_without_reload()
    {
        await _board.SetAsync(Incident(3, IncidentClass.SandboxInstability, At.AddDays(-3), IncidentStatus.Closed));
        var strip = Render<OpenIncidentsStrip>();
        Assert.Equal("No open incidents.", strip.Find("[data-testid=incidents-none]").TextContent);
        Assert.Empty(strip.FindAll("[data-testid=open-incidents]"));

        await _board.SetAsync(Incident(9, IncidentClass.ProviderOutage, At, title: "Anthropic 503s"));
        Time.Advance(LivePageBase.TextInterval);

        strip.WaitForAssertion(() => Assert.Equal("#9 Anthropic 503s", strip.Find("[data-testid=open-incident-9] [data-testid=incident-title]").TextContent));
        Assert.Empty(strip.FindAll("[data-testid=incidents-none]"));
        Assert.All(_board.Queries, q => Assert.Equal(IncidentListStatus.Open, q.Status));
    }

    [Fact]
    public async Task Releases_its_subscription_and_clock_on_dispose()
    {
        Render<OpenIncidentsStrip>();
        Assert.Equal(1, _board.SubscriberCount);

        await DisposeComponentsAsync();

        Assert.Equal(0, _board.SubscriberCount);
        var reads = _board.Queries.Count;
        await _board.SetAsync(Incident(1, IncidentClass.ProviderOutage, At));
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(reads, _board.Queries.Count);
    }
}
