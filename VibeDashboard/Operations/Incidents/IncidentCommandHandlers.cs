using System.Text;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// The webhook events (README): created (detected or declared), assigned (acknowledge, assign), updated (status
/// update), severity_changed, resolved, reopened, closed (close, decline, duplicate) and postmortem_published.
/// </summary>
public static class IncidentEvents
{
    public const string Created = "incident.created";
    public const string Assigned = "incident.assigned";
    public const string Updated = "incident.updated";
    public const string SeverityChanged = "incident.severity_changed";
    public const string Resolved = "incident.resolved";
    public const string Reopened = "incident.reopened";
    public const string Closed = "incident.closed";
    public const string PostmortemPublished = "incident.postmortem_published";
}

/// <summary>Rules the handlers check against other rows (the lifecycle sees one incident only).</summary>
internal static class IncidentRules
{
    /// <summary>
    /// Null when <paramref name="of"/> can absorb a duplicate: it exists and is neither declined nor itself a
    /// duplicate (merging into a duplicate would build chains and, one step later, cycles that nobody owns).
    /// </summary>
    public static async Task<string?> DuplicateTargetProblemAsync(CommandContext context, long of, CancellationToken cancellationToken)
    {
        var target = await IncidentStore.GetAsync(context.Connection, context.Transaction, of, cancellationToken);
        return target?.ToSummary() switch
        {
            null => $"of: there is no incident {of}",
            { Status: IncidentStatus.Duplicate, DuplicateOf: var root } => $"of: incident {of} is itself a duplicate of incident {root}: mark this one a duplicate of {root}",
            { Status: IncidentStatus.Declined } => $"of: incident {of} was declined: it cannot take duplicates",
            _ => null,
        };
    }

    public static string PostmortemReviewFirst(long number) =>
        $"status: the postmortem of incident {number} is reviewed before it is published: save it as in_review first";
}

/// <summary><c>incident.declare</c>: a manual incident in triage, owned by the class's rota unless someone is named.</summary>
public sealed class DeclareIncidentHandler(IncidentWriter writer, IncidentRunbooks runbooks) : ICommandHandler<DeclareIncidentCommand, IncidentSummary>
{
    public string? Validate(DeclareIncidentCommand command) =>
        (Enum.IsDefined(command.Class) ? null : "class: use provider_outage, sandbox_instability, migration_regression, auth_policy_failure or unclassified")
        ?? (Enum.IsDefined(command.Severity) ? null : "severity: use SEV1, SEV2, SEV3 or SEV4")
        ?? IncidentWriter.Title(command.Title)
        ?? (command.Key is { Length: > 0 } ? IncidentWriter.Name(command.Key, "key") : null)
        ?? IncidentWriter.Name(command.Owner, "owner", required: false)
        ?? IncidentWriter.Text(command.Message, "message", IncidentLifecycle.MaxTextLength, required: false);

    public async Task<CommandEffect<IncidentSummary>> ApplyAsync(DeclareIncidentCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var key = command.Key?.Trim() ?? "";
        if (key.Length > 0)
        {
            var open = (await IncidentStore.ByClassKeyAsync(context.Connection, context.Transaction, command.Class, key, cancellationToken))
                .FirstOrDefault(r => !IncidentWire.Parse<IncidentStatus>(r.Status).IsTerminal());
            if (open is not null)
            {
                return CommandEffect<IncidentSummary>.Conflict(open.Version, $"incident {open.Number} is already open for {command.Class.Name()} {key}: work on that one");
            }
        }

        var runbook = runbooks.For(command.Class);
        var number = await IncidentStore.NextNumberAsync(context, cancellationToken);
        var row = new IncidentRow { Number = number };
        row.Apply(new IncidentState
        {
            Number = number,
            Class = command.Class,
            Key = key,
            Title = command.Title.Trim(),
            Severity = command.Severity,
            Status = IncidentStatus.Triage,
            Source = IncidentSource.Manual,
            StartedAt = context.Now,
            DetectedAt = context.Now,
            Owner = string.IsNullOrWhiteSpace(command.Owner) ? runbook.Owner : command.Owner.Trim(),
        });
        var summary = await writer.InsertAsync(context, row, cancellationToken);
        await IncidentStore.InsertChecklistAsync(context, number, runbook.Checklist, cancellationToken);
        await IncidentWriter.TimelineAsync(context, number, TimelineKind.Action, $"declared by {context.Actor.Name} ({command.Severity.Name()}, owner {summary.Owner})", cancellationToken: cancellationToken);
        if (command.Message is { } message)
        {
            await IncidentStore.AddUpdateAsync(context, number, message, IncidentStatus.Triage, null, null, cancellationToken);
            await IncidentWriter.TimelineAsync(context, number, TimelineKind.Update, message, cancellationToken: cancellationToken);
        }

        await writer.PublishAsync(context, IncidentEvents.Created, summary, command.Message, cancellationToken);
        return CommandEffect<IncidentSummary>.Ok(summary, null, summary, summary.Version, summary.Id);
    }
}

