namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// Wave rollouts: each rollout's definition and persisted machine state, its gate checks, its timeline and the
/// admins' readiness attestations. Plain SQL that PostgreSQL also accepts; times are Unix milliseconds in BIGINT,
/// enums their wire names (<c>running</c>, <c>fail</c>).
/// </summary>
/// <remarks>
/// <c>number</c> is assigned by the writer (max + 1 inside the command's immediate transaction) and is the rollout's
/// public id (<c>ro-{number}</c>). <c>status_json</c> is the whole <c>RolloutStatus</c> (waves, clocks, streaks, the
/// last round applied): what the loop resumes from after a restart. <c>state</c>, <c>version</c> and
/// <c>exposure_version</c> repeat three of its fields so that lists, the guarded update and the exposure ETag need no
/// JSON. <c>readiness_json</c> is the checklist as last judged (at create, attest and start). Child row ids are
/// assigned like <c>number</c>.
/// </remarks>
public sealed class M0009_Rollouts : SqlMigration
{
    public override int Number => 9;

    public override string Name => "rollouts: definitions and state, gate checks, timeline, readiness attestations";

    protected override string Sql => """
        CREATE TABLE IF NOT EXISTS _vd_rollouts (
            number BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            release_name TEXT NOT NULL,
            template TEXT NULL,
            definition_json TEXT NOT NULL,
            status_json TEXT NOT NULL,
            readiness_json TEXT NOT NULL,
            state TEXT NOT NULL,
            version BIGINT NOT NULL,
            exposure_version BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            created_by TEXT NOT NULL,
            updated_at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_rollouts_state ON _vd_rollouts (state);
        CREATE TABLE IF NOT EXISTS _vd_rollout_checks (
            id BIGINT PRIMARY KEY,
            rollout_number BIGINT NOT NULL,
            wave INTEGER NOT NULL,
            gate TEXT NOT NULL,
            kind TEXT NOT NULL,
            result TEXT NOT NULL,
            value DOUBLE PRECISION NULL,
            threshold DOUBLE PRECISION NULL,
            checked_at BIGINT NOT NULL,
            check_json TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_rollout_checks_rollout ON _vd_rollout_checks (rollout_number, checked_at, id);
        CREATE TABLE IF NOT EXISTS _vd_rollout_timeline (
            id BIGINT PRIMARY KEY,
            rollout_number BIGINT NOT NULL,
            at BIGINT NOT NULL,
            wave INTEGER NOT NULL,
            actor TEXT NOT NULL,
            text TEXT NOT NULL,
            event TEXT NULL,
            automatic INTEGER NOT NULL,
            forced INTEGER NOT NULL,
            evidence_json TEXT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_rollout_timeline_rollout ON _vd_rollout_timeline (rollout_number, at, id);
        CREATE TABLE IF NOT EXISTS _vd_rollout_attestations (
            id BIGINT PRIMARY KEY,
            rollout_number BIGINT NOT NULL,
            item TEXT NOT NULL,
            attested_by TEXT NOT NULL,
            attested_at BIGINT NOT NULL,
            link TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_rollout_attestations_rollout ON _vd_rollout_attestations (rollout_number, attested_at, id);
        """;
}
