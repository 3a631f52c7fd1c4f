namespace VibeDashboard.Operations.Access;

/// <summary>Whether a token still signs anyone in.</summary>
public enum TokenState
{
    Active,
    Expired,
    Revoked,
}

/// <summary>A token as the Access page, <c>GET /api/tokens</c> and <c>tokens list</c> show it: never its secret or hash.</summary>
public sealed record ApiTokenView(
    string Name,
    DashboardRole Role,
    string Prefix,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    TokenState State,
    long Version);

/// <summary>Where a role mapping comes from: <c>Auth:OpenIdConnect:Roles</c> (read-only here) or the store (edited by admins).</summary>
public enum RoleMappingSource
{
    Config,
    Store,
}

/// <summary>
/// One claim value → role. A store row overrides the configured mapping of the same value; the configured row is
/// then listed with <see cref="Overridden"/> set. <see cref="Version"/> is a store row's version (send it back as
/// the expected version), null for configured rows.
/// </summary>
public sealed record RoleMappingView(
    string ClaimValue,
    DashboardRole Role,
    RoleMappingSource Source,
    long? Version,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy,
    bool Overridden = false);

/// <summary>
/// The access state for reading (the Access page, <c>/api/tokens</c>, <c>/api/role-mappings</c>, the CLI's list):
/// the same in-memory copy authentication uses. Changes go through the command pipeline, never through this.
/// </summary>
public interface IAccessFeed
{
    long Version { get; }

    /// <summary>Every token, newest first, revoked and expired ones included (their state says so).</summary>
    IReadOnlyList<ApiTokenView> Tokens();

    /// <summary>Configured mappings, then stored ones, each by claim value.</summary>
    IReadOnlyList<RoleMappingView> RoleMappings();

    /// <summary>Reads the store now if its access version moved (after a command, before answering the caller).</summary>
    Task RefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>Called after a reload that changed something; carries no data.</summary>
    IDisposable Subscribe(Func<Task> changed);
}
