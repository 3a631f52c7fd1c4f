namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// The notification outbox and its deliveries (webhooks). Plain SQL that PostgreSQL also accepts; times are Unix
/// milliseconds in BIGINT.
/// </summary>
/// <remarks>
/// <c>_vd_outbox</c> holds one row per event, written in the transaction of the change that caused it; its id is
/// assigned by the writer (max + 1 under the write lock), and its order is the order of events. <c>_vd_deliveries</c>
/// holds one row per (event, webhook): its id is the <c>X-VibeDashboard-Delivery</c> header, the same on every
/// retry. <c>aggregate</c> and <c>event</c> are copied from the outbox row so the dispatcher's "an older delivery of
/// the same aggregate to the same webhook is still pending" check and the Deliveries page need no join.
/// <c>deadline_at</c> is when a failing delivery goes dead (written at enqueue; moved on by a retry of a dead one).
/// </remarks>
public sealed class M0006_Outbox : SqlMigration
{
    public override int Number => 6;

    public override string Name => "notifications: outbox, webhook deliveries";

    protected override string Sql => """
        CREATE TABLE IF NOT EXISTS _vd_outbox (
            id BIGINT PRIMARY KEY,
            event TEXT NOT NULL,
            aggregate TEXT NOT NULL,
            payload_json TEXT NOT NULL,
            summary TEXT,
            created_at BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS _vd_deliveries (
            id TEXT PRIMARY KEY,
            outbox_id BIGINT NOT NULL,
            webhook TEXT NOT NULL,
            event TEXT NOT NULL,
            aggregate TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            deadline_at BIGINT NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            last_attempt_at BIGINT NULL,
            last_status BIGINT NULL,
            last_error TEXT NULL,
            delivered_at BIGINT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS ux_vd_deliveries_outbox_webhook ON _vd_deliveries (outbox_id, webhook);
        CREATE INDEX IF NOT EXISTS ix_vd_deliveries_due ON _vd_deliveries (status, next_attempt_at);
        CREATE INDEX IF NOT EXISTS ix_vd_deliveries_order ON _vd_deliveries (webhook, aggregate, status, outbox_id);
        """;
}
