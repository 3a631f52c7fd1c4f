using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>Rollout commands: every one audited; all of a rollout's changes bump its one version (<see cref="RolloutStatus.Version"/>).</summary>
public abstract record RolloutCommand : ICommand<RolloutView>
{
    public abstract string Action { get; }

    public virtual DashboardRole RequiredRole => DashboardRole.Operator;

    public string TargetType => "rollout";

    public abstract string TargetId { get; }

    public long? ExpectedVersion { get; init; }

    public string? IdempotencyKey { get; init; }

    public string? Reason { get; init; }
}

/// <summary><c>rollout.create</c>: a draft rollout from a definition (a template's or a posted one).</summary>
public sealed record CreateRolloutCommand(RolloutDefinition Definition, string? Template = null) : RolloutCommand
{
    public override string Action => "rollout.create";

    public override string TargetId => "";
}

/// <summary>
/// <c>rollout.{start|pause|resume|promote|force_promote|rollback|abort|retry}</c>: a control, applied by the pure
/// <see cref="RolloutMachine"/>. Force-promote and a readiness override are admin actions with a reason.
/// </summary>
public sealed record RolloutControlCommand(string Id, RolloutInput Input, bool OverrideReadiness = false) : RolloutCommand
{
    public override string Action => "rollout." + RolloutInputNames.Of(Input);

    public override DashboardRole RequiredRole => Input is RolloutInput.ForcePromote || OverrideReadiness ? DashboardRole.Admin : DashboardRole.Operator;

    public override string TargetId => Id;
}

/// <summary><c>rollout.attest</c>: an admin attests a readiness item the data cannot show (who and when come from the actor and the clock).</summary>
public sealed record AttestReadinessCommand(string Id, ReadinessItemKey Item, string? Link) : RolloutCommand
{
    public override string Action => "rollout.attest";

    public override DashboardRole RequiredRole => DashboardRole.Admin;

    public override string TargetId => Id;
}

/// <summary>The API's and the audit log's names of the controls.</summary>
public static class RolloutInputNames
{
    public static string Of(RolloutInput input) => input switch
    {
        RolloutInput.Start => "start",
        RolloutInput.Pause => "pause",
        RolloutInput.Resume => "resume",
        RolloutInput.Promote => "promote",
        RolloutInput.ForcePromote => "force_promote",
        RolloutInput.Rollback => "rollback",
        RolloutInput.Abort => "abort",
        RolloutInput.Retry => "retry",
        RolloutInput.CheckRound => "check",
        _ => "unknown",
    };
}
