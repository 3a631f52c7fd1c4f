using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Components.Layout;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Review;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Tests.Operations.Review;
using ReviewPage = VibeDashboard.Components.Pages.Review;

namespace VibeDashboard.Tests.Components.Review;

/// <summary>
/// <c>/review</c>: every section drawn from a real review (October of the generated store the builder's truth tests
/// use), the month picker, the exports, projector mode, months without data, and the page's care with text and threads.
/// </summary>
public sealed class ReviewPageTests : DashboardComponentTest, IClassFixture<GeneratedReviewStore>
{
    private static readonly ReviewMonth October = new(2026, 10);
    private static readonly ReviewMonth November = new(2026, 11);

    private readonly GeneratedReviewStore _fixture;

    public ReviewPageTests(GeneratedReviewStore fixture)
    {
        _fixture = fixture;
        Services.AddSingleton<IMonthlyReviews>(Reviews);
        Reviews.Put(fixture.October);
    }

    private FakeMonthlyReviews Reviews { get; } = new();

    private IRenderedComponent<ReviewPage> RenderPage(string? month = "2026-10", string? print = null)
    {
        if (print is not null)
        {
            var navigation = Services.GetRequiredService<NavigationManager>();
            navigation.NavigateTo(navigation.GetUriWithQueryParameter("print", print));
        }

        var page = Render<ReviewPage>(p =>
        {
            if (month is not null)
            {
                p.Add(x => x.Month, month);
            }
        });
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=review-computing]")));
        return page;
    }

    private static string Text(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();

    private static int Rows(IRenderedComponent<ReviewPage> page, string testId) => page.FindAll($"[data-testid={testId}]").Count;

    [Fact]
    public void Every_section_of_the_review_is_rendered_as_tables()
    {
        var review = _fixture.October;
        var page = RenderPage();

        Assert.Equal("Monthly review · October 2026", page.Find("h1").TextContent);
        Assert.Equal("complete", page.Find("[data-testid=review-coverage-state]").TextContent);
        string[] sections = ["section-incidents", "section-slos", "section-spend", "section-routing", "section-rollouts", "section-follow-ups", "section-retire"];
        Assert.Equal(sections, page.FindAll("section").Select(s => s.GetAttribute("data-testid")!));

        Assert.Equal(review.Incidents!.Classes.Count, Rows(page, "incident-class"));
        Assert.Equal(review.Incidents.Recurring.Count, Rows(page, "recurring-failure"));
        Assert.Equal(review.Slos!.Count, Rows(page, "slo"));
        Assert.Equal(review.Spend!.Weeks.Count, Rows(page, "spend-week"));
        Assert.Equal(review.Spend.Providers.Count, Rows(page, "spend-provider"));
        Assert.Equal(review.Routing!.Count, Rows(page, "route"));
        Assert.Equal(review.Rollouts!.Rollbacks.Count, Rows(page, "rollback"));
        Assert.Equal(review.Rollouts.PauseEntries.Count, Rows(page, "pause"));
        Assert.Equal(review.FollowUps!.Items.Count, Rows(page, "follow-up"));
        Assert.Equal(review.Retire!.Candidates.Count, Rows(page, "retire-candidate"));
        Assert.All([review.Incidents.Classes.Count, review.Incidents.Recurring.Count, review.Spend.Weeks.Count, review.Routing.Count,
            review.Rollouts.Rollbacks.Count, review.FollowUps.Items.Count, review.Retire.Candidates.Count], n => Assert.True(n > 0));

        // Incidents: the top class with its severity mix and its change against September.
        var top = review.Incidents.Classes[0];
        var first = page.FindAll("[data-testid=incident-class]")[0];
        Assert.Equal(top.Class.Name(), first.GetAttribute("data-class"));
        Assert.Equal(VibeDashboard.Model.ReviewFormat.Change(top.CountChange), first.QuerySelector("[data-testid=class-change]")!.TextContent);

        // A recurring failure not yet mitigated is flagged for automation, with its follow-ups' states.
        var candidate = review.Incidents.Recurring.First(r => r.MitigationCandidate);
        var row = page.FindAll("[data-testid=recurring-failure]").First(r => r.QuerySelector("[data-testid=recurring-key]")!.TextContent == candidate.Key);
        Assert.StartsWith("convert into an automated mitigation", row.QuerySelector("[data-testid=recurring-verdict]")!.TextContent);
        Assert.Equal(candidate.FollowUps.Count, row.QuerySelectorAll("[data-testid=recurring-follow-up]").Length);

        // Rollbacks name the gate and the reason.
        var rollback = review.Rollouts.Rollbacks[0];
        var rollbackRow = page.FindAll("[data-testid=rollback]")[0];
        Assert.Equal(rollback.Gate ?? "—", rollbackRow.QuerySelector("[data-testid=rollback-gate]")!.TextContent);
        Assert.Equal(rollback.Reason, rollbackRow.QuerySelector("[data-testid=rollback-reason]")!.TextContent);

        // Follow-ups: the counts, and each item's state at the month's end.
        Assert.Contains($"overdue: {review.FollowUps.OverdueAtEnd}", Text(page.Find("[data-testid=follow-ups-summary]").TextContent));
        Assert.Equal(review.FollowUps.Items.Select(f => f.State.ToString().ToLowerInvariant()), page.FindAll("[data-testid=follow-up]").Select(r => r.GetAttribute("data-state")!));
    }

    [Fact]
    public void Without_a_month_the_page_opens_on_the_last_complete_one()
    {
        var page = RenderPage(month: null);

        Assert.Equal([October], Reviews.Asked);
        Assert.Equal("Monthly review · October 2026", page.Find("h1").TextContent);
        Assert.Empty(page.FindAll("[data-testid=month-default]"));
    }

    [Fact]
    public void The_picker_links_the_months_around_and_labels_the_current_one_partial()
    {
        var page = RenderPage();

        Assert.Equal("/review/2026-09", page.Find("[data-testid=month-previous]").GetAttribute("href"));
        var next = page.Find("[data-testid=month-next]");
        Assert.Equal("/review/2026-11", next.GetAttribute("href"));
        Assert.Contains("partial", next.TextContent);
        // The next month is the month to date: one link for it, not two.
        Assert.Empty(page.FindAll("[data-testid=month-current]"));
        Assert.Empty(page.FindAll("[data-testid=month-default]"));
        Assert.Equal("2026-10", page.Find("[data-testid=month-shown]").TextContent);
    }

    [Fact]
    public void An_older_month_links_the_last_complete_month_and_the_month_to_date()
    {
        Reviews.DefaultMonth = new ReviewMonth(2026, 12);
        Reviews.CurrentMonth = new ReviewMonth(2027, 1);

        var page = RenderPage();

        var next = page.Find("[data-testid=month-next]");
        Assert.Equal("/review/2026-11", next.GetAttribute("href"));
        Assert.DoesNotContain("partial", next.TextContent);
        Assert.Equal("/review/2026-12", page.Find("[data-testid=month-default]").GetAttribute("href"));
        var current = page.Find("[data-testid=month-current]");
        Assert.Equal("/review/2027-01", current.GetAttribute("href"));
        Assert.Equal("This month to date (2027-01, partial)", current.TextContent);
    }

    [Fact]
    public void The_month_in_progress_has_no_next_link_and_says_it_is_partial()
    {
        Reviews.Put(_fixture.October with
        {
            Month = November,
            From = November.Start,
            To = Reviews.Now,
            Coverage = new ReviewCoverage(CoverageState.Partial, "2026-11 is in progress: numbers to 2026-11-10 12:00 UTC", ReviewStore.DataStart, false),
        });

        var page = RenderPage("2026-11");

        Assert.Empty(page.FindAll("[data-testid=month-next]"));
        Assert.Empty(page.FindAll("[data-testid=month-current]"));
        Assert.Equal("2026-11 (to date)", page.Find("[data-testid=month-shown]").TextContent);
        Assert.Equal("/review/2026-10", page.Find("[data-testid=month-default]").GetAttribute("href"));
        Assert.Equal("2026-11 is in progress: numbers to 2026-11-10 12:00 UTC.", page.Find("[data-testid=review-partial]").TextContent);
        Assert.Equal("partial: to date", page.Find("[data-testid=review-coverage-state]").TextContent);
    }

    [Fact]
    public void A_month_before_the_data_says_so_instead_of_showing_zeros()
    {
        var july = new ReviewMonth(2026, 7);
        Reviews.Put(Reviews.Empty(july, CoverageState.BeforeData, "the data starts on 2026-09-03 08:00 UTC: 2026-07 ended before it"));

        var page = RenderPage("2026-07");

        var notice = page.Find("[data-testid=review-no-data]");
        Assert.Equal("before_data", notice.GetAttribute("data-state"));
        Assert.Equal("No review for 2026-07: the data starts on 2026-09-03 08:00 UTC: 2026-07 ended before it.", notice.TextContent);
        Assert.Empty(page.FindAll("section"));
        Assert.Empty(page.FindAll("table"));
        // The picker and the exports stay: the next month may have data, and the exports say the same in their form.
        Assert.Equal("/review/2026-08", page.Find("[data-testid=month-next]").GetAttribute("href"));
        Assert.Equal("/api/review/2026-07", page.Find("[data-testid=export-json]").GetAttribute("href"));
    }

    [Fact]
    public void Export_links_are_the_json_the_markdown_and_every_section_as_csv()
    {
        var page = RenderPage();

        Assert.Equal("/api/review/2026-10", page.Find("[data-testid=export-json]").GetAttribute("href"));
        Assert.Equal("/api/review/2026-10.md", page.Find("[data-testid=export-markdown]").GetAttribute("href"));
        var csv = page.FindAll("[data-testid=export-csv]");
        Assert.Equal(ReviewSections.All.Select(s => $"/api/review/2026-10/{s.Name()}.csv"), csv.Select(a => a.GetAttribute("href")!));
        Assert.Equal(ReviewSections.All.Select(s => $"review-2026-10-{s.Name()}.csv"), csv.Select(a => a.GetAttribute("download")!));
    }

    [Fact]
    public void Projector_mode_is_the_light_print_look_and_the_toggle_leaves_it()
    {
        var screen = RenderPage();
        var toggle = screen.Find("[data-testid=projector-toggle]");
        Assert.Equal("/review/2026-10?print=1", toggle.GetAttribute("href"));
        Assert.Equal("Projector", toggle.TextContent);
        Assert.DoesNotContain("vd-review-projector", screen.Find("[data-testid=review-page]").ClassName);

        var projector = RenderPage(print: "1");
        var root = projector.Find("[data-testid=review-page]");
        Assert.Contains("vd-review-projector", root.ClassName);
        Assert.Equal("light", root.GetAttribute("data-theme"));
        Assert.Equal("/review/2026-10", projector.Find("[data-testid=projector-toggle]").GetAttribute("href"));
        // Months picked in projector mode stay in it.
        Assert.Equal("/review/2026-09?print=1", projector.Find("[data-testid=month-previous]").GetAttribute("href"));
    }

    [Fact]
    public void Text_from_the_data_and_from_people_is_rendered_as_text()
    {
        const string title = "<b>bold</b><script>alert(1)</script>";
        const string key = "<img src=x onerror=alert(1)>";
        var october = _fixture.October;
        var recurring = october.Incidents!.Recurring[0];
        Reviews.Put(october with
        {
            Incidents = october.Incidents with { Recurring = [recurring with { Key = key }, .. october.Incidents.Recurring.Skip(1)] },
            FollowUps = october.FollowUps! with { Items = [october.FollowUps.Items[0] with { Title = title }, .. october.FollowUps.Items.Skip(1)] },
            Rollouts = october.Rollouts! with { Rollbacks = [october.Rollouts.Rollbacks[0] with { Reason = "<i>gate</i> failed" }, .. october.Rollouts.Rollbacks.Skip(1)] },
        });

        var page = RenderPage();

        Assert.Equal(title, page.FindAll("[data-testid=follow-up-title]")[0].TextContent);
        Assert.Equal(key, page.FindAll("[data-testid=recurring-key]")[0].TextContent);
        Assert.Equal("<i>gate</i> failed", page.FindAll("[data-testid=rollback-reason]")[0].TextContent);
        Assert.Empty(page.FindAll("[data-testid=review-page] script, [data-testid=review-page] b, [data-testid=review-page] img, [data-testid=review-page] i"));
    }

    [Fact]
    public void The_review_is_computed_off_the_render_thread_while_the_page_says_so()
    {
        Reviews.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var page = Render<ReviewPage>(p => p.Add(x => x.Month, "2026-10"));

        page.WaitForAssertion(() => Assert.Contains("Computing the review of 2026-10", page.Find("[data-testid=review-computing]").TextContent));
        Assert.Empty(page.FindAll("section"));
        Reviews.Hold.SetResult();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=section-incidents]")));
        Assert.All(Reviews.Contexts, context => Assert.Null(context));
    }

    [Fact]
    public void A_bad_month_says_what_is_wrong_and_computes_nothing()
    {
        var page = RenderPage("2026-13");

        Assert.Contains("'2026-13' is not a month", page.Find("[data-testid=month-error]").TextContent);
        Assert.Equal("/review/2026-10", page.Find("[data-testid=month-error] a").GetAttribute("href"));
        Assert.Empty(Reviews.Asked);
        Assert.Equal("Monthly review", page.Find("h1").TextContent);
    }

    [Fact]
    public void Another_month_replaces_the_one_shown()
    {
        var page = RenderPage();
        page.Render(p => p.Add(x => x.Month, "2026-09"));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=review-no-data]")));
        Assert.Equal([October, new ReviewMonth(2026, 9)], Reviews.Asked);
        Assert.Equal("2026-09", page.Find("[data-testid=month-shown]").TextContent);
    }

    [Fact]
    public void The_menu_links_the_review_and_the_wall_for_a_viewer()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/review/2026-10");

        var menu = Render<NavMenu>(p => p.Add(x => x.Role, DashboardRole.Viewer));

        var review = menu.Find("[data-testid=nav-review]");
        Assert.Equal("/review", review.GetAttribute("href"));
        Assert.Contains("active", review.ClassName);
        Assert.Equal("Review", review.TextContent);
        var wall = menu.Find("[data-testid=nav-wall]");
        Assert.Equal("/wall", wall.GetAttribute("href"));
        Assert.DoesNotContain("active", wall.ClassName);
    }
}
