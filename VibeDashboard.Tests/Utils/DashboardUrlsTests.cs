using VibeDashboard.Aggregation;
using VibeDashboard.Utils;

namespace VibeDashboard.Tests.Utils;

public sealed class DashboardUrlsTests
{
    [Fact]
    public void The_default_range_is_left_out_so_plain_links_stay_plain()
    {
        Assert.Equal("/", DashboardUrls.Overview());
        Assert.Equal("/slo/availability", DashboardUrls.Slo("availability"));
        Assert.Equal("/metrics/runtime", DashboardUrls.Metrics("runtime"));
    }

    [Theory]
    [InlineData(DashboardRange.OneHour, "/?range=1h")]
    [InlineData(DashboardRange.Day, "/?range=24h")]
    [InlineData(DashboardRange.Week, "/?range=7d")]
    [InlineData(DashboardRange.Month, "/?range=30d")]
    public void Overview_carries_the_range(DashboardRange range, string expected) => Assert.Equal(expected, DashboardUrls.Overview(range));

    [Fact]
    public void Metric_links_carry_range_and_tier_escaped()
    {
        Assert.Equal("/metrics/security?range=1h&tier=pro", DashboardUrls.Metrics("security", DashboardRange.OneHour, "pro"));
        Assert.Equal("/metrics/spend?tier=a%20b%26c", DashboardUrls.Metrics("spend", tier: "a b&c"));
        Assert.Equal("/slo/a%2Fb", DashboardUrls.Slo("a/b"));
    }

    [Fact]
    public void WithRange_keeps_path_and_tier_and_replaces_the_range()
    {
        Assert.Equal("/metrics/data?range=30d&tier=free", DashboardUrls.WithRange("http://127.0.0.1:5000/metrics/data?tier=free&range=1h", DashboardRange.Month));
        Assert.Equal("/metrics/data?tier=free", DashboardUrls.WithRange("/metrics/data?range=1h&tier=free", DashboardUrls.DefaultRange));
        Assert.Equal("/?range=1h", DashboardUrls.WithRange("http://host/", DashboardRange.OneHour));
    }

    [Fact]
    public void WithTier_sets_or_clears_the_tier()
    {
        Assert.Equal("/metrics/data?range=1h&tier=enterprise", DashboardUrls.WithTier("/metrics/data?range=1h&tier=free", "enterprise"));
        Assert.Equal("/metrics/data?range=1h", DashboardUrls.WithTier("/metrics/data?range=1h&tier=free", null));
    }

    [Fact]
    public void Range_links_round_trip_through_the_parser()
    {
        foreach (var range in DashboardRanges.All)
        {
            var query = new Uri(new Uri("http://x"), DashboardUrls.Overview(range)).Query;
            var value = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query).GetValueOrDefault(DashboardUrls.RangeParameter).ToString();
            Assert.Equal(range, DashboardRanges.Parse(value, DashboardUrls.DefaultRange));
        }
    }
}

public sealed class DashboardUrlsAuditTests
{
    [Fact]
    public void Audit_links_leave_out_empty_filters_and_escape_the_rest()
    {
        Assert.Equal("/audit", DashboardUrls.Audit());
        Assert.Equal("/audit", DashboardUrls.Audit(actor: " ", action: ""));
        Assert.Equal("/audit?from=2026-12-01T12%3A00%3A00Z&actor=ada&action=token.&target=token%3Awall&limit=50",
            DashboardUrls.Audit(from: "2026-12-01T12:00:00Z", actor: "ada", action: "token.", target: "token:wall", limit: 50));
    }

    [Fact]
    public void The_csv_link_carries_the_same_filters() =>
        Assert.Equal("/api/audit.csv?to=2026-12-02&actor=a%20b%26c", DashboardUrls.AuditCsv(to: "2026-12-02", actor: "a b&c"));
}
