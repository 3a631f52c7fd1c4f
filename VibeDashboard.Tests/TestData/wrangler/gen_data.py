#!/usr/bin/env python3
"""Deterministic generator for data.sql / data-2.sql (fixture inputs). Output is committed; this is just for reference."""
import json

def q(v):
    if v is None: return "NULL"
    if isinstance(v, bool): return "1" if v else "0"
    if isinstance(v, (int, float)): return repr(v)
    if isinstance(v, Raw): return v.s
    return "'" + str(v).replace("'", "''") + "'"

class Raw:
    def __init__(self, s): self.s = s

def ins(table, row):
    cols = ", ".join(row.keys())
    vals = ", ".join(q(v) for v in row.values())
    return f"INSERT INTO {table} ({cols}) VALUES ({vals});"

out = []
T0 = 1764000000  # 2025-11-24T16:00:00Z

# ---------------- users (created_at: seconds / milliseconds / omitted -> CURRENT_TIMESTAMP text)
users = [
    dict(id="usr_admin", email="admin@example.com", username="admin", display_name="Ada Admin", provider="github", provider_id="1001",
         email_verified=1, created_at=T0 - 86400*30, last_active_at=T0 + 3600, ai_gateway_enabled=1),
    dict(id="usr_obrien", email="sean.obrien@example.com", username="obrien", display_name="Seán O'Brien", provider="google", provider_id="g-2002",
         email_verified=1, created_at=(T0 - 86400*20)*1000 + 123, last_active_at=(T0 + 7200)*1000 + 456, ai_gateway_enabled=0),
    dict(id="usr_jose", email="jose@example.es", username="jose", display_name="José Müller 🚀", provider="email", provider_id="jose@example.es",
         password_hash="$2a$10$abcdefghijklmnopqrstuv", bio="Línea uno" , last_active_at=T0 + 10800),  # created_at omitted -> text default
    dict(id="usr_suspended", email="spam@example.net", display_name="Suspended Sam", provider="email", provider_id="spam@example.net",
         is_active=0, is_suspended=1, failed_login_attempts=7, created_at=T0 - 86400*5, last_active_at=None),
    dict(id="usr_pro", email="pro@example.org", username="pro_user", display_name="Priya Pro 中文", provider="github", provider_id="3003",
         created_at=(T0 - 86400*10)*1000, last_active_at=T0 + 86400, ai_gateway_enabled=1),
]
for u in users: out.append(ins("users", u))
# bio containing CR LF and a tab
out.append("UPDATE users SET bio = 'Line one' || char(13) || char(10) || 'Line two' || char(9) || 'tabbed' WHERE id = 'usr_jose';")

# ---------------- api_keys (one big integer > 2^53)
out.append(ins("api_keys", dict(id="key_1", user_id="usr_admin", name="CI key", key_hash="sha256:aa11", key_preview="vsk_aa11…",
    scopes='["apps:read","apps:write"]', last_used=T0 + 60, request_count=9007199254740993, created_at=T0 - 86400, expires_at=None)))
out.append(ins("api_keys", dict(id="key_2", user_id="usr_pro", name="Laptop", key_hash="sha256:bb22", key_preview="vsk_bb22…",
    is_active=0, request_count=-1, created_at=(T0 - 3600)*1000, expires_at=(T0 + 86400*90)*1000)))

