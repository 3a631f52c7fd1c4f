using System.Globalization;

namespace VibeDashboard.Operations.Audit;

/// <summary>
/// A filter over the audit log, as <c>/api/audit</c>, its CSV and the Audit page take it (the same words everywhere):
/// <list type="bullet">
/// <item><c>from</c> / <c>to</c>: ISO 8601 instants (<c>2026-12-01T12:00:00Z</c>; a date alone is its midnight; no
/// offset means UTC); <c>from</c> inclusive, <c>to</c> exclusive.</item>
/// <item><c>actor</c>: a case-insensitive substring of the actor's name (<c>ali</c> finds <c>alice@example.com</c>):
/// people remember part of a name, and the log holds few distinct actors.</item>
/// <item><c>action</c>: exact (<c>token.create</c>), or a prefix when it ends with <c>.</c> or <c>*</c> (<c>token.</c>).</item>
/// <item><c>target</c>: a type (<c>token</c>) or type and id (<c>token:wall</c>), both exact.</item>
/// <item><c>limit</c>: 1–1000, default 100. Entries come newest first.</item>
/// </list>
/// </summary>
public sealed record AuditQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Actor = null,
    string? Action = null,
    string? TargetType = null,
    string? TargetId = null,
    int Limit = AuditQuery.DefaultLimit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The query parameter names (URL and API).</summary>
    public const string FromParameter = "from";
    public const string ToParameter = "to";
    public const string ActorParameter = "actor";
    public const string ActionParameter = "action";
    public const string TargetParameter = "target";
    public const string LimitParameter = "limit";

    /// <summary>True when <see cref="Action"/> is a prefix (<c>token.</c>, <c>token*</c>).</summary>
    public bool ActionIsPrefix => Action is { Length: > 0 } a && (a.EndsWith('.') || a.EndsWith('*'));

    /// <summary>
    /// Reads the filter from its text form (empty or whitespace values mean "no filter"); on failure the error names
    /// the parameter and says what it should be.
    /// </summary>
    public static bool TryParse(string? from, string? to, string? actor, string? action, string? target, string? limit, out AuditQuery query, out string? error)
    {
        query = new AuditQuery();
        error = null;
        DateTimeOffset? fromAt = null, toAt = null;
        if (!string.IsNullOrWhiteSpace(from))
        {
            if (!TryParseInstant(from, out var value))
            {
                error = $"{FromParameter}: '{from}' is not an ISO 8601 instant (for example 2026-12-01T12:00:00Z)";
                return false;
            }

            fromAt = value;
        }

        if (!string.IsNullOrWhiteSpace(to))
        {
            if (!TryParseInstant(to, out var value))
            {
                error = $"{ToParameter}: '{to}' is not an ISO 8601 instant (for example 2026-12-01T12:00:00Z)";
                return false;
            }

            toAt = value;
        }

        if (fromAt is not null && toAt is not null && toAt < fromAt)
        {
            error = $"{ToParameter}: it is before {FromParameter}";
            return false;
        }

        var count = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            error = $"{LimitParameter}: '{limit}' is not a whole number from 1 to {MaxLimit.ToString(CultureInfo.InvariantCulture)}";
            return false;
        }

        string? targetType = null, targetId = null;
        if (!string.IsNullOrWhiteSpace(target))
        {
            var colon = target.IndexOf(':', StringComparison.Ordinal);
            targetType = (colon < 0 ? target : target[..colon]).Trim();
            targetId = colon < 0 ? null : target[(colon + 1)..];
            if (targetType.Length == 0)
            {
                error = $"{TargetParameter}: '{target}' names no type (use a type, token, or a type and id, token:wall)";
                return false;
            }
        }

        var actionText = string.IsNullOrWhiteSpace(action) ? null : action.Trim();
        if (actionText is "." or "*")
        {
            actionText = null;
        }

        query = new AuditQuery(fromAt, toAt, string.IsNullOrWhiteSpace(actor) ? null : actor.Trim(), actionText, targetType, targetId, count);
        return true;
    }

    /// <summary>The action prefix without its <c>*</c> (a trailing <c>.</c> is part of the prefix).</summary>
    internal string? ActionPrefix => ActionIsPrefix ? Action!.TrimEnd('*') : null;

    private static bool TryParseInstant(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    /// <summary>The filter's target in its text form (<c>type</c> or <c>type:id</c>), or null.</summary>
    public string? Target => TargetType is null ? null : TargetId is null ? TargetType : $"{TargetType}:{TargetId}";
}
