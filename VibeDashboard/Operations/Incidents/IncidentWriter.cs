using System.Globalization;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Notifications;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// What every incident handler does around its own change, in the command's transaction: load the incident (404),
/// check the expected version (409), save it with the next version, write the timeline, enqueue the webhook event.
/// </summary>
public sealed class IncidentWriter(Outbox outbox)
{
    public const int MaxTitleLength = 200;

    /// <summary>Owners, keys and follow-up owners: a name, not a text.</summary>
    public const int MaxNameLength = 200;

    internal async Task<(IncidentRow? Row, CommandEffect<IncidentSummary>? Refusal)> LoadAsync(IncidentCommand command, long number, CommandContext context, CancellationToken cancellationToken)
    {
        var row = await IncidentStore.GetAsync(context.Connection, context.Transaction, number, cancellationToken);
        if (row is null)
        {
            return (null, CommandEffect<IncidentSummary>.Invalid($"no incident {number}", notFound: true));
        }

        if (command.ExpectedVersion is { } expected && expected != row.Version)
        {
            return (row, CommandEffect<IncidentSummary>.Conflict(row.Version,
                $"incident {number} was changed by someone else (version {row.Version}, you sent {expected}): reload it and try again"));
        }

        return (row, null);
    }

    /// <summary>Saves <paramref name="after"/> as the next version of <paramref name="before"/> (one bump per command, whatever it changed).</summary>
    internal async Task<IncidentSummary> SaveAsync(CommandContext context, IncidentRow before, IncidentRow after, CancellationToken cancellationToken)
    {
        after.Version = before.Version + 1;
        await IncidentStore.UpdateAsync(context, after, before.Version, cancellationToken);
        return after.ToSummary();
    }

    internal async Task<IncidentSummary> InsertAsync(CommandContext context, IncidentRow row, CancellationToken cancellationToken)
    {
        row.Version = 1;
        await IncidentStore.InsertAsync(context, row, cancellationToken);
        return row.ToSummary();
    }

    internal static Task TimelineAsync(CommandContext context, long number, TimelineKind kind, string text, object? data = null, DateTimeOffset? at = null, CancellationToken cancellationToken = default) =>
        IncidentStore.AddTimelineAsync(context, number, at ?? context.Now, kind, text, data, cancellationToken);

    /// <summary>Enqueues <paramref name="event"/> for the incident (aggregate <c>incident:{number}</c>, so one incident's events arrive in order).</summary>
    internal Task PublishAsync(CommandContext context, string @event, IncidentSummary incident, string? message, CancellationToken cancellationToken) =>
        outbox.EnqueueAsync(context, @event, $"incident:{incident.Number}", new IncidentEventPayload(incident, message), SlackLine(incident, message), cancellationToken);

    /// <summary>The one line a chat webhook shows: <c>SEV2 provider_outage #7 "…" — investigating · owner alice · ETA 14:30 UTC — message</c>.</summary>
    public static string SlackLine(IncidentSummary incident, string? message)
    {
        var parts = new List<string> { incident.Status.Name() };
        if (incident.Owner is { } owner)
        {
            parts.Add("owner " + owner);
        }

        if (incident.Eta is { } eta)
        {
            parts.Add("ETA " + Utc(eta));
        }

        if (incident.NextUpdateAt is { } next && incident.Status.IsActive())
        {
            parts.Add("next update " + Utc(next));
        }

        var line = $"{incident.Severity.Name()} {incident.Class.Name()} #{incident.Number} \"{incident.Title}\" — {string.Join(" · ", parts)}";
        if (!string.IsNullOrWhiteSpace(message))
        {
            // A chat line, not the record: the full message is in the JSON format and on the incident page.
            var text = message.Trim().ReplaceLineEndings(" ");
            line += " — " + (text.Length > 500 ? text[..500] + "…" : text);
        }

        return line;
    }

    internal static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>Null when usable, else the reason naming the field.</summary>
    internal static string? Text(string? value, string field, int max, bool required = true) =>
        value is null ? (required ? $"{field}: required" : null)
        : string.IsNullOrWhiteSpace(value) ? $"{field}: required"
        : value.Length > max ? $"{field}: at most {max:N0} characters"
        : null;

    /// <summary>A title is one line of text: no control characters (a newline or an escape sequence would break every list it is in).</summary>
    internal static string? Title(string? value, string field = "title") =>
        Text(value, field, MaxTitleLength) ?? (value!.Any(char.IsControl) ? $"{field}: control characters are not allowed" : null);

    internal static string? Name(string? value, string field, bool required = true) =>
        Text(value, field, MaxNameLength, required) ?? (value is not null && value.Any(char.IsControl) ? $"{field}: control characters are not allowed" : null);
}
