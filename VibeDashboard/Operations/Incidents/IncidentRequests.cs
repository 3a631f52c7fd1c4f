using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// The API's request bodies into incident commands (<c>POST /api/incidents</c>, <c>POST /api/incidents/{number}/{action}</c>).
/// Strict: an unknown field, a value of the wrong type, a time that is not ISO 8601 with an offset (<c>Z</c> or
/// <c>±hh:mm</c>) or a missing <c>expectedVersion</c> is refused with a reason naming the field, before any command.
/// </summary>
public static partial class IncidentRequests
{
    /// <summary>The steps with a route of their own, by the name in the path.</summary>
    public static readonly IReadOnlyList<string> Actions =
        ["acknowledge", "assign", "update", "severity", "checklist", "resolve", "reopen", "decline", "duplicate", "postmortem", "close"];

    /// <summary>Parses a declaration: <c>{class, title, severity, key?, owner?, message?}</c>.</summary>
    public static bool TryDeclare(JsonElement body, out DeclareIncidentCommand? command, out string? error)
    {
        var fields = new Fields(body, ["class", "title", "severity", "key", "owner", "message"]);
        var incidentClass = fields.Enum<IncidentClass>("class", required: true, "provider_outage, sandbox_instability, migration_regression, auth_policy_failure or unclassified");
        var title = fields.String("title", required: true);
        var severity = fields.Enum<Severity>("severity", required: true, "SEV1, SEV2, SEV3 or SEV4");
        var key = fields.String("key");
        var owner = fields.String("owner");
        var message = fields.String("message");
        command = fields.Error is null ? new DeclareIncidentCommand(incidentClass!.Value, title!, severity!.Value, key, owner, message) : null;
        error = fields.Error;
        return command is not null;
    }

    /// <summary>
    /// Parses <paramref name="action"/>'s body for incident <paramref name="number"/>. <paramref name="headerVersion"/>
    /// is <c>If-Match</c>'s (either it or <c>expectedVersion</c> is required; both given must agree);
    /// <paramref name="actor"/> owns an acknowledgement that names no owner.
    /// </summary>
    public static bool TryAction(string action, long number, JsonElement body, long? headerVersion, string actor, out IncidentCommand? command, out string? error)
    {
        command = null;
        var fields = new Fields(body, action switch
        {
            "acknowledge" => ["owner", "nextUpdateAt"],
            "assign" => ["owner"],
            "update" => ["message", "status", "eta", "nextUpdateAt"],
            "severity" => ["severity"],
            "checklist" => ["index", "done"],
            "resolve" => ["message"],
            "reopen" or "decline" => ["reason"],
            "duplicate" => ["of"],
            "postmortem" => ["summary", "impact", "rootCause", "timeline", "status"],
            "close" => [],
            "follow-up" => ["title", "owner", "due", "kind"],
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "not an incident action"),
        });
        var version = fields.ExpectedVersion(headerVersion);
        const string statuses = "triage, investigating, identified or monitoring";
        IncidentCommand? parsed = action switch
        {
            "acknowledge" => Step(new IncidentAction.Acknowledge(fields.String("owner") ?? actor, fields.Time("nextUpdateAt"))),
            "assign" => Step(new IncidentAction.Assign(fields.String("owner", required: true)!)),
            "update" => Step(new IncidentAction.Update(fields.String("message", required: true)!, fields.Enum<IncidentStatus>("status", required: false, statuses), fields.Time("eta"), fields.Time("nextUpdateAt"))),
            "severity" => Step(new IncidentAction.ChangeSeverity(fields.Enum<Severity>("severity", required: true, "SEV1, SEV2, SEV3 or SEV4") ?? default)),
            "checklist" => new CheckChecklistItemCommand(number, (int)Math.Clamp(fields.Long("index", required: true) ?? 0, -1, int.MaxValue), fields.Bool("done") ?? true),
            "resolve" => Step(new IncidentAction.Resolve(fields.String("message"))),
            "reopen" => Step(new IncidentAction.Reopen(fields.String("reason", required: true)!)),
            "decline" => Step(new IncidentAction.Decline(fields.String("reason", required: true)!)),
            "duplicate" => Step(new IncidentAction.MarkDuplicate(fields.Long("of", required: true) ?? 0)),
            "postmortem" => new SavePostmortemCommand(number, fields.String("summary", required: true)!, fields.String("impact") ?? "", fields.String("rootCause") ?? "",
                fields.String("timeline"), fields.Enum<PostmortemStatus>("status", required: false, "draft, in_review or published") ?? PostmortemStatus.Draft),
            "close" => Step(new IncidentAction.Close()),
            "follow-up" => new AddFollowUpCommand(number, fields.String("title", required: true)!, fields.String("owner", required: true)!, fields.Date("due"),
                fields.Enum<FollowUpKind>("kind", required: true, "automated_test, automated_mitigation or runbook_change") ?? default),
            _ => null,
        };

