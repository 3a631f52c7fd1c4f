namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// API tokens, role mappings and the access state's version. Plain SQL that PostgreSQL also accepts (times are Unix
/// milliseconds in BIGINT, like the other tables).
/// </summary>
/// <remarks>
/// <c>_vd_api_tokens.id</c> is the token's public prefix; the secret is never stored, only its SHA-256 in
/// <c>hash</c>. One active (not revoked) token per name, enforced by a partial unique index (both databases have
/// them). <c>_vd_access_state</c> holds one row whose version every access command bumps in its own transaction:
/// every process's access directory polls that one number to notice a change made by another (the CLI).
/// </remarks>
public sealed class M0004_Access : SqlMigration
{
    public override int Number => 4;

    public override string Name => "access: api tokens, role mappings, access state";

    protected override string Sql => """
        CREATE TABLE IF NOT EXISTS _vd_api_tokens (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            hash TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            created_by TEXT NOT NULL,
            expires_at BIGINT NULL,
            last_used_at BIGINT NULL,
            revoked_at BIGINT NULL,
            revoked_by TEXT NULL,
            version BIGINT NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS ux_vd_api_tokens_active_name ON _vd_api_tokens (name) WHERE revoked_at IS NULL;
        CREATE TABLE IF NOT EXISTS _vd_role_mappings (
            claim_value TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            version BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            updated_by TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS _vd_access_state (
            id INTEGER PRIMARY KEY,
            version BIGINT NOT NULL);
        INSERT INTO _vd_access_state (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
        """;
}
