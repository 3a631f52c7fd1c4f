using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Incidents.Detection;

/// <summary>
/// <c>incident.signal</c> (system): a full-history pass no longer shows any episode of the open incident
/// <see cref="Number"/>'s (class, key) — the data behind it was replaced (a real import over the demo's) or rewritten.
/// Its active signal is marked cleared at <see cref="At"/>, with a timeline line saying why; otherwise it would show
/// "active" forever. The human state is left alone, as for every signal change.
/// </summary>
public sealed record SignalGoneCommand(long Number, DateTimeOffset At) : IncidentCommand
{
    public const string Text = "no longer in the data";

    public override string Action => "incident.signal";

    public override DashboardRole RequiredRole => DashboardRole.Admin;

    public override string TargetId => TargetOf(Number);
}

public sealed class SignalGoneHandler(IncidentWriter writer) : ICommandHandler<SignalGoneCommand, IncidentSummary>
{
    public string? Validate(SignalGoneCommand command) => command.Number <= 0 ? "number: required" : null;

    public async Task<CommandEffect<IncidentSummary>> ApplyAsync(SignalGoneCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (row, refusal) = await writer.LoadAsync(command, command.Number, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!row!.HasSignal || row.SignalActive != 1 || IncidentMatching.IsTerminal(row))
        {
            return CommandEffect<IncidentSummary>.Invalid($"incident {command.Number} has no active signal to clear");
        }

        var before = row.ToSummary();
        var next = row.Copy();
        // Never before the signal began (the data's end may lie before a start recorded from the old data).
        var at = Math.Max(command.At.ToUnixTimeMilliseconds(), row.SignalStartedAt!.Value);
        next.SignalActive = 0;
        next.SignalClearedAt = at;
        var after = await writer.SaveAsync(context, row, next, cancellationToken);
        await IncidentWriter.TimelineAsync(context, command.Number, TimelineKind.Signal,
            $"signal {SignalGoneCommand.Text}: the detection pass over the whole history shows no {row.SignalRule} episode for {row.IncidentKey}; marked cleared at {IncidentWriter.Utc(IncidentStore.Time(at))}",
            null, context.Now, cancellationToken);
        return CommandEffect<IncidentSummary>.Ok(after, before, after, after.Version, after.Id);
    }
}
