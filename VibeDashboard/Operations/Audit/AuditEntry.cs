using System.Globalization;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Audit;

/// <summary>
/// One entry of the audit log: who did (or tried) what to which target, when, with what outcome. <see cref="BeforeJson"/>
/// and <see cref="AfterJson"/> are the handler's views of the target around an applied command (null on rejections).
/// <see cref="Hash"/> chains it to the entry before (<see cref="AuditChain"/>).
/// </summary>
public sealed record AuditEntry(
    long Seq,
    DateTimeOffset At,
    string ActorName,
    ActorKind ActorKind,
    DashboardRole? ActorRole,
    string Action,
    string TargetType,
    string TargetId,
    string? BeforeJson,
    string? AfterJson,
    string? Reason,
    CommandOutcome Outcome,
    string? Error,
    string? ClientIp,
    string? UserAgent,
    string PrevHash,
    string Hash);

/// <summary>The audit log's words for the enums it stores (lower-case, as on the wire).</summary>
public static class AuditVocabulary
{
    public static string OutcomeName(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Ok => "ok",
        CommandOutcome.Denied => "denied",
        CommandOutcome.Conflict => "conflict",
        CommandOutcome.Invalid => "invalid",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static CommandOutcome ParseOutcome(string value) => value switch
    {
        "ok" => CommandOutcome.Ok,
        "denied" => CommandOutcome.Denied,
        "conflict" => CommandOutcome.Conflict,
        "invalid" => CommandOutcome.Invalid,
        _ => throw new FormatException($"unknown audit outcome '{value}'"),
    };

    public static ActorKind ParseKind(string value) => value switch
    {
        "user" => ActorKind.User,
        "token" => ActorKind.Token,
        "system" => ActorKind.System,
        _ => throw new FormatException($"unknown actor kind '{value}'"),
    };

    public static DashboardRole? ParseRole(string? value) =>
        value is null ? null : DashboardRoles.TryParse(value, out var role) ? role : throw new FormatException($"unknown role '{value}'");
}

/// <summary>The stored row, column for column (Dapper maps it; <see cref="AuditChain"/> hashes it).</summary>
internal sealed class AuditRow
{
    public long Seq { get; set; }
    public long At { get; set; }
    public string ActorName { get; set; } = "";
    public string ActorKind { get; set; } = "";
    public string? ActorRole { get; set; }
    public string Action { get; set; } = "";
    public string TargetType { get; set; } = "";
    public string TargetId { get; set; } = "";
    public string? BeforeJson { get; set; }
    public string? AfterJson { get; set; }
    public string? Reason { get; set; }
    public string Outcome { get; set; } = "";
    public string? Error { get; set; }
    public string? ClientIp { get; set; }
    public string? UserAgent { get; set; }
    public string PrevHash { get; set; } = "";
    public string Hash { get; set; } = "";

    /// <summary>The SELECT list that maps onto this class.</summary>
    public const string Columns = """
        seq, at, actor_name AS ActorName, actor_kind AS ActorKind, actor_role AS ActorRole, action, target_type AS TargetType,
        target_id AS TargetId, before_json AS BeforeJson, after_json AS AfterJson, reason, outcome, error, client_ip AS ClientIp,
        user_agent AS UserAgent, prev_hash AS PrevHash, hash
        """;

    public AuditEntry ToEntry() => new(
        Seq, DateTimeOffset.FromUnixTimeMilliseconds(At), ActorName, AuditVocabulary.ParseKind(ActorKind), AuditVocabulary.ParseRole(ActorRole),
        Action, TargetType, TargetId, BeforeJson, AfterJson, Reason, AuditVocabulary.ParseOutcome(Outcome), Error, ClientIp, UserAgent, PrevHash, Hash);

    public override string ToString() => Seq.ToString(CultureInfo.InvariantCulture);
}
