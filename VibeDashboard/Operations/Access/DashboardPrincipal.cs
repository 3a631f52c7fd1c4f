using System.Security.Claims;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Access;

/// <summary>Reads the dashboard's claims off a principal: its role and the <see cref="Actor"/> its commands are audited as.</summary>
public static class DashboardPrincipal
{
    /// <summary>The authentication type of every principal the dashboard signs in.</summary>
    public const string AuthenticationType = "VibeDashboard";

    public static DashboardRole? RoleOf(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && DashboardRoles.TryParse(user.FindFirstValue(DashboardClaims.Role), out var role) ? role : null;

    public static ActorKind KindOf(ClaimsPrincipal user) => user.FindFirstValue(DashboardClaims.ActorKind) switch
    {
        "token" => ActorKind.Token,
        "system" => ActorKind.System,
        _ => ActorKind.User,
    };

    /// <summary>The actor for a principal; anonymous when it is not signed in.</summary>
    public static Actor ActorOf(ClaimsPrincipal? user, string? clientIp, string? userAgent)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return Actor.Anonymous(clientIp, userAgent);
        }

        return new Actor(user.Identity.Name ?? "unknown", KindOf(user), RoleOf(user), clientIp, userAgent);
    }

    /// <summary>The actor of an HTTP request (endpoints; a Blazor circuit passes the values it captured at its start).</summary>
    public static Actor ActorOf(Microsoft.AspNetCore.Http.HttpContext context) =>
        ActorOf(context.User, context.Connection.RemoteIpAddress?.ToString(), UserAgentOf(context.Request));

    /// <summary>The user agent as the audit log keeps it: at most 512 characters (it is the caller's to choose).</summary>
    public static string? UserAgentOf(Microsoft.AspNetCore.Http.HttpRequest request) =>
        request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 512)] : null;

    /// <summary>Builds a signed-in principal with the dashboard's claims.</summary>
    public static ClaimsPrincipal Create(string name, ActorKind kind, DashboardRole role, string method, IEnumerable<Claim>? extra = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(DashboardClaims.Role, role.Name()),
            new(DashboardClaims.ActorKind, Actor.KindName(kind)),
            new(DashboardClaims.Method, method),
        };
        if (extra is not null)
        {
            claims.AddRange(extra);
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, DashboardClaims.Role));
    }
}
