using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using DetailPage = VibeDashboard.Components.Pages.IncidentDetail;

namespace VibeDashboard.Tests.Components.Incidents;

public sealed class IncidentDetailPageTests : IncidentPageTest
{
    private static readonly IReadOnlyList<ChecklistItem> Checklist =
    [
        new(0, "Fail over to validated backup route and reduce optional workload", false, null, null),
        new(1, "Confirm the backup route's error ratio and latency are inside SLO", false, null, null),
    ];

    private IRenderedComponent<DetailPage> RenderPage(long number)
    {
        var page = Render<DetailPage>(p => p.Add(x => x.Number, number));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=incident-head], [data-testid=incident-missing]")));
        return page;
    }

    private IncidentDetail PutTriage(long number = 7, long version = 3) =>
        Board.Put(Incident(number, status: IncidentStatus.Triage, version: version) with { Signal = ActiveSignal(Now - TimeSpan.FromMinutes(12)) },
            d => d with { Checklist = Checklist });

    private static IReadOnlyList<string> ActionButtons(IRenderedComponent<DetailPage> page) =>
        page.FindAll("[data-testid=actions] .vd-action-buttons [data-testid^=action-]").Select(b => b.GetAttribute("data-testid")!["action-".Length..]).ToList();

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<DetailPage> page, string id) =>
        page.Find($"input[data-testid={id}], [data-testid={id}] input, textarea[data-testid={id}], [data-testid={id}] textarea");

    [Fact]
    public void The_header_shows_class_severity_status_owner_age_eta_and_an_overdue_update_in_red()
    {
        Board.Put(Incident(7, title: "anthropic failing", status: IncidentStatus.Investigating, severity: Severity.Sev1, age: TimeSpan.FromHours(2)) with
        {
            Owner = "olivia@example.com",
            Eta = Now + TimeSpan.FromMinutes(30),
            NextUpdateAt = Now - TimeSpan.FromMinutes(4),
        });

        var page = RenderPage(7);

        Assert.Equal("#7", page.Find("[data-testid=incident-number]").TextContent);
        Assert.Equal("anthropic failing", page.Find("[data-testid=incident-title]").TextContent);
        Assert.Equal("Provider outage", page.Find("[data-testid=incident-class]").TextContent);
        Assert.Equal("SEV1", page.Find("[data-testid=severity]").TextContent);
        Assert.Equal("investigating", page.Find("[data-testid=incident-status]").TextContent);
        Assert.Equal("olivia@example.com", page.Find("[data-testid=incident-owner]").TextContent);
        Assert.Equal("2 h", page.Find("[data-testid=incident-age]").TextContent);
        Assert.Equal("in 30 min (12:30 UTC)", page.Find("[data-testid=incident-eta]").TextContent);
        var next = page.Find("[data-testid=incident-next-update]");
        Assert.Equal("overdue 4 min", next.TextContent);
        Assert.Contains("vd-overdue-text", next.ClassName);
    }

    [Fact]
    public void The_signal_and_its_evidence_stand_beside_the_first_action()
    {
        PutTriage();

        var page = RenderPage(7);

        Assert.Equal("Fail over to validated backup route and reduce optional workload", page.Find("[data-testid=first-action] span:last-child").TextContent);
        Assert.Equal("signal active since 11:48 UTC", page.Find("[data-testid=signal-state]").TextContent);
        Assert.Equal("anthropic: 83 of 100 llm_call errors in 5 min", page.Find("[data-testid=evidence-summary]").TextContent);
        Assert.Equal(["error_ratio 0.83 ≥ 0.25", "calls 100 ≥ 20"], page.FindAll("[data-testid=evidence-values] li").Select(l => l.TextContent));
        Assert.Contains("upstream_503, timeout", page.Find("[data-testid=evidence-codes]").TextContent);
        Assert.Contains("free, pro", page.Find("[data-testid=evidence-tiers]").TextContent);
    }

    [Fact]
    public void A_viewer_sees_everything_read_only()
    {
        SignIn(DashboardRole.Viewer, "wall");
        PutTriage();

        var page = RenderPage(7);

        Assert.Empty(page.FindAll("[data-testid=actions], [data-testid=update-form], [data-testid=follow-up-form], [data-testid=pm-save]"));
        Assert.Equal(2, page.FindAll("[data-testid=checklist-item]").Count);
        Assert.Empty(page.FindAll("[data-testid=checklist] input"));
        Assert.Equal(["not done", "not done"], page.FindAll("[data-testid=checklist-mark]").Select(m => m.GetAttribute("aria-label")));
        Assert.Contains("None written yet.", page.Find("[data-testid=postmortem]").TextContent);
    }

    [Fact]
    public void Actions_follow_the_incidents_state()
    {
        PutTriage(7);
        Board.Put(Incident(8, status: IncidentStatus.Resolved) with { AcknowledgedAt = Now, Owner = "olivia" });
        Board.Put(Incident(9, status: IncidentStatus.Closed), d => d with { Checklist = Checklist });

        Assert.Equal(["acknowledge", "assign", "severity", "resolve", "decline", "duplicate"], ActionButtons(RenderPage(7)));
        Assert.Equal(["assign", "severity", "reopen", "close", "decline", "duplicate"], ActionButtons(RenderPage(8)));
        var closed = RenderPage(9);
        Assert.Empty(closed.FindAll("[data-testid=actions], [data-testid=update-form]"));
        Assert.Empty(closed.FindAll("[data-testid=checklist] input"));
        Assert.Equal(2, closed.FindAll("[data-testid=checklist-mark]").Count);
    }

    [Fact]
    public async Task Acknowledge_names_the_signed_in_user_and_sends_the_version_shown()
    {
        PutTriage(version: 3);
        var page = RenderPage(7);

        await page.Find("[data-testid=action-acknowledge]").ClickAsync(new());
        Assert.Equal("olivia@example.com", Input(page, "ack-owner").GetAttribute("value"));
        await page.Find("[data-testid=ack-submit]").ClickAsync(new());

        var (command, actor) = Pipeline.Sent.Single();
        var sent = Assert.IsType<IncidentActionCommand>(command);
        Assert.Equal(7, sent.Number);
        Assert.Equal(3, sent.ExpectedVersion);
        Assert.Equal(new IncidentAction.Acknowledge("olivia@example.com", Now + IncidentLifecycle.DefaultUpdateInterval), sent.Step);
        Assert.Equal(DashboardRole.Operator, actor.Role);
        Assert.Equal("Acknowledged.", page.Find("[data-testid=action-message]").TextContent.Trim());
    }

    [Fact]
    public async Task A_refusal_shows_the_pipelines_reason()
    {
        PutTriage();
        Pipeline.Answer = _ => (CommandOutcome.Invalid, null, "incident 7 is investigating: only a resolved incident can be reopened");
        var page = RenderPage(7);

        await page.Find("[data-testid=action-resolve]").ClickAsync(new());
        await page.Find("[data-testid=resolve-submit]").ClickAsync(new());

        var message = page.Find("[data-testid=action-message]");
        Assert.Equal("incident 7 is investigating: only a resolved incident can be reopened", message.TextContent.Trim());
        Assert.Contains("mud-alert-text-error", message.ClassName);
        // The form stays open for another try.
        Assert.NotEmpty(page.FindAll("[data-testid=form-resolve]"));
    }

    [Fact]
    public async Task A_stale_version_says_someone_else_changed_it_and_reloads()
    {
        PutTriage(version: 3);
        var page = RenderPage(7);
        // Someone acknowledged it meanwhile (no signal reached this page yet).
        Board.Put(Incident(7, status: IncidentStatus.Investigating, version: 4) with { Owner = "ada@example.com", AcknowledgedAt = Now });
        Pipeline.Answer = _ => (CommandOutcome.Conflict, null, "expected version 3 but incident inc-7 is at 4");

        await page.Find("[data-testid=action-acknowledge]").ClickAsync(new());
        await page.Find("[data-testid=ack-submit]").ClickAsync(new());

        Assert.StartsWith("Changed by someone else; reloaded.", page.Find("[data-testid=action-message]").TextContent.Trim());
        Assert.Equal("ada@example.com", page.Find("[data-testid=incident-owner]").TextContent);
        Assert.DoesNotContain("acknowledge", ActionButtons(page));
    }

    [Fact]
    public async Task Checking_an_item_sends_the_checklist_command()
    {
        PutTriage(version: 5);
        var page = RenderPage(7);

        await page.FindAll("[data-testid=checklist-item] input[type=checkbox]")[1].ChangeAsync(new() { Value = true });

        var sent = Assert.IsType<CheckChecklistItemCommand>(Pipeline.Sent.Single().Command);
        Assert.Equal(new CheckChecklistItemCommand(7, 1, true) { ExpectedVersion = 5 }, sent);
    }

    [Fact]
    public async Task A_status_update_carries_message_status_eta_and_next_update()
    {
        Board.Put(Incident(7, status: IncidentStatus.Investigating, version: 2) with { AcknowledgedAt = Now, Owner = "olivia" });
        var page = RenderPage(7);

        Input(page, "update-message").Change("failing over to the backup route");
        await page.FindAll("[data-testid=update-status] .mud-toggle-item").Single(b => b.TextContent.Trim() == "identified").ClickAsync(new());
        Input(page, "update-eta").Change("45");
        Input(page, "update-next").Change("15");
        await page.Find("[data-testid=update-submit]").ClickAsync(new());

        var sent = Assert.IsType<IncidentActionCommand>(Pipeline.Sent.Single().Command);
        Assert.Equal(new IncidentAction.Update("failing over to the backup route", IncidentStatus.Identified, Now.AddMinutes(45), Now.AddMinutes(15)), sent.Step);
        Assert.Equal(2, sent.ExpectedVersion);
    }

    [Fact]
    public async Task Decline_needs_a_reason_and_duplicate_a_number()
    {
        PutTriage();
        var page = RenderPage(7);

        await page.Find("[data-testid=action-decline]").ClickAsync(new());
        Assert.True(page.Find("[data-testid=decline-submit]").HasAttribute("disabled"));
        Input(page, "decline-reason").Change("load test");
        await page.Find("[data-testid=decline-submit]").ClickAsync(new());

        await page.Find("[data-testid=action-duplicate]").ClickAsync(new());
        Input(page, "duplicate-of").Change("3");
        await page.Find("[data-testid=duplicate-submit]").ClickAsync(new());

        Assert.Equal<IncidentAction>([new IncidentAction.Decline("load test"), new IncidentAction.MarkDuplicate(3)],
            Pipeline.SentOf<IncidentActionCommand>().Select(c => c.Step).ToList());
    }

    [Fact]
    public void Markdown_and_html_in_what_people_wrote_is_shown_as_text()
    {
        const string hostile = "<img src=x onerror=alert(1)> **bold** <script>alert(2)</script>";
        Board.Put(Incident(7, title: hostile, status: IncidentStatus.Investigating) with { Owner = "<b>eve</b>" }, d => d with
        {
            Timeline = [new TimelineEntry(Now, TimelineKind.Update, "<i>eve</i>", hostile, null)],
            Updates = [new StatusUpdate(Now, "eve", hostile, IncidentStatus.Investigating, null, null)],
            Checklist = [new ChecklistItem(0, hostile, false, null, null)],
            FollowUps = [new FollowUp(1, 7, hostile, "eve", null, FollowUpKind.RunbookChange, false, Now, null)],
        });
        SignIn(DashboardRole.Viewer, "wall");

        var page = RenderPage(7);

        Assert.Empty(page.FindAll("img, script, b, i, strong"));
        Assert.Equal(hostile, page.Find("[data-testid=incident-title]").TextContent);
        Assert.Equal(hostile, page.Find("[data-testid=timeline-text]").TextContent);
        Assert.Equal(hostile, page.Find("[data-testid=update-text]").TextContent);
        Assert.Equal("<b>eve</b>", page.Find("[data-testid=incident-owner]").TextContent);
        Assert.Contains("&lt;script&gt;", page.Markup);
    }

    [Fact]
    public void The_timeline_is_oldest_first_with_its_kinds_styled()
    {
        Board.Put(Incident(7), d => d with
        {
            Timeline =
            [
                new TimelineEntry(Now - TimeSpan.FromMinutes(12), TimelineKind.Detected, "system", "provider_error_ratio fired", null),
                new TimelineEntry(Now - TimeSpan.FromMinutes(5), TimelineKind.Action, "olivia", "acknowledged", null),
                new TimelineEntry(Now - TimeSpan.FromMinutes(1), TimelineKind.SloAlert, "system", "availability: page", null),
            ],
        });

        var page = RenderPage(7);

        var entries = page.FindAll("[data-testid=timeline-entry]");
        Assert.Equal(["detected", "action", "slo_alert"], entries.Select(e => e.GetAttribute("data-kind")));
        Assert.Contains("vd-kind-detected", entries[0].ClassName);
        Assert.Equal(["provider_error_ratio fired", "acknowledged", "availability: page"], page.FindAll("[data-testid=timeline-text]").Select(t => t.TextContent));
    }

    [Fact]
    public async Task The_postmortem_starts_from_the_timeline_and_saves_with_its_status()
    {
        Board.Put(Incident(7, status: IncidentStatus.Resolved, severity: Severity.Sev1, version: 9), d => d with
        {
            Timeline = [new TimelineEntry(new DateTimeOffset(2026, 3, 2, 11, 48, 0, TimeSpan.Zero), TimelineKind.Detected, "system", "provider_error_ratio fired", null)],
        });
        var page = RenderPage(7);

        Assert.Equal("2026-03-02 11:48 UTC system: provider_error_ratio fired", Input(page, "pm-timeline").GetAttribute("value"));
        Assert.Contains("Required before a SEV1 closes", page.Find("[data-testid=postmortem]").TextContent);
        Input(page, "pm-summary").Change("anthropic 503s for 40 min");
        Input(page, "pm-impact").Change("60 % of generations failed");
        Input(page, "pm-root-cause").Change("upstream outage; no automatic failover");
        await page.FindAll("[data-testid=pm-status] .mud-toggle-item").Single(b => b.TextContent.Trim() == "published").ClickAsync(new());
        await page.Find("[data-testid=pm-save]").ClickAsync(new());

        var sent = Assert.IsType<SavePostmortemCommand>(Pipeline.Sent.Single().Command);
        Assert.Equal(new SavePostmortemCommand(7, "anthropic 503s for 40 min", "60 % of generations failed", "upstream outage; no automatic failover",
            "2026-03-02 11:48 UTC system: provider_error_ratio fired", PostmortemStatus.Published) { ExpectedVersion = 9 }, sent);
    }

    [Fact]
    public async Task Follow_ups_are_added_and_closed()
    {
        Board.Put(Incident(7, status: IncidentStatus.Resolved, version: 4), d => d with
        {
            FollowUps = [new FollowUp(12, 7, "failover drill", "ai-platform", null, FollowUpKind.RunbookChange, false, Now, null)],
        });
        var page = RenderPage(7);

        Input(page, "fu-title").Change("alert on provider 503 ratio");
        Input(page, "fu-owner").Change("ai-platform");
        Input(page, "fu-due").Change("2026-03-16");
        await page.FindAll("[data-testid=fu-kind] .mud-toggle-item").Single(b => b.TextContent.Trim() == "automated mitigation").ClickAsync(new());
        await page.Find("[data-testid=fu-add]").ClickAsync(new());
        await page.Find("[data-testid=follow-up-toggle]").ClickAsync(new());

        Assert.Equal(new AddFollowUpCommand(7, "alert on provider 503 ratio", "ai-platform", new DateOnly(2026, 3, 16), FollowUpKind.AutomatedMitigation) { ExpectedVersion = 4 },
            Pipeline.SentOf<AddFollowUpCommand>().Single());
        Assert.Equal(new CloseFollowUpCommand(7, 12, true) { ExpectedVersion = 4 }, Pipeline.SentOf<CloseFollowUpCommand>().Single());
    }

    [Fact]
    public async Task A_change_elsewhere_shows_without_a_reload()
    {
        PutTriage();
        var page = RenderPage(7);

        Board.Put(Incident(7, status: IncidentStatus.Investigating, version: 4) with { Owner = "ada@example.com", AcknowledgedAt = Now });
        await Board.RaiseAsync();
        Time.Advance(VibeDashboard.Components.LivePageBase.TextInterval);

        page.WaitForAssertion(() => Assert.Equal("ada@example.com", page.Find("[data-testid=incident-owner]").TextContent));
        Assert.Equal("investigating", page.Find("[data-testid=incident-status]").TextContent);
    }

    [Fact]
    public void An_unknown_number_says_so()
    {
        var page = RenderPage(99);

        Assert.Equal("No incident #99", page.Find("[data-testid=incident-missing]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=actions]"));
    }
}
