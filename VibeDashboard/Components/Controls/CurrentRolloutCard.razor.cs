using Microsoft.AspNetCore.Components;
using VibeDashboard.Model;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Components.Controls;

/// <summary>One gate as the overview's card shows it: its last result as a mark and in words, value against threshold.</summary>
public sealed record CurrentRolloutGate(string Name, string Mark, string Result, StateTone Tone, string Detail, int FailStreak);

/// <summary>The rollout the overview shows; every text already formatted.</summary>
public sealed record CurrentRolloutSummary(
    string Id,
    string Href,
    string Name,
    string Release,
    RolloutState State,
    string Wave,
    string Tiers,
    IReadOnlyList<CurrentRolloutGate> Gates,
    string Promotion,
    StateTone PromotionTone)
{
    /// <summary>The rollout people are watching: the newest one running, paused or ready; null when there is none.</summary>
    public static CurrentRolloutSummary? Pick(IEnumerable<RolloutView> rollouts, DateTimeOffset now) =>
        rollouts
            .Where(r => r.Status.State is RolloutState.Running or RolloutState.Paused or RolloutState.Ready)
            .OrderByDescending(r => r.CreatedAt)
            .ThenByDescending(r => r.Id, StringComparer.Ordinal)
            .Select(r => From(r, now))
            .FirstOrDefault();

    public static CurrentRolloutSummary From(RolloutView rollout, DateTimeOffset now)
    {
        var definition = rollout.Definition;
        var status = rollout.Status;
        var gates = definition.Gates.Select((gate, i) =>
        {
            var state = i < status.Gates.Count ? status.Gates[i] : null;
            var last = state?.Last;
            return last is null
                ? new CurrentRolloutGate(gate.Name, "·", "not checked yet", StateTone.Unknown, "not checked yet", 0)
                : new CurrentRolloutGate(gate.Name, RolloutFormat.Mark(last.Result), RolloutFormat.Result(last.Result), RolloutFormat.Tone(last.Result),
                    RolloutFormat.Against(gate, last), state!.FailStreak);
        }).ToList();
        var (promotion, tone) = PromotionOf(rollout, now);
        return new CurrentRolloutSummary(
            rollout.Id,
            RolloutFormat.DetailUrl(rollout.Id),
            definition.Name,
            definition.Release,
            status.State,
            $"wave {status.CurrentWave + 1} of {definition.Waves.Count}",
            string.Join(", ", definition.Waves[status.CurrentWave].Tiers),
            gates,
            promotion,
            tone);
    }

    /// <summary>
    /// When the wave can be promoted, or why it cannot: ready now; paused and why; held and by what (a gate not
    /// passing, an alert in scope, no checks yet: the machine's own words, as its 409 gives them); else the countdown.
    /// </summary>
    private static (string Text, StateTone Tone) PromotionOf(RolloutView rollout, DateTimeOffset now)
    {
        var status = rollout.Status;
        switch (status.State)
        {
            case RolloutState.Ready:
                return ("promotable now", StateTone.Ok);
            case RolloutState.Paused:
                return (status.Pause is { } pause ? $"paused ({RolloutFormat.Pause(pause)}): {pause.Reason}" : "paused", StateTone.Warning);
        }

        var held = status.Gates.Any(g => g.Last is null or { Result: not GateResult.Pass }) || status.AlertsInScope.Count > 0;
        if (!held && RolloutFormat.Countdown(rollout, now) is { } countdown && countdown.StartsWith("promotable", StringComparison.Ordinal))
        {
            return (countdown, StateTone.Unknown);
        }

        // Observation complete but not ready yet (the sample, the next round) is not a hold: no warning tone.
        return (RolloutMachine.WhyNotPromotable(rollout.Definition, status, now), held ? StateTone.Warning : StateTone.Unknown);
    }
}

/// <summary>
/// The overview's line on the current rollout (<see cref="CurrentRolloutSummary.Pick"/>): release, state, wave and
/// tiers, each gate's last result, and when it is promotable or why it is held or paused, linking to its page.
/// Nothing at all when no rollout is under way. Live from <see cref="IRolloutBoard"/>, and on its own clock (the
/// countdown moves when nothing happens).
/// </summary>
public sealed partial class CurrentRolloutCard : IAsyncDisposable
{
    /// <summary>The countdown reads in minutes, its last minute in seconds (as on the rollout pages).</summary>
    public static readonly TimeSpan ClockInterval = TimeSpan.FromSeconds(5);

    private RolloutFollower? _rollouts;
    private ITimer? _clock;

    [Inject] public required IRolloutBoard Board { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    private CurrentRolloutSummary? Current => _rollouts is { Loaded: true } r ? CurrentRolloutSummary.Pick(r.Current, Time.GetUtcNow()) : null;

    protected override async Task OnInitializedAsync()
    {
        _rollouts = new RolloutFollower(
            Board,
            Time,
            InvokeAsync,
            () =>
            {
                StateHasChanged();
                return Task.CompletedTask;
            },
            DispatchExceptionAsync);
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(StateHasChanged), null, ClockInterval, ClockInterval);
        await _rollouts.LoadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_rollouts is not null)
        {
            await _rollouts.DisposeAsync();
        }

        if (_clock is not null)
        {
            await _clock.DisposeAsync();
        }
    }
}
