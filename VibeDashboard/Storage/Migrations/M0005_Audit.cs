namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// The audit log (append-only, hash-chained; see <c>Operations/Audit/AuditChain</c>), its head, and the idempotency
/// keys of applied commands. Plain SQL that PostgreSQL also accepts.
/// </summary>
public sealed class M0005_Audit : SqlMigration
{
    public override int Number => 5;

    public override string Name => "operations: audit log, audit head, command idempotency keys";

    // seq is assigned by the writer (head + 1 inside an immediate transaction), not by the database: it must be
    // contiguous, and a gap is how the verifier finds a deleted entry. The app never updates or deletes _vd_audit.
    // _vd_audit_head holds one row (id 1): the newest entry's seq and hash, updated in the entry's transaction, so
    // deleting the newest entries (which leaves no gap) is detected too.
    protected override string Sql => """
        CREATE TABLE IF NOT EXISTS _vd_audit (
            seq BIGINT PRIMARY KEY,
            at BIGINT NOT NULL,
            actor_name TEXT NOT NULL,
            actor_kind TEXT NOT NULL,
            actor_role TEXT,
            action TEXT NOT NULL,
            target_type TEXT NOT NULL,
            target_id TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT,
            reason TEXT,
            outcome TEXT NOT NULL,
            error TEXT,
            client_ip TEXT,
            user_agent TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_audit_at ON _vd_audit (at);
        CREATE INDEX IF NOT EXISTS ix_vd_audit_action ON _vd_audit (action);
        CREATE INDEX IF NOT EXISTS ix_vd_audit_target ON _vd_audit (target_type, target_id);
        CREATE TABLE IF NOT EXISTS _vd_audit_head (
            id INTEGER PRIMARY KEY,
            seq BIGINT NOT NULL,
            hash TEXT NOT NULL);
        INSERT INTO _vd_audit_head (id, seq, hash)
            VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')
            ON CONFLICT (id) DO NOTHING;
        CREATE TABLE IF NOT EXISTS _vd_command_keys (
            idempotency_key TEXT PRIMARY KEY,
            action TEXT NOT NULL,
            actor_name TEXT NOT NULL,
            actor_kind TEXT NOT NULL,
            target_id TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            result_json TEXT,
            current_version BIGINT,
            audit_seq BIGINT NOT NULL,
            created_at BIGINT NOT NULL);
        """;
}
