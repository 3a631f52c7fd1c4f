using System.Globalization;
using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion.Demo;

/// <summary>
/// A VibeSDK table for the demo store: its name, its CREATE TABLE sql (VibeSDK's schema, simplified), column
/// names, and rows (values: long, double, string, byte[] or null; timestamps as unix milliseconds).
/// </summary>
public sealed record DemoTable(string Name, string CreateSql, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>
/// A baked-in incident, for docs and tests. <see cref="Kind"/> is one of "provider_outage", "sandbox_instability",
/// "migration_regression", "auth_credential_stuffing".
/// </summary>
public sealed record DemoIncident(string Kind, long StartMs, long EndMs, string Description);

/// <summary>
/// Deterministic demo data for a VibeSDK platform: <c>ops_events</c>, <c>auth_attempts</c> and VibeSDK's D1 tables.
/// <para>
/// Everything is generated per <em>origin second</em>: for each whole second s, a PRNG seeded by a stable
/// 64-bit mix of (seed, s, stream) decides what starts at s (a generation, a probe, a D1 query burst, a rate-limit
/// hit…) and emits that group's events, which may extend up to <see cref="MaxSpanMs"/> after s. A window
/// [from, to) regenerates the origin seconds from (from − span) to to and keeps the events inside it, so any split
/// of a range yields exactly the events of the whole range, and the live feed continues the seeded history.
/// </para>
/// Health is normal except for the <see cref="Incidents"/>, placed relative to the anchor (the instant the demo
/// store was built): four past incidents, one per class, and one mild incident still ongoing at the anchor.
/// </summary>
public sealed class DemoDataGenerator
{
    /// <summary>Longest span from an origin second to the last event of its group (a preview session).</summary>
    internal const long MaxSpanMs = HourMs;

    private const long SecondMs = 1_000;
    private const long MinuteMs = 60_000;
    private const long HourMs = 3_600_000;
    private const long DayMs = 86_400_000;
    private const int UserCount = 150;

    // Rates per second at activity 1 (weekday 14:00 UTC); the mean activity is about 0.49.
    private const double GenerationRate = 1.0 / 54;
    private const double D1BurstRate = 0.015;
    private const double RateLimitRate = 0.0007;
    private const double AuthRate = 0.085;

    // Sampled API request logs (about one in a few hundred requests is logged): enough for the readiness check's
    // "events from source api in the last hour" at any hour, small beside the rest of the demo.
    private const double ApiRequestRate = 0.03;

    // PRNG streams: each kind of group draws from its own sequence, so one kind can be regenerated alone.
    private const ulong StreamDecide = 1, StreamProbe = 2, StreamGeneration = 3, StreamD1 = 4, StreamRateLimit = 5,
        StreamCi = 6, StreamStuffingLimit = 7, StreamTitle = 8, StreamAuth = 9, StreamUsers = 10, StreamSessions = 11,
        StreamViews = 12, StreamAudit = 13, StreamApps = 14, StreamIncidents = 15, StreamSettings = 16, StreamGatewayRetry = 17,
        StreamPoolCrash = 18, StreamApi = 19, StreamFault = 20;

    // Event-id blocks per kind of group inside one origin second: id = demo-{second}-{block*100 + index}.
    private const int BlockProbe = 0, BlockGeneration = 1, BlockD1 = 2, BlockRateLimit = 3, BlockCi = 4, BlockStuffing = 5,
        BlockGatewayRetry = 6, BlockPoolCrash = 7, BlockApi = 8, BlockFault = 9;

    private const string Agent = "agent", Sandbox = "sandbox", D1 = "d1", AiGateway = "ai_gateway",
        Probe = "probe", Ci = "ci", RateLimit = "ratelimit", Api = "api", Ok = "ok", Error = "error";

    private const string FailedMigration = "0007_add_app_visibility.sql";
    private const string RollbackDrill = "rollback_drill";
    private const string Database = "vibesdk-db";

    private static readonly string[] ProbeTargets = ["api", "preview", "agent"];
    private static readonly string[] ProbeAttrs = ["{\"target\":\"api\"}", "{\"target\":\"preview\"}", "{\"target\":\"agent\"}"];
    private static readonly double[] ProbeMedianMs = [42, 130, 85];

    private static readonly string[] Providers = ["anthropic", "openai", "google-ai-studio", "workers-ai"];

    // Per provider: [big model, small model]; prices in USD per million tokens (input, output).
    private static readonly string[][] Models =
    [
        ["claude-sonnet-4-5", "claude-haiku-4-5"],
        ["gpt-5", "gpt-5-mini"],
        ["gemini-2.5-pro", "gemini-2.5-flash"],
        ["@cf/meta/llama-3.3-70b-instruct-fp8-fast", "@cf/qwen/qwen2.5-coder-32b-instruct"],
    ];

    private static readonly double[][] PriceIn = [[3.0, 1.0], [1.25, 0.25], [1.25, 0.30], [0.29, 0.66]];
    private static readonly double[][] PriceOut = [[15.0, 5.0], [10.0, 2.0], [10.0, 2.5], [2.25, 1.0]];

    private static readonly string[] Frameworks = ["react", "nextjs", "vue", "svelte", "vanilla"];
    private static readonly double[] FrameworkWeights = [0.68, 0.12, 0.08, 0.06, 0.06];
    private static readonly string[] FrameworkAttrs = Frameworks.Select(f => $"{{\"framework\":\"{f}\"}}").ToArray();

    private static readonly string[] TierNames = ["internal", "free", "pro", "enterprise"];
    private static readonly double[] TierWeights = [0.05, 0.55, 0.30, 0.10];
    private static readonly double[] TierActivity = [1.2, 0.7, 1.5, 2.0];

    private static readonly double[] FixLoopWeights = [0.50, 0.27, 0.12, 0.05, 0.03, 0.02, 0.01];
    private static readonly double[] PhaseWeights = [0.35, 0.45, 0.20];
    private static readonly double[] StuffingBurstWeights = [0.13, 0.27, 0.30, 0.18, 0.12];

    private sealed record ApiRoute(string Method, string Path, double MedianMs)
    {
        public string Attrs { get; } = $"{{\"route\":\"{Method} {Path}\"}}";
    }

    private static readonly ApiRoute[] ApiRoutes =
    [
        new("GET", "/api/apps", 45), new("GET", "/api/apps/:id", 38), new("POST", "/api/agent", 120), new("GET", "/api/auth/profile", 22),
        new("GET", "/api/stats", 60), new("PUT", "/api/apps/:id/visibility", 55), new("GET", "/api/model-configs", 30),
    ];

    private static readonly string[] Limiters = ["global_api", "app_creation", "llm_calls", "auth"];
    private static readonly double[] LimiterWeights = [0.45, 0.2, 0.27, 0.08];
    private static readonly string[] LimiterAttrs = Limiters.Select(l => $"{{\"limiter\":\"{l}\"}}").ToArray();

    private static readonly string[] D1Attrs =
    [
        "{\"table\":\"apps\",\"statement\":\"select\"}", "{\"table\":\"apps\",\"statement\":\"update\"}",
        "{\"table\":\"apps\",\"statement\":\"insert\"}", "{\"table\":\"users\",\"statement\":\"select\"}",
        "{\"table\":\"sessions\",\"statement\":\"select\"}", "{\"table\":\"sessions\",\"statement\":\"update\"}",
        "{\"table\":\"auth_attempts\",\"statement\":\"insert\"}", "{\"table\":\"app_views\",\"statement\":\"insert\"}",
        "{\"table\":\"user_model_configs\",\"statement\":\"select\"}", "{\"table\":\"system_settings\",\"statement\":\"select\"}",
    ];

    private static readonly double[] D1Weights = [0.30, 0.10, 0.06, 0.12, 0.16, 0.08, 0.05, 0.05, 0.05, 0.03];

    private static readonly (string Code, string Message)[] RuntimeErrors =
    [
        ("RUNTIME_ERROR", "TypeError: Cannot read properties of undefined (reading 'map')"),
        ("RUNTIME_ERROR", "ReferenceError: useState is not defined"),
        ("RUNTIME_ERROR", "Error: Minified React error #185; maximum update depth exceeded"),
        ("BUILD_ERROR", "Failed to resolve import \"@/components/ui/card\" from \"src/App.tsx\""),
        ("BUILD_ERROR", "TS2339: Property 'items' does not exist on type '{}'"),
        ("RUNTIME_ERROR", "SyntaxError: Unexpected token '<' in JSON at position 0"),
        ("HYDRATION_ERROR", "Hydration failed because the initial UI does not match what was rendered on the server"),
    ];

    private static readonly (string Code, string Message)[] GenerationErrors =
    [
        ("BLUEPRINT_INVALID", "Blueprint failed schema validation after 3 attempts"),
        ("CODEGEN_TIMEOUT", "Phase implementation exceeded the 600 s budget"),
        ("SANDBOX_UNAVAILABLE", "Sandbox service returned 503 while writing files"),
        ("AGENT_STATE_CONFLICT", "Durable Object state version conflict; generation aborted"),
    ];

    private static readonly (string Code, string Message)[] CrashReasons =
    [
        ("OOM_KILLED", "Container exceeded its memory limit (exit 137)"),
        ("PROCESS_EXITED", "Dev server exited with code 1"),
        ("HEALTHCHECK_FAILED", "Preview health check failed 3 times"),
    ];

    private static readonly (string Code, string Message)[] DeployFailures =
    [
        ("SANDBOX_START_TIMEOUT", "Sandbox did not become ready within 30 s"),
        ("PREVIEW_HEALTHCHECK_FAILED", "Preview URL returned 502 after deploy"),
        ("CONTAINER_CAPACITY", "No container capacity in the region"),
    ];

    private static readonly string[] FirstNames =
    [
        "ada", "alan", "amara", "ben", "carla", "chen", "dana", "diego", "elif", "emma", "farah", "felix", "grace", "hana",
        "ivan", "jade", "jonas", "kai", "kenji", "lara", "leo", "lina", "marco", "maya", "nia", "noah", "olga", "omar",
        "priya", "quinn", "rafael", "rosa", "sam", "sara", "tariq", "tess", "uma", "victor", "wen", "yusuf", "zoe", "aiko",
    ];

    private static readonly string[] LastNames =
    [
        "adams", "alvarez", "bauer", "becker", "chowdhury", "costa", "dubois", "eriksen", "fischer", "garcia", "gupta",
        "haddad", "ito", "jensen", "kim", "kowalski", "larsen", "lopez", "martin", "meyer", "moreau", "nakamura", "novak",
        "okafor", "olsen", "patel", "petrov", "quist", "rossi", "sato", "schmidt", "silva", "singh", "tanaka", "torres",
        "ueda", "vargas", "wagner", "weber", "xu", "yamada", "zhang",
    ];

    private static readonly string[] PublicDomains = ["gmail.com", "outlook.com", "proton.me", "fastmail.com", "icloud.com", "yahoo.com"];
    private static readonly string[] CompanyDomains = ["acme-corp.com", "globex.io", "initech.dev", "umbrella.co", "hooli.xyz", "stark-industries.net"];
    private const string InternalDomain = "vibe-platform.dev";

    private static readonly string[] LeakedDomains =
        ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "aol.com", "mail.ru", "gmx.de", "web.de", "icloud.com"];

    private static readonly string[] AuthTypes = ["refresh", "login", "oauth_github", "oauth_google", "oauth_cloudflare", "register", "reset_password"];
    private static readonly double[] AuthTypeWeights = [0.36, 0.25, 0.15, 0.14, 0.03, 0.02, 0.05];
    private static readonly double[] AuthTypeFailure = [0.03, 0.10, 0.02, 0.02, 0.03, 0.08, 0.06];

    private static readonly string[] TitlePrefixes =
        ["", "Minimal", "Retro", "Collaborative", "Dark-mode", "AI-powered", "Mobile-first", "Neon", "Cozy", "Realtime", "Pixel-art", "Team"];

    private static readonly string[] TitleNouns =
    [
        "pomodoro timer", "recipe finder", "expense tracker", "habit tracker", "markdown notes", "kanban board",
        "weather dashboard", "portfolio site", "chess puzzle trainer", "flashcard app", "budget planner", "workout log",
        "travel planner", "invoice generator", "snake game", "tetris clone", "landing page", "todo list", "chat UI",
        "URL shortener", "color palette generator", "quiz app", "music visualizer", "crypto price tracker",
        "standup board", "bookmark manager", "meal planner", "reading list", "photo gallery", "typing speed test",
    ];

    private static readonly string[] Devices = ["desktop", "desktop", "desktop", "mobile", "mobile", "tablet"];

    /// <summary>The columns of <see cref="AuthAttempts"/> rows, in order.</summary>
    public static IReadOnlyList<string> AuthAttemptColumns { get; } = ["id", "identifier", "attempt_type", "success", "ip_address", "attempted_at"];

    private readonly User[] _users;
    private readonly double[] _userCumulative;
    private readonly string[] _stuffingIps;
    private readonly double[] _stuffingCumulative;
    private readonly string[] _stuffingAttrs;
    private readonly Migration[] _migrations;
    private readonly Dictionary<long, List<CiEvent>> _ciBySecond = [];
    private readonly int _outageProvider;
    private readonly int _fallbackProvider;
    private readonly double[] _providerWeights;
    private readonly int _adminUser;

    // Incident windows (unix ms, [start, end)).
    private readonly long _outageStart, _outageEnd, _failoverAt;
    private readonly long _sandboxStart, _sandboxEnd;
    private readonly long _migrationStart, _migrationEnd;
    private readonly long _stuffingStart, _stuffingEnd;
    private readonly long _ongoingStart, _ongoingEnd;
    private readonly long _ongoingPhase;

    public DemoDataGenerator(int seed, long anchorMs)
    {
        Seed = seed;
        AnchorMs = anchorMs;

        var r = new Rng(seed, StreamIncidents, 0);
        _outageProvider = r.Next(3); // one of the three big providers
        _fallbackProvider = (_outageProvider + 1 + r.Next(2)) % 3;

        // The primary route (the provider that will have the outage) carries most traffic, the backup route the next share.
        _providerWeights = new double[Providers.Length];
        _providerWeights[_outageProvider] = 0.45;
        _providerWeights[_fallbackProvider] = 0.25;
        _providerWeights[3 - _outageProvider - _fallbackProvider] = 0.22;
        _providerWeights[3] = 0.08;
        _ongoingPhase = r.Next(33);

        // Releases, provider routing and sandbox fleets get busy on weekdays: those incidents move off weekends.
        _migrationStart = Weekday(DayStart(anchorMs - 12 * DayMs)) + 16 * HourMs + 40 * MinuteMs;
        _migrationEnd = _migrationStart + 40 * MinuteMs;
        _outageStart = Weekday(DayStart(anchorMs - 9 * DayMs)) + 14 * HourMs + 5 * MinuteMs;
        _outageEnd = _outageStart + 90 * MinuteMs;
        _failoverAt = _outageStart + 30 * MinuteMs;
        _sandboxStart = Weekday(DayStart(anchorMs - 4 * DayMs)) + 9 * HourMs + 20 * MinuteMs;
        _sandboxEnd = _sandboxStart + 3 * HourMs;
        _stuffingStart = DayStart(anchorMs - 2 * DayMs) + 2 * HourMs + 45 * MinuteMs;
        _stuffingEnd = _stuffingStart + HourMs;
        _ongoingStart = anchorMs - 40 * MinuteMs;
        _ongoingEnd = anchorMs + 30 * MinuteMs;

        (_users, _userCumulative) = BuildUsers(seed, anchorMs);
        _adminUser = Array.FindIndex(_users, u => u.Tier == 0 && u.IsActive && !u.IsSuspended);

        _stuffingIps = new string[5];
        var ipRng = new Rng(seed, StreamIncidents, 1);
        string[] hostingPrefixes = ["185.220.101", "45.155.205", "193.142.146", "89.248.165", "141.98.11", "194.26.29", "5.188.206"];
        var offset = ipRng.Next(hostingPrefixes.Length);
        for (var i = 0; i < _stuffingIps.Length; i++)
        {
            _stuffingIps[i] = $"{hostingPrefixes[(offset + i) % hostingPrefixes.Length]}.{2 + ipRng.Next(250)}";
        }

        _stuffingCumulative = Cumulative([0.34, 0.24, 0.18, 0.14, 0.10]);
        _stuffingAttrs = _stuffingIps.Select(ip => $"{{\"limiter\":\"auth\",\"key\":\"ip:{ip}\"}}").ToArray();

        _migrations =
        [
            new("0000_living_forge.sql", anchorMs - 163 * DayMs + 3 * HourMs, false),
            new("0001_married_moondragon.sql", anchorMs - 131 * DayMs + 5 * HourMs, false),
            new("0002_nebulous_fantastic_four.sql", anchorMs - 97 * DayMs + 2 * HourMs, false),
            new("0003_bumpy_albert_cleary.sql", anchorMs - 64 * DayMs + 7 * HourMs, false),
            new("0004_calm_omega_flight.sql", anchorMs - 38 * DayMs + 4 * HourMs, false),
            new("0005_user_model_providers.sql", DayStart(anchorMs - 21 * DayMs) + 15 * HourMs + 12 * MinuteMs, false),
            new("0006_auth_attempts_lookup_idx.sql", DayStart(anchorMs - 16 * DayMs) + 11 * HourMs + 3 * MinuteMs, false),
            new(FailedMigration, _migrationStart, true),
            // Fixed (a default for the new column) and applied once the worker had been rolled back.
            new(FailedMigration, _migrationEnd + 25 * MinuteMs, false),
        ];

        var ci = new Rng(seed, StreamCi, 0);
        foreach (var m in _migrations)
        {
            if (!m.Failed)
            {
                AddCi(new CiEvent(m.AppliedMs + ci.Next(1000), "migration_applied", m.Name, 600 + ci.Next(3400)));
            }
            else
            {
                // The release pipeline retries twice before giving up; the worker already shipped code that needs the column.
                foreach (var delay in (long[])[0, 7 * MinuteMs, 19 * MinuteMs])
                {
                    AddCi(new CiEvent(m.AppliedMs + delay + ci.Next(1000), "migration_failed", m.Name, 150 + ci.Next(600)));
                }
            }
        }

        // After the migration regression the team drills rollbacks weekly on a staging copy (weekday afternoons).
        for (var drill = Weekday(DayStart(_migrationEnd + 2 * DayMs)) + 15 * HourMs; drill < anchorMs; drill = Weekday(DayStart(drill + 7 * DayMs)) + 15 * HourMs)
        {
            AddCi(new CiEvent(drill + ci.Next(600_000), RollbackDrill, FailedMigration, 20_000 + ci.Next(40_000)));
        }

        var provider = Providers[_outageProvider];
        Incidents =
        [
            new("migration_regression", _migrationStart, _migrationEnd,
                $"Migration {FailedMigration} fails in CI (3 attempts) after the worker release that needs apps.visibility shipped: " +
                "D1 queries on apps fail with 'no such column: visibility' for 40 min until the release is rolled back. " +
                "The fixed migration is applied 25 min after the rollback."),
            new("provider_outage", _outageStart, _outageEnd,
                $"{provider} outage for 90 min: most llm_calls to {provider} fail (5xx and timeouts), generations fail, " +
                $"agent probes fail partially, AI Gateway's retries to {provider} fail too and llm_calls rate limits trip on retries. " +
                $"Routing fails over to {Providers[_fallbackProvider]} after 30 min."),
            new("sandbox_instability", _sandboxStart, _sandboxEnd,
                "Sandbox instability for 3 h: sandbox_crashed/sandbox_restarted spike (warm-pool instances too), preview startup p50 around 8 s, " +
                "deployment_failed around 18 %, preview probes fail ~6 %. Concurrency is capped after 35 min."),
            new("auth_credential_stuffing", _stuffingStart, _stuffingEnd,
                $"Credential stuffing for 1 h from {string.Join(", ", _stuffingIps)}: thousands of failed 'login' auth_attempts " +
                "across thousands of distinct identifiers, rate_limit_exceeded (limiter auth); a few accounts are breached and their sessions revoked."),
            new("sandbox_instability", _ongoingStart, _ongoingEnd,
                "Ongoing mild preview degradation (from 40 min before the demo was built to 30 min after): ~3 % of preview " +
                "probes fail, preview startup slows (p50 ~4.5 s, ~7 % above 10 s) and warm-pool sandbox instances crash and restart about once a minute."),
        ];
    }

    public int Seed { get; }

    public long AnchorMs { get; }

    public IReadOnlyList<DemoIncident> Incidents { get; }

    // ------------------------------------------------------------------------------------------------------------
    // ops_events
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// ops_events with OccurredAt in [<paramref name="fromMs"/>, <paramref name="toMs"/>), ascending by OccurredAt
    /// (ties by id), deterministic for (seed, anchor): Events(a, b) then Events(b, c) yields exactly Events(a, c).
    /// Ids are "demo-{originSecond}-{nnn}".
    /// </summary>
    public IEnumerable<OpsEvent> Events(long fromMs, long toMs) => toMs <= fromMs ? [] : EventsIterator(fromMs, toMs);

    private IEnumerable<OpsEvent> EventsIterator(long fromMs, long toMs)
    {
        var sink = new EventSink(this, fromMs, toMs, summary: null);
        var first = FloorDiv(fromMs - MaxSpanMs, SecondMs);
        var last = FloorDiv(toMs - 1, SecondMs);
        for (var s = first; s <= last; s++)
        {
            GenerateSecond(s, sink);

            // No later origin second can produce an event before its own start: everything earlier is final.
            var final = (s + 1) * SecondMs;
            while (sink.Queue.TryPeek(out var e, out var key) && key.T < final)
            {
                sink.Queue.Dequeue();
                yield return e;
            }
        }

        while (sink.Queue.TryDequeue(out var e, out _))
        {
            yield return e;
        }
    }

    private void GenerateSecond(long s, EventSink sink)
    {
        var t = s * SecondMs;
        var decide = new Rng(Seed, StreamDecide, s);
        var activity = Activity(t);

        // Decision draws happen for every second, in this order (the generation draw first: Tables relies on it).
        var uGeneration = decide.NextDouble();
        var uD1 = decide.NextDouble();
        var uRateLimit = decide.NextDouble();

        if (FloorMod(s, 10) == 0)
        {
            ProbeGroup(s, sink);
        }

        if (uGeneration < GenerationRate * activity)
        {
            GenerationGroup(s, sink);
        }

        if (uD1 < D1BurstRate * activity)
        {
            D1Group(s, sink);
        }

        var rateLimitRate = RateLimitRate * activity + (In(t, _outageStart, _outageEnd) ? 0.02 : 0);
        if (uRateLimit < rateLimitRate)
        {
            RateLimitGroup(s, sink);
        }

        if (In(t, _stuffingStart, _stuffingEnd) && decide.NextDouble() < 0.35)
        {
            StuffingLimitGroup(s, sink);
        }

        if (_ciBySecond.TryGetValue(s, out var ci))
        {
            CiGroup(s, ci, sink);
        }

        var api = new Rng(Seed, StreamApi, s);
        if (api.NextDouble() < ApiRequestRate * activity)
        {
            ApiGroup(s, ref api, sink);
        }

        // Own streams, drawn only inside their incidents: the rest of the demo is the same with or without them.
        if (In(t, _outageStart, _outageEnd))
        {
            GatewayRetryGroup(s, sink);
        }

        if (In(t, _sandboxStart, _sandboxEnd))
        {
            PoolCrashGroup(s, sink, 1.0 / 30);
        }
        else if (In(t, _ongoingStart, _ongoingEnd))
        {
            PoolCrashGroup(s, sink, 1.0 / 60);
        }
    }

    /// <summary>During the provider outage AI Gateway retries failed upstream calls on its own (no app): about 6 a minute, nearly all failing.</summary>
    private void GatewayRetryGroup(long s, EventSink sink)
    {
        var r = new Rng(Seed, StreamGatewayRetry, s);
        if (!r.Chance(0.1))
        {
            return;
        }

        sink.Begin(s, BlockGatewayRetry);
        var duration = r.Range(20_000, 60_000);
        var failed = r.Chance(0.9);
        var code = r.Chance(0.6) ? "UPSTREAM_503" : "UPSTREAM_TIMEOUT";
        if (sink.Emit(s * SecondMs + r.Next(1000) + duration, AiGateway, "llm_call") is { } e)
        {
            e.Status = failed ? Error : Ok;
            e.DurationMs = duration;
            e.Provider = Providers[_outageProvider];
            e.Model = Models[_outageProvider][0];
            e.TokensIn = 0;
            e.TokensOut = 0;
            e.CostUsd = 0;
            e.ErrorCode = failed ? code : null;
            e.Message = failed ? $"{Providers[_outageProvider]} returned {code}" : null;
            e.AttrsJson = "{\"action\":\"gateway_retry\"}";
        }
    }

    /// <summary>
    /// During the sandbox incidents warm-pool instances (no app, no tier) crash and restart too: twice a minute in the
    /// instability, about once a minute in the ongoing degradation, whatever the traffic at that hour.
    /// </summary>
    private void PoolCrashGroup(long s, EventSink sink, double rate)
    {
        var r = new Rng(Seed, StreamPoolCrash, s);
        if (!r.Chance(rate))
        {
            return;
        }

        sink.Begin(s, BlockPoolCrash);
        sink.SetInstance(r.NextU64());
        var t = s * SecondMs + r.Next(1000);
        var (code, message) = CrashReasons[r.Next(CrashReasons.Length)];
        if (sink.Emit(t, Sandbox, "sandbox_crashed", Ctx.Instance) is { } crash)
        {
            crash.Status = Error;
            crash.ErrorCode = code;
            crash.Message = message;
        }

        var restart = r.Range(4000, 20_000);
        if (sink.Emit(t + restart, Sandbox, "sandbox_restarted", Ctx.Instance) is { } restarted)
        {
            restarted.Status = Ok;
            restarted.DurationMs = restart;
        }
    }

    private void ProbeGroup(long s, EventSink sink)
    {
        var r = new Rng(Seed, StreamProbe, s);
        sink.Begin(s, BlockProbe);
        var cycle = FloorDiv(s, 30);
        var target = (int)FloorMod(FloorDiv(s, 10), 3); // api, preview, agent: each every 30 s
        var t = s * SecondMs + r.Next(800);

        bool fail;
        if (target == 1 && In(t, _ongoingStart, _ongoingEnd))
        {
            fail = FloorMod(cycle, 33) == _ongoingPhase || r.Chance(0.0004); // ~3 %, evenly spread
        }
        else
        {
            var p = 0.0004;
            if (target == 2 && In(t, _outageStart, _outageEnd))
            {
                p = 0.35;
            }
            else if (target == 1 && In(t, _sandboxStart, _sandboxEnd))
            {
                p = 0.06;
            }

            fail = r.Chance(p);
        }

        var timeout = fail && r.Chance(0.4);
        var duration = timeout ? 10_000 : r.LogNormal(ProbeMedianMs[target] * (fail ? 3 : 1), 0.35);
        var code = fail ? (timeout ? "TIMEOUT" : r.Chance(0.7) ? "HTTP_502" : "HTTP_503") : null;
        if (sink.Emit(t, Probe, "probe") is { } e)
        {
            e.Status = fail ? Error : Ok;
            e.DurationMs = Round1(duration);
            e.AttrsJson = ProbeAttrs[target];
            e.ErrorCode = code;
            e.Message = code is null ? null : $"{ProbeTargets[target]} probe failed: {code}";
        }
    }

    private readonly record struct GenInfo(long Origin, long StartMs, int User, ulong IdA, ulong IdB, int Framework);

    private GenInfo GenerationGroup(long s, EventSink sink)
    {
        var r = new Rng(Seed, StreamGeneration, s);
        sink.Begin(s, BlockGeneration);
        var t0 = s * SecondMs + r.Next(1000);
        var user = PickUser(ref r, t0);
        var idA = r.NextU64();
        var idB = r.NextU64();
        var framework = Pick(ref r, FrameworkWeights);
        sink.SetGroup(user, idA, idB);
        var info = new GenInfo(s, t0, user, idA, idB, framework);

        if (sink.Emit(t0, Agent, "generation_started", Ctx.AppUser) is { } started)
        {
            started.Status = Ok;
            started.Message = Title(s);
            started.AttrsJson = FrameworkAttrs[framework];
        }

        var provider = PickProvider(ref r, t0);
        var stuck = r.Chance(0.0005);
        var planFail = r.Chance(0.02);
        var phases = 1 + Pick(ref r, PhaseWeights); // implementation phases: 1..3
        var fixLoops = Pick(ref r, FixLoopWeights);
        var life = (long)Math.Clamp(r.LogNormal(18 * MinuteMs, 0.5), 5 * MinuteMs, 40 * MinuteMs);

        var t = t0 + r.Range(1500, 6000);
        if (!LlmCall(ref r, sink, ref t, ref provider, CallKind.Blueprint) ||
            !LlmCall(ref r, sink, ref t, ref provider, CallKind.Phase))
        {
            GenerationError(ref r, sink, t, t0, ("PROVIDER_UNAVAILABLE", $"All retries to {Providers[provider]} failed"));
            return info;
        }

        // First phase done: deploy the preview into a sandbox instance.
        sink.SetInstance(r.NextU64());
        var sandboxStart = t + r.Range(300, 1500);
        if (sink.Emit(sandboxStart, Sandbox, "sandbox_started", Ctx.All) is { } boot)
        {
            boot.Status = Ok;
        }

        var ready = DeployPreview(ref r, sink, sandboxStart, out var deployed);
        var stop = sandboxStart + life;
        if (!deployed)
        {
            SandboxEnd(ref r, sink, sandboxStart, ready + r.Range(2000, 10_000));
            GenerationError(ref r, sink, ready + r.Range(500, 3000), t0, ("DEPLOYMENT_FAILED", "Preview deployment failed twice"));
            return info;
        }

        Crashes(ref r, sink, ready, stop);
        t = ready;

        for (var i = 0; i < fixLoops; i++)
        {
            t += r.Range(4000, 40_000);
            var (code, message) = RuntimeErrors[r.Next(RuntimeErrors.Length)];
            if (sink.Emit(t, Sandbox, "runtime_error_found", Ctx.All) is { } found)
            {
                found.Status = Error;
                found.ErrorCode = code;
                found.Message = message;
            }

            if (r.Chance(0.4))
            {
                t += r.Range(300, 2000);
                var issues = 1 + r.Next(3);
                if (sink.Emit(t, Agent, "deterministic_code_fix_started", Ctx.AppUser) is { } fix)
                {
                    fix.Status = Ok;
                    fix.AttrsJson = $"{{\"issues\":{issues}}}";
                }
            }
            else
            {
                LlmCall(ref r, sink, ref t, ref provider, CallKind.Fix);
                t += r.Range(200, 1500);
                var files = 1 + r.Next(4);
                if (sink.Emit(t, Agent, "code_fix_edits", Ctx.AppUser) is { } edits)
                {
                    edits.Status = Ok;
                    edits.AttrsJson = $"{{\"files\":{files}}}";
                }
            }
        }

        for (var p = 1; p < phases; p++)
        {
            if (!LlmCall(ref r, sink, ref t, ref provider, CallKind.Phase))
            {
                SandboxEnd(ref r, sink, sandboxStart, Math.Max(stop, t + MinuteMs));
                GenerationError(ref r, sink, t, t0, ("PROVIDER_UNAVAILABLE", $"All retries to {Providers[provider]} failed"));
                return info;
            }
        }

        if (stuck)
        {
            // The agent stops responding: no completion and no error, the app stays 'generating'.
            SandboxEnd(ref r, sink, sandboxStart, Math.Max(stop, t + MinuteMs));
            return info;
        }

        t += r.Range(500, 4000);
        if (planFail)
        {
            SandboxEnd(ref r, sink, sandboxStart, Math.Max(stop, t + MinuteMs));
            GenerationError(ref r, sink, t, t0, GenerationErrors[r.Next(GenerationErrors.Length)]);
            return info;
        }

        if (sink.Emit(t, Agent, "generation_complete", Ctx.AppUser) is { } complete)
        {
            complete.Status = Ok;
            complete.DurationMs = t - t0;
        }

        var stored = t + r.Range(200, 3000);
        var bytes = (long)Math.Clamp(r.LogNormal(380_000, 0.7), 20_000, 8_000_000);
        if (sink.Emit(stored, Agent, "artifact_stored", Ctx.AppUser) is { } artifact)
        {
            artifact.Status = Ok;
            artifact.AttrsJson = $"{{\"bytes\":{bytes}}}";
        }

        if (r.Chance(0.3))
        {
            // The user deploys the app to Cloudflare Workers a few minutes after it is done.
            var at = t + r.Range(30_000, 10 * MinuteMs);
            var duration = r.Range(6000, 22_000);
            var failed = r.Chance(0.02);
            if (sink.Emit(at + duration, Agent, failed ? "deployment_failed" : "cloudflare_deployment_completed", Ctx.AppUser) is { } deploy)
            {
                deploy.Status = failed ? Error : Ok;
                deploy.DurationMs = duration;
                deploy.AttrsJson = "{\"target\":\"cloudflare\"}";
                deploy.ErrorCode = failed ? "WORKERS_UPLOAD_FAILED" : null;
                deploy.Message = failed ? "Workers for Platforms script upload failed (10021)" : null;
            }
        }

        SandboxEnd(ref r, sink, sandboxStart, Math.Max(stop, t + MinuteMs));
        return info;
    }

    private enum CallKind
    {
        Blueprint,
        Phase,
        Fix,
    }

    private static readonly string[] CallAttrs = ["{\"action\":\"blueprint\"}", "{\"action\":\"phase_implementation\"}", "{\"action\":\"code_fix\"}"];

    private bool LlmCall(ref Rng r, EventSink sink, ref long t, ref int provider, CallKind kind)
    {
        var k = (int)kind;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var outage = provider == _outageProvider && In(t, _outageStart, _outageEnd);
            var size = kind == CallKind.Fix ? 1 : 0;
            var err = r.Chance(outage ? 0.85 : 0.005);
            var duration = err
                ? outage ? r.Range(20_000, 60_000) : r.Range(800, 30_000)
                : Math.Clamp(r.LogNormal(kind switch { CallKind.Blueprint => 18_000, CallKind.Phase => 62_000, _ => 11_000 }, 0.45), 2000, 150_000);
            var tokensIn = kind switch
            {
                CallKind.Blueprint => r.Range(3500, 9000),
                CallKind.Phase => r.Range(12_000, 42_000),
                _ => r.Range(6000, 20_000),
            };
            var tokensOut = err ? 0 : kind switch
            {
                CallKind.Blueprint => r.Range(1200, 3500),
                CallKind.Phase => r.Range(3500, 14_000),
                _ => r.Range(400, 2500),
            };
            var code = err ? outage ? r.Chance(0.6) ? "UPSTREAM_503" : "UPSTREAM_TIMEOUT" : r.Chance(0.5) ? "UPSTREAM_429" : "UPSTREAM_500" : null;
            t += (long)duration;
            if (sink.Emit(t, AiGateway, "llm_call", Ctx.AppUser) is { } e)
            {
                e.Status = err ? Error : Ok;
                e.DurationMs = Round1(duration);
                e.Provider = Providers[provider];
                e.Model = Models[provider][size];
                e.TokensIn = tokensIn;
                e.TokensOut = tokensOut;
                e.CostUsd = err ? 0 : Math.Round((tokensIn * PriceIn[provider][size] + tokensOut * PriceOut[provider][size]) / 1e6, 6);
                e.ErrorCode = code;
                e.Message = code is null ? null : $"{Providers[provider]} returned {code}";
                e.AttrsJson = CallAttrs[k];
            }

            if (!err)
            {
                return true;
            }

            t += r.Range(500, 3000); // backoff
            if (outage && t >= _failoverAt)
            {
                provider = _fallbackProvider; // the validated backup route, once operators switched to it
            }
        }

        return false;
    }

    private long DeployPreview(ref Rng r, EventSink sink, long start, out bool deployed)
    {
        var t = start;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var startup = StartupLatency(ref r, t);
            var failP = In(t, _sandboxStart, _sandboxEnd) ? 0.18 : In(t, _ongoingStart, _ongoingEnd) ? 0.03 : 0.005;
            var failed = r.Chance(failP);
            var (code, message) = DeployFailures[r.Next(DeployFailures.Length)];
            var end = t + (long)(failed ? Math.Max(startup, 30_000) : startup);
            if (sink.Emit(end, Sandbox, failed ? "deployment_failed" : "deployment_completed", Ctx.All) is { } e)
            {
                e.Status = failed ? Error : Ok;
                e.DurationMs = Round1(failed ? end - t : startup);
                e.AttrsJson = "{\"target\":\"preview\"}";
                e.ErrorCode = failed ? code : null;
                e.Message = failed ? message : null;
            }

            if (!failed)
            {
                deployed = true;
                return end;
            }

            t = end + r.Range(3000, 15_000);
        }

        deployed = false;
        return t;
    }

    private double StartupLatency(ref Rng r, long t)
    {
        if (In(t, _sandboxStart, _sandboxEnd))
        {
            return Math.Min(r.LogNormal(8000, 0.55), 60_000);
        }

        if (In(t, _ongoingStart, _ongoingEnd))
        {
            var slow = r.Chance(0.07);
            var x = r.LogNormal(4500, 0.45);
            return slow ? 10_500 + r.NextDouble() * 9500 : Math.Min(x, 30_000);
        }

        return Math.Min(r.LogNormal(3000, 0.42), 30_000);
    }

    private void Crashes(ref Rng r, EventSink sink, long ready, long stop)
    {
        var unstable = In(ready, _sandboxStart, _sandboxEnd);
        var p = unstable ? 0.35 : 0.015;
        var t = ready;
        for (var n = 0; n < 3 && r.Chance(p) && stop - t > 30_000; n++)
        {
            t += (long)((stop - t) * (0.1 + 0.6 * r.NextDouble()));
            var (code, message) = CrashReasons[r.Next(CrashReasons.Length)];
            var restart = unstable ? r.Range(8000, 40_000) : r.Range(2000, 12_000);
            if (sink.Emit(t, Sandbox, "sandbox_crashed", Ctx.All) is { } crash)
            {
                crash.Status = Error;
                crash.ErrorCode = code;
                crash.Message = message;
            }

            t += restart;
            if (sink.Emit(t, Sandbox, "sandbox_restarted", Ctx.All) is { } restarted)
            {
                restarted.Status = Ok;
                restarted.DurationMs = restart;
            }

            p = unstable ? 0.3 : 0.05;
        }
    }

    private static void SandboxEnd(ref Rng r, EventSink sink, long started, long stop)
    {
        var uptime = stop - started;
        var cpuShare = 0.05 + 0.25 * r.NextDouble();
        // Standard instance: about $0.072 per preview hour plus CPU time.
        var cost = uptime / (double)HourMs * (0.072 + 0.05 * cpuShare);
        if (sink.Emit(stop, Sandbox, "runtime_usage", Ctx.All) is { } usage)
        {
            usage.Status = Ok;
            usage.DurationMs = uptime;
            usage.CostUsd = Math.Round(cost, 6);
            usage.AttrsJson = $"{{\"instance_type\":\"standard\",\"cpu_share\":{cpuShare.ToString("0.00", CultureInfo.InvariantCulture)}}}";
        }

        if (sink.Emit(stop, Sandbox, "sandbox_stopped", Ctx.All) is { } stopped)
        {
            stopped.Status = Ok;
            stopped.DurationMs = uptime;
        }
    }

    private static void GenerationError(ref Rng r, EventSink sink, long t, long t0, (string Code, string Message) error)
    {
        t += r.Range(200, 2000);
        if (sink.Emit(t, Agent, "error", Ctx.AppUser) is { } e)
        {
            e.Status = Error;
            e.DurationMs = t - t0;
            e.ErrorCode = error.Code;
            e.Message = error.Message;
        }
    }

    private void D1Group(long s, EventSink sink)
    {
        var r = new Rng(Seed, StreamD1, s);
        sink.Begin(s, BlockD1);
        var n = r.Chance(0.45) ? 2 + r.Next(3) : 1;
        var t = s * SecondMs + r.Next(1000);
        for (var i = 0; i < n; i++)
        {
            var q = Pick(ref r, D1Weights);
            var regression = In(t, _migrationStart, _migrationEnd) && q <= 2;
            var slow = r.Chance(0.002);
            var err = r.Chance(regression ? 0.85 : 0.0005);
            var duration = slow ? 150 + r.NextDouble() * 1100 : r.LogNormal(8, 0.85);
            if (sink.Emit(t, D1, "d1_query") is { } e)
            {
                e.Status = err ? Error : Ok;
                e.DurationMs = Round1(err && regression ? Math.Min(duration, 5) : duration);
                e.AttrsJson = D1Attrs[q];
                e.ErrorCode = err ? regression ? "SQLITE_ERROR" : "D1_ERROR" : null;
                e.Message = err ? regression ? "D1_ERROR: no such column: visibility: SQLITE_ERROR" : "D1_ERROR: Network connection lost." : null;
            }

            t += r.Range(2, 400);
        }
    }

    private void RateLimitGroup(long s, EventSink sink)
    {
        var r = new Rng(Seed, StreamRateLimit, s);
        sink.Begin(s, BlockRateLimit);
        var t = s * SecondMs + r.Next(1000);
        var limiter = In(t, _outageStart, _outageEnd) && r.Chance(0.8) ? 2 : Pick(ref r, LimiterWeights);
        var user = PickUser(ref r, t);
        sink.SetGroup(user, 0, 0);
        if (sink.Emit(t, RateLimit, "rate_limit_exceeded", limiter == 3 ? Ctx.None : Ctx.User) is { } e)
        {
            e.Status = Error;
            e.ErrorCode = "RATE_LIMITED";
            e.AttrsJson = LimiterAttrs[limiter];
            e.Message = $"{Limiters[limiter]} limit exceeded";
        }
    }

    private void StuffingLimitGroup(long s, EventSink sink)
    {
        var r = new Rng(Seed, StreamStuffingLimit, s);
        sink.Begin(s, BlockStuffing);
        var t = s * SecondMs + r.Next(1000);
        var ip = Pick(ref r, _stuffingCumulative, cumulative: true);
        if (sink.Emit(t, RateLimit, "rate_limit_exceeded") is { } e)
        {
            e.Status = Error;
            e.ErrorCode = "RATE_LIMITED";
            e.AttrsJson = _stuffingAttrs[ip];
            e.Message = "auth limit exceeded";
        }
    }

    /// <summary>One sampled Worker API request log line (source api): mostly ok, a few refused 401/403 and rare 500s.</summary>
    private void ApiGroup(long s, ref Rng r, EventSink sink)
    {
        sink.Begin(s, BlockApi);
        var t = s * SecondMs + r.Next(1000);
        sink.SetGroup(PickUser(ref r, t), 0, 0);
        var route = ApiRoutes[r.Next(ApiRoutes.Length)];
        var roll = r.NextDouble();
        var code = roll < 0.015 ? "401" : roll < 0.02 ? "403" : roll < 0.022 ? "500" : null;
        if (sink.Emit(t, Api, "api_request", Ctx.User) is { } e)
        {
            e.Status = code is null ? Ok : Error;
            e.DurationMs = Round1(r.LogNormal(route.MedianMs, 0.6));
            e.ErrorCode = code;
            e.AttrsJson = route.Attrs;
            e.Message = code is null ? null : $"{route.Method} {route.Path}: {code}";
        }
    }

    private static void CiGroup(long s, List<CiEvent> events, EventSink sink)
    {
        sink.Begin(s, BlockCi);
        foreach (var ci in events)
        {
            var failed = ci.Type == "migration_failed";
            if (sink.Emit(ci.AtMs, Ci, ci.Type) is { } e)
            {
                e.Status = failed ? Error : Ok;
                e.DurationMs = ci.DurationMs;
                e.AttrsJson = $"{{\"migration\":\"{ci.Migration}\",\"database\":\"{Database}\"}}";
                e.ErrorCode = failed ? "SQLITE_ERROR" : null;
                e.Message = failed
                    ? $"{ci.Migration}: ALTER TABLE apps ADD visibility text NOT NULL: Cannot add a NOT NULL column with default value NULL: SQLITE_ERROR"
                    : ci.Type == RollbackDrill
                        ? $"Rollback drill on a copy of {Database}: restored to before {ci.Migration} (Time Travel), re-applied it, checks passed"
                        : $"Applied {ci.Migration} to {Database}";
            }
        }
    }

    private void AddCi(CiEvent e)
    {
        var s = FloorDiv(e.AtMs, SecondMs);
        if (!_ciBySecond.TryGetValue(s, out var list))
        {
            _ciBySecond[s] = list = [];
        }

        list.Add(e);
    }

    /// <summary>The demo's policy tiers (every one has users).</summary>
    public static IReadOnlyList<string> Tiers => TierNames;

    /// <summary>
    /// A demo fault's events (<see cref="DemoFault"/>): generations of <paramref name="tier"/>'s users that fail right
    /// after they start, about six a minute, with OccurredAt in [<paramref name="fromMs"/>, <paramref name="toMs"/>),
    /// ascending. Drawn from their own stream and id block, so the rest of the demo is the same with or without them,
    /// and appending the same span twice inserts nothing new.
    /// </summary>
    public IEnumerable<OpsEvent> FaultEvents(string tier, long fromMs, long toMs)
    {
        var users = Enumerable.Range(0, _users.Length).Where(i => _users[i].TierName == tier && _users[i].IsActive && !_users[i].IsSuspended).ToArray();
        if (users.Length == 0 || toMs <= fromMs)
        {
            yield break;
        }

        var sink = new EventSink(this, fromMs, toMs, summary: null);
        for (var s = FloorDiv(fromMs, SecondMs); s <= FloorDiv(toMs - 1, SecondMs); s++)
        {
            var r = new Rng(Seed, StreamFault, s);
            if (!r.Chance(0.1))
            {
                continue;
            }

            sink.Begin(s, BlockFault);
            sink.SetGroup(users[r.Next(users.Length)], r.NextU64(), r.NextU64());
            var t0 = s * SecondMs + r.Next(400);
            if (sink.Emit(t0, Agent, "generation_started", Ctx.AppUser) is { } started)
            {
                started.Status = Ok;
                started.Message = Title(s);
            }

            if (sink.Emit(t0 + 100 + r.Next(400), Agent, "error", Ctx.AppUser) is { } failed)
            {
                failed.Status = Error;
                failed.DurationMs = failed.OccurredAt - t0;
                failed.ErrorCode = "DEMO_FAULT";
                failed.Message = $"Injected demo fault: the {tier} tier's generations fail (blueprint phase returned no plan)";
            }

            while (sink.Queue.TryDequeue(out var e, out _))
            {
                yield return e;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // auth_attempts
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// auth_attempts rows (<see cref="AuthAttemptColumns"/>) with attempted_at in [<paramref name="fromMs"/>,
    /// <paramref name="toMs"/>), ascending; ids are second × 100 + rank within the second, so they also ascend.
    /// </summary>
    public IEnumerable<object?[]> AuthAttempts(long fromMs, long toMs) => toMs <= fromMs ? [] : AuthIterator(fromMs, toMs);

    private IEnumerable<object?[]> AuthIterator(long fromMs, long toMs)
    {
        var rows = new List<object?[]>(8);
        for (var s = FloorDiv(fromMs, SecondMs); s <= FloorDiv(toMs - 1, SecondMs); s++)
        {
            AuthSecond(s, rows);
            foreach (var row in rows)
            {
                var t = (long)row[5]!;
                if (t >= fromMs && t < toMs)
                {
                    yield return row;
                }
            }
        }
    }

    private void AuthSecond(long s, List<object?[]> rows)
    {
        rows.Clear();
        var r = new Rng(Seed, StreamAuth, s);
        var t0 = s * SecondMs;
        if (r.NextDouble() < AuthRate * Activity(t0))
        {
            var t = t0 + r.Next(1000);
            var type = Pick(ref r, AuthTypeWeights);
            var known = r.Chance(0.97) || type == 5; // registrations are new identifiers, but never unknown-user failures
            var user = PickUser(ref r, t);
            var homeIp = r.Next(_users[user].Ips.Length);
            var roaming = r.Chance(0.08);
            var roamingIp = RandomIp(ref r);
            var success = known && !r.Chance(AuthTypeFailure[type]);
            var typo = r.Next(3);
            var u = _users[user];
            var identifier = type == 5 ? $"{u.Handle}.{typo + 2}@{PublicDomains[typo]}" : known ? u.Email : MistypedEmail(u.Email, typo);
            rows.Add([0L, identifier, AuthTypes[type], success ? 1L : 0L, roaming ? roamingIp : u.Ips[homeIp], t]);
        }

        if (In(t0, _stuffingStart, _stuffingEnd))
        {
            var n = Pick(ref r, StuffingBurstWeights);
            for (var i = 0; i < n; i++)
            {
                var t = t0 + r.Next(1000);
                var ip = Pick(ref r, _stuffingCumulative, cumulative: true);
                var real = r.Chance(0.03);
                var user = r.Next(_users.Length);
                var success = real && r.Chance(0.03);
                var first = FirstNames[r.Next(FirstNames.Length)];
                var last = LastNames[r.Next(LastNames.Length)];
                var sep = r.Next(3);
                var number = r.Next(120);
                var domain = LeakedDomains[r.Next(LeakedDomains.Length)];
                var identifier = real
                    ? _users[user].Email
                    : $"{first}{(sep == 0 ? "." : sep == 1 ? "_" : "")}{last}{(number < 40 ? "" : number.ToString(CultureInfo.InvariantCulture))}@{domain}";
                rows.Add([0L, identifier, "login", success ? 1L : 0L, _stuffingIps[ip], t]);
            }
        }

        // Sort by time (stable: generation order breaks ties), then number the second's rows.
        if (rows.Count > 1)
        {
            var sorted = rows.Select((row, i) => (row, i)).OrderBy(x => (long)x.row[5]!).ThenBy(x => x.i).Select(x => x.row).ToList();
            rows.Clear();
            rows.AddRange(sorted);
        }

        for (var i = 0; i < rows.Count; i++)
        {
            rows[i][0] = s * 100 + i;
        }
    }

    private static string MistypedEmail(string email, int variant)
    {
        var at = email.IndexOf('@');
        return variant switch
        {
            0 => email[..at] + "@gmial.com",
            1 => email[..at] + "x" + email[at..],
            _ => email[..at].Replace(".", "", StringComparison.Ordinal) + email[at..],
        };
    }

    // ------------------------------------------------------------------------------------------------------------
    // VibeSDK tables
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>
    /// VibeSDK's tables for a store covering [anchor − days, anchor): d1_migrations, users, apps, sessions,
    /// auth_attempts, audit_logs, system_settings, app_views. apps are exactly the generation_started apps of
    /// <see cref="Events"/> over the same range; the failed migration is absent from d1_migrations.
    /// </summary>
    public IReadOnlyList<DemoTable> Tables(int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var from = AnchorMs - days * DayMs;
        var to = AnchorMs;

        var apps = CollectApps(from, to);
        var auth = AuthAttempts(from, to).ToList();
        var sessions = BuildSessions(from, to, auth);
        var settings = BuildSettings();
        var audit = BuildAuditLogs(from, to, apps, sessions, settings);

        // users.last_active_at from what the users did in the store's range.
        var lastActive = new long[_users.Length];
        foreach (var app in apps)
        {
            lastActive[app.Info.User] = Math.Max(lastActive[app.Info.User], app.UpdatedMs);
        }

        foreach (var session in sessions)
        {
            var u = (int)(long)session[^1]!;
            lastActive[u] = Math.Max(lastActive[u], (long)session[9]!);
        }

        return
        [
            MigrationsTable(),
            UsersTable(from, lastActive),
            AppsTable(to, apps),
            new DemoTable("sessions", SessionsSql, SessionColumns, sessions.Select(row => row[..^1]).ToList()),
            new DemoTable("auth_attempts", AuthAttemptsSql, AuthAttemptColumns, auth),
            new DemoTable("audit_logs", AuditLogsSql, AuditColumns, audit),
            SettingsTable(settings),
            ViewsTable(to, apps),
        ];
    }

    private sealed record AppRecord(GenInfo Info, long FirstDeployMs, long CloudflareMs, long EndMs, long UpdatedMs);

    private List<AppRecord> CollectApps(long from, long to)
    {
        var summary = new GenSummary(to);
        var sink = new EventSink(this, 0, 0, summary);
        var apps = new List<AppRecord>();
        for (var s = FloorDiv(from, SecondMs); s <= FloorDiv(to - 1, SecondMs); s++)
        {
            var decide = new Rng(Seed, StreamDecide, s);
            if (decide.NextDouble() >= GenerationRate * Activity(s * SecondMs))
            {
                continue;
            }

            summary.Reset();
            var info = GenerationGroup(s, sink);
            if (info.StartMs >= from && info.StartMs < to)
            {
                apps.Add(new AppRecord(info, summary.FirstDeploy, summary.Cloudflare, summary.End, Math.Max(summary.Last, info.StartMs)));
            }
        }

        return apps;
    }

    private static readonly string[] MigrationColumns = ["id", "name", "applied_at"];

    private const string MigrationsSql =
        "CREATE TABLE d1_migrations(\n\t\tid         INTEGER PRIMARY KEY AUTOINCREMENT,\n\t\tname       TEXT UNIQUE,\n\t\tapplied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL\n)";

    private DemoTable MigrationsTable()
    {
        var rows = new List<object?[]>();
        foreach (var m in _migrations.Where(m => !m.Failed && m.AppliedMs < AnchorMs))
        {
            rows.Add([rows.Count + 1L, m.Name, m.AppliedMs + 1500]);
        }

        return new DemoTable("d1_migrations", MigrationsSql, MigrationColumns, rows);
    }

    private static readonly string[] UserColumns =
    [
        "id", "email", "username", "display_name", "provider", "provider_id", "email_verified", "is_active", "is_suspended",
        "created_at", "updated_at", "last_active_at", "ai_gateway_enabled",
    ];

    private const string UsersSql = """
        CREATE TABLE `users` (
        	`id` text PRIMARY KEY NOT NULL,
        	`email` text NOT NULL,
        	`username` text,
        	`display_name` text NOT NULL,
        	`provider` text NOT NULL,
        	`provider_id` text NOT NULL,
        	`email_verified` integer DEFAULT false,
        	`is_active` integer DEFAULT true,
        	`is_suspended` integer DEFAULT false,
        	`created_at` integer DEFAULT CURRENT_TIMESTAMP,
        	`updated_at` integer DEFAULT CURRENT_TIMESTAMP,
        	`last_active_at` integer,
        	`ai_gateway_enabled` integer DEFAULT false
        )
        """;

    private DemoTable UsersTable(long from, long[] lastActive)
    {
        var rows = new List<object?[]>(_users.Length);
        for (var i = 0; i < _users.Length; i++)
        {
            var u = _users[i];
            var last = lastActive[i] > 0 ? lastActive[i] : Math.Max(u.CreatedMs, from - u.IdleMs);
            var updated = u.IsSuspended ? u.SuspendedMs : u.CreatedMs + u.IdleMs / 3;
            rows.Add(
            [
                u.Id, u.Email, u.Handle, u.DisplayName, u.Provider, u.ProviderId, 1L, u.IsActive ? 1L : 0L, u.IsSuspended ? 1L : 0L,
                u.CreatedMs, Math.Min(updated, AnchorMs - 1), last, u.AiGatewayEnabled ? 1L : 0L,
            ]);
        }

        return new DemoTable("users", UsersSql, UserColumns, rows);
    }

    private static readonly string[] AppColumns =
    [
        "id", "title", "description", "original_prompt", "framework", "user_id", "status", "deployment_id",
        "github_repository_url", "is_archived", "version", "parent_app_id", "screenshot_url", "screenshot_captured_at",
        "created_at", "updated_at", "last_deployed_at",
    ];

    private const string AppsSql = """
        CREATE TABLE `apps` (
        	`id` text PRIMARY KEY NOT NULL,
        	`title` text NOT NULL,
        	`description` text,
        	`original_prompt` text NOT NULL,
        	`framework` text,
        	`user_id` text,
        	`status` text DEFAULT 'generating' NOT NULL,
        	`deployment_id` text,
        	`github_repository_url` text,
        	`is_archived` integer DEFAULT false,
        	`version` integer DEFAULT 1,
        	`parent_app_id` text,
        	`screenshot_url` text,
        	`screenshot_captured_at` integer,
        	`created_at` integer DEFAULT CURRENT_TIMESTAMP,
        	`updated_at` integer DEFAULT CURRENT_TIMESTAMP,
        	`last_deployed_at` integer,
        	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
        )
        """;

    private DemoTable AppsTable(long to, List<AppRecord> apps)
    {
        var rows = new List<object?[]>(apps.Count);
        var ids = new List<string>(apps.Count);
        foreach (var app in apps)
        {
            var info = app.Info;
            var r = new Rng(Seed, StreamApps, info.Origin);
            var id = Uuid(info.IdA, info.IdB);
            var title = Title(info.Origin);
            var completed = app.EndMs > 0;
            var fork = r.Chance(0.07) && ids.Count > 0;
            var parent = ids.Count > 0 ? ids[r.Next(ids.Count)] : null;
            var github = r.Chance(0.1);
            var screenshot = r.Chance(0.85);
            var screenshotDelay = r.Range(15_000, 120_000);
            var archived = r.Chance(0.03);
            var slug = Slug(title);
            var u = _users[info.User];
            string? deploymentId = app.CloudflareMs > 0 ? $"{slug}-{id[..8]}" : null;
            var screenshotAt = app.FirstDeployMs > 0 && screenshot && app.FirstDeployMs + screenshotDelay < to ? app.FirstDeployMs + screenshotDelay : (long?)null;
            rows.Add(
            [
                id, title, $"{title}, generated with VibeSDK", $"Build {Article(title)} {title.ToLowerInvariant()} with {Frameworks[info.Framework]}",
                Frameworks[info.Framework], u.Id, completed ? "completed" : "generating", deploymentId,
                github && completed ? $"https://github.com/{u.Handle}/{slug}" : null, archived ? 1L : 0L, 1L, fork ? parent : null,
                screenshotAt is null ? null : $"https://screenshots.vibe-platform.dev/{id}.png", screenshotAt,
                info.StartMs, Math.Max(app.UpdatedMs, screenshotAt ?? 0), app.CloudflareMs > 0 ? app.CloudflareMs : null,
            ]);
            ids.Add(id);
        }

        return new DemoTable("apps", AppsSql, AppColumns, rows);
    }

    private static readonly string[] SessionColumns =
        ["id", "user_id", "device_info", "ip_address", "is_revoked", "revoked_at", "revoked_reason", "expires_at", "created_at", "last_activity"];

    private const string SessionsSql = """
        CREATE TABLE `sessions` (
        	`id` text PRIMARY KEY NOT NULL,
        	`user_id` text NOT NULL,
        	`device_info` text,
        	`ip_address` text,
        	`is_revoked` integer DEFAULT false,
        	`revoked_at` integer,
        	`revoked_reason` text,
        	`expires_at` integer NOT NULL,
        	`created_at` integer DEFAULT CURRENT_TIMESTAMP,
        	`last_activity` integer,
        	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
        )
        """;

    private static readonly string[] DeviceInfos = ["Chrome on macOS", "Firefox on Windows", "Safari on iOS", "Chrome on Android", "Edge on Windows", "Chrome on Linux"];

    // Rows in SessionColumns order plus one trailing value (the user index), cut before they become table rows.
    private List<object?[]> BuildSessions(long from, long to, List<object?[]> auth)
    {
        var rows = new List<(long Created, object?[] Row)>();
        var responseAt = _stuffingStart + 35 * MinuteMs;
        var breached = new HashSet<int>();

        // Sessions the attackers obtained during credential stuffing (successful logins from their IPs).
        var stuffingIps = new HashSet<string>(_stuffingIps, StringComparer.Ordinal);
        var byEmail = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _users.Length; i++)
        {
            byEmail[_users[i].Email] = i;
        }

        foreach (var row in auth)
        {
            if ((long)row[3]! == 1 && stuffingIps.Contains((string)row[4]!) && byEmail.TryGetValue((string)row[1]!, out var u))
            {
                var created = (long)row[5]!;
                var r = new Rng(Seed, StreamSessions, (long)row[0]!);
                var last = Math.Min(created + r.Range(MinuteMs, 20 * MinuteMs), to - 1);
                var revoked = responseAt < to;
                breached.Add(u);
                rows.Add((created, [Uuid(r.NextU64(), r.NextU64()), _users[u].Id, "python-requests/2.31", (string)row[4]!,
                    revoked ? 1L : 0L, revoked ? responseAt : null, revoked ? "security_incident" : null,
                    created + 7 * DayMs, created, last, (long)u]));
            }
        }

        for (var day = FloorDiv(from, DayMs); day <= FloorDiv(to - 1, DayMs); day++)
        {
            for (var u = 0; u < _users.Length; u++)
            {
                var user = _users[u];
                if (!user.IsActive || (user.IsSuspended && day * DayMs >= user.SuspendedMs))
                {
                    continue;
                }

                var r = new Rng(Seed, StreamSessions, day * 1000 + u);
                var expected = Math.Min(1.6, 0.12 + 0.35 * user.Weight);
                var count = r.Chance(expected / 2) ? (r.Chance(expected / 2) ? 2 : 1) : 0;
                for (var i = 0; i < count; i++)
                {
                    var created = day * DayMs + (long)(Math.Clamp(14 + 4 * r.Normal(), 0, 23.9) * HourMs) + r.Next(3_600_000 / 10);
                    var length = (long)Math.Clamp(r.LogNormal(45 * MinuteMs, 1.0), MinuteMs, 12 * HourMs);
                    var ip = user.Ips[r.Next(user.Ips.Length)];
                    var device = DeviceInfos[r.Next(DeviceInfos.Length)];
                    var logout = r.Chance(0.05);
                    var reason = r.Chance(0.75) ? "user_logout" : "password_changed";
                    var id = Uuid(r.NextU64(), r.NextU64());
                    if (created < from || created >= to)
                    {
                        continue;
                    }

                    var last = Math.Min(created + length, to - 1);
                    var revokedAt = logout ? last : (long?)null;
                    var reasonText = logout ? reason : null;
                    if (breached.Contains(u) && created < responseAt && created + 7 * DayMs > responseAt && responseAt < to && !logout)
                    {
                        revokedAt = responseAt;
                        reasonText = "security_incident";
                    }

                    rows.Add((created, [id, user.Id, device, ip, revokedAt is null ? 0L : 1L, revokedAt, reasonText,
                        created + 7 * DayMs, created, Math.Max(last, created), (long)u]));
                }
            }
        }

        return rows.OrderBy(x => x.Created).ThenBy(x => (string)x.Row[0]!, StringComparer.Ordinal).Select(x => x.Row).ToList();
    }

    /// <summary>One value a setting took (JSON text, as VibeSDK stores it) and who set it.</summary>
    private sealed record SettingChange(long AtMs, string Value, int? By);

    private sealed record Setting(string Key, string Description, List<SettingChange> History);

    private List<Setting> BuildSettings()
    {
        var r = new Rng(Seed, StreamSettings, 0);
        var admin = _adminUser >= 0 ? _adminUser : 0;
        long Old(int minDays, int maxDays) => AnchorMs - (minDays + r.Next(maxDays - minDays)) * DayMs - r.Next((int)(DayMs / 1000)) * 1000L;

        var primary = Providers[_outageProvider];
        var backup = Providers[_fallbackProvider];
        var routing = $"{{\"primary\":\"{primary}\",\"backup\":\"{backup}\"}}";
        var failedOver = $"{{\"primary\":\"{backup}\",\"backup\":\"{primary}\"}}";

        return
        [
            new("ai_gateway.routing", "LLM provider route used by the agent (primary, validated backup)",
            [
                new(Old(60, 120), routing, admin), new(_failoverAt, failedOver, admin), new(_outageEnd + 35 * MinuteMs, routing, admin),
            ]),
            new("sandbox.max_concurrent_instances", "Concurrency cap for preview sandboxes",
            [
                new(Old(45, 90), "400", admin), new(_sandboxStart + 35 * MinuteMs, "250", admin), new(_sandboxEnd + 2 * HourMs, "400", admin),
            ]),
            new("rate_limits.auth_per_ip_per_minute", "Auth attempts allowed per IP per minute",
                [new(Old(50, 150), "20", admin), new(_stuffingStart + 18 * MinuteMs, "5", admin)]),
            new("rate_limits.app_creation_per_hour", "Apps a user may create per hour", [new(Old(40, 150), "30", admin)]),
            new("rate_limits.llm_calls_per_minute", "LLM calls per user per minute", [new(Old(20, 80), "120", admin)]),
            new("release.deploy_freeze", "Blocks worker releases and migrations while true",
            [
                new(Old(100, 160), "false", admin), new(_migrationStart + 12 * MinuteMs, "true", admin), new(_migrationStart + 3 * HourMs, "false", admin),
            ]),
            new("features.github_export", "Allow exporting generated apps to GitHub", [new(Old(30, 120), "true", admin)]),
            new("sandbox.instance_type", "Container instance type for previews", [new(Old(60, 200), "\"standard\"", admin)]),
            new("platform.maintenance_mode", "Read-only mode for the whole platform", [new(Old(90, 200), "false", admin)]),
        ];
    }

    private static readonly string[] SettingColumns = ["id", "key", "value", "description", "updated_at", "updated_by"];

    private const string SettingsSql = """
        CREATE TABLE `system_settings` (
        	`id` text PRIMARY KEY NOT NULL,
        	`key` text NOT NULL,
        	`value` text,
        	`description` text,
        	`updated_at` integer DEFAULT CURRENT_TIMESTAMP,
        	`updated_by` text,
        	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
        )
        """;

    private DemoTable SettingsTable(List<Setting> settings)
    {
        var rows = new List<object?[]>();
        var r = new Rng(Seed, StreamSettings, 1);
        foreach (var setting in settings)
        {
            var id = Uuid(r.NextU64(), r.NextU64());
            var current = setting.History.Where(c => c.AtMs < AnchorMs).MaxBy(c => c.AtMs);
            if (current is null)
            {
                continue;
            }

            rows.Add([id, setting.Key, current.Value, setting.Description, current.AtMs, current.By is { } by ? _users[by].Id : null]);
        }

        return new DemoTable("system_settings", SettingsSql, SettingColumns, rows);
    }

    private static readonly string[] AuditColumns =
        ["id", "user_id", "entity_type", "entity_id", "action", "old_values", "new_values", "ip_address", "created_at"];

    private const string AuditLogsSql = """
        CREATE TABLE `audit_logs` (
        	`id` text PRIMARY KEY NOT NULL,
        	`user_id` text,
        	`entity_type` text NOT NULL,
        	`entity_id` text NOT NULL,
        	`action` text NOT NULL,
        	`old_values` text,
        	`new_values` text,
        	`ip_address` text,
        	`user_agent` text,
        	`created_at` integer DEFAULT CURRENT_TIMESTAMP,
        	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
        )
        """;

    private List<object?[]> BuildAuditLogs(long from, long to, List<AppRecord> apps, List<object?[]> sessions, List<Setting> settings)
    {
        var rows = new List<(long At, object?[] Row)>();
        var r = new Rng(Seed, StreamAudit, 0);
        string Id(ref Rng rng) => Uuid(rng.NextU64(), rng.NextU64());
        bool InRange(long t) => t >= from && t < to;

        // Control-plane mutations: settings, deploys, GitHub exports, session revocations, suspensions, keys.
        foreach (var setting in settings)
        {
            string? previous = null;
            foreach (var change in setting.History.OrderBy(c => c.AtMs))
            {
                var id = Id(ref r);
                if (InRange(change.AtMs))
                {
                    var by = change.By is { } b ? _users[b] : null;
                    rows.Add((change.AtMs, [id, by?.Id, "system_setting", setting.Key, "update",
                        previous is null ? null : $"{{\"value\":{previous}}}", $"{{\"value\":{change.Value}}}", by?.Ips[0], change.AtMs]));
                }

                previous = change.Value;
            }
        }

        foreach (var app in apps.Where(a => a.CloudflareMs > 0))
        {
            var u = _users[app.Info.User];
            var ar = new Rng(Seed, StreamAudit, app.Info.Origin);
            var id = Uuid(app.Info.IdA, app.Info.IdB);
            rows.Add((app.CloudflareMs, [Id(ref ar), u.Id, "app", id, "deploy", null,
                $"{{\"deployment_id\":\"{Slug(Title(app.Info.Origin))}-{id[..8]}\"}}", u.Ips[0], app.CloudflareMs]));
        }

        foreach (var session in sessions)
        {
            if (session[6] is "security_incident" && session[5] is long revokedAt && InRange(revokedAt))
            {
                var admin = _users[_adminUser >= 0 ? _adminUser : 0];
                rows.Add((revokedAt, [Uuid(r.NextU64(), r.NextU64()), admin.Id, "session", session[0], "revoke",
                    "{\"is_revoked\":false}", "{\"is_revoked\":true,\"revoked_reason\":\"security_incident\"}", admin.Ips[0], revokedAt]));
            }
        }

        for (var i = 0; i < _users.Length; i++)
        {
            var u = _users[i];
            var id = Id(ref r);
            if (u.IsSuspended && InRange(u.SuspendedMs))
            {
                var admin = _users[_adminUser >= 0 ? _adminUser : 0];
                rows.Add((u.SuspendedMs, [id, admin.Id, "user", u.Id, "suspend", "{\"is_suspended\":false}", "{\"is_suspended\":true}", admin.Ips[0], u.SuspendedMs]));
            }
        }

        // API keys and model configs change now and then.
        for (var day = FloorDiv(from, DayMs); day <= FloorDiv(to - 1, DayMs); day++)
        {
            var dr = new Rng(Seed, StreamAudit, -1 - day);
            var n = dr.Next(4);
            for (var i = 0; i < n; i++)
            {
                var at = day * DayMs + dr.Next((int)(DayMs / 1000)) * 1000L;
                var user = _users[PickUser(ref dr, at)];
                var kind = dr.Next(3);
                var id = Id(ref dr);
                var entity = Id(ref dr);
                if (!InRange(at))
                {
                    continue;
                }

                object?[] row = kind switch
                {
                    0 => [id, user.Id, "api_key", entity, "create", null, "{\"scopes\":[\"apps:read\",\"apps:write\"]}", user.Ips[0], at],
                    1 => [id, user.Id, "api_key", entity, "revoke", "{\"is_active\":true}", "{\"is_active\":false}", user.Ips[0], at],
                    _ => [id, user.Id, "user_model_config", entity, "update", "{\"model_name\":null}", "{\"model_name\":\"gemini-2.5-pro\"}", user.Ips[0], at],
                };
                rows.Add((at, row));
            }
        }

        return rows.OrderBy(x => x.At).ThenBy(x => (string)x.Row[0]!, StringComparer.Ordinal).Select(x => x.Row).ToList();
    }

    private static readonly string[] ViewColumns = ["id", "app_id", "user_id", "device_type", "viewed_at", "duration_seconds"];

    private const string ViewsSql = """
        CREATE TABLE `app_views` (
        	`id` text PRIMARY KEY NOT NULL,
        	`app_id` text NOT NULL,
        	`user_id` text,
        	`device_type` text,
        	`viewed_at` integer DEFAULT CURRENT_TIMESTAMP,
        	`duration_seconds` integer,
        	FOREIGN KEY (`app_id`) REFERENCES `apps`(`id`) ON UPDATE no action ON DELETE cascade,
        	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
        )
        """;

    private DemoTable ViewsTable(long to, List<AppRecord> apps)
    {
        var rows = new List<(long At, object?[] Row)>();
        foreach (var app in apps.Where(a => a.FirstDeployMs > 0))
        {
            var r = new Rng(Seed, StreamViews, app.Info.Origin);
            var n = r.Chance(0.4) ? 0 : 1 + Math.Min(r.Next(3) + (r.Chance(0.1) ? r.Next(12) : 0), 14);
            var appId = Uuid(app.Info.IdA, app.Info.IdB);
            for (var i = 0; i < n; i++)
            {
                var at = app.FirstDeployMs + (long)Math.Min(r.LogNormal(2 * HourMs, 1.5), 20 * DayMs);
                var who = r.NextDouble();
                var other = PickUser(ref r, at);
                var device = Devices[r.Next(Devices.Length)];
                var seconds = (long)Math.Clamp(r.LogNormal(45, 1.0), 2, 3600);
                var id = Uuid(r.NextU64(), r.NextU64());
                if (at >= to)
                {
                    continue;
                }

                var userId = who < 0.5 ? _users[app.Info.User].Id : who < 0.8 ? _users[other].Id : null;
                rows.Add((at, [id, appId, userId, device, at, seconds]));
            }
        }

        return new DemoTable("app_views", ViewsSql, ViewColumns,
            rows.OrderBy(x => x.At).ThenBy(x => (string)x.Row[0]!, StringComparer.Ordinal).Select(x => x.Row).ToList());
    }

    private const string AuthAttemptsSql = """
        CREATE TABLE `auth_attempts` (
        	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
        	`identifier` text NOT NULL,
        	`attempt_type` text NOT NULL,
        	`success` integer NOT NULL,
        	`ip_address` text NOT NULL,
        	`attempted_at` integer DEFAULT CURRENT_TIMESTAMP
        )
        """;

    // ------------------------------------------------------------------------------------------------------------
    // Users
    // ------------------------------------------------------------------------------------------------------------

    private sealed record User(
        string Id, string Email, string Handle, string DisplayName, string Provider, string ProviderId, int Tier, string TierName,
        double Weight, string[] Ips, long CreatedMs, long IdleMs, bool IsActive, bool IsSuspended, long SuspendedMs, bool AiGatewayEnabled);

    private static (User[] Users, double[] Cumulative) BuildUsers(int seed, long anchorMs)
    {
        var users = new User[UserCount];
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var weights = new double[UserCount];
        for (var i = 0; i < UserCount; i++)
        {
            var r = new Rng(seed, StreamUsers, i);
            var tier = i == 0 ? 0 : Pick(ref r, TierWeights); // user 0 is always an internal admin
            var first = FirstNames[r.Next(FirstNames.Length)];
            var last = LastNames[r.Next(LastNames.Length)];
            var domain = tier switch
            {
                0 => InternalDomain,
                3 => CompanyDomains[r.Next(CompanyDomains.Length)],
                _ => PublicDomains[r.Next(PublicDomains.Length)],
            };
            var handle = $"{first}.{last}";
            var email = $"{handle}@{domain}";
            for (var n = 2; !emails.Add(email); n++)
            {
                handle = $"{first}.{last}{n}";
                email = $"{handle}@{domain}";
            }

            var provider = tier == 0 ? "github" : r.NextDouble() switch { < 0.45 => "github", < 0.85 => "google", _ => "email" };
            var ips = new string[1 + r.Next(3)];
            for (var k = 0; k < ips.Length; k++)
            {
                ips[k] = RandomIp(ref r);
            }

            var weight = Math.Exp(0.9 * r.Normal()) * TierActivity[tier];
            var created = anchorMs - 100 * DayMs - (long)(r.NextDouble() * 600 * DayMs);
            var idle = (1 + r.Next(60)) * DayMs;
            var active = i == 0 || !r.Chance(0.03);
            var suspended = i is 17 or 93;
            var suspendedAt = i == 17 ? DayStart(anchorMs - 6 * DayMs) + 10 * HourMs + 12 * MinuteMs : anchorMs - 200 * DayMs;
            var id = Uuid(r.NextU64(), r.NextU64());
            var providerId = provider == "email" ? id : r.Range(1_000_000, 190_000_000).ToString(CultureInfo.InvariantCulture);
            var display = $"{char.ToUpperInvariant(first[0])}{first[1..]} {char.ToUpperInvariant(last[0])}{last[1..]}";
            var gateway = tier is 0 or 3 || r.Chance(0.1);
            users[i] = new User(id, email, handle.Replace(".", "-", StringComparison.Ordinal), display, provider, providerId, tier, TierNames[tier],
                weight, ips, created, idle, active, suspended, suspendedAt, gateway);
            weights[i] = active ? weight : 0;
        }

        return (users, Cumulative(weights));
    }

    private int PickUser(ref Rng r, long t)
    {
        var u = Pick(ref r, _userCumulative, cumulative: true);
        while (_users[u].IsSuspended && t >= _users[u].SuspendedMs || !_users[u].IsActive)
        {
            u = (u + 1) % _users.Length;
        }

        return u;
    }

    private int PickProvider(ref Rng r, long t)
    {
        var x = r.NextDouble();
        var failedOver = t >= _failoverAt && t < _outageEnd;
        var total = 0.0;
        for (var i = 0; i < Providers.Length; i++)
        {
            total += _providerWeights[i] * (failedOver && i == _outageProvider ? 0.1 : 1);
        }

        x *= total;
        for (var i = 0; i < Providers.Length; i++)
        {
            x -= _providerWeights[i] * (failedOver && i == _outageProvider ? 0.1 : 1);
            if (x < 0)
            {
                return i;
            }
        }

        return Providers.Length - 1;
    }

    private static readonly int[] IpFirstOctets = [24, 31, 37, 46, 62, 73, 81, 86, 92, 98, 104, 109, 151, 176, 188, 203, 212, 217];

    private static string RandomIp(ref Rng r)
    {
        var a = IpFirstOctets[r.Next(IpFirstOctets.Length)];
        var b = r.Next(256);
        var c = r.Next(256);
        var d = 1 + r.Next(254);
        return string.Create(CultureInfo.InvariantCulture, $"{a}.{b}.{c}.{d}");
    }

    private string Title(long origin)
    {
        var r = new Rng(Seed, StreamTitle, origin);
        var prefix = TitlePrefixes[r.Next(TitlePrefixes.Length)];
        var noun = TitleNouns[r.Next(TitleNouns.Length)];
        return prefix.Length == 0 ? char.ToUpperInvariant(noun[0]) + noun[1..] : $"{prefix} {noun}";
    }

    private static string Article(string word) => "aeiouAEIOU".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    private static string Slug(string title)
    {
        Span<char> buffer = stackalloc char[title.Length];
        var n = 0;
        foreach (var c in title)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
            else if (n > 0 && buffer[n - 1] != '-')
            {
                buffer[n++] = '-';
            }
        }

        return new string(buffer[..n]).Trim('-');
    }

    // ------------------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>Traffic level: busy in UTC working hours (peak 14:00), quiet at night, lower at weekends. Peak is 1.</summary>
    private static double Activity(long t)
    {
        var day = FloorDiv(t, DayMs);
        var hour = (t - day * DayMs) / (double)HourMs;
        var x = (hour - 14.0) / 4.2;
        var level = 0.22 + 0.78 * Math.Exp(-0.5 * x * x);
        var dayOfWeek = FloorMod(day + 4, 7); // 1970-01-01 was a Thursday; 0 = Sunday
        return dayOfWeek is 0 or 6 ? level * 0.55 : level;
    }

    private static bool In(long t, long start, long end) => t >= start && t < end;

    private static long DayStart(long t) => FloorDiv(t, DayMs) * DayMs;

    /// <summary>The day itself when it is a weekday (UTC), else the Friday before a Saturday or the Monday after a Sunday.</summary>
    private static long Weekday(long dayStart) => FloorMod(FloorDiv(dayStart, DayMs) + 4, 7) switch
    {
        6 => dayStart - DayMs,
        0 => dayStart + DayMs,
        _ => dayStart,
    };

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long FloorMod(long a, long b) => a - FloorDiv(a, b) * b;

    private static double Round1(double x) => Math.Round(x, 1);

    private static double[] Cumulative(double[] weights)
    {
        var c = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i];
            c[i] = sum;
        }

        for (var i = 0; i < c.Length; i++)
        {
            c[i] /= sum;
        }

        return c;
    }

    /// <summary>Index drawn by weight (weights need not sum to 1), or from a normalised cumulative array.</summary>
    private static int Pick(ref Rng r, double[] weights, bool cumulative = false)
    {
        var x = r.NextDouble();
        if (cumulative)
        {
            var i = Array.BinarySearch(weights, x);
            i = i < 0 ? ~i : i + 1;
            return Math.Min(i, weights.Length - 1);
        }

        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        x *= total;
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static string Uuid(ulong a, ulong b)
    {
        a = (a & 0xFFFF_FFFF_FFFF_0FFFUL) | 0x0000_0000_0000_4000UL; // version 4
        b = (b & 0x3FFF_FFFF_FFFF_FFFFUL) | 0x8000_0000_0000_0000UL; // RFC 4122 variant
        return string.Create(36, (a, b), static (span, v) =>
        {
            const string hex = "0123456789abcdef";
            var n = 0;
            for (var i = 0; i < 32; i++)
            {
                if (i is 8 or 12 or 16 or 20)
                {
                    span[n++] = '-';
                }

                var word = i < 16 ? v.a : v.b;
                span[n++] = hex[(int)((word >> (60 - 4 * (i % 16))) & 0xF)];
            }
        });
    }

    private static string InstanceId(ulong x) =>
        "sbx-" + (x & 0xFFFF_FFFF_FFFFUL).ToString("x12", CultureInfo.InvariantCulture);

    private sealed record Migration(string Name, long AppliedMs, bool Failed);

    private sealed record CiEvent(long AtMs, string Type, string Migration, double DurationMs);

    /// <summary>
    /// Splitmix64: a tiny, allocation-free PRNG whose output depends only on its 64-bit seed (unlike
    /// <see cref="Random"/>, whose seeded algorithm takes 32 bits and allocates per instance).
    /// </summary>
    private struct Rng
    {
        private ulong _state;

        public Rng(int seed, ulong stream, long key)
        {
            _state = Mix(Mix(((ulong)(uint)seed << 20) ^ (stream * 0x9E37_79B9_7F4A_7C15UL) ^ 0xD1B5_4A32_D192_ED03UL) ^ (ulong)key);
        }

        public ulong NextU64()
        {
            _state += 0x9E37_79B9_7F4A_7C15UL;
            return Mix(_state);
        }

        /// <summary>Uniform in [0, 1).</summary>
        public double NextDouble() => (NextU64() >> 11) * (1.0 / (1UL << 53));

        /// <summary>Uniform integer in [0, n).</summary>
        public int Next(int n) => (int)((NextU64() >> 32) * (ulong)n >> 32);

        /// <summary>Uniform integer in [lo, hi).</summary>
        public long Range(long lo, long hi) => lo + (long)(NextDouble() * (hi - lo));

        public bool Chance(double p) => NextDouble() < p;

        public double Normal()
        {
            var u1 = 1.0 - NextDouble();
            var u2 = NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        public double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());

        private static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
            return z ^ (z >> 31);
        }
    }

    [Flags]
    private enum Ctx
    {
        None = 0,
        App = 1,
        User = 2,
        Instance = 4,
        AppUser = App | User,
        All = App | User | Instance,
    }

    /// <summary>Order of events: time, then origin second, then index (the same order as the ids, which are fixed-width).</summary>
    private readonly record struct EventKey(long T, long Origin, int K) : IComparable<EventKey>
    {
        public int CompareTo(EventKey other)
        {
            var c = T.CompareTo(other.T);
            if (c != 0)
            {
                return c;
            }

            c = Origin.CompareTo(other.Origin);
            return c != 0 ? c : K.CompareTo(other.K);
        }
    }

    /// <summary>Records the times of one generation's events before a cutoff (for the apps table).</summary>
    private sealed class GenSummary(long cutoff)
    {
        public long FirstDeploy { get; private set; }
        public long Cloudflare { get; private set; }
        public long End { get; private set; }
        public long Last { get; private set; }

        public void Reset() => FirstDeploy = Cloudflare = End = Last = 0;

        public void Observe(long t, string type)
        {
            if (t >= cutoff)
            {
                return;
            }

            Last = Math.Max(Last, t);
            switch (type)
            {
                case "deployment_completed" when FirstDeploy == 0:
                    FirstDeploy = t;
                    break;
                case "cloudflare_deployment_completed":
                    Cloudflare = t;
                    break;
                case "generation_complete" or "error":
                    End = t;
                    break;
            }
        }
    }

    /// <summary>
    /// Receives the events of the origin second being generated. Every event takes an index (whether or not it falls
    /// in the window, so ids never depend on the window); only those inside the window are materialised.
    /// Callers draw all random values before calling <see cref="Emit"/>, never inside the materialisation block.
    /// </summary>
    private sealed class EventSink(DemoDataGenerator owner, long from, long to, GenSummary? summary)
    {
        public PriorityQueue<OpsEvent, EventKey> Queue { get; } = new();

        private long _origin;
        private int _k;
        private int _kEnd;
        private int _user = -1;
        private ulong _appA, _appB, _instance;
        private string? _appId, _instanceId;

        public void Begin(long origin, int block)
        {
            _origin = origin;
            _k = block * 100;
            _kEnd = _k + 100;
            _user = -1;
            _appId = null;
            _instanceId = null;
        }

        public void SetGroup(int user, ulong appA, ulong appB)
        {
            _user = user;
            _appA = appA;
            _appB = appB;
            _appId = null;
        }

        public void SetInstance(ulong instance)
        {
            _instance = instance;
            _instanceId = null;
        }

        public OpsEvent? Emit(long t, string source, string type, Ctx ctx = Ctx.None)
        {
            if (_k >= _kEnd)
            {
                throw new InvalidOperationException("Too many demo events in one origin-second group");
            }

            var k = _k++;
            var min = _origin * SecondMs;
            t = Math.Clamp(t, min, min + MaxSpanMs - 1);
            summary?.Observe(t, type);
            if (t < from || t >= to)
            {
                return null;
            }

            var e = new OpsEvent
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"demo-{_origin}-{k:D3}"),
                OccurredAt = t,
                Source = source,
                EventType = type,
            };

            if ((ctx & Ctx.App) != 0)
            {
                e.AppId = _appId ??= Uuid(_appA, _appB);
            }

            if ((ctx & Ctx.User) != 0 && _user >= 0)
            {
                var u = owner._users[_user];
                e.UserId = u.Id;
                e.PolicyTier = u.TierName;
            }

            if ((ctx & Ctx.Instance) != 0)
            {
                e.InstanceId = _instanceId ??= InstanceId(_instance);
            }

            Queue.Enqueue(e, new EventKey(t, _origin, k));
            return e;
        }
    }
}
