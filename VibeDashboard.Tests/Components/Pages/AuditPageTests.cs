using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Components;
using VibeDashboard.Components.Pages;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Tests.Operations.Commands;
using VibeDashboard.Utils;

namespace VibeDashboard.Tests.Components.Pages;

public sealed class AuditPageTests : DashboardComponentTest
{
    private readonly CommandHarness _harness;

    public AuditPageTests()
    {
        // The real pipeline and audit log on the base's store and clock (registered before anything renders).
        _harness = new CommandHarness(Store.StorePath, Time);
        Services.AddSingleton(_harness.Log);
        Services.AddSingleton(_harness.Pipeline);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await _harness.InitializeAsync();

        await _harness.SendAsync(new SetNote("a", "one"));                                        // 1 olivia
        await _harness.SendAsync(new SetNote("b", "two"), CommandHarness.Admin);                  // 2 ada
        await _harness.SendAsync(new SetNote("a", "three", ExpectedVersion: 1), CommandHarness.Admin); // 3 ada, with before/after
        await _harness.SendAsync(new SetNote("c", "x", RequiredRole: VibeDashboard.Operations.Access.DashboardRole.Admin), CommandHarness.Viewer); // 4 denied
        await _harness.SendAsync(new SetNote("a", "stale", ExpectedVersion: 1), CommandHarness.Admin); // 5 ada, conflict
    }

    private IRenderedComponent<Audit> RenderAt(string url)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        var page = Render<Audit>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=entry-seq], [data-testid=audit-empty], [data-testid=filter-error]")));
        return page;
    }

    private static List<string> Seqs(IRenderedComponent<Audit> page) => page.FindAll("[data-testid=entry-seq]").Select(e => e.TextContent.Trim()).ToList();

    [Fact]
    public void Without_filters_every_entry_is_listed_newest_first_with_its_outcome()
    {
        var page = RenderAt("/audit");

        Assert.Equal(["5", "4", "3", "2", "1"], Seqs(page));
        var outcomes = page.FindAll("[data-testid=entry-outcome]");
        Assert.Equal(["conflict", "denied", "ok", "ok", "ok"], outcomes.Select(o => o.TextContent.Trim()));
        Assert.Contains("mud-chip-color-error", outcomes[1].ClassName);
        Assert.Contains("mud-chip-color-warning", outcomes[0].ClassName);
        Assert.Contains("mud-chip-color-success", outcomes[2].ClassName);
        Assert.Contains("note.create needs the admin role; wall has viewer", page.FindAll("[data-testid=entry-text]")[1].TextContent);
        Assert.Equal("/api/audit.csv", page.Find("[data-testid=csv-export]").GetAttribute("href"));
    }

    [Fact]
    public void The_filters_in_the_url_choose_the_rows_fill_the_form_and_reach_the_csv_link()
    {
        var page = RenderAt("/audit?actor=ADA&action=note.edit&target=note:a");

        Assert.Equal(["5", "3"], Seqs(page));
        Assert.All(page.FindAll("[data-testid=entry-actor]"), a => Assert.Contains("ada@example.com", a.TextContent));
        Assert.Equal("ADA", page.Find("[data-testid=filter-actor] input, input[data-testid=filter-actor]").GetAttribute("value"));
        Assert.Equal(DashboardUrls.AuditCsv(actor: "ADA", action: "note.edit", target: "note:a"), page.Find("[data-testid=csv-export]").GetAttribute("href"));
        Assert.Equal("/api/audit.csv?actor=ADA&action=note.edit&target=note%3Aa", page.Find("[data-testid=csv-export]").GetAttribute("href"));
    }

    [Fact]
    public void No_match_says_so()
    {
        var page = RenderAt("/audit?actor=nobody");

        Assert.Empty(Seqs(page));
        Assert.Contains("No entries match these filters", page.Find("[data-testid=audit-empty]").TextContent);
    }

    [Fact]
    public void A_bad_filter_is_named_instead_of_showing_everything()
    {
        var page = RenderAt("/audit?from=last-tuesday");

        Assert.StartsWith("from:", page.Find("[data-testid=filter-error]").TextContent.Trim());
        Assert.Empty(Seqs(page));
    }

    [Fact]
    public void Before_and_after_open_on_demand()
    {
        var page = RenderAt("/audit?action=note.edit&actor=ada");
        Assert.Empty(page.FindAll("[data-testid=entry-change]"));

        // Only the applied edit (3) has a change to show; the conflict (5) has none.
        var toggle = Assert.Single(page.FindAll("[data-testid=entry-toggle]"));
        toggle.Click();

        Assert.Contains("\"text\": \"one\"", page.Find("[data-testid=entry-before]").TextContent);
        Assert.Contains("\"text\": \"three\"", page.Find("[data-testid=entry-after]").TextContent);
        Assert.Contains("\"version\": 2", page.Find("[data-testid=entry-after]").TextContent);
    }

    [Fact]
    public async Task A_committed_command_shows_up_after_the_throttle()
    {
        var page = RenderAt("/audit");

        await _harness.SendAsync(new SetNote("d", "new"));
        Assert.Equal("5", Seqs(page)[0]);
        Time.Advance(LivePageBase.TextInterval);

        page.WaitForAssertion(() => Assert.Equal("6", Seqs(page)[0]));
    }

    [Fact]
    public void Filter_navigates_to_the_url_of_the_typed_filters()
    {
        var page = RenderAt("/audit");

        page.Find("[data-testid=filter-actor] input, input[data-testid=filter-actor]").Input("olivia");
        page.Find("[data-testid=filter-action] input, input[data-testid=filter-action]").Input("note.");
        page.Find("[data-testid=audit-filters]").Submit();

        var navigation = Services.GetRequiredService<NavigationManager>();
        Assert.Equal(DashboardUrls.Audit(actor: "olivia", action: "note."), "/" + navigation.ToBaseRelativePath(navigation.Uri));
        page.WaitForAssertion(() => Assert.Equal(["1"], Seqs(page)));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await _harness.DisposeAsync();
    }
}
