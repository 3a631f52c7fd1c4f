using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Model;
using VibeDashboard.Storage;

namespace VibeDashboard.Components.Controls;

/// <summary>
/// A freshness badge (age of the newest event) that turns into a stale-data banner past <c>Health:StaleAfter</c>.
/// It ticks on its own clock: staleness matters precisely when no new data (and so no snapshot) arrives.
/// </summary>
public sealed partial class FreshnessNotice : IAsyncDisposable
{
    private IDisposable? _subscription;
    private ITimer? _clock;
    private string? _shown;

    [Inject] public required StoreStatusMonitor Monitor { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required IOptions<HealthOptions> Health { get; init; }

    private StoreStatus Status => Monitor.Current;

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
        var next = $"{IsStale}|{Freshness.FormatAge(Status.NewestEvent, Now)}";
        if (next != _shown)
        {
            StateHasChanged();
        }
    }

    protected override void OnAfterRender(bool firstRender) => _shown = $"{IsStale}|{Freshness.FormatAge(Status.NewestEvent, Now)}";

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_clock is not null)
        {
            await _clock.DisposeAsync();
        }
    }
}