/// <summary>One lifecycle step (<see cref="IncidentLifecycle.Apply"/>); a refusal is a 400 with the lifecycle's reason.</summary>
public sealed class IncidentActionHandler(IncidentWriter writer) : ICommandHandler<IncidentActionCommand, IncidentSummary>
{
    public string? Validate(IncidentActionCommand command) => command.Step switch
    {
        null => "step: required",
        IncidentAction.Acknowledge a => IncidentWriter.Name(a.Owner, "owner"),
        IncidentAction.Assign a => IncidentWriter.Name(a.Owner, "owner"),
        IncidentAction.ChangeSeverity s => Enum.IsDefined(s.Severity) ? null : "severity: use SEV1, SEV2, SEV3 or SEV4",
        IncidentAction.Update { Status: { } status } when !Enum.IsDefined(status) => "status: not a status",
        _ => null,
    };

    public async Task<CommandEffect<IncidentSummary>> ApplyAsync(IncidentActionCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (row, refusal) = await writer.LoadAsync(command, command.Number, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var beforeState = row!.ToState();
        Postmortem? postmortem = null;
        if (command.Step is IncidentAction.PublishPostmortem)
        {
            postmortem = await IncidentStore.PostmortemAsync(context.Connection, context.Transaction, command.Number, cancellationToken);
            if (postmortem is null)
            {
                return CommandEffect<IncidentSummary>.Invalid($"incident {command.Number} has no postmortem yet: write one first");
            }

            if (postmortem.Status == PostmortemStatus.Published)
            {
                return CommandEffect<IncidentSummary>.Invalid($"incident {command.Number}'s postmortem is published already");
            }

            if (postmortem.Status != PostmortemStatus.InReview)
            {
                return CommandEffect<IncidentSummary>.Invalid(IncidentRules.PostmortemReviewFirst(command.Number));
            }
        }

        if (command.Step is IncidentAction.MarkDuplicate { Of: var of } && of != command.Number
            && await IncidentRules.DuplicateTargetProblemAsync(context, of, cancellationToken) is { } problem)
        {
            return CommandEffect<IncidentSummary>.Invalid(problem);
        }

        var transition = IncidentLifecycle.Apply(beforeState, command.Step, context.Now);
        if (!transition.Allowed)
        {
            return CommandEffect<IncidentSummary>.Invalid(transition.Refusal!);
        }

        var before = row.ToSummary();
        var next = row.Copy();
        next.Apply(transition.State!);
        var after = await writer.SaveAsync(context, row, next, cancellationToken);
        var (text, @event, message) = Describe(command.Step, before, after, context);
        await IncidentWriter.TimelineAsync(context, command.Number, command.Step is IncidentAction.Update ? TimelineKind.Update : TimelineKind.Action, text,
            new { before = Changes(before), after = Changes(after) }, cancellationToken: cancellationToken);
        switch (command.Step)
        {
            case IncidentAction.Update u:
                await IncidentStore.AddUpdateAsync(context, command.Number, u.Message, after.Status, after.Eta, after.NextUpdateAt, cancellationToken);
                break;
            case IncidentAction.Resolve { Message: { } resolution }:
                await IncidentStore.AddUpdateAsync(context, command.Number, resolution, after.Status, after.Eta, null, cancellationToken);
                break;
            case IncidentAction.PublishPostmortem:
                await IncidentStore.SavePostmortemAsync(context, command.Number,
                    postmortem! with { Status = PostmortemStatus.Published, PublishedAt = context.Now, UpdatedAt = context.Now, Author = context.Actor.Name, Version = postmortem.Version + 1 },
                    insert: false, cancellationToken);
                break;
        }

        await writer.PublishAsync(context, @event, after, message, cancellationToken);
        return CommandEffect<IncidentSummary>.Ok(after, before, message is null ? after : new IncidentEventPayload(after, message), after.Version, after.Id);
    }

    private static object Changes(IncidentSummary s) => new { status = s.Status, severity = s.Severity, owner = s.Owner, eta = s.Eta, nextUpdateAt = s.NextUpdateAt };

    private static (string Text, string Event, string? Message) Describe(IncidentAction step, IncidentSummary before, IncidentSummary after, CommandContext context) => step switch
    {
        IncidentAction.Acknowledge => ($"acknowledged by {context.Actor.Name}; owner {after.Owner}, next update due {IncidentWriter.Utc(after.NextUpdateAt!.Value)}", IncidentEvents.Assigned, null),
        IncidentAction.Assign => ($"owner {before.Owner ?? "none"} → {after.Owner}", IncidentEvents.Assigned, null),
        IncidentAction.Update u => (u.Message, IncidentEvents.Updated, u.Message),
        IncidentAction.ChangeSeverity => ($"severity {before.Severity.Name()} → {after.Severity.Name()}", IncidentEvents.SeverityChanged, null),
        IncidentAction.Resolve r => ("resolved" + (r.Message is { } m ? ": " + m : ""), IncidentEvents.Resolved, r.Message),
        IncidentAction.Reopen r => ($"reopened: {r.Reason}", IncidentEvents.Reopened, r.Reason),
        IncidentAction.Decline d => ($"declined: {d.Reason}", IncidentEvents.Closed, d.Reason),
        IncidentAction.MarkDuplicate d => ($"duplicate of incident {d.Of}", IncidentEvents.Closed, null),
        IncidentAction.PublishPostmortem => ("postmortem published", IncidentEvents.PostmortemPublished, null),
        IncidentAction.Close => ("closed", IncidentEvents.Closed, null),
        _ => (step.GetType().Name, IncidentEvents.Updated, null),
    };
}

/// <summary><c>incident.checklist</c>: checks or unchecks one first-response item (who and when are kept).</summary>
public sealed class CheckChecklistItemHandler(IncidentWriter writer) : ICommandHandler<CheckChecklistItemCommand, IncidentSummary>
{
    public string? Validate(CheckChecklistItemCommand command) => command.Index < 0 ? "index: 0 or more" : null;

