using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Model;
using VibeDashboard.Storage;

namespace VibeDashboard.Components.Layout;

public sealed partial class MainLayout : IAsyncDisposable
{
    private bool _dark = true;
    private bool _drawerOpen = true;
    private bool _interactive;
    private IDisposable? _subscription;
    private ITimer? _clock;

    [Inject] public required StoreStatusMonitor Monitor { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required IOptions<HealthOptions> Health { get; init; }

    private StoreStatus Status => Monitor.Current;

    private DateTimeOffset Now => Time.GetUtcNow();

    private bool IsStale => Status.IsStale(Now, Health.Value.StaleAfter);

    private string FreshnessTooltip => Status.NewestEvent is { } newest ? $"Newest event at {Freshness.FormatInstant(newest)}" : "The store holds no events yet";

    protected override void OnInitialized()
    {
        _subscription = Monitor.Subscribe(() => InvokeAsync(StateHasChanged));
        // The age in the app bar ticks even when no new data arrives (that is exactly when it matters).
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(StateHasChanged), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            // Browser tests wait for this marker: clicks before the circuit is live would do nothing.
            _interactive = true;
            StateHasChanged();
        }
    }

    private void ToggleTheme() => _dark = !_dark;

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_clock is not null)
        {
            await _clock.DisposeAsync();
        }
    }
}
