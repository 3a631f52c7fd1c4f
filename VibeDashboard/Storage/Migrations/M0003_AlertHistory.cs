namespace VibeDashboard.Storage.Migrations;

/// <summary>SLO alert state transitions (before numbered migrations the aggregator created this table itself).</summary>
public sealed class M0003_AlertHistory : SqlMigration
{
    public override int Number => 3;

    public override string Name => "aggregation: alert history";

    protected override string Sql => """
        CREATE TABLE IF NOT EXISTS _vd_alert_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at INTEGER NOT NULL,
            slo_key TEXT NOT NULL,
            from_state TEXT NOT NULL,
            to_state TEXT NOT NULL,
            reason TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_alert_history_slo ON _vd_alert_history (slo_key, id);
        """;
}