    public async Task<CommandEffect<IncidentSummary>> ApplyAsync(CheckChecklistItemCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (row, refusal) = await writer.LoadAsync(command, command.Number, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var status = IncidentWire.Parse<IncidentStatus>(row!.Status);
        if (status.IsTerminal())
        {
            return CommandEffect<IncidentSummary>.Invalid($"incident {command.Number} is {status.Name()}: its checklist is final");
        }

        var items = await IncidentStore.ChecklistAsync(context.Connection, context.Transaction, command.Number, cancellationToken);
        if (command.Index >= items.Count)
        {
            return CommandEffect<IncidentSummary>.Invalid($"index: incident {command.Number}'s checklist has {items.Count} items (0 to {items.Count - 1})");
        }

        var item = items[command.Index];
        if (item.Done == command.Done)
        {
            return CommandEffect<IncidentSummary>.Invalid($"checklist item {command.Index} is {(item.Done ? "checked" : "unchecked")} already");
        }

        await IncidentStore.CheckAsync(context, command.Number, command.Index, command.Done, cancellationToken);
        var after = await writer.SaveAsync(context, row, row.Copy(), cancellationToken);
        await IncidentWriter.TimelineAsync(context, command.Number, TimelineKind.Checklist, $"{(command.Done ? "checked" : "unchecked")}: {item.Text}",
            new { index = command.Index, done = command.Done }, cancellationToken: cancellationToken);
        return CommandEffect<IncidentSummary>.Ok(after,
            new { index = command.Index, item = item.Text, done = item.Done },
            new { index = command.Index, item = item.Text, done = command.Done },
            after.Version, after.Id);
    }
}

/// <summary>
/// <c>incident.postmortem</c>: creates or edits the postmortem. Its status moves draft ⇄ in review → published and
/// never back from published; publishing is what lets a SEV1/SEV2 close.
/// </summary>
public sealed class SavePostmortemHandler(IncidentWriter writer) : ICommandHandler<SavePostmortemCommand, IncidentSummary>
{
    public string? Validate(SavePostmortemCommand command) =>
        IncidentWriter.Text(command.Summary, "summary", IncidentLifecycle.MaxTextLength)
        ?? IncidentWriter.Text(command.Impact, "impact", IncidentLifecycle.MaxTextLength, required: false)
        ?? IncidentWriter.Text(command.RootCause, "rootCause", IncidentLifecycle.MaxTextLength, required: false)
        ?? (command.Timeline is { Length: > IncidentLifecycle.MaxTextLength } ? $"timeline: at most {IncidentLifecycle.MaxTextLength:N0} characters" : null)
        ?? (Enum.IsDefined(command.Status) ? null : "status: use draft, in_review or published");

