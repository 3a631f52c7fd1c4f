using Dapper;
using Microsoft.Data.Sqlite;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Access;

/// <summary>A row of <c>_vd_api_tokens</c> (times in Unix ms). Only this folder sees it: pages read <see cref="IAccessFeed"/>.</summary>
internal sealed class TokenRow
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Role { get; init; }
    public required string Hash { get; init; }
    public long CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public long? ExpiresAt { get; init; }
    public long? LastUsedAt { get; init; }
    public long? RevokedAt { get; init; }
    public string? RevokedBy { get; init; }
    public long Version { get; init; }
}

/// <summary>A row of <c>_vd_role_mappings</c>.</summary>
internal sealed class RoleMappingRow
{
    public required string ClaimValue { get; init; }
    public required string Role { get; init; }
    public long Version { get; init; }
    public long UpdatedAt { get; init; }
    public required string UpdatedBy { get; init; }
}

/// <summary>Everything the access tables hold, read in one transaction so the version matches the rows.</summary>
internal sealed record AccessRows(long Version, IReadOnlyList<TokenRow> Tokens, IReadOnlyList<RoleMappingRow> Mappings);

/// <summary>
/// The access tables' SQL: reads for the directory (own connection), writes for the command handlers (inside the
/// pipeline's transaction). Portable SQL (see M0004_Access).
/// </summary>
internal sealed class AccessStore(SqliteConnectionFactory connections, StoreSchema schema)
{
    private const string VersionSql = "SELECT version FROM _vd_access_state WHERE id = 1";

    public async Task<long> VersionAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(VersionSql, cancellationToken: cancellationToken));
    }

    private const string TokensSql = """
        SELECT id, name, role, hash, created_at AS CreatedAt, created_by AS CreatedBy, expires_at AS ExpiresAt,
               last_used_at AS LastUsedAt, revoked_at AS RevokedAt, revoked_by AS RevokedBy, version
        FROM _vd_api_tokens ORDER BY created_at, id
        """;

    private const string MappingsSql = """
        SELECT claim_value AS ClaimValue, role, version, updated_at AS UpdatedAt, updated_by AS UpdatedBy
        FROM _vd_role_mappings ORDER BY claim_value
        """;

    public async Task<AccessRows> LoadAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition(VersionSql, transaction: transaction, cancellationToken: cancellationToken));
        var tokens = await connection.QueryAsync<TokenRow>(new CommandDefinition(TokensSql, transaction: transaction, cancellationToken: cancellationToken));
        var mappings = await connection.QueryAsync<RoleMappingRow>(new CommandDefinition(MappingsSql, transaction: transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new AccessRows(version, tokens.AsList(), mappings.AsList());
    }

    // Only ever moves forward, and is no access change: it does not bump the version (no reload anywhere).
    private const string LastUsedSql = """
        UPDATE _vd_api_tokens SET last_used_at = @At
        WHERE id = @Id AND (last_used_at IS NULL OR last_used_at < @At)
        """;

    public async Task RecordLastUsedAsync(IReadOnlyCollection<(string Id, long At)> uses, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await connection.ExecuteAsync(new CommandDefinition(LastUsedSql, uses.Select(u => new { u.Id, u.At }), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    // ---- writes, inside a command's transaction ----

    private const string BumpSql = "UPDATE _vd_access_state SET version = version + 1 WHERE id = 1 RETURNING version";

    /// <summary>
    /// Every access command bumps the state's version; the rows it writes carry the new value as their own version,
    /// so a mapping removed and set again never repeats a version a caller saw before.
    /// </summary>
    public static Task<long> BumpVersionAsync(CommandContext context, CancellationToken cancellationToken) =>
        context.Connection.ExecuteScalarAsync<long>(new CommandDefinition(BumpSql, transaction: context.Transaction, cancellationToken: cancellationToken));

    private const string ActiveByNameSql = """
        SELECT id, name, role, hash, created_at AS CreatedAt, created_by AS CreatedBy, expires_at AS ExpiresAt,
               last_used_at AS LastUsedAt, revoked_at AS RevokedAt, revoked_by AS RevokedBy, version
        FROM _vd_api_tokens WHERE name = @name AND revoked_at IS NULL
        """;

    public static Task<TokenRow?> ActiveByNameAsync(CommandContext context, string name, CancellationToken cancellationToken) =>
        context.Connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(ActiveByNameSql, new { name }, context.Transaction, cancellationToken: cancellationToken));

    private const string InsertTokenSql = """
        INSERT INTO _vd_api_tokens (id, name, role, hash, created_at, created_by, expires_at, version)
        VALUES (@Id, @Name, @Role, @Hash, @CreatedAt, @CreatedBy, @ExpiresAt, @Version)
        """;

    public static Task InsertTokenAsync(CommandContext context, TokenRow row, CancellationToken cancellationToken) =>
        context.Connection.ExecuteAsync(new CommandDefinition(InsertTokenSql, row, context.Transaction, cancellationToken: cancellationToken));

    private const string RevokeSql = """
        UPDATE _vd_api_tokens SET revoked_at = @at, revoked_by = @by, version = @version
        WHERE id = @id AND revoked_at IS NULL
        """;

    public static Task<int> RevokeAsync(CommandContext context, string id, string by, long version, CancellationToken cancellationToken) =>
        context.Connection.ExecuteAsync(new CommandDefinition(RevokeSql, new { id, at = context.Now.ToUnixTimeMilliseconds(), by, version }, context.Transaction, cancellationToken: cancellationToken));

    private const string MappingSql = """
        SELECT claim_value AS ClaimValue, role, version, updated_at AS UpdatedAt, updated_by AS UpdatedBy
        FROM _vd_role_mappings WHERE claim_value = @value
        """;

    public static Task<RoleMappingRow?> MappingAsync(CommandContext context, string value, CancellationToken cancellationToken) =>
        context.Connection.QuerySingleOrDefaultAsync<RoleMappingRow>(new CommandDefinition(MappingSql, new { value }, context.Transaction, cancellationToken: cancellationToken));

    private const string UpsertMappingSql = """
        INSERT INTO _vd_role_mappings (claim_value, role, version, updated_at, updated_by)
        VALUES (@ClaimValue, @Role, @Version, @UpdatedAt, @UpdatedBy)
        ON CONFLICT (claim_value) DO UPDATE SET role = excluded.role, version = excluded.version,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by
        """;

    public static Task UpsertMappingAsync(CommandContext context, RoleMappingRow row, CancellationToken cancellationToken) =>
        context.Connection.ExecuteAsync(new CommandDefinition(UpsertMappingSql, row, context.Transaction, cancellationToken: cancellationToken));

    private const string DeleteMappingSql = "DELETE FROM _vd_role_mappings WHERE claim_value = @value";

    public static Task DeleteMappingAsync(CommandContext context, string value, CancellationToken cancellationToken) =>
        context.Connection.ExecuteAsync(new CommandDefinition(DeleteMappingSql, new { value }, context.Transaction, cancellationToken: cancellationToken));
}
