namespace VibeDashboard.Operations.Access;

/// <summary>
/// The three authorization policies, applied to pages (<c>[Authorize(Policy = …)]</c>), endpoints
/// (<c>RequireAuthorization</c>) and hub methods, and checked again inside the command pipeline.
/// </summary>
public static class AccessPolicies
{
    public const string Viewer = "Viewer";
    public const string Operator = "Operator";
    public const string Admin = "Admin";

    public static string For(DashboardRole role) => role switch
    {
        DashboardRole.Viewer => Viewer,
        DashboardRole.Operator => Operator,
        DashboardRole.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };
}

/// <summary>The claims the dashboard puts on every principal it signs in, whatever the mode.</summary>
public static class DashboardClaims
{
    /// <summary>The dashboard role (<see cref="DashboardRoles.Name"/>), as the sign-in decided it; revalidation may lower it.</summary>
    public const string Role = "vd:role";

    /// <summary><c>user</c>, <c>token</c> or <c>system</c> (<see cref="Commands.ActorKind"/>).</summary>
    public const string ActorKind = "vd:actor_kind";

    /// <summary>The API token's id (not its secret) for principals signed in with a token.</summary>
    public const string TokenId = "vd:token_id";

    /// <summary>The identity provider's role-claim values at sign-in (OpenID Connect), re-mapped on revalidation.</summary>
    public const string ProviderRole = "vd:provider_role";

    /// <summary>How the principal signed in: <c>link</c>, <c>token</c>, <c>oidc</c>, <c>unsecured</c>.</summary>
    public const string Method = "vd:method";
}
