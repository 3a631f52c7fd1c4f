using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Components.Layout;
using VibeDashboard.Configuration;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Components.Layout;

/// <summary>
/// The drawer's two states (which one shows is CSS's call, by width; the browser tests check that): a phone's starts
/// closed and closes on navigation, a desktop's starts open and stays.
/// </summary>
public sealed class MainLayoutTests : DashboardComponentTest
{
    public MainLayoutTests()
    {
        Services.AddSingleton(Options.Create(new AuthOptions()));
        // As in the app: interactive server, no prerender.
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    private IRenderedComponent<MainLayout> RenderLayout() =>
        Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<h1>Page</h1>"))));

    [Fact]
    public void The_phone_drawer_starts_closed_and_the_desktop_drawer_open()
    {
        var layout = RenderLayout();

        Assert.Equal("vd-root", layout.Find(".vd-root").ClassName);
        Assert.Equal("false", layout.Find("[data-testid=menu-button-narrow]").GetAttribute("aria-expanded"));
        Assert.Equal("true", layout.Find("[data-testid=menu-button]").GetAttribute("aria-expanded"));
        Assert.Empty(layout.FindAll("[data-testid=nav-scrim]"));
    }

    [Fact]
    public void The_phone_menu_button_opens_the_drawer_and_following_a_link_closes_it()
    {
        var layout = RenderLayout();

        layout.Find("[data-testid=menu-button-narrow]").Click();

        Assert.Contains("vd-drawer-narrow-open", layout.Find(".vd-root").ClassList);
        Assert.Equal("true", layout.Find("[data-testid=menu-button-narrow]").GetAttribute("aria-expanded"));
        Assert.Single(layout.FindAll("[data-testid=nav-scrim]"));

        Services.GetRequiredService<NavigationManager>().NavigateTo("/slo/availability");

        layout.WaitForAssertion(() => Assert.DoesNotContain("vd-drawer-narrow-open", layout.Find(".vd-root").ClassList));
        Assert.Empty(layout.FindAll("[data-testid=nav-scrim]"));
    }

    [Fact]
    public void A_tap_on_the_scrim_closes_the_phone_drawer()
    {
        var layout = RenderLayout();
        layout.Find("[data-testid=menu-button-narrow]").Click();

        layout.Find("[data-testid=nav-scrim]").Click();

        Assert.DoesNotContain("vd-drawer-narrow-open", layout.Find(".vd-root").ClassList);
    }

    [Fact]
    public void The_desktop_menu_button_closes_the_drawer_and_navigation_leaves_it_closed()
    {
        var layout = RenderLayout();

        layout.Find("[data-testid=menu-button]").Click();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/metrics/runtime");

        Assert.Contains("vd-drawer-wide-closed", layout.Find(".vd-root").ClassList);
        Assert.Equal("false", layout.Find("[data-testid=menu-button]").GetAttribute("aria-expanded"));
        Assert.DoesNotContain("vd-drawer-narrow-open", layout.Find(".vd-root").ClassList);
    }
}
