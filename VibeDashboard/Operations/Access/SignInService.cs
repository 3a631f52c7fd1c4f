using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Access;

/// <summary>What a sign-in attempt came to.</summary>
public enum SignInOutcome
{
    SignedIn,

    /// <summary>Neither the start-up link nor a valid API token.</summary>
    Refused,

    /// <summary>Too many failures from this client IP in the last minute (429).</summary>
    Throttled,
}

/// <summary>
/// Turns a presented secret — this start's one-time link or an API token — into a browser session (the cookie).
/// The link signs in as admin; a token signs in as the token (its role, revalidated on every request, so revoking
/// it ends the session too). Failures count against the client IP.
/// </summary>
public sealed class SignInService(SignInLinks links, IAccessDirectory directory, SignInThrottle throttle, IOptions<AuthOptions> options)
{
    /// <summary>The session of the start-up link: whoever holds the console.</summary>
    public const string LinkActorName = "admin (sign-in link)";

    public async Task<SignInOutcome> SignInAsync(HttpContext context, string? presented)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.IsBlocked(ip))
        {
            return SignInOutcome.Throttled;
        }

        var principal = Resolve(presented?.Trim());
        if (principal is null)
        {
            throttle.RecordFailure(ip);
            return SignInOutcome.Refused;
        }

        await context.SignInAsync(AccessSchemes.Cookie, principal, new AuthenticationProperties
        {
            IsPersistent = true,
            AllowRefresh = true,
        });
        return SignInOutcome.SignedIn;
    }

    private ClaimsPrincipal? Resolve(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 512)
        {
            return null;
        }

        if (options.Value.Mode == AuthMode.Token && links.TryRedeem(presented))
        {
            return DashboardPrincipal.Create(LinkActorName, ActorKind.User, DashboardRole.Admin, "link");
        }

        return directory.Authenticate(presented) is { } token ? ApiTokenAuthenticationHandler.PrincipalFor(token) : null;
    }

    /// <summary>A return URL is followed only when it stays on this site (no open redirect): a path, not <c>//host</c>.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
        && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";
}
