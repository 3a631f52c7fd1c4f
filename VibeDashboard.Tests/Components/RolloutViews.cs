using VibeDashboard.Operations.Rollouts;
using static VibeDashboard.Tests.Infrastructure.Snapshots;

namespace VibeDashboard.Tests.Components;

/// <summary>Rollouts for the chart and overview tests: a running rollout over the given waves with a timeline of events.</summary>
public static class RolloutViews
{
    public static RolloutView Running(string id, IReadOnlyList<string[]> waves, params (DateTimeOffset At, int Wave, RolloutEventKind Event)[] timeline)
    {
        var definition = new RolloutDefinition(
            $"release {id}", "2026.12.1", TimeSpan.FromMinutes(1), AutoPromote: false,
            [.. waves.Select(tiers => new WaveDefinition(tiers, TimeSpan.FromMinutes(30), 50))],
            []);
        var status = RolloutStatus.Draft(definition) with
        {
            State = RolloutState.Running,
            StartedAt = At.AddHours(-1),
            Waves = [.. definition.Waves.Select((_, i) => i == 0 ? new WaveStatus(WaveState.Observing, At.AddHours(-1), At.AddMinutes(-20)) : new WaveStatus(WaveState.Pending))],
        };
        return new RolloutView(id, definition, status, [], [.. timeline.Select(l => new RolloutLine(l.At, l.Wave, $"{l.Event}", l.Event, false, false, []))], At.AddHours(-2), "olivia@example.com");
    }
}
