using System.Security.Claims;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// Re-checks a signed-in principal against the current access state: a revoked or expired token, or an identity
/// provider role that no longer maps, ends the session; a lowered (or raised) mapping changes the role. Used by the
/// cookie on every request, by open circuits and by open hub connections, so all three agree.
/// </summary>
public sealed class AccessRevalidator(IAccessDirectory directory)
{
    /// <summary>The principal as it should be now: the same one, one with another role, or null (signed out).</summary>
    public ClaimsPrincipal? Revalidate(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var current = DashboardPrincipal.RoleOf(principal);
        if (current is null)
        {
            return null;
        }

        DashboardRole? now = principal.FindFirst(DashboardClaims.Method)?.Value switch
        {
            "token" => principal.FindFirst(DashboardClaims.TokenId)?.Value is { } id ? directory.FindValid(id)?.Role : null,
            "oidc" => directory.RoleForProviderClaims(principal.FindAll(DashboardClaims.ProviderRole).Select(c => c.Value).ToList()),
            // The start-up link and unsecured mode grant admin for the session's life; nothing in the store revokes them.
            "link" or "unsecured" => current,
            _ => null,
        };

        if (now is null)
        {
            return null;
        }

        return now == current ? principal : WithRole(principal, now.Value);
    }

    /// <summary>True when the principal may keep what it holds: still valid and its role not lowered.</summary>
    public bool StillHolds(ClaimsPrincipal principal) =>
        Revalidate(principal) is { } now && DashboardPrincipal.RoleOf(now) >= DashboardPrincipal.RoleOf(principal);

    private static ClaimsPrincipal WithRole(ClaimsPrincipal principal, DashboardRole role)
    {
        var identity = new ClaimsIdentity(
            principal.Claims.Where(c => c.Type != DashboardClaims.Role).Append(new Claim(DashboardClaims.Role, role.Name())),
            DashboardPrincipal.AuthenticationType, ClaimTypes.Name, DashboardClaims.Role);
        return new ClaimsPrincipal(identity);
    }
}
