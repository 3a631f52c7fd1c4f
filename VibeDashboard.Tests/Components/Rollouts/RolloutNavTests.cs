using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Components.Layout;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Components.Rollouts;

public sealed class RolloutNavTests : DashboardComponentTest
{
    [Fact]
    public void Every_role_has_a_rollouts_link_marked_active_on_a_rollouts_page()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/rollouts/ro-3");

        var menu = Render<NavMenu>(p => p.Add(x => x.Role, DashboardRole.Viewer));

        var link = menu.Find("[data-testid=nav-rollouts]");
        Assert.Equal("/rollouts", link.GetAttribute("href"));
        Assert.Contains("active", link.ClassName);
        Assert.DoesNotContain("active", menu.Find("[data-testid=nav-incidents]").ClassName);
    }
}
