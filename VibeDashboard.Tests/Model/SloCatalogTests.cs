using VibeDashboard.Model;

namespace VibeDashboard.Tests.Model;

public sealed class SloCatalogTests
{
    [Fact]
    public void The_burn_charts_draw_the_evaluators_four_thresholds_with_the_playbooks_labels()
    {
        Assert.Equal(
            [(14.4, "14.4× page (1h)"), (6, "6× page (6h)"), (3, "3× ticket (1d)"), (1, "1× ticket (3d)")],
            SloCatalog.BurnThresholds);
        Assert.Equal(["5m", "30m", "1h", "2h", "6h", "1d", "3d"], SloCatalog.BurnWindows);
    }
}
