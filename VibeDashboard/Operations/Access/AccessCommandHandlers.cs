using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// The audit log's picture of a token: never its secret or hash. Times as ISO 8601 so an auditor reads them.
/// </summary>
internal sealed record TokenAuditView(string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static TokenAuditView Of(TokenRow row) => new(
        row.Name, row.Role, ApiTokenFormat.PrefixOf(row.Id), DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt),
        row.ExpiresAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null,
        row.RevokedAt is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : null);
}

internal sealed record RoleMappingAuditView(string ClaimValue, string Role, long Version);

internal static class AccessValidation
{
    public const int MaxClaimValueLength = 256;

    public static string? Role(DashboardRole role) =>
        Enum.IsDefined(role) ? null : "role: use viewer, operator or admin";

    /// <summary>A provider's claim value (a group name or id): any text but control characters, 1–256 characters.</summary>
    public static string? ClaimValue(string? value) =>
        string.IsNullOrWhiteSpace(value) ? "claimValue: required"
        : value.Length > MaxClaimValueLength ? $"claimValue: at most {MaxClaimValueLength} characters"
        : value.Any(char.IsControl) ? "claimValue: control characters are not allowed"
        : null;

    public static string? ExpectedVersion(long? version) =>
        version is < 0 ? "expectedVersion: 0 or more (0: no stored mapping yet)" : null;
}

public sealed class CreateTokenHandler : ICommandHandler<CreateTokenCommand, CreatedToken>
{
    public string? Validate(CreateTokenCommand command) =>
        ApiTokenFormat.ValidateName(command.Name) ?? AccessValidation.Role(command.Role) ?? TokenExpiry.TryParse(command.Expires, out _);

    public async Task<CommandEffect<CreatedToken>> ApplyAsync(CreateTokenCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var existing = await AccessStore.ActiveByNameAsync(context, command.Name, cancellationToken);
        var expired = existing is { ExpiresAt: { } expiresAt } && expiresAt <= context.Now.ToUnixTimeMilliseconds();
        if (existing is not null && !expired)
        {
            return CommandEffect<CreatedToken>.Conflict(existing.Version, $"a token named {command.Name} already exists: revoke it first or choose another name");
        }

        TokenExpiry.TryParse(command.Expires, out var lifetime);
        var (id, plain, hash) = ApiTokenFormat.Generate();
        var version = await AccessStore.BumpVersionAsync(context, cancellationToken);
        if (existing is not null)
        {
            // An expired token no longer holds its name: it is retired (kept, listed as revoked) for the new one.
            await AccessStore.RevokeAsync(context, existing.Id, "expired: replaced by " + context.Actor.Name, version, cancellationToken);
        }

        var row = new TokenRow
        {
            Id = id,
            Name = command.Name,
            Role = command.Role.Name(),
            Hash = Convert.ToHexStringLower(hash),
            CreatedAt = context.Now.ToUnixTimeMilliseconds(),
            CreatedBy = context.Actor.Name,
            ExpiresAt = lifetime is { } l ? (context.Now + l).ToUnixTimeMilliseconds() : null,
            Version = version,
        };
        await AccessStore.InsertTokenAsync(context, row, cancellationToken);
        var after = TokenAuditView.Of(row);
        var created = new CreatedToken(row.Name, command.Role, after.Prefix, after.CreatedAt, after.ExpiresAt, version, plain);
        return CommandEffect<CreatedToken>.Ok(created, before: existing is null ? null : TokenAuditView.Of(existing), after, version, command.Name);
    }
}

public sealed class RevokeTokenHandler : ICommandHandler<RevokeTokenCommand, RevokedToken>
{
    public string? Validate(RevokeTokenCommand command) => ApiTokenFormat.ValidateName(command.Name);

