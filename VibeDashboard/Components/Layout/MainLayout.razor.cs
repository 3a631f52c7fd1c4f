using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Access;
using VibeDashboard.Storage;

namespace VibeDashboard.Components.Layout;

public sealed partial class MainLayout : IDisposable
{
    private bool _dark = true;
    private bool _drawerOpen = true;
    private bool _demo;
    private IDisposable? _subscription;

    private bool _unsecured;
    private string? _userName;
    private string? _roleName;
    private DashboardRole? _role;

    [Inject] public required StoreStatusMonitor Monitor { get; init; }

    [Inject] public required IOptions<AuthOptions> Auth { get; init; }

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

    protected override void OnInitialized()
    {
        _unsecured = Auth.Value.Mode == AuthMode.Unsecured;
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
