using System.Text.Json.Serialization;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// <c>token.create</c>: a new API token. <see cref="Expires"/> is <c>90d</c>/<c>12h</c>/<c>30m</c>/<c>never</c>, 90 days
/// when null. The result carries the plain token; it is never stored, audited or replayed.
/// </summary>
public sealed record CreateTokenCommand(string Name, DashboardRole Role, string? Expires = null) : ICommand<CreatedToken>
{
    public string Action => "token.create";

    public DashboardRole RequiredRole => DashboardRole.Admin;

    public string TargetType => "token";

    public string TargetId => Name;

    public long? ExpectedVersion => null;

    public string? IdempotencyKey { get; init; }

    public string? Reason { get; init; }
}

/// <summary>
/// A created token. <see cref="Token"/> is the plain token, shown once: it is left out of any serialised copy (the
/// pipeline's idempotency record), so a replayed create answers without it.
/// </summary>
public sealed record CreatedToken(
    string Name,
    DashboardRole Role,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    long Version,
    [property: JsonIgnore] string? Token = null);

/// <summary><c>token.revoke</c>: revokes the token with this name that is not revoked yet; 404 when there is none.</summary>
public sealed record RevokeTokenCommand(string Name) : ICommand<RevokedToken>
{
    public string Action => "token.revoke";

    public DashboardRole RequiredRole => DashboardRole.Admin;

    public string TargetType => "token";

    public string TargetId => Name;

    public long? ExpectedVersion => null;

    public string? IdempotencyKey { get; init; }

    public string? Reason { get; init; }
}

public sealed record RevokedToken(string Name, string Prefix, DateTimeOffset RevokedAt, long Version);

/// <summary>
/// <c>role_mapping.set</c>: the identity provider's claim value <see cref="ClaimValue"/> maps to <see cref="Role"/>,
/// overriding <c>Auth:OpenIdConnect:Roles</c> for that value. <see cref="ExpectedVersion"/>: the version the caller
/// saw, 0 when it expects no stored mapping yet, null for no check.
/// </summary>
public sealed record SetRoleMappingCommand(string ClaimValue, DashboardRole Role, long? ExpectedVersion) : ICommand<RoleMappingChange>
{
    public string Action => "role_mapping.set";

    public DashboardRole RequiredRole => DashboardRole.Admin;

    public string TargetType => "role_mapping";

    public string TargetId => ClaimValue;

    public string? IdempotencyKey { get; init; }

    public string? Reason { get; init; }
}

/// <summary><c>role_mapping.remove</c>: deletes the stored mapping (the configured one, if any, applies again); 404 when there is none.</summary>
public sealed record RemoveRoleMappingCommand(string ClaimValue, long? ExpectedVersion) : ICommand<RoleMappingChange>
{
    public string Action => "role_mapping.remove";

    public DashboardRole RequiredRole => DashboardRole.Admin;

    public string TargetType => "role_mapping";

    public string TargetId => ClaimValue;

    public string? IdempotencyKey { get; init; }

    public string? Reason { get; init; }
}

/// <summary>A stored mapping after a set (<see cref="Role"/> non-null) or a remove (null).</summary>
public sealed record RoleMappingChange(string ClaimValue, DashboardRole? Role, long Version);
