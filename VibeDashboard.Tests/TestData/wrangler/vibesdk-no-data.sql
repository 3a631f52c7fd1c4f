PRAGMA defer_foreign_keys=TRUE;
CREATE TABLE d1_migrations(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    key_preview TEXT NOT NULL,
    scopes TEXT NOT NULL DEFAULT '[]',
    is_active INTEGER DEFAULT 1,
    last_used INTEGER,
    request_count INTEGER DEFAULT 0,
    created_at INTEGER DEFAULT CURRENT_TIMESTAMP,
    expires_at INTEGER
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    username TEXT UNIQUE,
    display_name TEXT NOT NULL,
    avatar_url TEXT,
    bio TEXT,
    provider TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    email_verified INTEGER DEFAULT 0,
    password_hash TEXT,
    failed_login_attempts INTEGER DEFAULT 0,
    is_active INTEGER DEFAULT 1,
    is_suspended INTEGER DEFAULT 0,
    theme TEXT DEFAULT 'system',
    timezone TEXT DEFAULT 'UTC',
    created_at INTEGER DEFAULT CURRENT_TIMESTAMP,
    updated_at INTEGER DEFAULT CURRENT_TIMESTAMP,
    last_active_at INTEGER,
    deleted_at INTEGER,
    ai_gateway_enabled INTEGER DEFAULT 0
);
CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    icon_url TEXT,
    original_prompt TEXT NOT NULL,
    final_prompt TEXT,
    framework TEXT,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    session_token TEXT,
    visibility TEXT NOT NULL DEFAULT 'private',
    status TEXT NOT NULL DEFAULT 'generating',
    deployment_id TEXT,
    github_repository_url TEXT,
    github_repository_visibility TEXT,
    is_archived INTEGER DEFAULT 0,
    is_featured INTEGER DEFAULT 0,
    version INTEGER DEFAULT 1,
    parent_app_id TEXT,
    screenshot_url TEXT,
    screenshot_captured_at INTEGER,
    created_at INTEGER DEFAULT CURRENT_TIMESTAMP,
    updated_at INTEGER DEFAULT CURRENT_TIMESTAMP,
    last_deployed_at INTEGER
);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_info TEXT,
    user_agent TEXT,
    ip_address TEXT,
    is_revoked INTEGER DEFAULT 0,
    revoked_at INTEGER,
    revoked_reason TEXT,
    access_token_hash TEXT NOT NULL,
    refresh_token_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER DEFAULT CURRENT_TIMESTAMP,
    last_activity INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE auth_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier TEXT NOT NULL,
    attempt_type TEXT NOT NULL,
    success INTEGER NOT NULL,
    ip_address TEXT NOT NULL,
    user_agent TEXT,
    attempted_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE audit_logs (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(id),
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    old_values TEXT,
    new_values TEXT,
    ip_address TEXT,
    user_agent TEXT,
    created_at INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE system_settings (
    key TEXT PRIMARY KEY,
    value TEXT,
    description TEXT,
    updated_by TEXT REFERENCES users(id),
    updated_at INTEGER DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE IF NOT EXISTS "app_views" (
    "id" TEXT PRIMARY KEY,
    "app_id" TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    "user_id" TEXT REFERENCES users(id),
    "session_token" TEXT,
    "ip_address_hash" TEXT,
    "referrer" TEXT,
    "viewed_at" INTEGER DEFAULT CURRENT_TIMESTAMP,
    "duration_seconds" INTEGER
);
CREATE TABLE blobs_demo (
    id INTEGER PRIMARY KEY,
    label TEXT,
    data BLOB
);
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
DELETE FROM sqlite_sequence;
CREATE INDEX users_email_idx ON users (email);
CREATE INDEX users_provider_unique_idx ON users (provider, provider_id);
CREATE INDEX apps_user_idx ON apps (user_id);
CREATE INDEX apps_status_idx ON apps (status);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX auth_attempts_lookup_idx ON auth_attempts (identifier, attempted_at);
CREATE INDEX auth_attempts_ip_idx ON auth_attempts (ip_address, attempted_at);
CREATE INDEX audit_logs_entity_idx ON audit_logs (entity_type, entity_id);
CREATE UNIQUE INDEX "app_views_app_viewed_idx" ON "app_views" ("app_id", "viewed_at");
CREATE INDEX ops_events_occurred_at_idx ON ops_events (occurred_at);