using Microsoft.AspNetCore.Components;
using VibeDashboard.Model;

namespace VibeDashboard.Components.Layout;

public sealed partial class MainLayout : IDisposable
{
    private bool _dark = true;
    private bool _drawerOpen = true;
    private bool _demo;
    private IDisposable? _subscription;

    [Inject] public required StoreStatusMonitor Monitor { get; init; }

    protected override void OnInitialized()
    {
        _demo = Monitor.Current.Demo;
        // Re-render the frame (and with it the page) only when the demo flag flips, not on every new event:
        // pages and the freshness badge follow the data themselves.
        _subscription = Monitor.Subscribe(() => Monitor.Current.Demo == _demo
            ? Task.CompletedTask
            : InvokeAsync(() =>
            {
                _demo = Monitor.Current.Demo;
                StateHasChanged();
            }));
    }

    private void ToggleTheme() => _dark = !_dark;

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    public void Dispose() => _subscription?.Dispose();
}
