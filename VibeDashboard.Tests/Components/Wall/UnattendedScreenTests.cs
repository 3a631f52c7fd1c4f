using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Components.Layout;
using VibeDashboard.Configuration;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Components.Wall;

public sealed class UnattendedScreenTests : DashboardComponentTest
{
    private readonly BunitJSModuleInterop _module;

    public UnattendedScreenTests()
    {
        Services.AddSingleton(Options.Create(new WallOptions { ReloadEvery = TimeSpan.FromHours(6), QuietFor = TimeSpan.FromMinutes(2) }));
        _module = JSInterop.SetupModule(UnattendedScreen.ModulePath);
        _module.SetupVoid("start", _ => true);
    }

    private BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();

    [Fact]
    public void Rotation_goes_to_the_next_page_after_the_interval_keeping_the_query_and_goes_on_from_there()
    {
        Navigation.NavigateTo("/wall?rotate=10s&pages=wall,slo/availability,incidents");
        var screen = Render<UnattendedScreen>();
        Assert.True(screen.Instance.Rotation.Active);

        Time.Advance(TimeSpan.FromSeconds(9));
        Assert.EndsWith("/wall?rotate=10s&pages=wall,slo/availability,incidents", Navigation.Uri);

        Time.Advance(TimeSpan.FromSeconds(1));
        screen.WaitForAssertion(() => Assert.EndsWith("/slo/availability?rotate=10s&pages=wall,slo/availability,incidents", Navigation.Uri));

        Time.Advance(TimeSpan.FromSeconds(10));
        screen.WaitForAssertion(() => Assert.EndsWith("/incidents?rotate=10s&pages=wall,slo/availability,incidents", Navigation.Uri));

        Time.Advance(TimeSpan.FromSeconds(10));
        screen.WaitForAssertion(() => Assert.EndsWith("/wall?rotate=10s&pages=wall,slo/availability,incidents", Navigation.Uri));
        Assert.Equal(4, Navigation.History.Count);
        Assert.Empty(screen.FindAll("[data-testid=rotation-notes]"));
    }

    [Fact]
    public void Each_page_gets_its_whole_interval_from_when_it_was_shown()
    {
        Navigation.NavigateTo("/incidents?rotate=30s&pages=wall,incidents");
        var screen = Render<UnattendedScreen>();

        Time.Advance(TimeSpan.FromSeconds(20));
        Navigation.NavigateTo("/incidents/4?rotate=30s&pages=wall,incidents"); // someone opened an incident on the screen
        Time.Advance(TimeSpan.FromSeconds(20));
        Assert.EndsWith("/incidents/4?rotate=30s&pages=wall,incidents", Navigation.Uri);

        Time.Advance(TimeSpan.FromSeconds(10));
        screen.WaitForAssertion(() => Assert.EndsWith("/wall?rotate=30s&pages=wall,incidents", Navigation.Uri));
    }

    [Fact]
    public void A_bad_interval_is_shown_as_a_note_and_nothing_rotates_but_the_screen_stays_unattended()
    {
        Navigation.NavigateTo("/incidents?rotate=3s&pages=wall,incidents");
        var screen = Render<UnattendedScreen>();

        Assert.Equal("rotation: rotate=3s ignored: the minimum is 10 s", screen.Find("[data-testid=rotation-notes]").TextContent.Trim());
        Assert.Single(screen.FindAll("[data-unattended]"));
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.EndsWith("/incidents?rotate=3s&pages=wall,incidents", Navigation.Uri);
    }

    [Fact]
    public void The_wall_is_unattended_and_its_module_starts_with_the_reload_settings()
    {
        Navigation.NavigateTo("/wall");
        var screen = Render<UnattendedScreen>();

        Assert.Single(screen.FindAll("[data-unattended]"));
        Assert.True(screen.Find("[data-testid=unattended-status]").HasAttribute("hidden"));
        var start = Assert.Single(_module.Invocations, i => i.Identifier == "start");
        Assert.Equal("{\"reloadEveryMs\":21600000,\"quietMs\":120000,\"checkEveryMs\":30000}", System.Text.Json.JsonSerializer.Serialize(start.Arguments[0]));
    }

    [Fact]
    public void An_ordinary_page_is_not_unattended_and_loads_no_module()
    {
        Navigation.NavigateTo("/incidents?range=1h");
        var screen = Render<UnattendedScreen>();

        Assert.Equal("", screen.Markup.Trim());
        Assert.DoesNotContain(_module.Invocations, i => i.Identifier == "start");
    }
}
