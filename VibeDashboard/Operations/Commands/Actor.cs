using VibeDashboard.Operations.Access;

namespace VibeDashboard.Operations.Commands;

/// <summary>Who issued a command: a signed-in person, an API token, or the dashboard itself.</summary>
public enum ActorKind
{
    User,
    Token,
    System,
}

/// <summary>
/// The actor of a command and of its audit entry. <see cref="Role"/> is the role at the time of the command (the
/// pipeline authorizes against it); <see cref="ClientIp"/> and <see cref="UserAgent"/> are null for the system.
/// </summary>
public sealed record Actor(string Name, ActorKind Kind, DashboardRole? Role, string? ClientIp = null, string? UserAgent = null)
{
    /// <summary>Automatic actions (detected incidents, automatic rollbacks) are the system's; it holds every role.</summary>
    public static Actor System(string name = "system") => new(name, ActorKind.System, DashboardRole.Admin);

    /// <summary>A caller without credentials (its rejected attempts are audited too).</summary>
    public static Actor Anonymous(string? clientIp, string? userAgent) => new("anonymous", ActorKind.User, null, clientIp, userAgent);

    public static string KindName(ActorKind kind) => kind switch
    {
        ActorKind.User => "user",
        ActorKind.Token => "token",
        ActorKind.System => "system",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