# ---------------- apps (status generating/completed; created_at mixed)
apps = [
    dict(id="app_todo", title="Todo list", original_prompt="Build a todo app", framework="react", user_id="usr_admin",
         status="completed", deployment_id="dep_7f3a9c", visibility="public", created_at=T0 - 86400*3, updated_at=T0 - 86400*2,
         screenshot_captured_at=T0 - 86400*2 + 30, last_deployed_at=T0 - 86400*2, github_repository_url="https://github.com/example/todo"),
    dict(id="app_blog", title="O'Brien's blog", original_prompt="A blog with 'quotes' and \"double quotes\"", framework="vite",
         user_id="usr_obrien", status="generating", created_at=(T0 - 86400)*1000 + 999, updated_at=(T0 - 86400)*1000 + 999),
    dict(id="app_shop", title="Tienda 🛒 café", original_prompt="E-commerce store", framework="next", user_id="usr_jose",
         status="completed"),  # created_at/updated_at omitted -> text default
    dict(id="app_shop_v2", title="Tienda 🛒 café (fork)", original_prompt="E-commerce store, but faster", framework="next",
         user_id="usr_pro", status="generating", parent_app_id="app_shop", version=2, created_at=T0 + 100, updated_at=T0 + 200),
    dict(id="app_game", title="Snake", original_prompt="Snake game", framework="react", user_id="usr_pro", status="completed",
         created_at=T0 - 7200, updated_at=T0 - 3600, screenshot_captured_at=(T0 - 3500)*1000),
    dict(id="app_anon", title="Anonymous demo", original_prompt="Hello world", framework=None, user_id=None, session_token="anon-tok-1",
         status="generating", created_at=T0 + 500),
    dict(id="app_dash", title="Metrics dashboard", original_prompt="Dashboard with charts", framework="react", user_id="usr_admin",
         status="completed", created_at=(T0 + 1000)*1000, updated_at=(T0 + 2000)*1000, is_archived=1),
    dict(id="app_form", title="Contact form", original_prompt="Contact form\nwith validation", framework="vue", user_id="usr_suspended",
         status="generating", created_at=T0 + 3000),
]
for a in apps:
    if a["id"] == "app_form":
        a = dict(a); a["original_prompt"] = Raw("'Contact form' || char(10) || 'with validation'")
    out.append(ins("apps", a))

# ---------------- sessions
sessions = [
    dict(id="ses_1", user_id="usr_admin", ip_address="203.0.113.10", user_agent="Mozilla/5.0", access_token_hash="ath1", refresh_token_hash="rth1",
         expires_at=T0 + 86400*7, created_at=T0, last_activity=T0 + 3600),
    dict(id="ses_2", user_id="usr_obrien", ip_address="198.51.100.7", access_token_hash="ath2", refresh_token_hash="rth2",
         expires_at=(T0 + 86400*7)*1000, created_at=T0*1000 + 5, last_activity=(T0 + 60)*1000),
    dict(id="ses_3", user_id="usr_suspended", ip_address="192.0.2.66", access_token_hash="ath3", refresh_token_hash="rth3",
         is_revoked=1, revoked_at=T0 + 120, revoked_reason="Suspicious activity: user's IP changed", expires_at=T0 + 86400, created_at=T0 - 600),
    dict(id="ses_4", user_id="usr_jose", ip_address="2001:db8::1", access_token_hash="ath4", refresh_token_hash="rth4",
         expires_at=T0 + 86400*30),  # created_at / last_activity default text
    dict(id="ses_5", user_id="usr_pro", ip_address="203.0.113.10", access_token_hash="ath5", refresh_token_hash="rth5",
         is_revoked=1, revoked_at=T0 + 50, revoked_reason=Raw("'logout' || char(10) || 'by user'"), expires_at=T0 + 86400, created_at=T0 - 60, last_activity=T0 + 40),
]
for s in sessions: out.append(ins("sessions", s))

