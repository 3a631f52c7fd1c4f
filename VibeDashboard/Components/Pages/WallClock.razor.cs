using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Model;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// The wall's clock and freshness: UTC and local time, "updated N s ago" (the snapshot's age), and the newest event's
/// age, amber past <c>Health:StaleAfter</c> and red past <c>Health:MaxDataAge</c>. It re-renders every second only
/// when a text changed; staleness matters precisely when no new data (and so no page render) arrives.
/// "Local" is the screen's time zone (the browser's), asked once; until it answers, the server's.
/// </summary>
public sealed partial class WallClock : IAsyncDisposable
{
    public const string ModulePath = "./Components/Pages/WallClock.razor.js";

    private ITimer? _timer;
    private IDisposable? _subscription;
    private TimeZoneInfo? _browserZone;
    private WallFreshness _freshness = new(WallFreshnessLevel.TooOld, StateTone.Critical, "no data at all");
    private string? _shown;

    [Inject] public required TimeProvider Time { get; init; }

    [Inject] public required StoreStatusMonitor Monitor { get; init; }

    [Inject] public required IOptions<HealthOptions> Health { get; init; }

    [Inject] public required IJSRuntime JS { get; init; }

    /// <summary>When the numbers on the wall were computed (the snapshot's time); null before the first snapshot.</summary>
    [Parameter] public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Set while aggregation fails: the numbers are frozen, whatever the data's age.</summary>
    [Parameter] public AggregationFailure? Failure { get; set; }

    private DateTimeOffset Now { get; set; }

    private string LocalTime
    {
        get
        {
            var zone = _browserZone ?? Time.LocalTimeZone;
            var local = TimeZoneInfo.ConvertTime(Now, zone);
            var offset = local.Offset;
            var name = offset == TimeSpan.Zero ? "UTC" : $"UTC{(offset < TimeSpan.Zero ? "−" : "+")}{offset.Duration():hh\\:mm}";
            return $"{local.ToString("HH:mm", CultureInfo.InvariantCulture)} local ({name})";
        }
    }

    private string Updated => UpdatedAt is { } at ? $"updated {Freshness.FormatAge(Now - at)} ago" : "waiting for numbers";

    protected override void OnInitialized()
    {
        _subscription = Monitor.Subscribe(() => InvokeAsync(Tick));
        _timer = Time.CreateTimer(_ => _ = InvokeAsync(Tick), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    protected override void OnParametersSet() => Refresh();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        _shown = Shown();
        if (!firstRender)
        {
            return;
        }

        try
        {
            // A module, not eval: the Content-Security-Policy allows scripts from this origin only.
            var module = await JS.InvokeAsync<IJSObjectReference?>("import", ModulePath);
            if (module is null)
            {
                return;
            }

            string? zone;
            try
            {
                zone = await module.InvokeAsync<string?>("timeZone");
            }
            finally
            {
                await module.DisposeAsync();
            }

            if (zone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found))
            {
                _browserZone = found;
                Refresh();
                StateHasChanged();
            }
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or OperationCanceledException or InvalidOperationException)
        {
            // No answer: the server's zone stays (a wall is usually in the server's zone anyway).
        }
    }

    private void Refresh()
    {
        Now = Time.GetUtcNow();
        var health = Health.Value;
        _freshness = WallFreshness.From(Monitor.Current.NewestEvent, Now, health.StaleAfter, health.MaxDataAge, Failure, Monitor.Current.DemoBuilding);
    }

    private void Tick()
    {
        Refresh();
        if (Shown() != _shown)
        {
            StateHasChanged();
        }
    }

    private string Shown() => $"{Now.UtcDateTime:HH:mm}|{LocalTime}|{Updated}|{_freshness}";

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }
    }
}
