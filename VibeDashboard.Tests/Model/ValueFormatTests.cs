using VibeDashboard.Aggregation;
using VibeDashboard.Model;

namespace VibeDashboard.Tests.Model;

public sealed class ValueFormatTests
{
    [Theory]
    [InlineData(0.9991, MetricUnit.Ratio, "99.91 %")]
    [InlineData(1.0, MetricUnit.Ratio, "100.0 %")]
    [InlineData(0.953, MetricUnit.Ratio, "95.3 %")]
    [InlineData(0.004, MetricUnit.Ratio, "0.4 %")]
    [InlineData(4.25, MetricUnit.Milliseconds, "4.25 ms")]
    [InlineData(87.4, MetricUnit.Milliseconds, "87 ms")]
    [InlineData(2500, MetricUnit.Milliseconds, "2.5 s")]
    [InlineData(184532.5, MetricUnit.Milliseconds, "3.1 min")]
    [InlineData(7_200_000, MetricUnit.Milliseconds, "2.0 h")]
    [InlineData(0.0489, MetricUnit.Usd, "$0.05")]
    [InlineData(0.0042, MetricUnit.Usd, "$0.0042")]
    [InlineData(1234.5, MetricUnit.Usd, "$1,235")]
    [InlineData(0.75, MetricUnit.PerHour, "0.75 /h")]
    [InlineData(3, MetricUnit.Count, "3")]
    [InlineData(2.5, MetricUnit.Count, "2.5")]
    [InlineData(12345, MetricUnit.Count, "12,345")]
    [InlineData(20480, MetricUnit.Bytes, "20.0 KB")]
    [InlineData(512, MetricUnit.Bytes, "512 B")]
    public void Formats_each_unit(double value, MetricUnit unit, string expected) => Assert.Equal(expected, ValueFormat.Format(value, unit));

    [Fact]
    public void Missing_or_undefined_values_read_as_a_dash()
    {
        Assert.Equal("—", ValueFormat.Format(null, MetricUnit.Ratio));
        Assert.Equal("—", ValueFormat.Format(double.NaN, MetricUnit.Milliseconds));
        Assert.Equal("—", ValueFormat.Burn(null));
        Assert.Equal("—", ValueFormat.Burn(double.PositiveInfinity));
    }

    [Fact]
    public void Burn_rates_read_as_multiples() => Assert.Equal(["0.42×", "14.4×"], [ValueFormat.Burn(0.42), ValueFormat.Burn(14.4)]);

    [Fact]
    public void Formatting_ignores_the_current_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("99.91 %", ValueFormat.Format(0.9991, MetricUnit.Ratio));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}

public sealed class StateToneTests
{
    [Theory]
    [InlineData(AlertState.Page, StateTone.Critical)]
    [InlineData(AlertState.Ticket, StateTone.Warning)]
    [InlineData(AlertState.Ok, StateTone.Ok)]
    [InlineData(null, StateTone.Unknown)]
    public void Alert_states_map_to_tones(AlertState? alert, StateTone tone) => Assert.Equal(tone, StateTones.FromAlert(alert));

    [Theory]
    [InlineData(-0.2, StateTone.Critical)]
    [InlineData(0.0, StateTone.Critical)]
    [InlineData(0.1, StateTone.Warning)]
    [InlineData(0.8, StateTone.Ok)]
    public void Budget_maps_to_tones(double budget, StateTone tone) => Assert.Equal(tone, StateTones.FromBudget(budget));

    [Fact]
    public void A_card_takes_the_worse_of_alert_and_budget_and_no_traffic_is_not_green()
    {
        Assert.Equal(StateTone.Critical, SloCardModel.From(Infrastructure.Snapshots.Slo("a", alert: AlertState.Ticket, budget: -0.1)).Tone);
        Assert.Equal(StateTone.Warning, SloCardModel.From(Infrastructure.Snapshots.Slo("a", alert: AlertState.Ok, budget: 0.1)).Tone);
        Assert.Equal(StateTone.Unknown, SloCardModel.From(Infrastructure.Snapshots.Slo("a", total: 0)).Tone);
    }
}

public sealed class MetricCatalogTests
{
    [Fact]
    public void Every_snapshot_metric_key_belongs_to_exactly_one_area()
    {
        var keys = typeof(MetricKeys).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        foreach (var key in keys)
        {
            Assert.Single(MetricCatalog.Areas, a => a.Metrics.Any(m => m.Key == key));
        }

        Assert.Equal(keys.Order(), MetricCatalog.Metrics.Select(m => m.Key).Order());
    }

    [Fact]
    public void Areas_follow_the_brief_and_carry_their_offenders()
    {
        Assert.Equal(["generation", "runtime", "data", "spend", "security"], MetricCatalog.Areas.Select(a => a.Key));
        Assert.Equal([OffenderKind.AppsByFixLoops], MetricCatalog.Generation.Offenders);
        Assert.Equal([OffenderKind.IpsByAuthFailures, OffenderKind.LimiterKeysByBreaches], MetricCatalog.Security.Offenders);
        Assert.Same(MetricCatalog.Runtime, MetricCatalog.Area("RUNTIME"));
        Assert.Null(MetricCatalog.Area("nope"));
    }

    [Fact]
    public void Latencies_have_percentiles()
    {
        Assert.All(MetricCatalog.Metrics.Where(m => m.Unit == MetricUnit.Milliseconds), m => Assert.True(m.HasPercentiles));
    }

    [Fact]
    public void Every_default_slo_links_to_an_area() =>
        Assert.All(SloCatalog.DefaultKeys, k => Assert.NotNull(MetricCatalog.AreaOf(SloCatalog.MetricOf(k)!.Key)));

    [Theory]
    [InlineData(DashboardRange.OneHour, "1h")]
    [InlineData(DashboardRange.SixHours, "6h")]
    [InlineData(DashboardRange.Day, "1d")]
    [InlineData(DashboardRange.Week, "3d")]
    [InlineData(DashboardRange.Month, "30d")]
    public void A_range_reads_the_longest_window_that_fits(DashboardRange range, string window) => Assert.Equal(window, WindowChoice.ForRange(range));
}
