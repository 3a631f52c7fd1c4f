using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.AggregationStoreBuilder;

namespace VibeDashboard.Tests.Aggregation;

/// <summary>The burn-rate alert rules walked with a fake clock, one tick per minute.</summary>
public sealed class SloAlertTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly TempStore _store;

    public SloAlertTests() => _store = new TempStore(time: _time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    /// <summary>20 probes a minute, <paramref name="errors"/> of them failing, stamped inside the minute that just began.</summary>
    private static IEnumerable<OpsEvent> Probes(long minuteStartMs, int errors) =>
        Enumerable.Range(0, 20).Select(i => Event(minuteStartMs + (i * 1000), "probe", "pro", status: i < errors ? "error" : "ok"));

    [Fact]
    public async Task Availability_walks_ok_then_page_under_a_fast_burn_then_ok_again()
    {
        // Three clean days of traffic before "now".
        var now = Start.ToUnixTimeMilliseconds();
        var baseline = Enumerable.Range(0, 3 * 24 * 60).SelectMany(m => Probes(now - ((m + 1) * 60_000L), 0));
        await InsertEventsAsync(_store, baseline);
        var aggregator = CreateAggregator(_store, _time);
        await aggregator.TickAsync();
        Assert.Equal(AlertState.Ok, aggregator.Current.Slo("availability")!.Alert);

        // An hour with one failed probe every other minute: 2.5 % errors, a 25× burn of a 99.9 % objective.
        var paged = -1;
        for (var minute = 0; minute < 60; minute++)
        {
            await InsertEventsAsync(_store, Probes(_time.GetUtcNow().ToUnixTimeMilliseconds(), minute % 2 == 0 ? 1 : 0));
            _time.Advance(TimeSpan.FromMinutes(1));
            await aggregator.TickAsync();
            if (paged < 0 && aggregator.Current.Slo("availability")!.Alert == AlertState.Page)
            {
                paged = minute;
            }
        }

        var burning = aggregator.Current.Slo("availability")!;
        Assert.Equal(AlertState.Page, burning.Alert);
        Assert.True(burning.BurnRates["1h"] > 14.4 && burning.BurnRates["5m"] > 14.4);
        // The 1h window must fill up with errors first: not paged before the 1h burn crossed 14.4 (~35 minutes in).
        Assert.InRange(paged, 30, 40);
        Assert.True(burning.BudgetRemaining < 1);

        // Clean traffic again: once the 5m window is clean no rule fires (1d and 3d burns stay under 3 and 1).
        for (var minute = 0; minute < 10; minute++)
        {
            await InsertEventsAsync(_store, Probes(_time.GetUtcNow().ToUnixTimeMilliseconds(), 0));
            _time.Advance(TimeSpan.FromMinutes(1));
            await aggregator.TickAsync();
        }

        Assert.Equal(AlertState.Ok, aggregator.Current.Slo("availability")!.Alert);
        var history = aggregator.AlertHistory("availability");
        Assert.Equal([(AlertState.Page, AlertState.Ok), (AlertState.Ok, AlertState.Page)], history.Select(t => (t.From, t.To)));
        Assert.Contains("burn 1h", history[1].Reason, StringComparison.Ordinal);

        // Transitions are persisted: a new aggregator over the same store knows them and the current state.
        var restarted = CreateAggregator(_store, _time);
        await restarted.TickAsync();
        Assert.Equal(2, restarted.AlertHistory("availability").Count);
    }

    [Fact]
    public async Task Minimum_traffic_guard_keeps_a_quiet_hour_from_paging()
    {
        var now = Start.ToUnixTimeMilliseconds();
        // Ten probes in the last hour, half of them failing: a 500× burn, but on ten events.
        var quiet = Enumerable.Range(0, 10).Select(i => Event(now - (i * 5 * 60_000L) - 1000, "probe", status: i % 2 == 0 ? "error" : "ok"));
        await InsertEventsAsync(_store, quiet);

        var guarded = CreateAggregator(_store, _time, new AggregationOptions { MinEventsForAlert = 20 });
        await guarded.TickAsync();
        var status = guarded.Current.Slo("availability")!;
        Assert.True(status.BurnRates["1h"] > 14.4);
        Assert.Equal(AlertState.Ok, status.Alert);

        // The same data without the guard pages: the guard, not the data, kept it quiet.
        var unguarded = CreateAggregator(_store, _time, new AggregationOptions { MinEventsForAlert = 0 });
        await unguarded.TickAsync();
        Assert.Equal(AlertState.Page, unguarded.Current.Slo("availability")!.Alert);
    }

    [Fact]
    public async Task Version_changes_only_with_content_and_new_events_are_folded_incrementally()
    {
        var now = Start.ToUnixTimeMilliseconds();
        await InsertEventsAsync(_store, Probes(now - 30_000, 0));
        var aggregator = CreateAggregator(_store, _time);
        await aggregator.TickAsync();
        var first = aggregator.Current;
        await aggregator.TickAsync();
        Assert.Same(first, aggregator.Current);

        await InsertEventsAsync(_store, [Event(now - 1000, "probe", status: "error")]);
        await aggregator.TickAsync();
        Assert.Equal(first.Version + 1, aggregator.Current.Version);
        Assert.Equal(21, aggregator.Current.Metric(MetricKeys.Availability, "5m")!.Count);
        Assert.Equal(1, aggregator.Recomputes);

        // Five minutes later the 5m window has slid past every event; the 30m one still holds them.
        _time.Advance(TimeSpan.FromMinutes(5));
        await aggregator.TickAsync();
        Assert.Equal(0, aggregator.Current.Metric(MetricKeys.Availability, "5m")!.Count);
        Assert.Equal(21, aggregator.Current.Metric(MetricKeys.Availability, "30m")!.Count);
    }

    [Fact]
    public void Invalid_slo_configuration_names_the_key()
    {
        var result = new SloOptionsValidator().Validate(null, new SloOptions
        {
            Items = [new SloDefinition { Key = "x", Events = ["probe"], Objective = 99.9 }],
        });
        Assert.True(result.Failed);
        Assert.Contains("Slos:0:Objective", result.FailureMessage, StringComparison.Ordinal);
    }
}
