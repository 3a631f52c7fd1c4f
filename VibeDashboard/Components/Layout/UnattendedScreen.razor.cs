using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using VibeDashboard.Configuration;
using VibeDashboard.Model;

namespace VibeDashboard.Components.Layout;

/// <summary>
/// What keeps a wall screen going for weeks with nobody in front of it, on every page (it sits beside the router,
/// so it outlives page changes): the page rotation of <c>?rotate=30s&amp;pages=…</c> (navigating within the circuit,
/// the query kept so the next page goes on), and, through its module, reconnection without a button, a reload when
/// the server restarted, and the periodic clean reload (<c>Wall:ReloadEvery</c>). Why the reload: a Blazor Server
/// dashboard fed live data for more than a day can wedge (the Aspire dashboard's issue #16695: after about 35 h of
/// continuous ingestion its UI stopped rendering while the WebSocket stayed connected); a fresh page and a fresh
/// circuit every few hours bound what either side can accumulate, for a second of reload at a quiet moment.
/// </summary>
public sealed partial class UnattendedScreen : IAsyncDisposable
{
    public const string ModulePath = "./Components/Layout/UnattendedScreen.razor.js";

    /// <summary>The wall's own address: always unattended, rotating or not.</summary>
    public const string WallPath = "/wall";

    private ITimer? _timer;
    private IJSObjectReference? _module;
    private bool _unattended;
    private WallRotation _rotation = WallRotation.None;
    private string _location = "";

    [Inject] public required NavigationManager Navigation { get; init; }

    [Inject] public required IJSRuntime JS { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [Inject] public required IOptions<WallOptions> Options { get; init; }

    /// <summary>The current rotation (none when the URL asks for none).</summary>
    public WallRotation Rotation => _rotation;

    protected override void OnInitialized()
    {
        Navigation.LocationChanged += OnLocationChanged;
        Follow(Navigation.Uri);
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => _ = InvokeAsync(() =>
    {
        Follow(e.Location);
        StateHasChanged();
    });

    private void Follow(string location)
    {
        if (location == _location)
        {
            return;
        }

        _location = location;
        var uri = new Uri(location);
        var query = QueryHelpers.ParseQuery(uri.Query);
        string? Value(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;
        var rotate = Value(WallRotation.RotateParameter);
        var path = "/" + uri.AbsolutePath.Trim('/');
        _rotation = WallRotation.Parse(rotate, Value(WallRotation.PagesParameter));
        _unattended = string.Equals(path, WallPath, StringComparison.OrdinalIgnoreCase) || rotate is not null;

        // Each page gets its full interval from when it was shown; the next one continues with the same query.
        _timer?.Dispose();
        _timer = null;
        if (_rotation is { Active: true, Interval: { } interval })
        {
            var next = WallRotation.Url(_rotation.Next(path), uri.Query);
            _timer = Time.CreateTimer(_ => _ = InvokeAsync(() => Navigation.NavigateTo(next)), null, interval, Timeout.InfiniteTimeSpan);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_unattended || _module is not null)
        {
            return;
        }

        try
        {
            _module = await JS.InvokeAsync<IJSObjectReference?>("import", ModulePath);
            if (_module is not null)
            {
                var options = Options.Value;
                await _module.InvokeVoidAsync("start", new
                {
                    reloadEveryMs = (long)options.ReloadEvery.TotalMilliseconds,
                    quietMs = (long)options.QuietFor.TotalMilliseconds,
                    // Often enough to catch a quiet moment soon after the reload is due, rarely enough to cost nothing.
                    checkEveryMs = (long)Math.Min(TimeSpan.FromSeconds(30).TotalMilliseconds, options.ReloadEvery.TotalMilliseconds / 4),
                });
            }
        }
        catch (JSDisconnectedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Navigation.LocationChanged -= OnLocationChanged;
        _timer?.Dispose();
        if (_module is not null)
        {
            try
            {
                // The module's listeners stay for the life of the page: a reconnect is exactly when this component is gone.
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
    }
}
