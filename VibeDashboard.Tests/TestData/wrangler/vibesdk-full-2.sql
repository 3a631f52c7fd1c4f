PRAGMA defer_foreign_keys=TRUE;
CREATE TABLE d1_migrations(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);
INSERT INTO "d1_migrations" VALUES(1,'0001_initial.sql','2026-11-26 20:42:08');
INSERT INTO "d1_migrations" VALUES(2,'0002_ops_events.sql','2026-11-26 20:42:08');
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
INSERT INTO "api_keys" VALUES('key_1','usr_admin','CI key','sha256:aa11','vsk_aa11…','["apps:read","apps:write"]',1,1764000060,9007199254740992,1763913600,NULL);
INSERT INTO "api_keys" VALUES('key_2','usr_pro','Laptop','sha256:bb22','vsk_bb22…','[]',0,NULL,-1,1763996400000,1771776000000);
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
INSERT INTO "users" VALUES('usr_admin','admin@example.com','admin','Ada Admin',NULL,NULL,'github','1001',1,NULL,0,1,0,'system','UTC',1761408000,'2026-11-26 20:42:09',1764003600,NULL,1);
INSERT INTO "users" VALUES('usr_obrien','sean.obrien@example.com','obrien','Seán O''Brien',NULL,NULL,'google','g-2002',1,NULL,0,1,0,'system','UTC',1762272000123,'2026-11-26 20:42:09',1764007200456,NULL,0);
INSERT INTO "users" VALUES('usr_jose','jose@example.es','jose','José Müller 🚀',NULL,replace(replace('Line one\r\nLine two	tabbed','\r',char(13)),'\n',char(10)),'email','jose@example.es',0,'$2a$10$abcdefghijklmnopqrstuv',0,1,0,'system','UTC','2026-11-26 20:42:09','2026-11-26 20:42:09',1764010800,NULL,0);
INSERT INTO "users" VALUES('usr_suspended','spam@example.net',NULL,'Suspended Sam',NULL,NULL,'email','spam@example.net',0,NULL,7,0,1,'system','UTC',1763568000,'2026-11-26 20:42:09',NULL,NULL,0);
INSERT INTO "users" VALUES('usr_pro','pro@example.org','pro_user','Priya Pro 中文',NULL,NULL,'github','3003',0,NULL,0,1,0,'system','UTC',1763136000000,'2026-11-26 20:42:09',1764086400,NULL,1);
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
INSERT INTO "apps" VALUES('app_todo','Todo list',NULL,NULL,'Build a todo app',NULL,'react','usr_admin',NULL,'public','completed','dep_7f3a9c','https://github.com/example/todo',NULL,0,0,1,NULL,NULL,1763827230,1763740800,1763827200,1763827200);
INSERT INTO "apps" VALUES('app_blog','O''Brien''s blog',NULL,NULL,'A blog with ''quotes'' and "double quotes"',NULL,'vite','usr_obrien',NULL,'private','completed','dep_b10g',NULL,NULL,0,0,1,NULL,NULL,NULL,1763913600999,1764087100,1764087100);
INSERT INTO "apps" VALUES('app_shop','Tienda 🛒 café',NULL,NULL,'E-commerce store',NULL,'next','usr_jose',NULL,'private','completed',NULL,NULL,NULL,0,0,1,NULL,NULL,NULL,'2026-11-26 20:42:09','2026-11-26 20:42:09',NULL);
INSERT INTO "apps" VALUES('app_shop_v2','Tienda 🛒 café (fork)',NULL,NULL,'E-commerce store, but faster',NULL,'next','usr_pro',NULL,'private','generating',NULL,NULL,NULL,0,0,2,'app_shop',NULL,NULL,1764000100,1764000200,NULL);
INSERT INTO "apps" VALUES('app_game','Snake',NULL,NULL,'Snake game',NULL,'react','usr_pro',NULL,'private','completed',NULL,NULL,NULL,0,0,1,NULL,NULL,1763996500000,1763992800,1763996400,NULL);
INSERT INTO "apps" VALUES('app_anon','Anonymous demo',NULL,NULL,'Hello world',NULL,NULL,NULL,'anon-tok-1','private','generating',NULL,NULL,NULL,0,0,1,NULL,NULL,NULL,1764000500,'2026-11-26 20:42:09',NULL);
INSERT INTO "apps" VALUES('app_dash','Metrics dashboard',NULL,NULL,'Dashboard with charts',NULL,'react','usr_admin',NULL,'private','completed',NULL,NULL,NULL,1,0,1,NULL,NULL,NULL,1764001000000,1764002000000,NULL);
INSERT INTO "apps" VALUES('app_form','Contact form',NULL,NULL,replace('Contact form\nwith validation','\n',char(10)),NULL,'vue','usr_suspended',NULL,'private','generating',NULL,NULL,NULL,0,0,1,NULL,NULL,NULL,1764003000,'2026-11-26 20:42:09',NULL);
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
INSERT INTO "sessions" VALUES('ses_1','usr_admin',NULL,'Mozilla/5.0','203.0.113.10',0,NULL,NULL,'ath1','rth1',1764604800,1764000000,1764003600);
INSERT INTO "sessions" VALUES('ses_2','usr_obrien',NULL,NULL,'198.51.100.7',0,NULL,NULL,'ath2','rth2',1764604800000,1764000000005,1764000060000);
INSERT INTO "sessions" VALUES('ses_3','usr_suspended',NULL,NULL,'192.0.2.66',1,1764000120,'Suspicious activity: user''s IP changed','ath3','rth3',1764086400,1763999400,'2026-11-26 20:42:09');
INSERT INTO "sessions" VALUES('ses_4','usr_jose',NULL,NULL,'2001:db8::1',0,NULL,NULL,'ath4','rth4',1766592000,'2026-11-26 20:42:09','2026-11-26 20:42:09');
INSERT INTO "sessions" VALUES('ses_5','usr_pro',NULL,NULL,'203.0.113.10',1,1764000050,replace('logout\nby user','\n',char(10)),'ath5','rth5',1764086400,1763999940,1764000040);
CREATE TABLE auth_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier TEXT NOT NULL,
    attempt_type TEXT NOT NULL,
    success INTEGER NOT NULL,
    ip_address TEXT NOT NULL,
    user_agent TEXT,
    attempted_at TEXT DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "auth_attempts" VALUES(1,'admin@example.com','login',1,'203.0.113.10','Mozilla/5.0','2025-11-24 16:00:00');
