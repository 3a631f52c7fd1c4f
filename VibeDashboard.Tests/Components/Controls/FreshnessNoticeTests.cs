using Bunit;
using VibeDashboard.Aggregation;
using VibeDashboard.Components.Controls;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Components.Controls;

public sealed class FreshnessNoticeTests : DashboardComponentTest
{
    [Fact]
    public async Task Shows_the_age_then_turns_into_a_banner_past_stale_after_without_new_data()
    {
        Health.StaleAfter = TimeSpan.FromMinutes(10);
        await ImportEventsAsync(Time.GetUtcNow().AddMinutes(-2));

        var notice = Render<FreshnessNotice>();

        Assert.Equal("data 2 min old", notice.Find("[data-testid=freshness-badge]").TextContent.Trim());
        Assert.Empty(notice.FindAll("[data-testid=stale-banner]"));

        Time.Advance(TimeSpan.FromMinutes(9));

        notice.WaitForAssertion(() => Assert.Contains("11 min old", notice.Find("[data-testid=stale-banner]").TextContent));
        Assert.Empty(notice.FindAll("[data-testid=freshness-badge]"));
    }

    [Fact]
    public async Task New_data_clears_the_banner()
    {
        await ImportEventsAsync(Time.GetUtcNow().AddHours(-1));
        var notice = Render<FreshnessNotice>();
        Assert.Single(notice.FindAll("[data-testid=stale-banner]"));

        await ImportEventsAsync(Time.GetUtcNow().AddSeconds(-5));

        notice.WaitForAssertion(() => Assert.Equal("data 5 s old", notice.Find("[data-testid=freshness-badge]").TextContent.Trim()));
    }

    [Fact]
    public void An_empty_store_is_stale()
    {
        var notice = Render<FreshnessNotice>();

        Assert.Contains("no data at all", notice.Find("[data-testid=stale-banner]").TextContent);
    }

    [Fact]
    public async Task While_aggregation_fails_the_banner_says_how_old_the_numbers_are_and_why_even_with_fresh_data()
    {
        await ImportEventsAsync(Time.GetUtcNow().AddSeconds(-5));
        var good = Snapshots.Build(4) with { GeneratedAt = Time.GetUtcNow().AddMinutes(-3) };
        Feed.Current = good;
        var notice = Render<FreshnessNotice>();
        Assert.Single(notice.FindAll("[data-testid=freshness-badge]"));

        await Feed.PublishAsync(good with { Version = 5, Failure = new AggregationFailure("no such table: ops_events", Time.GetUtcNow().AddMinutes(-2)) });
        Time.Advance(TimeSpan.FromSeconds(1));

        notice.WaitForAssertion(() => Assert.Equal(
            "Stale numbers: they are from 2026-03-02 11:57:00 UTC because aggregation fails: no such table: ops_events (failing since 2026-03-02 11:58:00 UTC; retried every tick).",
            System.Text.RegularExpressions.Regex.Replace(notice.Find("[data-testid=stale-banner]").TextContent, @"\s+", " ").Trim()));
        Assert.Empty(notice.FindAll("[data-testid=freshness-badge]"));

        await Feed.PublishAsync(good with { Version = 6, GeneratedAt = Time.GetUtcNow() });
        Time.Advance(TimeSpan.FromSeconds(1));

        notice.WaitForAssertion(() => Assert.Single(notice.FindAll("[data-testid=freshness-badge]")));
        Assert.Empty(notice.FindAll("[data-testid=stale-banner]"));
    }

    [Fact]
    public async Task Events_dated_beyond_what_a_clock_can_show_do_not_hide_the_real_newest_event()
    {
        await ImportEventsAsync(Time.GetUtcNow().AddSeconds(-5));
        await using (var connection = await Store.Connections.OpenAsync())
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO ops_events (id, occurred_at, event_type) VALUES ('max', 9223372036854775807, 'probe');
                INSERT INTO ops_events (id, occurred_at, event_type) VALUES ('y10k', 253402300800000, 'probe');
                INSERT INTO ops_events (id, occurred_at, event_type) VALUES ('month', 1775131200000, 'probe');
                """;
            await insert.ExecuteNonQueryAsync();
        }

        await Monitor.RefreshAsync();
        var notice = Render<FreshnessNotice>();

        Assert.Equal("data 5 s old", notice.Find("[data-testid=freshness-badge]").TextContent.Trim());
    }
}
