using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Model;
using VibeDashboard.Operations.Access;

namespace VibeDashboard.Components.Layout;

public sealed partial class MainLayout : IDisposable
{
    private bool _dark = true;

    // Two states, one per side of the md breakpoint (see the markup): a phone's drawer starts closed, a desktop's open.
    private bool _narrowOpen;
    private bool _wideClosed;
    private bool _demo;
    private bool _building;
    private IDisposable? _subscription;

    private bool _unsecured;
    private string? _userName;
    private string? _roleName;
    private DashboardRole? _role;

    [Inject] public required StoreStatusMonitor Monitor { get; init; }

    [Inject] public required IOptions<AuthOptions> Auth { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [CascadingParameter] public Task<AuthenticationState>? Authentication { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (Authentication is not null)
        {
            var user = (await Authentication).User;
            _role = DashboardPrincipal.RoleOf(user);
            _userName = user.Identity?.IsAuthenticated == true ? user.Identity.Name : null;
            _roleName = _role?.Name();
        }
    }

    private string RootClass => "vd-root"
        + (_narrowOpen ? " vd-drawer-narrow-open" : "")
        + (_wideClosed ? " vd-drawer-wide-closed" : "");

    protected override void OnInitialized()
    {
        Navigation.LocationChanged += OnLocationChanged;
        _unsecured = Auth.Value.Mode == AuthMode.Unsecured;
        _demo = Monitor.Current.Demo;
        _building = Monitor.Current.DemoBuilding;
        // Re-render the frame (and with it the page) only when the demo flag or the build's flips, not on every new
        // event or build progress: pages and the freshness badge follow the data themselves.
        _subscription = Monitor.Subscribe(() => Monitor.Current.Demo == _demo && Monitor.Current.DemoBuilding == _building
            ? Task.CompletedTask
            : InvokeAsync(() =>
            {
                _demo = Monitor.Current.Demo;
                _building = Monitor.Current.DemoBuilding;
                StateHasChanged();
            }));
    }

    private void ToggleTheme() => _dark = !_dark;

    private void ToggleNarrowDrawer() => _narrowOpen = !_narrowOpen;

    private void ToggleWideDrawer() => _wideClosed = !_wideClosed;

    private void CloseNarrowDrawer() => _narrowOpen = false;

    // On a phone the drawer covers the page: following a link in it closes it. Beside the page (md and up) it stays.
    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        if (_narrowOpen)
        {
            _ = InvokeAsync(() =>
            {
                _narrowOpen = false;
                StateHasChanged();
            });
        }
    }

    public void Dispose()
    {
        Navigation.LocationChanged -= OnLocationChanged;
        _subscription?.Dispose();
    }
}
