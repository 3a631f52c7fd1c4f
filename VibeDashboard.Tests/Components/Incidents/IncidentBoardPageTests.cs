using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Components.Pages;
using BoardPage = VibeDashboard.Components.Pages.Incidents;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Tests.Components.Incidents;

public sealed class IncidentBoardPageTests : IncidentPageTest
{
    private IRenderedComponent<BoardPage> RenderAt(string url = "/incidents")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var page = Render<BoardPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=board-column]")));
        return page;
    }

    private static AngleSharp.Dom.IElement Card(IRenderedComponent<BoardPage> page, long number) =>
        page.FindAll("[data-testid=incident-card]").Single(c => c.GetAttribute("data-number") == number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string Text(AngleSharp.Dom.IElement card, string id) => card.QuerySelector($"[data-testid={id}]")?.TextContent.Trim() ?? "";

    [Fact]
    public void One_column_per_class_titled_from_the_runbooks_each_with_its_incidents()
    {
        Board.Put(Incident(1, IncidentClass.ProviderOutage));
        Board.Put(Incident(2, IncidentClass.SandboxInstability));
        Board.Put(Incident(3, IncidentClass.ProviderOutage, age: TimeSpan.FromMinutes(3)));

        var page = RenderAt();

        var columns = page.FindAll("[data-testid=board-column]");
        Assert.Equal(["Provider outage", "Sandbox instability", "Migration regression", "Auth or policy failure", "Unclassified"],
            columns.Select(c => c.QuerySelector("[data-testid=column-title]")!.TextContent.Trim()));
        Assert.Equal(["3", "1"], columns[0].QuerySelectorAll("[data-testid=card-number]").Select(n => n.TextContent.Trim().TrimStart('#')));
        Assert.Equal(["2"], columns[1].QuerySelectorAll("[data-testid=card-number]").Select(n => n.TextContent.Trim().TrimStart('#')));
        Assert.Equal("0", columns[4].QuerySelector("[data-testid=column-count]")!.TextContent.Trim());
        Assert.Contains("Nothing open", columns[4].TextContent);
    }

    [Fact]
    public void A_card_shows_severity_status_owner_age_eta_next_update_and_the_signal()
    {
        Board.Put(Incident(7, title: "anthropic failing", status: IncidentStatus.Investigating, severity: Severity.Sev1, age: TimeSpan.FromMinutes(42)) with
        {
            Owner = "olivia@example.com",
            AcknowledgedAt = Now - TimeSpan.FromMinutes(30),
            Eta = Now + TimeSpan.FromMinutes(40),
            NextUpdateAt = Now + TimeSpan.FromMinutes(5),
            Signal = ActiveSignal(Now - TimeSpan.FromMinutes(42)),
        });
        Board.Put(Incident(8, IncidentClass.MigrationRegression) with
        {
            Signal = ActiveSignal(Now - TimeSpan.FromHours(2)) with { Active = false, ClearedAt = new DateTimeOffset(2026, 3, 2, 11, 40, 0, TimeSpan.Zero) },
        });

        var page = RenderAt();

        var card = Card(page, 7);
        Assert.Equal("#7", Text(card, "card-number"));
        Assert.Equal("anthropic failing", Text(card, "card-title"));
        Assert.Equal("SEV1", Text(card, "severity"));
        Assert.Contains("vd-chip-critical", card.QuerySelector("[data-testid=severity]")!.ClassName);
        Assert.Equal("investigating", Text(card, "card-status"));
        Assert.Equal("olivia@example.com", Text(card, "card-owner"));
        Assert.Equal("42 min", Text(card, "card-age"));
        Assert.Equal("in 40 min (12:40 UTC)", Text(card, "card-eta"));
        Assert.Equal("due in 5 min", Text(card, "card-next-update"));
        Assert.Equal("signal active since 11:18 UTC", Text(card, "card-signal"));
        Assert.Equal("/incidents/7", card.GetAttribute("href"));

        var cleared = Card(page, 8);
        Assert.Equal("unowned", Text(cleared, "card-owner"));
        Assert.Equal("signal cleared at 11:40 UTC", Text(cleared, "card-signal"));
        Assert.Empty(cleared.QuerySelectorAll("[data-testid=card-eta], [data-testid=card-next-update]"));
    }

    [Fact]
    public void A_next_update_turns_red_when_it_falls_due_without_a_reload()
    {
        Board.Put(Incident(7, status: IncidentStatus.Investigating) with { NextUpdateAt = Now + TimeSpan.FromSeconds(50) });
        Board.Put(Incident(9, status: IncidentStatus.Identified) with { NextUpdateAt = Now - TimeSpan.FromMinutes(3) });
        var page = RenderAt();
        var queries = Board.Queries.Count;

        Assert.Equal("overdue 3 min", Text(Card(page, 9), "card-next-update"));
        Assert.Contains("vd-overdue", Card(page, 9).ClassName);
        Assert.Contains("vd-overdue-text", Card(page, 9).QuerySelector("[data-testid=card-next-update]")!.ClassName);
        Assert.DoesNotContain("vd-overdue", Card(page, 7).ClassName);

        // The clock re-words the cards; 60 s later the first is 10 s late.
        Time.Advance(BoardPage.ClockInterval * 4);

        page.WaitForAssertion(() => Assert.Contains("vd-overdue", Card(page, 7).ClassName));
        Assert.Equal("overdue 10 s", Text(Card(page, 7), "card-next-update"));
        Assert.Equal(queries, Board.Queries.Count);
    }

    [Fact]
    public void Filters_come_from_the_url_and_their_links_keep_the_others()
    {
        Board.Put(Incident(1, IncidentClass.ProviderOutage, severity: Severity.Sev1, status: IncidentStatus.Closed));
        Board.Put(Incident(2, IncidentClass.ProviderOutage, severity: Severity.Sev3, status: IncidentStatus.Closed));
        Board.Put(Incident(3, IncidentClass.AuthPolicyFailure, severity: Severity.Sev1, status: IncidentStatus.Closed));

        var page = RenderAt("/incidents?status=closed&severity=SEV1&class=provider_outage&range=7d");

        var query = Board.Queries.Last();
        Assert.Equal(new IncidentQuery(IncidentListStatus.Closed, IncidentClass.ProviderOutage, Severity.Sev1, Now - TimeSpan.FromDays(7)), query);
        Assert.Equal(["provider_outage"], page.FindAll("[data-testid=board-column]").Select(c => c.GetAttribute("data-class")));
        Assert.Equal(["#1"], page.FindAll("[data-testid=card-number]").Select(n => n.TextContent.Trim()));

        string Pressed(string group) => page.Find($"[data-testid={group}] [aria-pressed=true]").TextContent.Trim();
        Assert.Equal("closed", Pressed("filter-status"));
        Assert.Equal("SEV1", Pressed("filter-severity"));
        Assert.Equal("Provider outage", Pressed("filter-class"));
        Assert.Equal("last 7d", Pressed("filter-range"));

        string Href(string group, string text) => page.FindAll($"[data-testid={group}] a").Single(a => a.TextContent.Trim() == text).GetAttribute("href")!;
        Assert.Equal("/incidents?severity=SEV1&class=provider_outage&range=7d", Href("filter-status", "open"));
        Assert.Equal("/incidents?status=closed&class=provider_outage&range=7d", Href("filter-severity", "any"));
        Assert.Equal("/incidents?status=closed&severity=SEV1&range=7d", Href("filter-class", "all"));
        Assert.Equal("/incidents?status=closed&severity=SEV1&class=provider_outage", Href("filter-range", "any time"));
    }

    [Fact]
    public void Following_a_filter_link_reloads_the_board_with_it()
    {
        Board.Put(Incident(1, status: IncidentStatus.Investigating));
        Board.Put(Incident(2, status: IncidentStatus.Closed));
        var page = RenderAt();
        Assert.Equal(["#1"], page.FindAll("[data-testid=card-number]").Select(n => n.TextContent.Trim()));

        Services.GetRequiredService<NavigationManager>().NavigateTo("/incidents?status=all");

        page.WaitForAssertion(() => Assert.Equal(["#1", "#2"], page.FindAll("[data-testid=card-number]").Select(n => n.TextContent.Trim()).Order()));
        Assert.Equal(IncidentListStatus.All, Board.Queries.Last().Status);
    }

    [Fact]
    public void Unknown_filter_words_fall_back_to_the_open_board()
    {
        RenderAt("/incidents?status=burning&severity=SEV9&class=weather&range=1y");

        Assert.Equal(new IncidentQuery(), Board.Queries.Last());
    }

    [Fact]
    public async Task A_new_incident_appears_without_a_reload()
    {
        var page = RenderAt();
        Assert.Empty(page.FindAll("[data-testid=incident-card]"));
        Assert.Equal(1, Board.SubscriberCount);

        Board.Put(Incident(11, IncidentClass.SandboxInstability, title: "crash loop in eu"));
        await Board.RaiseAsync();
        await Board.RaiseAsync();
        var before = Board.Queries.Count;
        Time.Advance(VibeDashboard.Components.LivePageBase.TextInterval);

        page.WaitForAssertion(() => Assert.Equal("crash loop in eu", Text(Card(page, 11), "card-title")));
        // Two signals in one interval were one pull.
        Assert.Equal(before + 1, Board.Queries.Count);
        Assert.Equal("sandbox_instability", page.FindAll("[data-testid=board-column]").Single(c => c.QuerySelector("[data-testid=incident-card]") is not null).GetAttribute("data-class"));
    }

    [Fact]
    public async Task Leaving_the_board_ends_its_subscription()
    {
        RenderAt();
        Assert.Equal(1, Board.SubscriberCount);

        await DisposeComponentsAsync();

        Assert.Equal(0, Board.SubscriberCount);
    }

    [Fact]
    public void A_viewer_sees_no_declare_button()
    {
        SignIn(DashboardRole.Viewer, "wall");

        var page = RenderAt();

        Assert.Empty(page.FindAll("[data-testid=declare-open]"));
    }

    [Fact]
    public async Task An_operator_declares_an_incident_and_lands_on_its_page()
    {
        Pipeline.Answer = c => (CommandOutcome.Ok, Incident(21, IncidentClass.AuthPolicyFailure, title: "token leak"), null);
        var page = RenderAt();

        await page.Find("[data-testid=declare-open]").ClickAsync(new());
        await page.FindAll("[data-testid=declare-class] .mud-toggle-item").Single(b => b.TextContent.Trim() == "Auth or policy failure").ClickAsync(new());
        page.Find("input[data-testid=declare-title], [data-testid=declare-title] input").Change("token leak");
        await page.FindAll("[data-testid=declare-severity] .mud-toggle-item").Single(b => b.TextContent.Trim() == "SEV2").ClickAsync(new());
        await page.Find("[data-testid=declare-submit]").ClickAsync(new());

        var (command, actor) = Pipeline.Sent.Single();
        Assert.Equal(new DeclareIncidentCommand(IncidentClass.AuthPolicyFailure, "token leak", Severity.Sev2), command);
        Assert.Equal("olivia@example.com", actor.Name);
        Assert.EndsWith("/incidents/21", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task A_refused_declaration_shows_the_reason()
    {
        Pipeline.Answer = _ => (CommandOutcome.Invalid, null, "title: at most 200 characters");
        var page = RenderAt();

        await page.Find("[data-testid=declare-open]").ClickAsync(new());
        page.Find("input[data-testid=declare-title], [data-testid=declare-title] input").Change("x");
        await page.Find("[data-testid=declare-submit]").ClickAsync(new());

        Assert.Equal("Not declared: title: at most 200 characters", page.Find("[data-testid=declare-error]").TextContent.Trim());
        Assert.EndsWith("/incidents", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task Open_follow_ups_are_listed_when_expanded()
    {
        Board.AddFollowUp(new FollowUp(1, 4, "contract test for migration 0042", "data-oncall", new DateOnly(2026, 3, 9), FollowUpKind.AutomatedTest, false, Now, null));
        Board.AddFollowUp(new FollowUp(2, 4, "done already", "data-oncall", null, FollowUpKind.RunbookChange, true, Now, Now));
        var page = RenderAt();
        Assert.Empty(page.FindAll("[data-testid=follow-up]"));
        Assert.Contains("(1)", page.Find("[data-testid=follow-ups-toggle]").TextContent);

        await page.Find("[data-testid=follow-ups-toggle]").ClickAsync(new());

        var item = page.Find("[data-testid=follow-up]");
        Assert.Contains("contract test for migration 0042", item.TextContent);
        Assert.Contains("automated test · data-oncall · due 2026-03-09", item.TextContent);
        Assert.Equal("/incidents/4", item.QuerySelector("a")!.GetAttribute("href"));
    }
}
