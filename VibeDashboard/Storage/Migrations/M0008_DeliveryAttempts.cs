namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// Every attempt of every webhook delivery, for the admin Deliveries page: <c>_vd_deliveries</c> keeps only the
/// last one. One row per POST that was sent (a delivery held back by an open circuit was not sent, so it has no
/// row); <c>attempt</c> counts from 1 per delivery. Portable SQL; times are Unix milliseconds.
/// </summary>
public sealed class M0008_DeliveryAttempts : SqlMigration
{
    public override int Number => 8;

    public override string Name => "notifications: every attempt of a webhook delivery";

    protected override string Sql => """
        CREATE TABLE IF NOT EXISTS _vd_delivery_attempts (
            delivery_id TEXT NOT NULL,
            attempt BIGINT NOT NULL,
            at BIGINT NOT NULL,
            status BIGINT NULL,
            error TEXT NULL,
            PRIMARY KEY (delivery_id, attempt));
        """;
}
