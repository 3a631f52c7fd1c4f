using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Rollouts;
using ListPage = VibeDashboard.Components.Pages.Rollouts;

namespace VibeDashboard.Tests.Components.Rollouts;

public sealed class RolloutsPageTests : RolloutPageTest
{
    private IRenderedComponent<ListPage> RenderPage()
    {
        var page = Render<ListPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=rollouts], [data-testid=rollouts-empty]")));
        return page;
    }

    private static IReadOnlyList<string> Ids(IRenderedComponent<ListPage> page) =>
        page.FindAll("[data-testid=rollout-row]").Select(r => r.GetAttribute("data-id")!).ToList();

    [Fact]
    public void The_list_shows_rollouts_newest_first_with_state_current_wave_release_and_a_link()
    {
        Board.Put(Rollout("ro-1", age: TimeSpan.FromDays(2)));
        Board.Put(Rollout("ro-2", s => Running(s, wave: 1, stableFor: TimeSpan.FromMinutes(100)), age: TimeSpan.FromHours(5)));

        var page = RenderPage();

        Assert.Equal(["ro-2", "ro-1"], Ids(page));
        var running = page.FindAll("[data-testid=rollout-row]")[0];
        Assert.Equal("running", running.QuerySelector("[data-testid=rollout-state]")!.TextContent);
        Assert.Equal("wave 2 of 3 (pro)", running.QuerySelector("[data-testid=rollout-wave]")!.TextContent);
        Assert.Equal("2026.12.1", running.QuerySelector("[data-testid=rollout-release]")!.TextContent);
        Assert.Equal("promotable in 20 min", running.QuerySelector("[data-testid=rollout-countdown]")!.TextContent);
        Assert.Equal("/rollouts/ro-2", running.QuerySelector("[data-testid=rollout-link]")!.GetAttribute("href"));
        var draft = page.FindAll("[data-testid=rollout-row]")[1];
        Assert.Equal("draft", draft.QuerySelector("[data-testid=rollout-state]")!.TextContent);
        Assert.Equal("not started", draft.QuerySelector("[data-testid=rollout-wave]")!.TextContent);
    }

    [Fact]
    public void The_lists_countdowns_follow_the_clock()
    {
        Board.Put(Rollout("ro-1", s => Running(s, stableFor: TimeSpan.FromMinutes(25))));
        var page = RenderPage();
        Assert.Equal("promotable in 5 min", page.Find("[data-testid=rollout-countdown]").TextContent);

        Time.Advance(TimeSpan.FromMinutes(4) + ListPage.ClockInterval);

        page.WaitForAssertion(() => Assert.Equal("promotable in 55 s", page.Find("[data-testid=rollout-countdown]").TextContent));
    }

    [Fact]
    public void Names_from_config_or_people_are_text_not_markup()
    {
        Board.Put(Rollout("ro-1", definition: Definition with { Name = "<b>bold</b>" }));

        var page = RenderPage();

        Assert.Equal("<b>bold</b>", page.Find("[data-testid=rollout-link]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=rollout-link] b"));
    }

    [Fact]
    public void A_viewer_sees_no_create_button()
    {
        SignIn(DashboardRole.Viewer, "wall");

        var page = RenderPage();

        Assert.Empty(page.FindAll("[data-testid=create-open]"));
    }

    [Fact]
    public async Task An_operator_creates_a_draft_from_a_template_and_lands_on_its_page()
    {
        var created = Rollout("ro-9");
        Pipeline.Answer = _ => (CommandOutcome.Ok, created, null);
        var page = RenderPage();

        await page.Find("[data-testid=create-open]").ClickAsync(new());
        Assert.Equal("internal → pro", page.Find("[data-testid=template-waves]").TextContent);
        await page.Find("[data-testid=create-submit]").ClickAsync(new());

        var (command, actor) = Pipeline.Sent.Single();
        var create = Assert.IsType<CreateRolloutCommand>(command);
        Assert.Equal("canary", create.Template);
        Assert.Equal("2026.12.2", create.Definition.Release);
        Assert.Equal(2, create.Definition.Waves.Count);
        Assert.Equal("olivia@example.com", actor.Name);
        Assert.EndsWith("/rollouts/ro-9", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task A_refused_creation_shows_the_pipelines_text()
    {
        Pipeline.Answer = _ => (CommandOutcome.Invalid, null, "waves[0].tiers[0]: \"internal\" is not a tier");
        var page = RenderPage();

        await page.Find("[data-testid=create-open]").ClickAsync(new());
        await page.Find("[data-testid=create-submit]").ClickAsync(new());

        Assert.Equal("waves[0].tiers[0]: \"internal\" is not a tier", page.Find("[data-testid=create-error]").TextContent.Trim());
    }

    [Fact]
    public async Task A_signal_from_the_board_pulls_the_list_again_once_per_burst()
    {
        Board.Put(Rollout("ro-1"));
        var page = RenderPage();
        Assert.Equal(1, Board.SubscriberCount);

        Board.Put(Rollout("ro-2", age: TimeSpan.FromMinutes(1)));
        await Board.RaiseAsync();
        await Board.RaiseAsync();
        Time.Advance(VibeDashboard.Components.LivePageBase.TextInterval);

        page.WaitForAssertion(() => Assert.Equal(["ro-2", "ro-1"], Ids(page)));

        await DisposeComponentsAsync();
        Assert.Equal(0, Board.SubscriberCount);
    }
}
