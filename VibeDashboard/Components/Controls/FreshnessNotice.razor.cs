using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Model;

namespace VibeDashboard.Components.Controls;

/// <summary>
/// A freshness badge (age of the newest event) that turns into a stale-data banner past <c>Health:StaleAfter</c>.
/// It ticks on its own clock: staleness matters precisely when no new data (and so no snapshot) arrives.
/// While the aggregator's ticks fail, it says the numbers are old and why (the snapshot's failure), whatever the data's age;
/// the same clock picks that up (no second feed subscription: the page already holds one).
/// </summary>
public sealed partial class FreshnessNotice : IAsyncDisposable
{
    private IDisposable? _subscription;
    private ITimer? _clock;
    private string? _shown;

    [Inject] public required StoreStatusMonitor Monitor { get; init; }
    [Inject] public required IMetricsFeed Feed { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required IOptions<HealthOptions> Health { get; init; }

    private StoreStatus Status => Monitor.Current;

    private Snapshot Numbers => Feed.Current;

    private AggregationFailure? Failure => Numbers.Failure;

    private DateTimeOffset Now => Time.GetUtcNow();

    private bool IsStale => Status.IsStale(Now, Health.Value.StaleAfter);

    protected override void OnInitialized()
    {
        _subscription = Monitor.Subscribe(() => InvokeAsync(StateHasChanged));
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(RenderIfChanged), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    // Only re-render when what is shown changes (the age text moves once a second at most, slower past a minute).
    private void RenderIfChanged()
    {
        var next = Shown();
        if (next != _shown)
        {
            StateHasChanged();
        }
    }

    protected override void OnAfterRender(bool firstRender) => _shown = Shown();

    private string Shown() => $"{Status.DemoBuilding}|{IsStale}|{Freshness.FormatAge(Status.NewestEvent, Now)}|{Failure}";

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_clock is not null)
        {
            await _clock.DisposeAsync();
        }
    }
}
