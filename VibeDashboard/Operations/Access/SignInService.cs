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

    public async Task<SignInOutcome> SignInAsync(HttpContext context, string? presented, string? returnUrl = null)
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

        // RedirectUri set here: on its login path the cookie handler would otherwise redirect to the raw returnUrl of
        // the query, and a non-ASCII one cannot be written into a Location header.
        await context.SignInAsync(AccessSchemes.Cookie, principal, new AuthenticationProperties
        {
            IsPersistent = true,
            AllowRefresh = true,
            RedirectUri = SafeReturnUrl(returnUrl),
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

    /// <summary>
    /// A return URL is followed only when it stays on this site (no open redirect): a path, not <c>//host</c> or
    /// <c>/\host</c>, without control characters. Anything beyond printable ASCII is percent-encoded (UTF-8), so the
    /// result is always a valid Location header.
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || returnUrl.Length > 2048 || !returnUrl.StartsWith('/')
            || returnUrl.StartsWith("//", StringComparison.Ordinal) || returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            || returnUrl.Any(char.IsControl) || System.Text.Unicode.Utf8.FromUtf16(returnUrl, new byte[returnUrl.Length * 3], out _, out _, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            return "/";
        }

        var safe = new System.Text.StringBuilder(returnUrl.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in returnUrl.EnumerateRunes())
        {
            if (rune.Value is >= 0x21 and <= 0x7E)
            {
                safe.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                safe.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return safe.ToString();
    }
}
