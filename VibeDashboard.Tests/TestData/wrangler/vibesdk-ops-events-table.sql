PRAGMA defer_foreign_keys=TRUE;
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