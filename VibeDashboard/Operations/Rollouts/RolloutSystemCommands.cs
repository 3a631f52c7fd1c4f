using VibeDashboard.Operations.Access;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// <c>rollout.check</c>: one round of gate checks on rollout <see cref="Id"/>'s current wave, applied by the
/// <see cref="RolloutMachine"/> (which may roll the wave back, pause, make it ready or promote it). Sent by the check
/// loop only, as the system actor: its audit entry carries the checks and every automatic line's evidence.
/// </summary>
public sealed record RolloutCheckRoundCommand(string Id, RolloutInput.CheckRound Round) : RolloutCommand
{
    public override string Action => "rollout.check";

    public override DashboardRole RequiredRole => DashboardRole.Admin;

    public override string TargetId => Id;
}

/// <summary>What a webhook receives about a rollout (<c>data</c> of the JSON format): its exposure after the change, and the timeline line.</summary>
public sealed record RolloutEventPayload(ExposureEntry Rollout, RolloutLine Line);
