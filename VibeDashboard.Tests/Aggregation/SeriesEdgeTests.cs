using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.AggregationStoreBuilder;

namespace VibeDashboard.Tests.Aggregation;

/// <summary>Chart series where they used to part from the snapshot: an unknown metric, a minute that passes quietly, a budget mid-hour.</summary>
public sealed class SeriesEdgeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 17, 12, TimeSpan.Zero);
    private const long Minute = 60_000;
    private const long Hour = 60 * Minute;
    private readonly FakeTimeProvider _time = new(Now);
    private readonly TempStore _store;

    public SeriesEdgeTests() => _store = new TempStore(time: _time);

    private static long NowMs => Now.ToUnixTimeMilliseconds();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Without_the_apps_table_apps_created_points_are_unknown_as_in_the_snapshot_not_zero()
    {
        await InsertEventsAsync(_store, [Event(NowMs - (5 * Minute), "probe", "pro")]);
        var aggregator = CreateAggregator(_store, _time);
        await aggregator.TickAsync();

        Assert.Null(aggregator.Current.Metric(ExtraMetricKeys.AppsCreated, "1h")!.Value);
        var points = aggregator.Series(ExtraMetricKeys.AppsCreated, DashboardRange.OneHour);
        Assert.Equal(60, points.Count);
        Assert.All(points, p => Assert.Null(p.Value));
    }

    [Fact]
    public async Task A_new_minute_adds_its_point_even_when_the_snapshot_stays_the_same()
    {
        // One probe ten hours ago: a minute later every window holds the same, so the snapshot does not change.
        await InsertEventsAsync(_store, [Event(NowMs - (10 * Hour), "probe", "pro")]);
        var aggregator = CreateAggregator(_store, _time);
        await aggregator.TickAsync();
        var version = aggregator.Current.Version;
        Assert.Equal(Now.AddSeconds(-12), aggregator.Series(MetricKeys.Availability, DashboardRange.OneHour)[^1].At);

        _time.Advance(TimeSpan.FromMinutes(1));
        await aggregator.TickAsync();

        Assert.Equal(version, aggregator.Current.Version);
        var points = aggregator.Series(MetricKeys.Availability, DashboardRange.OneHour);
        Assert.Equal(60, points.Count);
        Assert.Equal(Now.AddSeconds(48), points[^1].At);
    }

    [Fact]
    public async Task The_budget_at_a_minute_point_counts_no_event_after_that_minute()
    {
        // 21:05 a failed probe, 21:15 a good one: at 21:05 the budget has seen one bad probe of one (1 − 1 ÷ 0.001 = −999);
        // from 21:15 on, one of two (−499), which is the snapshot's budget now.
        await InsertEventsAsync(_store,
        [
            Event(NowMs - (12 * Minute), "probe", status: "error"),
            Event(NowMs - (2 * Minute), "probe", status: "ok"),
        ]);
        var aggregator = CreateAggregator(_store, _time);
        await aggregator.TickAsync();

        var points = aggregator.SloSeries("availability", DashboardRange.OneHour);
        double? At(int minute) => points.Single(p => p.At == new DateTimeOffset(2026, 11, 26, 21, minute, 0, TimeSpan.Zero)).BudgetRemaining;
        Assert.Null(At(4));
        Assert.Equal(-999, At(5)!.Value, 6);
        Assert.Equal(-999, At(14)!.Value, 6);
        Assert.Equal(-499, At(15)!.Value, 6);
        Assert.Equal(-499, At(17)!.Value, 6);
        Assert.Equal(aggregator.Current.Slo("availability")!.BudgetRemaining!.Value, At(17)!.Value, 9);
    }
}
