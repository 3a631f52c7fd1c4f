using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// The one-time sign-in link of Auth:Mode=Token. A new secret is issued at every start (and on request, for tests);
/// redeeming it works once and only before it expires. Only its SHA-256 is kept; comparison is in constant time.
/// </summary>
public sealed class SignInLinks(TimeProvider time)
{
    private readonly Lock _gate = new();
    private byte[]? _hash;
    private DateTimeOffset _expires;

    /// <summary>Issues a fresh secret (the previous one stops working) valid for <paramref name="lifetime"/>.</summary>
    public string Issue(TimeSpan lifetime)
    {
        var secret = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        lock (_gate)
        {
            _hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
            _expires = time.GetUtcNow() + lifetime;
        }

        return secret;
    }

    /// <summary>True once for the current secret before it expires; a second use, a stale or a wrong secret is false.</summary>
    public bool TryRedeem(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        lock (_gate)
        {
            if (_hash is null || !CryptographicOperations.FixedTimeEquals(hash, _hash))
            {
                return false;
            }

            _hash = null; // once, whatever happens next
            return time.GetUtcNow() < _expires;
        }
    }

    /// <summary>The line scripts read at start: <c>Sign in: http://host:port/login?t=…</c>.</summary>
    public static string LogLine(string baseAddress, string secret) => $"Sign in: {baseAddress.TrimEnd('/')}/login?t={secret}";
}