# ---------------- auth_attempts (~40): mixed success, several IPs, 192.0.2.66 sprays many distinct identifiers
import datetime
def ts(sec):
    return datetime.datetime.fromtimestamp(sec, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
aa = []
# normal logins
normal = [("admin@example.com", "203.0.113.10", True), ("sean.obrien@example.com", "198.51.100.7", True),
          ("jose@example.es", "2001:db8::1", False), ("jose@example.es", "2001:db8::1", True),
          ("pro@example.org", "203.0.113.10", True), ("pro@example.org", "203.0.113.10", False),
          ("admin@example.com", "203.0.113.10", True), ("sean.obrien@example.com", "198.51.100.7", False),
          ("sean.obrien@example.com", "198.51.100.7", True), ("pro@example.org", "198.51.100.8", True)]
for i, (ident, ip, ok) in enumerate(normal):
    aa.append(dict(identifier=ident, attempt_type="login", success=1 if ok else 0, ip_address=ip, user_agent="Mozilla/5.0",
                   attempted_at=ts(T0 + i * 300)))
# spraying IP: 18 distinct identifiers, all failing
for i in range(18):
    aa.append(dict(identifier=f"victim{i:02d}@example.com", attempt_type="login", success=0, ip_address="192.0.2.66",
                   user_agent="python-requests/2.31", attempted_at=ts(T0 + 4000 + i * 7)))
# brute force one account from one IP
for i in range(6):
    aa.append(dict(identifier="admin@example.com", attempt_type="login", success=0, ip_address="198.51.100.200",
                   user_agent="curl/8.0", attempted_at=ts(T0 + 5000 + i * 11)))
# registrations / oauth / resets
extra = [("new@example.com", "register", 1, "203.0.113.55"), ("new@example.com", "register", 0, "203.0.113.55"),
         ("jose@example.es", "reset_password", 1, "2001:db8::1"), ("github:3003", "oauth_github", 1, "203.0.113.10"),
         ("google:g-2002", "oauth_google", 1, "198.51.100.7")]
for i, (ident, typ, ok, ip) in enumerate(extra):
    aa.append(dict(identifier=ident, attempt_type=typ, success=ok, ip_address=ip, attempted_at=ts(T0 + 6000 + i * 60)))
# last one omits attempted_at -> CURRENT_TIMESTAMP default; one with explicit id gap to move sqlite_sequence
aa.append(dict(identifier="o'neil@example.com", attempt_type="login", success=0, ip_address="192.0.2.66"))
for a in aa: out.append(ins("auth_attempts", a))

# ---------------- audit_logs
out.append(ins("audit_logs", dict(id="aud_1", user_id="usr_admin", entity_type="user", entity_id="usr_suspended", action="suspend",
    old_values=json.dumps({"is_suspended": 0}), new_values=json.dumps({"is_suspended": 1, "reason": "spam"}), ip_address="203.0.113.10", created_at=T0 + 130)))
out.append(ins("audit_logs", dict(id="aud_2", user_id="usr_obrien", entity_type="app", entity_id="app_blog", action="update",
    old_values=json.dumps({"title": "Blog"}), new_values=json.dumps({"title": "O'Brien's blog"}, ensure_ascii=False), ip_address="198.51.100.7", created_at=(T0 + 140)*1000)))
out.append(ins("audit_logs", dict(id="aud_3", user_id=None, entity_type="system_setting", entity_id="maintenance_mode", action="update",
    old_values=None, new_values=Raw("'{\"value\":\"on\",' || char(10) || '\"note\":\"multi-line\"}'"), ip_address=None)))
out.append(ins("audit_logs", dict(id="aud_4", user_id="usr_jose", entity_type="app", entity_id="app_shop", action="create",
    old_values=None, new_values=json.dumps({"title": "Tienda 🛒 café"}, ensure_ascii=False), ip_address="2001:db8::1", created_at=T0 + 150)))

# ---------------- system_settings
out.append(ins("system_settings", dict(key="maintenance_mode", value="off", description="Toggle maintenance banner", updated_by="usr_admin", updated_at=T0)))
out.append(ins("system_settings", dict(key="max_apps_per_user", value="25", description="Free tier limit")))
# literal backslash sequences: alone (no real newline) and mixed with a real newline (tests the exporter's '\\n' escaping)
out.append(ins("system_settings", dict(key="regex_literal", value=r"^\d+\n$", description=r"contains a literal backslash-n, no real newline")))
out.append(ins("system_settings", dict(key="windows_path", value=Raw(r"'C:\new\table' || char(10) || 'second line'"), description="literal backslash-n AND a real newline")))
out.append(ins("system_settings", dict(key="welcome_message", value=Raw("'Welcome!' || char(13) || char(10) || 'It''s great to have you 👋'"), description=None)))

# ---------------- app_views (quoted-name table)
out.append(ins('"app_views"', dict(id="view_1", app_id="app_todo", user_id="usr_pro", ip_address_hash="h1", referrer=None, viewed_at=T0 + 10, duration_seconds=42)))
out.append(ins('"app_views"', dict(id="view_2", app_id="app_todo", user_id=None, session_token="anon-tok-1", ip_address_hash="h2", referrer="https://news.example.com/?q=a&b='c'", viewed_at=(T0 + 20)*1000, duration_seconds=-1)))
out.append(ins('"app_views"', dict(id="view_3", app_id="app_game", user_id="usr_admin", ip_address_hash="h3")))

# ---------------- blobs_demo
out.append("INSERT INTO blobs_demo (id, label, data) VALUES (1, 'deadbeef', X'DEADBEEF');")
out.append("INSERT INTO blobs_demo (id, label, data) VALUES (2, 'zeroblob(4)', zeroblob(4));")
out.append("INSERT INTO blobs_demo (id, label, data) VALUES (3, 'empty blob', X'');")
out.append("INSERT INTO blobs_demo (id, label, data) VALUES (4, 'null', NULL);")
out.append("INSERT INTO blobs_demo (id, label, data) VALUES (5, 'text-looking blob', CAST('hi' AS BLOB));")
# untyped (BLOB affinity) column also holding numbers, to show JS-number formatting in the export
out.append("INSERT INTO blobs_demo (id, label, data) VALUES (6, 'huge real', 1.5e300);")
out.append("INSERT INTO blobs_demo (id, label, data) VALUES (7, 'tiny negative real', -2.5e-8);")
out.append("INSERT INTO blobs_demo (id, label, data) VALUES (8, 'negative integer', -42);")
out.append("INSERT INTO blobs_demo (id, label, data) VALUES (9, 'int above 2^53', 9007199254740993);")

# ---------------- ops_events
TIERS = ["internal", "free", "pro", "enterprise"]
APPS = ["app_todo", "app_blog", "app_shop", "app_shop_v2", "app_game", "app_dash"]
USERS = {"app_todo": "usr_admin", "app_blog": "usr_obrien", "app_shop": "usr_jose", "app_shop_v2": "usr_pro", "app_game": "usr_pro", "app_dash": "usr_admin"}

def ops_rows(specs, start_idx, base):
    rows = []
    for n, spec in enumerate(specs):
        i = start_idx + n
        app = spec.pop("app", APPS[i % len(APPS)])
        sec = base + n * 97
        # every 3rd row uses milliseconds, otherwise seconds
        occurred = sec * 1000 + (i * 37) % 1000 if i % 3 == 0 else sec
        row = dict(id=f"evt_{i:04d}", occurred_at=occurred, source=spec.pop("source", "agent"), event_type=spec.pop("event_type"),
                   app_id=app, user_id=USERS.get(app), instance_id=f"inst-{app}", policy_tier=TIERS[i % 4], status=spec.pop("status", "ok"))
        row.update(dict(duration_ms=None, cost_usd=None, tokens_in=None, tokens_out=None, provider=None, model=None, error_code=None,
                        message=None, attrs_json=None))
        row.update(spec)
        rows.append(ins("ops_events", row))
    return rows

def llm(model, provider, tin, tout, cost, status="ok", **kw):
    d = dict(event_type="llm_call", source="agent", provider=provider, model=model, tokens_in=tin, tokens_out=tout, cost_usd=cost, status=status,
             duration_ms=round(tin / 7.3 + tout / 3.1, 3))
    d.update(kw); return d

specs1 = [
    dict(event_type="generation_started", message="Generating app"),
    llm("gemini-2.5-pro", "google-ai-studio", 12000, 3400, 0.0489),
    llm("claude-sonnet-4", "anthropic", 8000, 2100, 0.0555),
    dict(event_type="generation_complete", duration_ms=184532.5, message="Generation finished"),
    dict(event_type="sandbox_started", source="sandbox", duration_ms=2310.0),
    dict(event_type="probe", source="sandbox", duration_ms=12.5, attrs_json='{"path":"/","http_status":200}'),
    dict(event_type="d1_query", source="d1", duration_ms=0.75, attrs_json='{"rows_read":12,"rows_written":0}'),
    dict(event_type="deployment_completed", source="deployer", duration_ms=15432.0, attrs_json='{"deployment_id":"dep_7f3a9c"}', app="app_todo"),
    dict(event_type="cloudflare_deployment_completed", source="deployer", duration_ms=9876.25, app="app_todo"),
    dict(event_type="artifact_stored", source="worker", attrs_json='{"bytes":20480,"bucket":"templates"}'),
    llm("gpt-4o-mini", "openai", 900, 150, 0.00123),
    dict(event_type="runtime_error_found", source="sandbox", status="error", error_code="TypeError",
         message=Raw("'TypeError: Cannot read properties of undefined (reading ''map'')' || char(10) || '    at App (src/App.tsx:12:5)' || char(10) || '    at render'")),
    dict(event_type="code_fix_edits", attrs_json='{"files":["src/App.tsx"],"edits":3}'),
    dict(event_type="deterministic_code_fix_started", attrs_json='{"issues":2}'),
    llm("gemini-2.5-flash", "google-ai-studio", 4000, 0, 0.0, status="error", error_code="429", message="Rate limited by provider"),
    dict(event_type="sandbox_crashed", source="sandbox", status="error", error_code="OOM", message=Raw("'container exited' || char(13) || char(10) || 'exit code 137'")),
    dict(event_type="sandbox_restarted", source="sandbox", duration_ms=4100.0),
    dict(event_type="deployment_failed", source="deployer", status="error", error_code="BUILD_FAILED", duration_ms=22010.0,
         message="Build failed: can't resolve 'react-dom/client'"),
    dict(event_type="migration_applied", source="d1", attrs_json='{"migration":"0003_add_index.sql"}'),
    dict(event_type="migration_failed", source="d1", status="error", error_code="SQLITE_ERROR", message="near \"TABL\": syntax error"),
    dict(event_type="error", status="error", error_code="INTERNAL", message="Unexpected error ⚠️ in état machine"),
    dict(event_type="rate_limit_exceeded", source="worker", status="error", attrs_json='{"limiter":"auth"}', app=None),
    dict(event_type="rate_limit_exceeded", source="worker", status="error", attrs_json='{"limiter":"app_creation"}'),
    dict(event_type="runtime_usage", source="worker", duration_ms=60000.0, cost_usd=0.0004, attrs_json='{"cpu_ms":1234,"requests":88}'),
    dict(event_type="sandbox_stopped", source="sandbox", duration_ms=300000.0),
    dict(event_type="generation_started"),
    llm("claude-sonnet-4", "anthropic", 15500, 5200, 0.1245),
    llm("gpt-4o", "openai", 3000, 800, 0.0155),
    llm("gemini-2.5-pro", "google-ai-studio", 22000, 6000, 0.0875),
    dict(event_type="generation_complete", duration_ms=95210.0),
    dict(event_type="probe", source="sandbox", status="error", duration_ms=5000.0, error_code="TIMEOUT", attrs_json='{"path":"/api/health","http_status":null}'),
    dict(event_type="d1_query", source="d1", duration_ms=3.2, attrs_json='{"rows_read":1500,"rows_written":3}'),
    dict(event_type="d1_query", source="d1", status="error", duration_ms=1.1, error_code="SQLITE_CONSTRAINT", message="UNIQUE constraint failed: users.email"),
    dict(event_type="deployment_completed", source="deployer", duration_ms=18000.5, app="app_game"),
    dict(event_type="cloudflare_deployment_completed", source="deployer", duration_ms=11000.0, app="app_game"),
    dict(event_type="sandbox_started", source="sandbox", duration_ms=1999.9),
    dict(event_type="runtime_error_found", source="sandbox", status="error", error_code="ReferenceError", message="ReferenceError: useState is not defined"),
    dict(event_type="code_fix_edits", attrs_json='{"files":["src/main.tsx","src/App.tsx"],"edits":5}'),
    llm("claude-haiku-3.5", "anthropic", 1200, 300, 0.0021),
    llm("gpt-4o-mini", "openai", 500, 120, 0.00015, status="error", error_code="timeout", message="upstream timeout"),
    dict(event_type="artifact_stored", source="worker", attrs_json='{"bytes":1048576,"bucket":"screenshots"}'),
    dict(event_type="rate_limit_exceeded", source="worker", status="error", attrs_json='{"limiter":"auth"}', app=None),
    dict(event_type="error", status="error", error_code="WS_CLOSED", message="WebSocket closed unexpectedly\tcode=1006"),
    dict(event_type="deterministic_code_fix_started", attrs_json='{"issues":0}'),
    dict(event_type="sandbox_crashed", source="sandbox", status="error", error_code="EXIT_1"),
    dict(event_type="sandbox_restarted", source="sandbox", duration_ms=3500.0),
    dict(event_type="runtime_usage", source="worker", duration_ms=60000.0, cost_usd=0.0011, attrs_json='{"cpu_ms":5120,"requests":301}'),
    dict(event_type="migration_applied", source="d1", attrs_json='{"migration":"0004_ops.sql"}'),
    llm("gemini-2.5-flash", "google-ai-studio", 7000, 1900, 0.0069),
    llm("claude-sonnet-4", "anthropic", 0, 0, 0.0, status="error", error_code="overloaded_error", message="Overloaded"),
    dict(event_type="generation_started", app="app_shop_v2"),
    dict(event_type="generation_complete", duration_ms=250000.0, app="app_shop_v2", status="error", error_code="ABORTED", message="Generation aborted by user"),
    dict(event_type="deployment_failed", source="deployer", status="error", error_code="QUOTA", duration_ms=800.0, message="Workers quota exceeded"),
    dict(event_type="probe", source="sandbox", duration_ms=8.0, attrs_json='{"path":"/","http_status":200}'),
    dict(event_type="sandbox_stopped", source="sandbox", duration_ms=120000.0),
    llm("gpt-4o", "openai", 2500, 700, 0.0133),
    dict(event_type="d1_query", source="d1", duration_ms=0.4, attrs_json='{"rows_read":1,"rows_written":1}'),
    dict(event_type="runtime_usage", source="worker", duration_ms=60000.0, cost_usd=Raw("5e-7"), attrs_json='{"cpu_ms":1,"requests":1}'),
    dict(event_type="rate_limit_exceeded", source="worker", status="error", attrs_json='{"limiter":"llm"}'),
    llm("gemini-2.5-pro", "google-ai-studio", 30500, 9100, 0.12875),
]
out += ops_rows(specs1, 1, T0)

with open("data.sql", "w", encoding="utf-8") as f:
    f.write("-- Fixture data for the vibesdk local D1 (applied with: wrangler d1 execute vibesdk --local --file data.sql)\n")
    f.write("\n".join(out) + "\n")

# ---------------- data-2.sql: ~20 more ops_events (new ids), one app status change, one new auth attempt
out2 = []
specs2 = [
    dict(event_type="generation_started", app="app_blog"),
    llm("claude-sonnet-4", "anthropic", 9100, 2800, 0.0693, app="app_blog"),
    llm("gemini-2.5-flash", "google-ai-studio", 3000, 700, 0.0027, app="app_blog"),
    dict(event_type="generation_complete", duration_ms=120500.0, app="app_blog"),
    dict(event_type="sandbox_started", source="sandbox", duration_ms=2500.0, app="app_blog"),
    dict(event_type="probe", source="sandbox", duration_ms=9.5, attrs_json='{"path":"/","http_status":200}', app="app_blog"),
    dict(event_type="deployment_completed", source="deployer", duration_ms=14000.0, app="app_blog", attrs_json='{"deployment_id":"dep_b10g"}'),
    dict(event_type="cloudflare_deployment_completed", source="deployer", duration_ms=8000.0, app="app_blog"),
    dict(event_type="runtime_error_found", source="sandbox", status="error", error_code="SyntaxError",
         message=Raw("'SyntaxError: Unexpected token ''<''' || char(10) || 'at line 1'"), app="app_blog"),
    dict(event_type="code_fix_edits", attrs_json='{"files":["index.html"],"edits":1}', app="app_blog"),
    dict(event_type="deterministic_code_fix_started", attrs_json='{"issues":1}', app="app_blog"),
    llm("gpt-4o-mini", "openai", 700, 90, 0.00016, app="app_blog"),
    dict(event_type="sandbox_crashed", source="sandbox", status="error", error_code="OOM", app="app_game"),
    dict(event_type="sandbox_restarted", source="sandbox", duration_ms=3900.0, app="app_game"),
    dict(event_type="sandbox_stopped", source="sandbox", duration_ms=600000.0, app="app_game"),
    dict(event_type="rate_limit_exceeded", source="worker", status="error", attrs_json='{"limiter":"auth"}', app=None),
    dict(event_type="runtime_usage", source="worker", duration_ms=60000.0, cost_usd=0.0007, attrs_json='{"cpu_ms":2200,"requests":150}', app="app_dash"),
    dict(event_type="migration_failed", source="d1", status="error", error_code="SQLITE_ERROR", message="duplicate column name: foo", app="app_dash"),
    dict(event_type="artifact_stored", source="worker", attrs_json='{"bytes":4096,"bucket":"templates"}', app="app_dash"),
    dict(event_type="error", status="error", error_code="INTERNAL", message="Second export era error", app="app_dash"),
]
out2 += ops_rows(specs2, 61, T0 + 86400)
out2.append(f"UPDATE apps SET status = 'completed', deployment_id = 'dep_b10g', updated_at = {T0 + 86400 + 700}, last_deployed_at = {T0 + 86400 + 700} WHERE id = 'app_blog';")
out2.append(ins("auth_attempts", dict(identifier="admin@example.com", attempt_type="login", success=1, ip_address="203.0.113.10", attempted_at=ts(T0 + 86400 + 10))))
with open("data-2.sql", "w", encoding="utf-8") as f:
    f.write("-- Second batch, applied after the first round of exports (wrangler d1 execute vibesdk --local --file data-2.sql)\n")
    f.write("\n".join(out2) + "\n")