    public async Task<CommandEffect<IncidentSummary>> ApplyAsync(SavePostmortemCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (row, refusal) = await writer.LoadAsync(command, command.Number, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var state = row!.ToState();
        if (state.Status is IncidentStatus.Declined or IncidentStatus.Duplicate)
        {
            return CommandEffect<IncidentSummary>.Invalid($"incident {command.Number} is {state.Status.Name()}: it gets no postmortem");
        }

        var existing = await IncidentStore.PostmortemAsync(context.Connection, context.Transaction, command.Number, cancellationToken);
        if (existing is { Status: PostmortemStatus.Published } && command.Status != PostmortemStatus.Published)
        {
            return CommandEffect<IncidentSummary>.Invalid($"status: the postmortem of incident {command.Number} is published; it cannot go back to {IncidentWire.Name(command.Status)}");
        }

        if (command.Status == PostmortemStatus.Published && existing?.Status is not (PostmortemStatus.InReview or PostmortemStatus.Published))
        {
            return CommandEffect<IncidentSummary>.Invalid(IncidentRules.PostmortemReviewFirst(command.Number));
        }

        if (command.Status == PostmortemStatus.Published && (string.IsNullOrWhiteSpace(command.Impact) || string.IsNullOrWhiteSpace(command.RootCause)))
        {
            return CommandEffect<IncidentSummary>.Invalid(string.IsNullOrWhiteSpace(command.Impact) ? "impact: required to publish" : "rootCause: required to publish");
        }

        var timeline = command.Timeline ?? existing?.Timeline ?? await PrefilledTimelineAsync(context, command.Number, cancellationToken);
        var publishing = command.Status == PostmortemStatus.Published && existing?.Status != PostmortemStatus.Published;
        var postmortem = new Postmortem(command.Summary, command.Impact ?? "", command.RootCause ?? "", timeline, command.Status, context.Actor.Name, context.Now,
            publishing ? context.Now : existing?.PublishedAt, (existing?.Version ?? 0) + 1);
        await IncidentStore.SavePostmortemAsync(context, command.Number, postmortem, insert: existing is null, cancellationToken);

        var next = row.Copy();
        if (publishing)
        {
            var transition = IncidentLifecycle.Apply(state, new IncidentAction.PublishPostmortem(), context.Now);
            if (!transition.Allowed)
            {
                return CommandEffect<IncidentSummary>.Invalid(transition.Refusal!);
            }

            next.Apply(transition.State!);
        }

        var after = await writer.SaveAsync(context, row, next, cancellationToken);
        await IncidentWriter.TimelineAsync(context, command.Number, TimelineKind.Postmortem,
            publishing ? "postmortem published" : existing is null ? $"postmortem started ({IncidentWire.Name(command.Status)})" : $"postmortem edited ({IncidentWire.Name(command.Status)})",
            cancellationToken: cancellationToken);
        if (publishing)
        {
            await writer.PublishAsync(context, IncidentEvents.PostmortemPublished, after, command.Summary, cancellationToken);
        }

        return CommandEffect<IncidentSummary>.Ok(after,
            existing is null ? null : new { status = existing.Status, existing.Version },
            new { status = postmortem.Status, postmortem.Version, postmortem.Summary },
            after.Version, after.Id);
    }

    /// <summary>The incident's timeline so far as text, one line per entry, for the author to edit.</summary>
    private static async Task<string> PrefilledTimelineAsync(CommandContext context, long number, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var entry in await IncidentStore.TimelineAsync(context.Connection, context.Transaction, number, cancellationToken))
        {
            text.Append("- ").Append(IncidentWriter.Utc(entry.At)).Append(" — ").Append(IncidentWire.Name(entry.Kind)).Append(" (").Append(entry.Actor).Append("): ")
                .AppendLine(entry.Text.ReplaceLineEndings(" "));
        }

        return text.ToString();
    }
}

/// <summary><c>incident.follow_up</c>: a follow-up (automated test, automated mitigation, runbook change) with an owner and a due date.</summary>
public sealed class AddFollowUpHandler(IncidentWriter writer) : ICommandHandler<AddFollowUpCommand, IncidentSummary>
{
    public string? Validate(AddFollowUpCommand command) =>
        IncidentWriter.Title(command.Title)
        ?? IncidentWriter.Name(command.Owner, "owner")
        ?? (Enum.IsDefined(command.Kind) ? null : "kind: use automated_test, automated_mitigation or runbook_change");