        error = fields.Error;
        if (error is not null)
        {
            return false;
        }

        command = parsed! with { ExpectedVersion = version };
        return true;

        IncidentCommand Step(IncidentAction step) => new IncidentActionCommand(number, step);
    }

    /// <summary>Parses <c>{expectedVersion, done?}</c> for closing follow-up <paramref name="followUpId"/>.</summary>
    public static bool TryCloseFollowUp(long number, long followUpId, JsonElement body, long? headerVersion, out IncidentCommand? command, out string? error)
    {
        var fields = new Fields(body, ["done"]);
        var version = fields.ExpectedVersion(headerVersion);
        var done = fields.Bool("done") ?? true;
        error = fields.Error;
        command = error is null ? new CloseFollowUpCommand(number, followUpId, done) { ExpectedVersion = version } : null;
        return command is not null;
    }

    /// <summary>
    /// <c>?status=open|closed|all&amp;class=&amp;severity=&amp;from=&amp;to=</c>; false with the reason for a value it does not know.
    /// </summary>
    public static bool TryQuery(string? status, string? incidentClass, string? severity, string? from, string? to, out IncidentQuery query, out string? error)
    {
        query = new IncidentQuery();
        error = null;
        var listStatus = status switch
        {
            null or "" or "open" => IncidentListStatus.Open,
            "closed" => IncidentListStatus.Closed,
            "all" => IncidentListStatus.All,
            _ => (IncidentListStatus?)null,
        };
        if (listStatus is null)
        {
            error = $"status: '{status}' is not open, closed or all";
            return false;
        }

        IncidentClass? parsedClass = null;
        if (!string.IsNullOrEmpty(incidentClass))
        {
            if (!TryEnum<IncidentClass>(incidentClass, out var c))
            {
                error = $"class: '{incidentClass}' is not provider_outage, sandbox_instability, migration_regression, auth_policy_failure or unclassified";
                return false;
            }

            parsedClass = c;
        }

        Severity? parsedSeverity = null;
        if (!string.IsNullOrEmpty(severity))
        {
            if (!TryEnum<Severity>(severity, out var s))
            {
                error = $"severity: '{severity}' is not SEV1, SEV2, SEV3 or SEV4";
                return false;
            }

            parsedSeverity = s;
        }

        DateTimeOffset? parsedFrom = null, parsedTo = null;
        if (!string.IsNullOrEmpty(from))
        {
            if (!TryTime(from, out var f))
            {
                error = $"from: '{from}' is not an ISO 8601 time with an offset (2026-12-01T03:00:00Z)";
                return false;
            }

            parsedFrom = f;
        }

        if (!string.IsNullOrEmpty(to))
        {
            if (!TryTime(to, out var t))
            {
                error = $"to: '{to}' is not an ISO 8601 time with an offset (2026-12-01T03:00:00Z)";
                return false;
            }

            parsedTo = t;
        }

        if (parsedFrom > parsedTo)
        {
            error = "from: after to";
            return false;
        }

        query = new IncidentQuery(listStatus.Value, parsedClass, parsedSeverity, parsedFrom, parsedTo);
        return true;
    }

    /// <summary>ISO 8601 with a date, hours and minutes, optional seconds and fraction, and an explicit offset; returned in UTC.</summary>
    public static bool TryTime(string? text, out DateTimeOffset time)
    {
        time = default;
        if (text is null || !IsoTime().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        time = parsed.ToUniversalTime();
        return true;
    }

    // \z, not $: "$" would also match before a trailing newline.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})\z")]
    private static partial Regex IsoTime();

    /// <summary>A wire name (<c>SEV2</c>, <c>provider_outage</c>); numbers are not names.</summary>
    private static bool TryEnum<T>(string? text, out T value) where T : struct, Enum
    {
        if (text is null)
        {
            value = default;
            return false;
        }

        value = default;
        if (text.Length == 0 || char.IsDigit(text[0]) || text[0] == '-')
        {
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(text));
            return Enum.IsDefined(value);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads typed fields of one JSON object; the first problem is kept in <see cref="Error"/> and later reads yield nothing.</summary>
    private sealed class Fields
    {
        private readonly JsonElement _body;

        public Fields(JsonElement body, IReadOnlyCollection<string> allowed)
        {
            _body = body;
            var unknown = body.EnumerateObject().Select(p => p.Name).Where(n => n != "expectedVersion" && !allowed.Contains(n)).ToList();
            if (unknown.Count > 0)
            {
                Error = $"unknown field{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}"
                    + (allowed.Count == 0 ? ": this action takes only expectedVersion" : $": this action takes expectedVersion, {string.Join(", ", allowed)}");
            }
        }

        public string? Error { get; private set; }

        public long? ExpectedVersion(long? header)
        {
            var fromBody = Long("expectedVersion");
            if (Error is not null)
            {
                return null;
            }

            if (fromBody is null && header is null)
            {
                Fail("expectedVersion: required (the version you read; or send If-Match)");
                return null;
            }

            if (fromBody is { } b && header is { } h && b != h)
            {
                Fail($"expectedVersion ({b}) and If-Match ({h}) disagree: send one");
                return null;
            }

            return fromBody ?? header;
        }

        public string? String(string name, bool required = false) =>
            Read(name, required, e => e.ValueKind != JsonValueKind.String ? Fail<string>($"{name}: must be a string")
                : StringOf(e) ?? Fail<string>($"{name}: is not valid text (it holds a lone UTF-16 surrogate)"));

        /// <summary>
        /// The string's value, or null when it cannot be one: JSON may escape half of a surrogate pair
        /// (<c>\ud800</c>), which .NET refuses to decode.
        /// </summary>
        private static string? StringOf(JsonElement element)
        {
            try
            {
                return element.GetString();
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        public long? Long(string name, bool required = false) =>
            Read(name, required, e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) ? v : Fail<long?>($"{name}: must be a whole number"));

        public bool? Bool(string name) =>
            Read<bool?>(name, false, e => e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : Fail<bool?>($"{name}: must be true or false"));

        public DateTimeOffset? Time(string name) =>
            Read(name, false, e => e.ValueKind == JsonValueKind.String && TryTime(StringOf(e), out var t)
                ? t
                : Fail<DateTimeOffset?>($"{name}: must be an ISO 8601 time with an offset, such as 2026-12-01T03:00:00Z"));

        public DateOnly? Date(string name) =>
            Read(name, false, e => e.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(StringOf(e), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d
                : Fail<DateOnly?>($"{name}: must be a date, yyyy-MM-dd"));

        public T? Enum<T>(string name, bool required, string choices) where T : struct, System.Enum =>
            Read(name, required, e => e.ValueKind == JsonValueKind.String && TryEnum<T>(StringOf(e), out var v) ? v : Fail<T?>($"{name}: use {choices}"));

        private TValue? Read<TValue>(string name, bool required, Func<JsonElement, TValue?> read)
        {
            if (Error is not null)
            {
                return default;
            }

            if (!_body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Fail($"{name}: required");
                }

                return default;
            }

            return read(element);
        }

        private TValue? Fail<TValue>(string error)
        {
            Error ??= error;
            return default;
        }

        private void Fail(string error) => Error ??= error;
    }
}
