using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Notifications;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// What every rollout handler does around the machine, in the command's transaction: load the rollout (404), check
/// the expected version (409), save the next status, write the timeline and the checks, enqueue a webhook event for
/// each line that is one (aggregate <c>rollout:{id}</c>, so one rollout's events arrive in order).
/// </summary>
public sealed class RolloutWriter(Outbox outbox)
{
    /// <summary>A timeline line the machine wrote on a check round is recorded under this name, whoever sent the round.</summary>
    public const string SystemName = "system";

    public const int MaxLinkLength = 2_000;

    internal static async Task<(RolloutRow? Row, CommandEffect<RolloutView>? Refusal)> LoadAsync(RolloutCommand command, string id, CommandContext context, CancellationToken cancellationToken)
    {
        var row = RolloutStore.NumberOf(id) is { } number ? await RolloutStore.GetAsync(context.Connection, context.Transaction, number, cancellationToken) : null;
        if (row is null)
        {
            return (null, CommandEffect<RolloutView>.Invalid($"no rollout {id}", notFound: true));
        }

        if (command.ExpectedVersion is { } expected && expected != row.Version)
        {
            return (row, CommandEffect<RolloutView>.Conflict(row.Version,
                $"rollout {id} was changed by someone else (version {row.Version}, you sent {expected}): reload it and try again"));
        }

        return (row, null);
    }

    /// <summary>Saves the transition's status (and the readiness when given), its lines, checks and events; returns the view after.</summary>
    internal async Task<RolloutView> SaveAsync(CommandContext context, RolloutRow before, RolloutDefinition definition, RolloutStatus status, IReadOnlyList<RolloutLine> lines,
        IReadOnlyList<ReadinessItem>? readiness, CancellationToken cancellationToken)
    {
        var after = before.Copy();
        after.SetStatus(status);
        if (readiness is not null)
        {
            after.SetReadiness(readiness);
        }

        await RolloutStore.UpdateAsync(context, after, before.Version, cancellationToken);
        var exposure = Exposure(after.Id, definition, status);
        foreach (var line in lines)
        {
            await RolloutStore.AddTimelineAsync(context, after.Number, line, line.Automatic ? SystemName : context.Actor.Name, cancellationToken);
            if (line.Event is { } kind)
            {
                await outbox.EnqueueAsync(context, RolloutWire.Name(kind), $"rollout:{after.Id}", new RolloutEventPayload(exposure, line),
                    $"{definition.Release} \"{definition.Name}\" ({after.Id}) — {line.Text}", cancellationToken);
            }
        }

        return await ViewAsync(context, after, cancellationToken);
    }

    internal static async Task<RolloutView> ViewAsync(CommandContext context, RolloutRow row, CancellationToken cancellationToken) =>
        RolloutViews.Of(row, await RolloutStore.TimelineAsync(context.Connection, context.Transaction, row.Number, cancellationToken));

    public static ExposureEntry Exposure(string id, RolloutDefinition definition, RolloutStatus status) =>
        new(id, definition.Release, status.State, status.EnabledTiers(definition), status.ExposureVersion, status.ExposureUpdatedAt);

    /// <summary>The audit entry's before/after: what the platform and the operator see of the rollout.</summary>
    internal static object Audit(string id, RolloutDefinition definition, RolloutStatus status, IReadOnlyList<RolloutLine>? lines = null) => new
    {
        id,
        state = status.State,
        currentWave = status.CurrentWave,
        enabledTiers = status.EnabledTiers(definition),
        version = status.Version,
        lines,
    };

    internal static string? Reason(string? reason, string field, bool required) =>
        string.IsNullOrWhiteSpace(reason) ? (required ? $"{field}: required" : null)
        : reason.Length > RolloutMachine.MaxReasonLength ? $"{field}: at most {RolloutMachine.MaxReasonLength:N0} characters"
        : UnprintableAt(reason) is >= 0 and var at
            ? $"{field}: holds a {(char.IsControl(reason[at]) ? "control" : "bidi control")} character (U+{(int)reason[at]:X4}): a reason goes on the timeline, the audit log and webhooks as written"
        : null;