    public async Task<CommandEffect<RevokedToken>> ApplyAsync(RevokeTokenCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var existing = await AccessStore.ActiveByNameAsync(context, command.Name, cancellationToken);
        if (existing is null)
        {
            return CommandEffect<RevokedToken>.Invalid($"no token named {command.Name} (or it is revoked already)", notFound: true);
        }

        var version = await AccessStore.BumpVersionAsync(context, cancellationToken);
        await AccessStore.RevokeAsync(context, existing.Id, context.Actor.Name, version, cancellationToken);
        var before = TokenAuditView.Of(existing);
        var after = before with { RevokedAt = context.Now };
        return CommandEffect<RevokedToken>.Ok(new RevokedToken(existing.Name, before.Prefix, context.Now, version), before, after, version, command.Name);
    }
}

public sealed class SetRoleMappingHandler : ICommandHandler<SetRoleMappingCommand, RoleMappingChange>
{
    public string? Validate(SetRoleMappingCommand command) =>
        AccessValidation.ClaimValue(command.ClaimValue) ?? AccessValidation.Role(command.Role) ?? AccessValidation.ExpectedVersion(command.ExpectedVersion);

    public async Task<CommandEffect<RoleMappingChange>> ApplyAsync(SetRoleMappingCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var current = await AccessStore.MappingAsync(context, command.ClaimValue, cancellationToken);
        var currentVersion = current?.Version ?? 0;
        if (command.ExpectedVersion is { } expected && expected != currentVersion)
        {
            return CommandEffect<RoleMappingChange>.Conflict(currentVersion, current is null
                ? $"the role mapping for {command.ClaimValue} was removed by someone else: reload"
                : $"the role mapping for {command.ClaimValue} was changed by someone else (version {currentVersion}, you sent {expected}): reload");
        }

        var version = await AccessStore.BumpVersionAsync(context, cancellationToken);
        var row = new RoleMappingRow
        {
            ClaimValue = command.ClaimValue,
            Role = command.Role.Name(),
            Version = version,
            UpdatedAt = context.Now.ToUnixTimeMilliseconds(),
            UpdatedBy = context.Actor.Name,
        };
        await AccessStore.UpsertMappingAsync(context, row, cancellationToken);
        return CommandEffect<RoleMappingChange>.Ok(
            new RoleMappingChange(command.ClaimValue, command.Role, version),
            current is null ? null : new RoleMappingAuditView(current.ClaimValue, current.Role, current.Version),
            new RoleMappingAuditView(row.ClaimValue, row.Role, version),
            version,
            command.ClaimValue);
    }
}

public sealed class RemoveRoleMappingHandler : ICommandHandler<RemoveRoleMappingCommand, RoleMappingChange>
{
    public string? Validate(RemoveRoleMappingCommand command) =>
        AccessValidation.ClaimValue(command.ClaimValue) ?? AccessValidation.ExpectedVersion(command.ExpectedVersion);

    public async Task<CommandEffect<RoleMappingChange>> ApplyAsync(RemoveRoleMappingCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var current = await AccessStore.MappingAsync(context, command.ClaimValue, cancellationToken);
        if (current is null)
        {
            return CommandEffect<RoleMappingChange>.Invalid($"no stored role mapping for {command.ClaimValue}", notFound: true);
        }

        if (command.ExpectedVersion is { } expected && expected != current.Version)
        {
            return CommandEffect<RoleMappingChange>.Conflict(current.Version,
                $"the role mapping for {command.ClaimValue} was changed by someone else (version {current.Version}, you sent {expected}): reload");
        }

        var version = await AccessStore.BumpVersionAsync(context, cancellationToken);
        await AccessStore.DeleteMappingAsync(context, command.ClaimValue, cancellationToken);
        return CommandEffect<RoleMappingChange>.Ok(
            new RoleMappingChange(command.ClaimValue, null, version),
            new RoleMappingAuditView(current.ClaimValue, current.Role, current.Version),
            after: null,
            version,
            command.ClaimValue);
    }
}
