using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// The shape of an API token: <c>vd_&lt;id&gt;_&lt;secret&gt;</c>. The id (10 characters of lower-case base32) is
/// public — the list's "prefix" is <c>vd_&lt;id&gt;</c> — and is how a presented token is looked up; the secret (32
/// random bytes, base64url) is shown once and stored only as its SHA-256. The id's alphabet has no underscore, so
/// the first underscore after it ends it even though a base64url secret may contain underscores itself.
/// </summary>
public static partial class ApiTokenFormat
{
    public const string Scheme = "vd_";
    public const int IdLength = 10;
    public const int SecretBytes = 32;
    public const int MaxNameLength = 64;

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>A new token: its id, the plain text to hand out once, and the hash to store.</summary>
    public static (string Id, string Plain, byte[] Hash) Generate()
    {
        var id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        return (id, $"{Scheme}{id}_{secret}", HashSecret(secret));
    }

    public static string PrefixOf(string id) => Scheme + id;

    /// <summary>Splits a presented token into id and secret; false for anything not shaped like one.</summary>
    public static bool TryParse(string? presented, [NotNullWhen(true)] out string? id, [NotNullWhen(true)] out string? secret)
    {
        id = secret = null;
        if (presented is null || presented.Length != Scheme.Length + IdLength + 1 + Base64UrlLength || !presented.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var candidate = presented.AsSpan(Scheme.Length, IdLength);
        if (presented[Scheme.Length + IdLength] != '_' || candidate.ContainsAnyExcept(IdAlphabet))
        {
            return false;
        }

        id = candidate.ToString();
        secret = presented[(Scheme.Length + IdLength + 1)..];
        return true;
    }

    public static byte[] HashSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Constant time in the secret: a timing difference must not tell a caller how much of it was right.</summary>
    public static bool Matches(string secret, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(HashSecret(secret), storedHash);

    /// <summary>1–64 characters of <c>[A-Za-z0-9._-]</c>: safe in a URL path, a terminal and a file name.</summary>
    public static string? ValidateName(string? name) =>
        string.IsNullOrEmpty(name) ? "name: required (1–64 characters of A-Z a-z 0-9 . _ -)"
        : name.Length > MaxNameLength ? $"name: at most {MaxNameLength} characters"
        : !NamePattern().IsMatch(name) ? "name: only letters, digits, '.', '_' and '-' are allowed"
        : null;

    private static int Base64UrlLength => (SecretBytes * 4 + 2) / 3;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();
}

/// <summary>How long a new token lives: <c>90d</c>, <c>12h</c>, <c>30m</c> or <c>never</c>; 90 days when not given.</summary>
public static partial class TokenExpiry
{
    public const string Default = "90d";
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    /// <summary>Null error: <paramref name="lifetime"/> is the lifetime (null = never expires).</summary>
    public static string? TryParse(string? text, out TimeSpan? lifetime)
    {
        lifetime = null;
        var value = string.IsNullOrWhiteSpace(text) ? Default : text.Trim();
        if (string.Equals(value, "never", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var match = Pattern().Match(value);
        if (!match.Success || !long.TryParse(match.Groups[1].ValueSpan, out var count) || count <= 0 || count > 1_000_000)
        {
            return "expires: use a positive number of days, hours or minutes (90d, 12h, 30m) or never";
        }

        var span = match.Groups[2].Value switch
        {
            "d" => TimeSpan.FromDays(count),
            "h" => TimeSpan.FromHours(count),
            _ => TimeSpan.FromMinutes(count),
        };
        if (span > Max)
        {
            return "expires: at most 3650d (or never)";
        }

        lifetime = span;
        return null;
    }

    [GeneratedRegex("^([0-9]{1,7})([dhm])$")]
    private static partial Regex Pattern();
}
