namespace VibeDashboard.Operations.Access;

/// <summary>The authentication scheme names (one place, since the lead's and the OpenID Connect code both use them).</summary>
public static class AccessSchemes
{
    /// <summary>The browser session (HttpOnly, SameSite=Strict).</summary>
    public const string Cookie = "VibeDashboard.Cookie";

    /// <summary><c>Authorization: Bearer &lt;api token&gt;</c>, and the <c>access_token</c> query on the hub.</summary>
    public const string Bearer = "VibeDashboard.Bearer";

    /// <summary>The OpenID Connect provider's remote sign-in (Auth:Mode=OpenIdConnect).</summary>
    public const string OpenIdConnect = "VibeDashboard.OpenIdConnect";

    /// <summary>Auth:Mode=Unsecured: every caller is the anonymous admin, and every page says so.</summary>
    public const string Unsecured = "VibeDashboard.Unsecured";

    /// <summary>The policy scheme that picks one of the above per request.</summary>
    public const string Default = "VibeDashboard";
}
