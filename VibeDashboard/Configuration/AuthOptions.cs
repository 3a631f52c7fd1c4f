using System.ComponentModel.DataAnnotations;

namespace VibeDashboard.Configuration;

/// <summary>How people and programs sign in (section <c>Auth</c>).</summary>
public enum AuthMode
{
    /// <summary>The default: a one-time sign-in link in the log at every start, and API tokens.</summary>
    Token,

    /// <summary>An OpenID Connect provider (code flow with PKCE), and API tokens.</summary>
    OpenIdConnect,

    /// <summary>No sign-in at all; every page says so. Only when an operator sets it explicitly.</summary>
    Unsecured,
}

public sealed class AuthOptions
{
    public const string Section = "Auth";

    public AuthMode Mode { get; set; } = AuthMode.Token;

    /// <summary>How long the start-up sign-in link stays valid (it works once).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan SignInLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A browser session's lifetime, renewed while it is used (sliding).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often open pages and hub connections are checked against revoked tokens and lowered roles.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:01:00")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Failed sign-in attempts per client IP per minute before <c>/login</c> answers 429.</summary>
    [Range(1, 10_000)]
    public int MaxSignInFailuresPerMinute { get; set; } = 10;

    /// <summary>Provider, client and role mapping for <see cref="AuthMode.OpenIdConnect"/>.</summary>
    public OpenIdConnectAuthOptions OpenIdConnect { get; set; } = new();
}

/// <summary>Section <c>Auth:OpenIdConnect</c>: the provider and how its claims map to the dashboard's roles.</summary>
public sealed class OpenIdConnectAuthOptions
{
    /// <summary>The issuer URL (its <c>/.well-known/openid-configuration</c> is read at start).</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>A secret: set it through an environment variable or user secrets, never in a committed file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Scopes requested besides <c>openid profile email</c> (e.g. <c>groups</c>). Empty by default: configuration
    /// binding appends to a list, so a non-empty default would be requested twice.
    /// </summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>The claim whose values are mapped to roles (<c>groups</c>, <c>roles</c>, …).</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>The claim shown as the person's name in the audit log.</summary>
    public string NameClaim { get; set; } = "email";

    /// <summary>Claim values per dashboard role; a person gets the highest role any of their values maps to.</summary>
    public RoleMappingOptions Roles { get; set; } = new();

    /// <summary>
    /// Also read the userinfo endpoint after the code exchange, for providers that put the role claim there rather
    /// than in the id token. Off by default: Cloudflare Access, Okta, Entra ID and Google put it in the id token.
    /// </summary>
    public bool GetClaimsFromUserInfoEndpoint { get; set; }

    /// <summary>Only for a provider on plain http during development or tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The callback path registered with the provider.</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";
}

public sealed class RoleMappingOptions
{
    public List<string> Viewer { get; set; } = [];

    public List<string> Operator { get; set; } = [];

    public List<string> Admin { get; set; } = [];
}
