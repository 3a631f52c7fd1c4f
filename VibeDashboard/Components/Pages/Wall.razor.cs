using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Components.Controls;
using VibeDashboard.Configuration;
using VibeDashboard.Model;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// The war-room wall: open incidents, every SLO, the current rollout and the data's freshness on one dark,
/// read-only screen. Live through the same signals as the overview (the metrics feed, the incident and rollout
/// boards, each throttled), and on its own clock for what moves when nothing happens (ages, overdue updates, the
/// countdown; <see cref="WallClock"/> for the time and the data's age).
/// </summary>
public sealed partial class Wall
{
    /// <summary>Ages read in minutes and the countdown's last minute in seconds: every 5 s keeps both honest.</summary>
    public static readonly TimeSpan ClockInterval = TimeSpan.FromSeconds(5);

    private IncidentFollower? _incidents;
    private RolloutFollower? _rollouts;
    private ITimer? _clock;
    private IReadOnlyList<SloCardModel> _slos = [];
    private WallIncidents _view = WallIncidents.None;
    private CurrentRolloutSummary? _rollout;
    private string _shownState = "";
    private long _changeVersion;

    [Inject] public required IIncidentBoard Board { get; init; }

    [Inject] public required IRolloutBoard Rollouts { get; init; }

    [Inject] public required IncidentRunbooks Runbooks { get; init; }

    [Inject] public required IOptions<WallOptions> Options { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _incidents = new IncidentFollower(Board, Time, static () => new IncidentQuery(IncidentListStatus.Open), InvokeAsync, RebuildAsync, DispatchExceptionAsync);
        _rollouts = new RolloutFollower(Rollouts, Time, InvokeAsync, RebuildAsync, DispatchExceptionAsync);
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(RebuildAsync), null, ClockInterval, ClockInterval);
        await Task.WhenAll(_incidents.LoadAsync(), _rollouts.LoadAsync());
        Rebuild();
    }

    protected override void BuildText(Snapshot snapshot) => _slos = [.. snapshot.Slos.Select(SloCardModel.From)];

    // The wall draws no chart: text only, so nothing runs on the chart cadence.
    protected override void BuildCharts(Snapshot snapshot)
    {
    }

    private Task RebuildAsync()
    {
        Rebuild();
        StateHasChanged();
        return Task.CompletedTask;
    }

    private void Rebuild()
    {
        var now = Time.GetUtcNow();
        _view = WallIncidents.Build(_incidents?.Current ?? [], Runbooks, now, Options.Value.MaxIncidents);
        _rollout = _rollouts is { Loaded: true } r ? CurrentRolloutSummary.Pick(r.Current, now) : null;

        // What people act on (incidents, the rollout's state, wave and gates) as one key: the screen's periodic reload
        // waits until it has not moved for Wall:QuietFor (UnattendedScreen reads data-wall-version). SLO numbers and the
        // countdown move all the time and do not count; nor does the rollout's version (every check round commits).
        var state = string.Join(';', (_incidents?.Current ?? []).Select(i => $"{i.Number}:{i.Version}"))
                    + "|" + (_rollout is { } shown ? $"{shown.Id}:{shown.State}:{shown.Wave}:{string.Join(',', shown.Gates.Select(g => $"{g.Result}{g.FailStreak}"))}" : "");
        if (state != _shownState)
        {
            _shownState = state;
            _changeVersion++;
        }
    }

    private static string Tone(StateTone tone) => tone.ToString().ToLowerInvariant();

    public override async ValueTask DisposeAsync()
    {
        if (_incidents is not null)
        {
            await _incidents.DisposeAsync();
        }

        if (_rollouts is not null)
        {
            await _rollouts.DisposeAsync();
        }

        if (_clock is not null)
        {
            await _clock.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
