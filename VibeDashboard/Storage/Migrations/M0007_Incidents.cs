namespace VibeDashboard.Storage.Migrations;

/// <summary>
/// The incident board: incidents (the human state beside the detected signal), their timeline, status updates,
/// first-response checklist, postmortem and follow-ups. Plain SQL that PostgreSQL also accepts; times are Unix
/// milliseconds in BIGINT, enums their wire names (<c>provider_outage</c>, <c>SEV2</c>, <c>investigating</c>).
/// </summary>
/// <remarks>
/// <c>number</c> is assigned by the writer (max + 1 inside the command's immediate transaction) and is the incident's
/// public id (<c>inc-{number}</c>). The <c>signal_*</c> columns are the detected signal's own state, written only by
/// the reconciler; a manual incident has none until a rule's episode attaches to it. The checklist is a snapshot of
/// the class's runbook at creation, so a later configuration change does not rewrite what was done. Row ids of the
/// child tables are assigned the same way as <c>number</c>.
/// </remarks>
public sealed class M0007_Incidents : SqlMigration
{
    public override int Number => 7;

    public override string Name => "incidents: incidents, timeline, status updates, checklist, postmortems, follow-ups";

    protected override string Sql => """
        CREATE TABLE IF NOT EXISTS _vd_incidents (
            number BIGINT PRIMARY KEY,
            class TEXT NOT NULL,
            incident_key TEXT NOT NULL,
            title TEXT NOT NULL,
            severity TEXT NOT NULL,
            status TEXT NOT NULL,
            source TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            detected_at BIGINT NOT NULL,
            acknowledged_at BIGINT NULL,
            mitigated_at BIGINT NULL,
            resolved_at BIGINT NULL,
            ended_at BIGINT NULL,
            owner TEXT NULL,
            eta BIGINT NULL,
            next_update_at BIGINT NULL,
            duplicate_of BIGINT NULL,
            postmortem_published INTEGER NOT NULL,
            signal_rule TEXT NULL,
            signal_active INTEGER NULL,
            signal_started_at BIGINT NULL,
            signal_cleared_at BIGINT NULL,
            signal_evidence_json TEXT NULL,
            version BIGINT NOT NULL,
            updated_at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_incidents_class_key ON _vd_incidents (class, incident_key);
        CREATE INDEX IF NOT EXISTS ix_vd_incidents_started ON _vd_incidents (started_at);
        CREATE INDEX IF NOT EXISTS ix_vd_incidents_status ON _vd_incidents (status);
        CREATE TABLE IF NOT EXISTS _vd_incident_timeline (
            id BIGINT PRIMARY KEY,
            incident_number BIGINT NOT NULL,
            at BIGINT NOT NULL,
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            text TEXT NOT NULL,
            data_json TEXT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_incident_timeline_incident ON _vd_incident_timeline (incident_number, at, id);
        CREATE TABLE IF NOT EXISTS _vd_incident_updates (
            id BIGINT PRIMARY KEY,
            incident_number BIGINT NOT NULL,
            at BIGINT NOT NULL,
            author TEXT NOT NULL,
            message TEXT NOT NULL,
            status TEXT NOT NULL,
            eta BIGINT NULL,
            next_update_at BIGINT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_incident_updates_incident ON _vd_incident_updates (incident_number, at, id);
        CREATE TABLE IF NOT EXISTS _vd_incident_checklist (
            incident_number BIGINT NOT NULL,
            item_index INTEGER NOT NULL,
            text TEXT NOT NULL,
            done INTEGER NOT NULL,
            done_by TEXT NULL,
            done_at BIGINT NULL,
            PRIMARY KEY (incident_number, item_index));
        CREATE TABLE IF NOT EXISTS _vd_postmortems (
            incident_number BIGINT PRIMARY KEY,
            summary TEXT NOT NULL,
            impact TEXT NOT NULL,
            root_cause TEXT NOT NULL,
            timeline TEXT NOT NULL,
            status TEXT NOT NULL,
            author TEXT NULL,
            updated_at BIGINT NOT NULL,
            published_at BIGINT NULL,
            version BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS _vd_follow_ups (
            id BIGINT PRIMARY KEY,
            incident_number BIGINT NOT NULL,
            title TEXT NOT NULL,
            owner TEXT NOT NULL,
            due TEXT NULL,
            kind TEXT NOT NULL,
            done INTEGER NOT NULL,
            created_at BIGINT NOT NULL,
            done_at BIGINT NULL);
        CREATE INDEX IF NOT EXISTS ix_vd_follow_ups_incident ON _vd_follow_ups (incident_number);
        """;
}