INSERT INTO "auth_attempts" VALUES(2,'sean.obrien@example.com','login',1,'198.51.100.7','Mozilla/5.0','2025-11-24 16:05:00');
INSERT INTO "auth_attempts" VALUES(3,'jose@example.es','login',0,'2001:db8::1','Mozilla/5.0','2025-11-24 16:10:00');
INSERT INTO "auth_attempts" VALUES(4,'jose@example.es','login',1,'2001:db8::1','Mozilla/5.0','2025-11-24 16:15:00');
INSERT INTO "auth_attempts" VALUES(5,'pro@example.org','login',1,'203.0.113.10','Mozilla/5.0','2025-11-24 16:20:00');
INSERT INTO "auth_attempts" VALUES(6,'pro@example.org','login',0,'203.0.113.10','Mozilla/5.0','2025-11-24 16:25:00');
INSERT INTO "auth_attempts" VALUES(7,'admin@example.com','login',1,'203.0.113.10','Mozilla/5.0','2025-11-24 16:30:00');
INSERT INTO "auth_attempts" VALUES(8,'sean.obrien@example.com','login',0,'198.51.100.7','Mozilla/5.0','2025-11-24 16:35:00');
INSERT INTO "auth_attempts" VALUES(9,'sean.obrien@example.com','login',1,'198.51.100.7','Mozilla/5.0','2025-11-24 16:40:00');
INSERT INTO "auth_attempts" VALUES(10,'pro@example.org','login',1,'198.51.100.8','Mozilla/5.0','2025-11-24 16:45:00');
INSERT INTO "auth_attempts" VALUES(11,'victim00@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:06:40');
INSERT INTO "auth_attempts" VALUES(12,'victim01@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:06:47');
INSERT INTO "auth_attempts" VALUES(13,'victim02@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:06:54');
INSERT INTO "auth_attempts" VALUES(14,'victim03@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:07:01');
INSERT INTO "auth_attempts" VALUES(15,'victim04@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:07:08');
INSERT INTO "auth_attempts" VALUES(16,'victim05@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:07:15');
INSERT INTO "auth_attempts" VALUES(17,'victim06@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:07:22');
INSERT INTO "auth_attempts" VALUES(18,'victim07@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:07:29');
INSERT INTO "auth_attempts" VALUES(19,'victim08@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:07:36');
INSERT INTO "auth_attempts" VALUES(20,'victim09@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:07:43');
INSERT INTO "auth_attempts" VALUES(21,'victim10@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:07:50');
INSERT INTO "auth_attempts" VALUES(22,'victim11@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:07:57');
INSERT INTO "auth_attempts" VALUES(23,'victim12@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:08:04');
INSERT INTO "auth_attempts" VALUES(24,'victim13@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:08:11');
INSERT INTO "auth_attempts" VALUES(25,'victim14@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:08:18');
INSERT INTO "auth_attempts" VALUES(26,'victim15@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:08:25');
INSERT INTO "auth_attempts" VALUES(27,'victim16@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:08:32');
INSERT INTO "auth_attempts" VALUES(28,'victim17@example.com','login',0,'192.0.2.66','python-requests/2.31','2025-11-24 17:08:39');
INSERT INTO "auth_attempts" VALUES(29,'admin@example.com','login',0,'198.51.100.200','curl/8.0','2025-11-24 17:23:20');
INSERT INTO "auth_attempts" VALUES(30,'admin@example.com','login',0,'198.51.100.200','curl/8.0','2025-11-24 17:23:31');
INSERT INTO "auth_attempts" VALUES(31,'admin@example.com','login',0,'198.51.100.200','curl/8.0','2025-11-24 17:23:42');
INSERT INTO "auth_attempts" VALUES(32,'admin@example.com','login',0,'198.51.100.200','curl/8.0','2025-11-24 17:23:53');
INSERT INTO "auth_attempts" VALUES(33,'admin@example.com','login',0,'198.51.100.200','curl/8.0','2025-11-24 17:24:04');
INSERT INTO "auth_attempts" VALUES(34,'admin@example.com','login',0,'198.51.100.200','curl/8.0','2025-11-24 17:24:15');
INSERT INTO "auth_attempts" VALUES(35,'new@example.com','register',1,'203.0.113.55',NULL,'2025-11-24 17:40:00');
INSERT INTO "auth_attempts" VALUES(36,'new@example.com','register',0,'203.0.113.55',NULL,'2025-11-24 17:41:00');
INSERT INTO "auth_attempts" VALUES(37,'jose@example.es','reset_password',1,'2001:db8::1',NULL,'2025-11-24 17:42:00');
INSERT INTO "auth_attempts" VALUES(38,'github:3003','oauth_github',1,'203.0.113.10',NULL,'2025-11-24 17:43:00');
INSERT INTO "auth_attempts" VALUES(39,'google:g-2002','oauth_google',1,'198.51.100.7',NULL,'2025-11-24 17:44:00');
INSERT INTO "auth_attempts" VALUES(40,'o''neil@example.com','login',0,'192.0.2.66',NULL,'2026-11-26 20:42:09');
INSERT INTO "auth_attempts" VALUES(41,'admin@example.com','login',1,'203.0.113.10',NULL,'2025-11-25 16:00:10');
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
INSERT INTO "audit_logs" VALUES('aud_1','usr_admin','user','usr_suspended','suspend','{"is_suspended": 0}','{"is_suspended": 1, "reason": "spam"}','203.0.113.10',NULL,1764000130);
INSERT INTO "audit_logs" VALUES('aud_2','usr_obrien','app','app_blog','update','{"title": "Blog"}','{"title": "O''Brien''s blog"}','198.51.100.7',NULL,1764000140000);
INSERT INTO "audit_logs" VALUES('aud_3',NULL,'system_setting','maintenance_mode','update',NULL,replace('{"value":"on",\n"note":"multi-line"}','\n',char(10)),NULL,NULL,'2026-11-26 20:42:09');
INSERT INTO "audit_logs" VALUES('aud_4','usr_jose','app','app_shop','create',NULL,'{"title": "Tienda 🛒 café"}','2001:db8::1',NULL,1764000150);
CREATE TABLE system_settings (
    key TEXT PRIMARY KEY,
    value TEXT,
    description TEXT,
    updated_by TEXT REFERENCES users(id),
    updated_at INTEGER DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "system_settings" VALUES('maintenance_mode','off','Toggle maintenance banner','usr_admin',1764000000);
INSERT INTO "system_settings" VALUES('max_apps_per_user','25','Free tier limit',NULL,'2026-11-26 20:42:09');
INSERT INTO "system_settings" VALUES('regex_literal','^\d+\n$','contains a literal backslash-n, no real newline',NULL,'2026-11-26 20:42:09');
INSERT INTO "system_settings" VALUES('windows_path',replace('C:\new\table\nsecond line','\n',char(10)),'literal backslash-n AND a real newline',NULL,'2026-11-26 20:42:09');
INSERT INTO "system_settings" VALUES('welcome_message',replace(replace('Welcome!\r\nIt''s great to have you 👋','\r',char(13)),'\n',char(10)),NULL,NULL,'2026-11-26 20:42:09');
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
INSERT INTO "app_views" VALUES('view_1','app_todo','usr_pro',NULL,'h1',NULL,1764000010,42);
INSERT INTO "app_views" VALUES('view_2','app_todo',NULL,'anon-tok-1','h2','https://news.example.com/?q=a&b=''c''',1764000020000,-1);
INSERT INTO "app_views" VALUES('view_3','app_game','usr_admin',NULL,'h3',NULL,'2026-11-26 20:42:09',NULL);
CREATE TABLE blobs_demo (
    id INTEGER PRIMARY KEY,
    label TEXT,
    data BLOB
);
INSERT INTO "blobs_demo" VALUES(1,'deadbeef',X'deadbeef');
INSERT INTO "blobs_demo" VALUES(2,'zeroblob(4)',X'00000000');
INSERT INTO "blobs_demo" VALUES(3,'empty blob',X'');
INSERT INTO "blobs_demo" VALUES(4,'null',NULL);
INSERT INTO "blobs_demo" VALUES(5,'text-looking blob',X'6869');
INSERT INTO "blobs_demo" VALUES(6,'huge real',1.4999999999999998e+300);
INSERT INTO "blobs_demo" VALUES(7,'tiny negative real',-2.5e-8);
INSERT INTO "blobs_demo" VALUES(8,'negative integer',-42);
INSERT INTO "blobs_demo" VALUES(9,'int above 2^53',9007199254740992);
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
INSERT INTO "ops_events" VALUES('evt_0001',1764000000,'agent','generation_started','app_blog','usr_obrien','inst-app_blog','free','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,'Generating app',NULL);
INSERT INTO "ops_events" VALUES('evt_0002',1764000097,'agent','llm_call','app_shop','usr_jose','inst-app_shop','pro','ok',2740.61,0.0489,12000,3400,'google-ai-studio','gemini-2.5-pro',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0003',1764000194111,'agent','llm_call','app_shop_v2','usr_pro','inst-app_shop_v2','enterprise','ok',1773.31,0.0555,8000,2100,'anthropic','claude-sonnet-4',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0004',1764000291,'agent','generation_complete','app_game','usr_pro','inst-app_game','internal','ok',184532.5,NULL,NULL,NULL,NULL,NULL,NULL,'Generation finished',NULL);
INSERT INTO "ops_events" VALUES('evt_0005',1764000388,'sandbox','sandbox_started','app_dash','usr_admin','inst-app_dash','free','ok',2310,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0006',1764000485222,'sandbox','probe','app_todo','usr_admin','inst-app_todo','pro','ok',12.5,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"path":"/","http_status":200}');
INSERT INTO "ops_events" VALUES('evt_0007',1764000582,'d1','d1_query','app_blog','usr_obrien','inst-app_blog','enterprise','ok',0.75,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"rows_read":12,"rows_written":0}');
INSERT INTO "ops_events" VALUES('evt_0008',1764000679,'deployer','deployment_completed','app_todo','usr_admin','inst-app_todo','internal','ok',15432,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"deployment_id":"dep_7f3a9c"}');
INSERT INTO "ops_events" VALUES('evt_0009',1764000776333,'deployer','cloudflare_deployment_completed','app_todo','usr_admin','inst-app_todo','free','ok',9876.25,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0010',1764000873,'worker','artifact_stored','app_game','usr_pro','inst-app_game','pro','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"bytes":20480,"bucket":"templates"}');
INSERT INTO "ops_events" VALUES('evt_0011',1764000970,'agent','llm_call','app_dash','usr_admin','inst-app_dash','enterprise','ok',171.675,0.00123,900,150,'openai','gpt-4o-mini',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0012',1764001067444,'sandbox','runtime_error_found','app_todo','usr_admin','inst-app_todo','internal','error',NULL,NULL,NULL,NULL,NULL,NULL,'TypeError',replace('TypeError: Cannot read properties of undefined (reading ''map'')\n    at App (src/App.tsx:12:5)\n    at render','\n',char(10)),NULL);
INSERT INTO "ops_events" VALUES('evt_0013',1764001164,'agent','code_fix_edits','app_blog','usr_obrien','inst-app_blog','free','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"files":["src/App.tsx"],"edits":3}');
INSERT INTO "ops_events" VALUES('evt_0014',1764001261,'agent','deterministic_code_fix_started','app_shop','usr_jose','inst-app_shop','pro','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"issues":2}');
INSERT INTO "ops_events" VALUES('evt_0015',1764001358555,'agent','llm_call','app_shop_v2','usr_pro','inst-app_shop_v2','enterprise','error',547.945,0,4000,0,'google-ai-studio','gemini-2.5-flash','429','Rate limited by provider',NULL);
INSERT INTO "ops_events" VALUES('evt_0016',1764001455,'sandbox','sandbox_crashed','app_game','usr_pro','inst-app_game','internal','error',NULL,NULL,NULL,NULL,NULL,NULL,'OOM',replace(replace('container exited\r\nexit code 137','\r',char(13)),'\n',char(10)),NULL);
INSERT INTO "ops_events" VALUES('evt_0017',1764001552,'sandbox','sandbox_restarted','app_dash','usr_admin','inst-app_dash','free','ok',4100,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0018',1764001649666,'deployer','deployment_failed','app_todo','usr_admin','inst-app_todo','pro','error',22010,NULL,NULL,NULL,NULL,NULL,'BUILD_FAILED','Build failed: can''t resolve ''react-dom/client''',NULL);
INSERT INTO "ops_events" VALUES('evt_0019',1764001746,'d1','migration_applied','app_blog','usr_obrien','inst-app_blog','enterprise','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"migration":"0003_add_index.sql"}');
INSERT INTO "ops_events" VALUES('evt_0020',1764001843,'d1','migration_failed','app_shop','usr_jose','inst-app_shop','internal','error',NULL,NULL,NULL,NULL,NULL,NULL,'SQLITE_ERROR','near "TABL": syntax error',NULL);
INSERT INTO "ops_events" VALUES('evt_0021',1764001940777,'agent','error','app_shop_v2','usr_pro','inst-app_shop_v2','free','error',NULL,NULL,NULL,NULL,NULL,NULL,'INTERNAL','Unexpected error ⚠️ in état machine',NULL);
INSERT INTO "ops_events" VALUES('evt_0022',1764002037,'worker','rate_limit_exceeded',NULL,NULL,'inst-None','pro','error',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"limiter":"auth"}');
INSERT INTO "ops_events" VALUES('evt_0023',1764002134,'worker','rate_limit_exceeded','app_dash','usr_admin','inst-app_dash','enterprise','error',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"limiter":"app_creation"}');
INSERT INTO "ops_events" VALUES('evt_0024',1764002231888,'worker','runtime_usage','app_todo','usr_admin','inst-app_todo','internal','ok',60000,0.0004,NULL,NULL,NULL,NULL,NULL,NULL,'{"cpu_ms":1234,"requests":88}');
INSERT INTO "ops_events" VALUES('evt_0025',1764002328,'sandbox','sandbox_stopped','app_blog','usr_obrien','inst-app_blog','free','ok',300000,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0026',1764002425,'agent','generation_started','app_shop','usr_jose','inst-app_shop','pro','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0027',1764002522999,'agent','llm_call','app_shop_v2','usr_pro','inst-app_shop_v2','enterprise','ok',3800.707,0.1245,15500,5200,'anthropic','claude-sonnet-4',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0028',1764002619,'agent','llm_call','app_game','usr_pro','inst-app_game','internal','ok',669.023,0.0155,3000,800,'openai','gpt-4o',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0029',1764002716,'agent','llm_call','app_dash','usr_admin','inst-app_dash','free','ok',4949.183,0.0875,22000,6000,'google-ai-studio','gemini-2.5-pro',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0030',1764002813110,'agent','generation_complete','app_todo','usr_admin','inst-app_todo','pro','ok',95210,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0031',1764002910,'sandbox','probe','app_blog','usr_obrien','inst-app_blog','enterprise','error',5000,NULL,NULL,NULL,NULL,NULL,'TIMEOUT',NULL,'{"path":"/api/health","http_status":null}');
INSERT INTO "ops_events" VALUES('evt_0032',1764003007,'d1','d1_query','app_shop','usr_jose','inst-app_shop','internal','ok',3.2,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"rows_read":1500,"rows_written":3}');
INSERT INTO "ops_events" VALUES('evt_0033',1764003104221,'d1','d1_query','app_shop_v2','usr_pro','inst-app_shop_v2','free','error',1.1,NULL,NULL,NULL,NULL,NULL,'SQLITE_CONSTRAINT','UNIQUE constraint failed: users.email',NULL);
INSERT INTO "ops_events" VALUES('evt_0034',1764003201,'deployer','deployment_completed','app_game','usr_pro','inst-app_game','pro','ok',18000.5,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0035',1764003298,'deployer','cloudflare_deployment_completed','app_game','usr_pro','inst-app_game','enterprise','ok',11000,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0036',1764003395332,'sandbox','sandbox_started','app_todo','usr_admin','inst-app_todo','internal','ok',1999.9,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0037',1764003492,'sandbox','runtime_error_found','app_blog','usr_obrien','inst-app_blog','free','error',NULL,NULL,NULL,NULL,NULL,NULL,'ReferenceError','ReferenceError: useState is not defined',NULL);
INSERT INTO "ops_events" VALUES('evt_0038',1764003589,'agent','code_fix_edits','app_shop','usr_jose','inst-app_shop','pro','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"files":["src/main.tsx","src/App.tsx"],"edits":5}');
INSERT INTO "ops_events" VALUES('evt_0039',1764003686443,'agent','llm_call','app_shop_v2','usr_pro','inst-app_shop_v2','enterprise','ok',261.158,0.0021,1200,300,'anthropic','claude-haiku-3.5',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0040',1764003783,'agent','llm_call','app_game','usr_pro','inst-app_game','internal','error',107.203,0.00015,500,120,'openai','gpt-4o-mini','timeout','upstream timeout',NULL);
INSERT INTO "ops_events" VALUES('evt_0041',1764003880,'worker','artifact_stored','app_dash','usr_admin','inst-app_dash','free','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"bytes":1048576,"bucket":"screenshots"}');
INSERT INTO "ops_events" VALUES('evt_0042',1764003977554,'worker','rate_limit_exceeded',NULL,NULL,'inst-None','pro','error',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"limiter":"auth"}');
INSERT INTO "ops_events" VALUES('evt_0043',1764004074,'agent','error','app_blog','usr_obrien','inst-app_blog','enterprise','error',NULL,NULL,NULL,NULL,NULL,NULL,'WS_CLOSED','WebSocket closed unexpectedly	code=1006',NULL);
INSERT INTO "ops_events" VALUES('evt_0044',1764004171,'agent','deterministic_code_fix_started','app_shop','usr_jose','inst-app_shop','internal','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"issues":0}');
INSERT INTO "ops_events" VALUES('evt_0045',1764004268665,'sandbox','sandbox_crashed','app_shop_v2','usr_pro','inst-app_shop_v2','free','error',NULL,NULL,NULL,NULL,NULL,NULL,'EXIT_1',NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0046',1764004365,'sandbox','sandbox_restarted','app_game','usr_pro','inst-app_game','pro','ok',3500,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0047',1764004462,'worker','runtime_usage','app_dash','usr_admin','inst-app_dash','enterprise','ok',60000,0.0011,NULL,NULL,NULL,NULL,NULL,NULL,'{"cpu_ms":5120,"requests":301}');
INSERT INTO "ops_events" VALUES('evt_0048',1764004559776,'d1','migration_applied','app_todo','usr_admin','inst-app_todo','internal','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"migration":"0004_ops.sql"}');
INSERT INTO "ops_events" VALUES('evt_0049',1764004656,'agent','llm_call','app_blog','usr_obrien','inst-app_blog','free','ok',1571.807,0.0069,7000,1900,'google-ai-studio','gemini-2.5-flash',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0050',1764004753,'agent','llm_call','app_shop','usr_jose','inst-app_shop','pro','error',0,0,0,0,'anthropic','claude-sonnet-4','overloaded_error','Overloaded',NULL);
INSERT INTO "ops_events" VALUES('evt_0051',1764004850887,'agent','generation_started','app_shop_v2','usr_pro','inst-app_shop_v2','enterprise','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0052',1764004947,'agent','generation_complete','app_shop_v2','usr_pro','inst-app_shop_v2','internal','error',250000,NULL,NULL,NULL,NULL,NULL,'ABORTED','Generation aborted by user',NULL);
INSERT INTO "ops_events" VALUES('evt_0053',1764005044,'deployer','deployment_failed','app_dash','usr_admin','inst-app_dash','free','error',800,NULL,NULL,NULL,NULL,NULL,'QUOTA','Workers quota exceeded',NULL);
INSERT INTO "ops_events" VALUES('evt_0054',1764005141998,'sandbox','probe','app_todo','usr_admin','inst-app_todo','pro','ok',8,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"path":"/","http_status":200}');
INSERT INTO "ops_events" VALUES('evt_0055',1764005238,'sandbox','sandbox_stopped','app_blog','usr_obrien','inst-app_blog','enterprise','ok',120000,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0056',1764005335,'agent','llm_call','app_shop','usr_jose','inst-app_shop','internal','ok',568.272,0.0133,2500,700,'openai','gpt-4o',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0057',1764005432109,'d1','d1_query','app_shop_v2','usr_pro','inst-app_shop_v2','free','ok',0.4,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"rows_read":1,"rows_written":1}');
INSERT INTO "ops_events" VALUES('evt_0058',1764005529,'worker','runtime_usage','app_game','usr_pro','inst-app_game','pro','ok',60000,5e-7,NULL,NULL,NULL,NULL,NULL,NULL,'{"cpu_ms":1,"requests":1}');
INSERT INTO "ops_events" VALUES('evt_0059',1764005626,'worker','rate_limit_exceeded','app_dash','usr_admin','inst-app_dash','enterprise','error',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"limiter":"llm"}');
INSERT INTO "ops_events" VALUES('evt_0060',1764005723220,'agent','llm_call','app_todo','usr_admin','inst-app_todo','internal','ok',7113.566,0.12875,30500,9100,'google-ai-studio','gemini-2.5-pro',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0061',1764086400,'agent','generation_started','app_blog','usr_obrien','inst-app_blog','free','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0062',1764086497,'agent','llm_call','app_blog','usr_obrien','inst-app_blog','pro','ok',2149.801,0.0693,9100,2800,'anthropic','claude-sonnet-4',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0063',1764086594331,'agent','llm_call','app_blog','usr_obrien','inst-app_blog','enterprise','ok',636.765,0.0027,3000,700,'google-ai-studio','gemini-2.5-flash',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0064',1764086691,'agent','generation_complete','app_blog','usr_obrien','inst-app_blog','internal','ok',120500,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0065',1764086788,'sandbox','sandbox_started','app_blog','usr_obrien','inst-app_blog','free','ok',2500,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0066',1764086885442,'sandbox','probe','app_blog','usr_obrien','inst-app_blog','pro','ok',9.5,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"path":"/","http_status":200}');
INSERT INTO "ops_events" VALUES('evt_0067',1764086982,'deployer','deployment_completed','app_blog','usr_obrien','inst-app_blog','enterprise','ok',14000,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"deployment_id":"dep_b10g"}');
INSERT INTO "ops_events" VALUES('evt_0068',1764087079,'deployer','cloudflare_deployment_completed','app_blog','usr_obrien','inst-app_blog','internal','ok',8000,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0069',1764087176553,'sandbox','runtime_error_found','app_blog','usr_obrien','inst-app_blog','free','error',NULL,NULL,NULL,NULL,NULL,NULL,'SyntaxError',replace('SyntaxError: Unexpected token ''<''\nat line 1','\n',char(10)),NULL);
INSERT INTO "ops_events" VALUES('evt_0070',1764087273,'agent','code_fix_edits','app_blog','usr_obrien','inst-app_blog','pro','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"files":["index.html"],"edits":1}');
INSERT INTO "ops_events" VALUES('evt_0071',1764087370,'agent','deterministic_code_fix_started','app_blog','usr_obrien','inst-app_blog','enterprise','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"issues":1}');
INSERT INTO "ops_events" VALUES('evt_0072',1764087467664,'agent','llm_call','app_blog','usr_obrien','inst-app_blog','internal','ok',124.923,0.00016,700,90,'openai','gpt-4o-mini',NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0073',1764087564,'sandbox','sandbox_crashed','app_game','usr_pro','inst-app_game','free','error',NULL,NULL,NULL,NULL,NULL,NULL,'OOM',NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0074',1764087661,'sandbox','sandbox_restarted','app_game','usr_pro','inst-app_game','pro','ok',3900,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0075',1764087758775,'sandbox','sandbox_stopped','app_game','usr_pro','inst-app_game','enterprise','ok',600000,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "ops_events" VALUES('evt_0076',1764087855,'worker','rate_limit_exceeded',NULL,NULL,'inst-None','internal','error',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"limiter":"auth"}');
INSERT INTO "ops_events" VALUES('evt_0077',1764087952,'worker','runtime_usage','app_dash','usr_admin','inst-app_dash','free','ok',60000,0.0007,NULL,NULL,NULL,NULL,NULL,NULL,'{"cpu_ms":2200,"requests":150}');
INSERT INTO "ops_events" VALUES('evt_0078',1764088049886,'d1','migration_failed','app_dash','usr_admin','inst-app_dash','pro','error',NULL,NULL,NULL,NULL,NULL,NULL,'SQLITE_ERROR','duplicate column name: foo',NULL);
INSERT INTO "ops_events" VALUES('evt_0079',1764088146,'worker','artifact_stored','app_dash','usr_admin','inst-app_dash','enterprise','ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{"bytes":4096,"bucket":"templates"}');
INSERT INTO "ops_events" VALUES('evt_0080',1764088243,'agent','error','app_dash','usr_admin','inst-app_dash','internal','error',NULL,NULL,NULL,NULL,NULL,NULL,'INTERNAL','Second export era error',NULL);
DELETE FROM sqlite_sequence;
INSERT INTO "sqlite_sequence" VALUES('d1_migrations',2);
INSERT INTO "sqlite_sequence" VALUES('auth_attempts',41);
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