    public async Task<CommandEffect<IncidentSummary>> ApplyAsync(AddFollowUpCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (row, refusal) = await writer.LoadAsync(command, command.Number, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var followUp = await IncidentStore.AddFollowUpAsync(context, command.Number, command.Title.Trim(), command.Owner.Trim(), command.Due, command.Kind, cancellationToken);
        var after = await writer.SaveAsync(context, row!, row!.Copy(), cancellationToken);
        await IncidentWriter.TimelineAsync(context, command.Number, TimelineKind.Postmortem,
            $"follow-up {followUp.Id} added: {followUp.Title} ({IncidentWire.Name(followUp.Kind)}, owner {followUp.Owner}{(followUp.Due is { } due ? ", due " + due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "")})",
            new { followUp = followUp.Id }, cancellationToken: cancellationToken);
        return CommandEffect<IncidentSummary>.Ok(after, null, followUp, after.Version, after.Id);
    }
}

/// <summary><c>incident.follow_up_close</c>: closes (or reopens) a follow-up of this incident.</summary>
public sealed class CloseFollowUpHandler(IncidentWriter writer) : ICommandHandler<CloseFollowUpCommand, IncidentSummary>
{
    public string? Validate(CloseFollowUpCommand command) => command.FollowUpId <= 0 ? "followUpId: not a follow-up id" : null;