    // Line breaks and tabs are how a reason is written; any other control character, and a bidi embedding, override or
    // isolate (which reorders the text after it), is not text a reader can see.
    private static int UnprintableAt(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t') || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Builds <see cref="RolloutView"/>s from rows.</summary>
internal static class RolloutViews
{
    public static RolloutView Of(RolloutRow row, IReadOnlyList<RolloutTimelineEntry> timeline) =>
        new(row.Id, row.Definition(), row.Status(), row.Readiness(), timeline.Select(t => t.Line).ToList(), RolloutStore.Time(row.CreatedAt), row.CreatedBy);
}

/// <summary><c>rollout.create</c>: a draft from a definition valid under today's configuration (its SLOs, the cost budget).</summary>
public sealed class CreateRolloutHandler(IOptions<RolloutOptions> options, IOptions<SloOptions> slos, RolloutReadiness readiness)
    : ICommandHandler<CreateRolloutCommand, RolloutView>
{
    public string? Validate(CreateRolloutCommand command)
    {
        if (command.Definition is null)
        {
            return "definition: required";
        }

        var context = RolloutOptionsValidation.Context(options.Value, RolloutOptionsValidation.SloKeys(slos.Value));
        var problems = RolloutDefinitionJson.Validate(command.Definition, context);
        return problems.Count > 0 ? string.Join("; ", problems.Take(10))
            : command.Template is { } t && RolloutDefinitionJson.NameProblem(t) is { } p ? $"template: {p}"
            : null;
    }

    public async Task<CommandEffect<RolloutView>> ApplyAsync(CreateRolloutCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var definition = command.Definition;
        var number = await RolloutStore.NextNumberAsync(context, cancellationToken);
        var status = RolloutStatus.Draft(definition);
        var row = new RolloutRow
        {
            Number = number,
            Name = definition.Name,
            ReleaseName = definition.Release,
            Template = command.Template,
            DefinitionJson = RolloutDefinitionJson.Serialize(definition),
            CreatedAt = context.Now.ToUnixTimeMilliseconds(),
            CreatedBy = context.Actor.Name,
        };
        row.SetStatus(status);
        row.SetReadiness(await readiness.JudgeAsync(definition, [], context.Now, cancellationToken));
        await RolloutStore.InsertAsync(context, row, cancellationToken);
        var from = command.Template is { } template ? $" from template \"{template}\"" : "";
        await RolloutStore.AddTimelineAsync(context, number, new RolloutLine(context.Now, 0, $"created by {context.Actor.Name}{from} (draft)", null, false, false, []),
            context.Actor.Name, cancellationToken);
        var view = await RolloutWriter.ViewAsync(context, row, cancellationToken);
        return CommandEffect<RolloutView>.Ok(view, null, new { id = view.Id, template = command.Template, definition = RolloutDefinitionJson.ToJson(definition) }, view.Version, view.Id);
    }
}

/// <summary>
/// <c>rollout.{start|pause|…}</c>: one control through <see cref="RolloutMachine.Apply"/>. A refusal by the rules (the
/// state, readiness: promote before ready) is a 409 with the machine's reason; a malformed control is a 400. Start
/// needs the readiness checklist passed or attested, unless an admin overrides it with a reason.
/// </summary>
public sealed class RolloutControlHandler(RolloutWriter writer, RolloutReadiness readiness, IOptions<RolloutOptions> options)
    : ICommandHandler<RolloutControlCommand, RolloutView>
{
    public string? Validate(RolloutControlCommand command) => command.Input switch
    {
        null => "input: required",
        RolloutInput.CheckRound => "input: check rounds come from the check loop",
        not RolloutInput.Start when command.OverrideReadiness => "overrideReadiness: only a start can override readiness",
        RolloutInput.Start when command.OverrideReadiness => RolloutWriter.Reason(command.Reason, "reason", required: true) is { } p ? p + " (why readiness is overridden)" : null,
        RolloutInput.ForcePromote f => RolloutWriter.Reason(f.Reason, "reason", required: true),
        RolloutInput.Pause p => RolloutWriter.Reason(p.Reason, "reason", required: false),
        RolloutInput.Rollback r => RolloutWriter.Reason(r.Reason, "reason", required: false),
        RolloutInput.Abort a => RolloutWriter.Reason(a.Reason, "reason", required: false),
        _ => RolloutWriter.Reason(command.Reason, "reason", required: false),
    };

    public async Task<CommandEffect<RolloutView>> ApplyAsync(RolloutControlCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (row, refusal) = await RolloutWriter.LoadAsync(command, command.Id, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var definition = row!.Definition();
        var status = row.Status();
        IReadOnlyList<ReadinessItem>? judged = null;
        var lines = new List<RolloutLine>();
        if (command.Input is RolloutInput.Start && status.State == RolloutState.Draft)
        {
            var attestations = await RolloutStore.AttestationsAsync(context.Connection, context.Transaction, row.Number, cancellationToken);
            judged = await readiness.JudgeAsync(definition, attestations, context.Now, cancellationToken);
            var verdict = ReadinessJudge.CanStart(judged);
            if (!verdict.CanStart && !command.OverrideReadiness)
            {
                return CommandEffect<RolloutView>.Conflict(row.Version,
                    $"rollout {row.Id} is not ready to start: {string.Join("; ", verdict.Reasons)} (attest the items, or an admin overrides readiness with a reason)");
            }

            if (!verdict.CanStart)
            {
                lines.Add(new RolloutLine(context.Now, 0, $"readiness overridden by {context.Actor.Name}: {command.Reason!.Trim()} (not satisfied: {string.Join("; ", verdict.Reasons)})",
                    null, Automatic: false, Forced: true, []));
            }
        }

        var transition = RolloutMachine.Apply(definition, status, command.Input, context.Now, Settings(options.Value));
        if (!transition.Allowed)
        {
            return CommandEffect<RolloutView>.Conflict(row.Version, transition.Refusal!);
        }

        if (!transition.Changed)
        {
            return CommandEffect<RolloutView>.Conflict(row.Version, $"rollout {row.Id}: nothing to change");
        }

        // A tier gets one release: the Worker reads one answer per tier from the exposure. Starting (or retrying)
        // a rollout whose tiers another active rollout also targets would make that answer ambiguous.
        if (command.Input is RolloutInput.Start or RolloutInput.Retry
            && await OverlapAsync(row, definition, context, cancellationToken) is { } overlap)
        {
            return CommandEffect<RolloutView>.Conflict(row.Version, overlap);
        }

        var view = await writer.SaveAsync(context, row, definition, transition.Status, [.. lines, .. transition.Effects.Timeline], judged, cancellationToken);
        return CommandEffect<RolloutView>.Ok(view, RolloutWriter.Audit(row.Id, definition, status),
            RolloutWriter.Audit(row.Id, definition, transition.Status, [.. lines, .. transition.Effects.Timeline]), view.Version, view.Id);
    }

    internal static RolloutMachineSettings Settings(RolloutOptions options) => new(options.ErrorsBeforePause);

    private static async Task<string?> OverlapAsync(RolloutRow row, RolloutDefinition definition, CommandContext context, CancellationToken cancellationToken)
    {
        var tiers = definition.Waves.SelectMany(w => w.Tiers).ToHashSet(StringComparer.Ordinal);
        foreach (var other in await RolloutStore.ActiveAsync(context.Connection, cancellationToken, context.Transaction))
        {
            if (other.Number == row.Number)
            {
                continue;
            }

            RolloutDefinition theirs;
            try
            {
                theirs = other.Definition();
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                continue; // unreadable: the check loop and the board leave it out too
            }

            if (theirs.Waves.SelectMany(w => w.Tiers).FirstOrDefault(tiers.Contains) is { } shared)
            {
                return $"tier {shared} is also in rollout {other.Id} (release {theirs.Release}, {other.State}): a tier gets one release at a time; complete, roll back or abort {other.Id} first";
            }
        }

        return null;
    }
}

/// <summary><c>rollout.check</c>: a round of gate checks from the check loop (system actor only).</summary>
public sealed class RolloutCheckRoundHandler(RolloutWriter writer, IOptions<RolloutOptions> options) : ICommandHandler<RolloutCheckRoundCommand, RolloutView>
{
    public string? Validate(RolloutCheckRoundCommand command) =>
        command.Round is null ? "round: required"
        : command.Round.Checks is null || command.Round.AlertsInScope is null ? "round: checks and alertsInScope are required"
        : null;

    public async Task<CommandEffect<RolloutView>> ApplyAsync(RolloutCheckRoundCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        // An admin could send this record; only the loop may: a round is evidence, and people do not make evidence up.
        if (context.Actor.Kind != Commands.ActorKind.System)
        {
            return CommandEffect<RolloutView>.Invalid("rollout.check is sent by the check loop only");
        }

        var (row, refusal) = await RolloutWriter.LoadAsync(command, command.Id, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var definition = row!.Definition();
        var status = row.Status();
        var transition = RolloutMachine.Apply(definition, status, command.Round, context.Now, RolloutControlHandler.Settings(options.Value));
        if (!transition.Allowed || !transition.Changed)
        {
            return CommandEffect<RolloutView>.Conflict(row.Version, transition.Refusal
                ?? $"rollout {row.Id} took no round at {command.Round.CheckedAt:O}: it is {RolloutWire.Name(status.State)}, or a later round was applied");
        }

        await RolloutStore.AddChecksAsync(context, row.Number, status.CurrentWave, command.Round.Checks, cancellationToken);
        var view = await writer.SaveAsync(context, row, definition, transition.Status, transition.Effects.Timeline, null, cancellationToken);
        return CommandEffect<RolloutView>.Ok(view, RolloutWriter.Audit(row.Id, definition, status),
            new
            {
                audit = RolloutWriter.Audit(row.Id, definition, transition.Status, transition.Effects.Timeline),
                checks = command.Round.Checks.Select(c => new { c.Gate, c.Result, c.Value, c.Threshold, c.Count, c.Reason }),
                sample = command.Round.Sample,
                alertsInScope = command.Round.AlertsInScope,
            }, view.Version, view.Id);
    }
}

/// <summary><c>rollout.attest</c>: an admin attests a readiness item (who and when from the actor and the clock, a link to check it by).</summary>
public sealed class AttestReadinessHandler(RolloutReadiness readiness) : ICommandHandler<AttestReadinessCommand, RolloutView>
{
    public string? Validate(AttestReadinessCommand command) =>
        !Enum.IsDefined(command.Item) ? "item: use observability, migration_rollback, preview_concurrency, rotation_ownership or cost_quota_guardrails"
        : string.IsNullOrWhiteSpace(command.Link) ? "link: required (where to check what is attested: a runbook, a drill's ticket)"
        : command.Link.Length > RolloutWriter.MaxLinkLength ? $"link: at most {RolloutWriter.MaxLinkLength:N0} characters"
        : command.Link.Any(char.IsControl) ? "link: control characters are not allowed"
        : RolloutWriter.Reason(command.Reason, "reason", required: false);

    public async Task<CommandEffect<RolloutView>> ApplyAsync(AttestReadinessCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (row, refusal) = await RolloutWriter.LoadAsync(command, command.Id, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var status = row!.Status();
        if (status.State != RolloutState.Draft)
        {
            return CommandEffect<RolloutView>.Conflict(row.Version, $"rollout {row.Id} is {RolloutWire.Name(status.State)}: readiness gates the first wave, attest before starting");
        }

        var attestation = new ReadinessAttestation(command.Item, context.Actor.Name, context.Now, command.Link!.Trim());
        await RolloutStore.AddAttestationAsync(context, row.Number, attestation, cancellationToken);
        var definition = row.Definition();
        var judged = await readiness.JudgeAsync(definition, await RolloutStore.AttestationsAsync(context.Connection, context.Transaction, row.Number, cancellationToken), context.Now, cancellationToken);
        var after = row.Copy();
        after.SetStatus(status with { Version = status.Version + 1 });
        after.SetReadiness(judged);
        await RolloutStore.UpdateAsync(context, after, row.Version, cancellationToken);
        await RolloutStore.AddTimelineAsync(context, row.Number,
            new RolloutLine(context.Now, 0, $"readiness \"{ReadinessJudge.Title(command.Item)}\" attested by {context.Actor.Name}: {attestation.Link}", null, false, false, []),
            context.Actor.Name, cancellationToken);
        var view = await RolloutWriter.ViewAsync(context, after, cancellationToken);
        return CommandEffect<RolloutView>.Ok(view, null, new { id = row.Id, attestation, reason = command.Reason }, view.Version, view.Id);
    }
}
