-- Operational telemetry table consumed by the dashboard
CREATE TABLE ops_events (
    id TEXT PRIMARY KEY,
    occurred_at INTEGER,
    source TEXT,
    event_type TEXT,
    app_id TEXT,
    user_id TEXT,
    instance_id TEXT,
    policy_tier TEXT,
    status TEXT,
    duration_ms REAL,
    cost_usd REAL,
    tokens_in INTEGER,
    tokens_out INTEGER,
    provider TEXT,
    model TEXT,
    error_code TEXT,
    message TEXT,
    attrs_json TEXT
);

CREATE INDEX ops_events_occurred_at_idx ON ops_events (occurred_at);