    public async Task<CommandEffect<IncidentSummary>> ApplyAsync(CloseFollowUpCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (row, refusal) = await writer.LoadAsync(command, command.Number, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var followUp = await IncidentStore.FollowUpAsync(context.Connection, context.Transaction, command.FollowUpId, cancellationToken);
        if (followUp is null || followUp.IncidentNumber != command.Number)
        {
            return CommandEffect<IncidentSummary>.Invalid($"incident {command.Number} has no follow-up {command.FollowUpId}", notFound: true);
        }

        if (followUp.Done == command.Done)
        {
            return CommandEffect<IncidentSummary>.Invalid($"follow-up {command.FollowUpId} is {(followUp.Done ? "closed" : "open")} already");
        }

        await IncidentStore.CloseFollowUpAsync(context, command.FollowUpId, command.Done, cancellationToken);
        var after = await writer.SaveAsync(context, row!, row!.Copy(), cancellationToken);
        await IncidentWriter.TimelineAsync(context, command.Number, TimelineKind.Postmortem,
            $"follow-up {followUp.Id} {(command.Done ? "closed" : "reopened")}: {followUp.Title}", new { followUp = followUp.Id }, cancellationToken: cancellationToken);
        return CommandEffect<IncidentSummary>.Ok(after, new { followUp = followUp.Id, done = followUp.Done }, new { followUp = followUp.Id, done = command.Done }, after.Version, after.Id);
    }
}

/// <summary>
/// <c>incident.detect</c> (system): opens the incident for an episode. Live: triage, owned by the class's rota,
/// severity from the episode, the runbook's checklist. History (the episode cleared before the dashboard saw it):
/// recorded closed with the start and end the data shows, and no webhook event — it is a record for the monthly
/// review, not news for the on-call engineer.
/// </summary>
public sealed class DetectIncidentHandler(IncidentWriter writer, IncidentRunbooks runbooks, IOptions<IncidentOptions> options) : ICommandHandler<DetectIncidentCommand, IncidentSummary>
{
    public string? Validate(DetectIncidentCommand command) =>
        command.Episode is null ? "episode: required"
        : string.IsNullOrWhiteSpace(command.Episode.Rule) ? "episode.rule: required"
        : command.Episode.ClearedAt < command.Episode.StartedAt ? "episode: cleared before it started"
        : null;

    public async Task<CommandEffect<IncidentSummary>> ApplyAsync(DetectIncidentCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var episode = command.Episode;
        var existing = await IncidentStore.ByClassKeyAsync(context.Connection, context.Transaction, episode.Class, episode.Key, cancellationToken);
        var (decision, match) = IncidentMatching.Decide(existing, episode, options.Value.Rules.ReopenWithin);
        if (decision != EpisodeDecision.Create)
        {
            // Another pass got there first (the reconciler decided on a read outside this lock).
            return CommandEffect<IncidentSummary>.Conflict(match!.Version, $"incident {match.Number} already explains this {episode.Rule} signal");
        }

        var runbook = runbooks.For(episode.Class);
        var number = await IncidentStore.NextNumberAsync(context, cancellationToken);
        var live = episode.Active;
        var title = string.IsNullOrWhiteSpace(episode.Title) ? $"{runbook.Title}: {episode.Key}" : episode.Title.Trim();
        var state = new IncidentState
        {
            Number = number,
            Class = episode.Class,
            Key = episode.Key,
            Title = title.Length > IncidentWriter.MaxTitleLength ? title[..IncidentWriter.MaxTitleLength] : title,
            Severity = Enum.IsDefined(episode.Severity) ? episode.Severity : runbook.SeverityFor(episode.Evidence.Impact),
            Status = live ? IncidentStatus.Triage : IncidentStatus.Closed,
            Source = live ? IncidentSource.Detected : IncidentSource.Historical,
            StartedAt = episode.StartedAt,
            DetectedAt = live ? context.Now : episode.StartedAt,
            ResolvedAt = live ? null : episode.ClearedAt,
            MitigatedAt = live ? null : episode.ClearedAt,
            EndedAt = live ? null : episode.ClearedAt,
            Owner = runbook.Owner,
        };
        var row = new IncidentRow { Number = number };
        row.Apply(state);
        row.SetSignal(episode, episode.StartedAt);
        var summary = await writer.InsertAsync(context, row, cancellationToken);
        await IncidentStore.InsertChecklistAsync(context, number, runbook.Checklist, cancellationToken);
        await IncidentWriter.TimelineAsync(context, number, TimelineKind.Detected, $"{episode.Rule} fired: {episode.Evidence.Summary}", episode.Evidence,
            live ? context.Now : episode.StartedAt, cancellationToken);
        if (!live)
        {
            await IncidentWriter.TimelineAsync(context, number, TimelineKind.Signal, $"signal cleared at {IncidentWriter.Utc(episode.ClearedAt!.Value)}", null, episode.ClearedAt, cancellationToken);
            await IncidentWriter.TimelineAsync(context, number, TimelineKind.Action, "recorded from imported history (began and cleared before the dashboard saw it)", null, episode.ClearedAt, cancellationToken);
        }
        else
        {
            await writer.PublishAsync(context, IncidentEvents.Created, summary, episode.Evidence.Summary, cancellationToken);
        }

        return CommandEffect<IncidentSummary>.Ok(summary, null, summary, summary.Version, summary.Id);
    }
}

/// <summary>
/// <c>incident.signal</c> (system): the stored signal follows the episode; timeline lines when it clears or fires
/// again. The human state is left alone — except a signal firing again on a resolved incident reopens it.
/// </summary>
public sealed class UpdateIncidentSignalHandler(IncidentWriter writer) : ICommandHandler<UpdateIncidentSignalCommand, IncidentSummary>
{
    public const string FiredAgainReason = "signal fired again";

