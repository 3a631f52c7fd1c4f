namespace VibeDashboard.Operations.Access;

/// <summary>An API token as authentication sees it: never the secret, only who it is and what it may do.</summary>
public sealed record ApiTokenIdentity(string Id, string Name, DashboardRole Role, string Prefix, DateTimeOffset? ExpiresAt);

/// <summary>
/// The current access state (API tokens, role mappings) as authentication and revalidation read it: in memory,
/// refreshed from the store whenever an access command commits — in this process or another (the CLI) — within a
/// second or two. Lookups are synchronous and cheap: they run on every request and every revalidation.
/// </summary>
public interface IAccessDirectory
{
    /// <summary>Changes whenever tokens or role mappings change.</summary>
    long Version { get; }

    /// <summary>
    /// The token a caller presented, when it is known, not revoked and not expired; compared by hash in constant
    /// time. Records the use (the list's "last used", written at most once a minute per token).
    /// </summary>
    ApiTokenIdentity? Authenticate(string presented);

    /// <summary>A token by id when it is still valid (not revoked, not expired); for revalidating a signed-in principal.</summary>
    ApiTokenIdentity? FindValid(string tokenId);

    /// <summary>The highest role the identity provider's role-claim values map to, or null when none maps.</summary>
    DashboardRole? RoleForProviderClaims(IReadOnlyCollection<string> values);

    /// <summary>Called after each change (throttled by the caller as it likes); carries no data.</summary>
    IDisposable Subscribe(Func<Task> changed);
}