    public string? Validate(UpdateIncidentSignalCommand command) =>
        command.Episode is null ? "episode: required"
        : string.IsNullOrWhiteSpace(command.Episode.Rule) ? "episode.rule: required"
        : null;

    public async Task<CommandEffect<IncidentSummary>> ApplyAsync(UpdateIncidentSignalCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (row, refusal) = await writer.LoadAsync(command, command.Number, context, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var episode = command.Episode;
        if (!IncidentMatching.Differs(row!, episode))
        {
            return CommandEffect<IncidentSummary>.Invalid($"incident {command.Number} already shows this signal");
        }

        var before = row!.ToSummary();
        var next = row.Copy();
        next.SetSignal(episode, IncidentMatching.MergedStart(row, episode));
        var state = next.ToState();
        string? @event = null;
        if (state.Source == IncidentSource.Historical && episode.ClearedAt is { } end)
        {
            // A record of history follows what the (longer, overlapping) data now shows.
            next.Apply(state with { StartedAt = IncidentStore.Time(next.SignalStartedAt!.Value), ResolvedAt = end, MitigatedAt = end, EndedAt = end });
        }

        var wasActive = row.HasSignal && row.SignalActive == 1;
        var firedAgain = row.HasSignal && !wasActive && episode.Active;
        if (firedAgain && state.Status == IncidentStatus.Resolved)
        {
            var reopened = IncidentLifecycle.Apply(state, new IncidentAction.Reopen(FiredAgainReason), context.Now);
            if (reopened.Allowed)
            {
                next.Apply(reopened.State!);
                @event = IncidentEvents.Reopened;
            }
        }

        var after = await writer.SaveAsync(context, row, next, cancellationToken);
        if (!row.HasSignal)
        {
            await IncidentWriter.TimelineAsync(context, command.Number, TimelineKind.Detected, $"{episode.Rule} fired: {episode.Evidence.Summary}", episode.Evidence, cancellationToken: cancellationToken);
        }
        else if (wasActive && !episode.Active)
        {
            await IncidentWriter.TimelineAsync(context, command.Number, TimelineKind.Signal, $"signal cleared at {IncidentWriter.Utc(episode.ClearedAt!.Value)}",
                episode.Evidence, episode.ClearedAt, cancellationToken);
        }
        else if (firedAgain)
        {
            await IncidentWriter.TimelineAsync(context, command.Number, TimelineKind.Signal, $"signal fired again: {episode.Evidence.Summary}", episode.Evidence, cancellationToken: cancellationToken);
        }

        if (@event is not null)
        {
            await IncidentWriter.TimelineAsync(context, command.Number, TimelineKind.Action, $"reopened: {FiredAgainReason}", cancellationToken: cancellationToken);
            await writer.PublishAsync(context, @event, after, FiredAgainReason, cancellationToken);
        }

        return CommandEffect<IncidentSummary>.Ok(after, before, after, after.Version, after.Id);
    }
}
