using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>Writes known events straight into a <see cref="TempStore"/> and builds an aggregator over it.</summary>
public static class AggregationStoreBuilder
{
    public static MetricsAggregator CreateAggregator(TempStore store, TimeProvider time, AggregationOptions? options = null, SloOptions? slos = null)
    {
        var services = store.Services;
        return new MetricsAggregator(
            services.GetRequiredService<SqliteConnectionFactory>(),
            services.GetRequiredService<StoreSchema>(),
            services.GetRequiredService<StoreRepository>(),
            services.GetRequiredService<ImportHistoryRepository>(),
            new AlertHistoryRepository(services.GetRequiredService<SqliteConnectionFactory>(), services.GetRequiredService<StoreSchema>()),
            services.GetRequiredService<Importer>(),
            Options.Create(options ?? new AggregationOptions()),
            Options.Create(slos ?? new SloOptions()),
            time,
            NullLogger<MetricsAggregator>.Instance);
    }

    public static async Task InsertEventsAsync(TempStore store, IEnumerable<OpsEvent> events)
    {
        await store.Services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        await using var connection = await store.Connections.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO ops_events ({string.Join(", ", StoreSchema.OpsEventColumns)}) VALUES ({string.Join(", ", StoreSchema.OpsEventColumns.Select((_, i) => "$p" + i))})";
        var parameters = StoreSchema.OpsEventColumns.Select((_, i) => insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
        foreach (var e in events)
        {
            var row = e.ToRow();
            for (var i = 0; i < row.Length; i++)
            {
                parameters[i].Value = row[i] ?? DBNull.Value;
            }

            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Creates a VibeSDK table (untyped columns, as an import does) with rows, registered in _vd_tables.</summary>
    public static async Task CreateTableAsync(TempStore store, string name, string[] columns, IEnumerable<object?[]> rows)
    {
        await store.Services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        await using var connection = await store.Connections.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = $"CREATE TABLE {name} ({string.Join(", ", columns)}); " +
                                 "INSERT INTO _vd_tables (name, columns_json, source_sql, imported_at) VALUES ($n, $c, NULL, 0)";
            create.Parameters.AddWithValue("$n", name);
            create.Parameters.AddWithValue("$c", System.Text.Json.JsonSerializer.Serialize(columns));
            await create.ExecuteNonQueryAsync();
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO {name} VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
        var parameters = columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                parameters[i].Value = row[i] ?? DBNull.Value;
            }

            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static int _ids;

    public static OpsEvent Event(long at, string type, string? tier = null, string? app = null, string? status = "ok", double? duration = null,
        double? cost = null, string? instance = null, string? source = null, string? attrs = null) => new()
    {
        Id = "t" + Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture),
        OccurredAt = at,
        EventType = type,
        PolicyTier = tier,
        AppId = app,
        Status = status,
        DurationMs = duration,
        CostUsd = cost,
        InstanceId = instance,
        Source = source,
        AttrsJson = attrs,
    };

    private const long Minute = 60_000;
    private const long Hour = 60 * Minute;
    private const long Day = 24 * Hour;

    /// <summary>
    /// The rows behind each cause of a wrong number found by an independent recomputation (issue 8): preview
    /// instances running across the read horizon or with a stop before their start, starts without a duration,
    /// failed deploys without status error, probes without a status, rows dated after now.
    /// </summary>
    private static IEnumerable<OpsEvent> EdgeCases(long nowMs, Random random, Func<string?> tier)
    {
        OpsEvent Sandbox(string instance, long at, bool start, string? t) =>
            Event(at, start ? "sandbox_started" : "sandbox_stopped", t, instance: instance, source: "sandbox");

        // Started before the 31-day read horizon and never stopped: running through every window.
        yield return Sandbox("before-horizon-running", nowMs - (40 * Day), true, "pro");
        // Started before the horizon, stopped inside the 30 days.
        yield return Sandbox("before-horizon-stopped", nowMs - (35 * Day), true, "free");
        yield return Sandbox("before-horizon-stopped", nowMs - (10 * Day) - (3 * Hour), false, "free");
        // Stopped before the horizon (not running there), started again 3 days ago and still running.
        yield return Sandbox("restarted", nowMs - (45 * Day), true, "pro");
        yield return Sandbox("restarted", nowMs - (40 * Day), false, "pro");
        yield return Sandbox("restarted", nowMs - (3 * Day) - (17 * Minute), true, "pro");
        // A reused (or pruned) id: its first stop comes before its first start; running since its start.
        yield return Sandbox("reused", nowMs - (20 * Day), false, "pro");
        yield return Sandbox("reused", nowMs - (5 * Day) - (7 * Minute), true, "pro");
        // Three stretches, the last still open.
        yield return Sandbox("three-stretches", nowMs - (10 * Day), true, "enterprise");
        yield return Sandbox("three-stretches", nowMs - (9 * Day), false, "enterprise");
        yield return Sandbox("three-stretches", nowMs - (2 * Hour) - (30 * Minute), true, "enterprise");
        yield return Sandbox("three-stretches", nowMs - (1 * Hour) - (10 * Minute), false, "enterprise");
        yield return Sandbox("three-stretches", nowMs - (25 * Minute) - 500, true, "enterprise");
        // A second start while running changes nothing but the tier of the stretch it begins.
        yield return Sandbox("double-start", nowMs - (6 * Hour), true, "pro");
        yield return Sandbox("double-start", nowMs - (4 * Hour), true, "free");
        yield return Sandbox("double-start", nowMs - (3 * Hour), false, "pro");
        // A start and a stop at the same ms: a start comes first, so it ran for 0 ms and is stopped.
        yield return Sandbox("same-ms", nowMs - (7 * Hour), false, "pro");
        yield return Sandbox("same-ms", nowMs - (7 * Hour), true, "pro");
        // Running now: its stop is dated two minutes ahead.
        yield return Sandbox("stops-soon", nowMs - (2 * Hour), true, "pro");
        yield return Sandbox("stops-soon", nowMs + (2 * Minute), false, "pro");
        for (var c = 0; c < 6; c++)
        {
            yield return Event(nowMs - (c * 5 * Hour) - (11 * Minute), c % 2 == 0 ? "sandbox_crashed" : "sandbox_restarted", "pro", instance: "before-horizon-running", status: "error");
        }

        for (var i = 0; i < 60; i++)
        {
            var at = nowMs - (long)(random.NextDouble() * 30 * Day);
            // A successful start without a duration: no latency sample.
            yield return Event(at, "deployment_completed", tier(), "nodur" + i);
            // A failed deploy whose status is not 'error': still a failed start.
            yield return Event(at + 1_000, "deployment_failed", tier(), "failok" + i, status: i % 2 == 0 ? "ok" : null, duration: 900);
            // A probe without a status is not up.
            yield return Event(at + 2_000, "probe", tier(), status: null, duration: 10);
        }

        // Dated after now (the import keeps up to Ingestion:MaxFutureSkew, 5 min): in the current minute, the current
        // hour, and one a month ahead. None counts yet, in sums, percentiles or the newest event.
        foreach (var ahead in (long[])[10_000, 2 * Minute, (4 * Minute) + 59_000, 30 * Day])
        {
            var at = nowMs + ahead;
            yield return Event(at, "probe", "pro", status: "error", duration: 10);
            yield return Event(at, "d1_query", "pro", duration: 90_000);
            yield return Event(at, "deployment_completed", "pro", "future-app", duration: 95_000);
            yield return Event(at, "llm_call", "pro", status: "error", cost: 50);
            yield return Event(at, "generation_started", "pro", "future-app" + ahead, source: "agent");
            yield return Event(at, "code_fix_edits", "pro", "app1");
            yield return Event(at, "sandbox_started", "pro", instance: "future" + ahead, source: "sandbox");
            yield return Event(at, "runtime_usage", "pro", duration: 60_000, cost: 40);
        }
    }

    /// <summary>
    /// A deterministic month of platform telemetry ending at <paramref name="nowMs"/>: every event type the
    /// metrics read, in four tiers and untiered, with VibeSDK's auth_attempts, apps and d1_migrations.
    /// </summary>
    public static async Task SeedMonthAsync(TempStore store, long nowMs, int seed = 7)
    {
        var random = new Random(seed);
        string?[] tiers = ["free", "pro", "enterprise", "internal", null];
        var span = 30L * 24 * 3_600_000 + 2 * 3_600_000; // a little older than 30 days: the edges must cut
        long At() => nowMs - (long)(random.NextDouble() * span);
        string? Tier() => tiers[random.Next(tiers.Length)];
        double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var events = new List<OpsEvent>();

        for (var a = 0; a < 600; a++)
        {
            var app = "app" + a;
            var tier = Tier();
            var start = At();
            events.Add(Event(start, "generation_started", tier, app, source: "agent"));
            var r = random.NextDouble();
            events.Add(r < 0.8 ? Event(start + 60_000, "generation_complete", tier, app, source: "agent")
                : r < 0.9 ? Event(start + 60_000, "generation_complete", tier, app, "error", source: "agent")
                : Event(start + 30_000, "error", tier, app, "error", source: "agent"));
            for (var f = random.Next(6); f > 0; f--)
            {
                events.Add(Event(start + random.Next(1, 3_000_000), random.Next(3) switch { 0 => "runtime_error_found", 1 => "code_fix_edits", _ => "deterministic_code_fix_started" }, tier, app));
            }

            if (random.NextDouble() < 0.85)
            {
                var deploy = start + (long)LogNormal(300_000, 0.8);
                events.Add(Event(deploy, random.NextDouble() < 0.7 ? "deployment_completed" : "cloudflare_deployment_completed", tier, app, duration: Math.Round(LogNormal(4000, 0.7), 2)));
                if (random.NextDouble() < 0.3)
                {
                    events.Add(Event(deploy + 5_000, "deployment_completed", tier, app, duration: Math.Round(LogNormal(4000, 0.7), 2)));
                }
            }
            else
            {
                events.Add(Event(start + 200_000, "deployment_failed", tier, app, "error", duration: 800));
            }
        }

        events.Add(Event(At(), "error", "pro", null, "error", source: "agent")); // no app: not a failed generation
        events.Add(Event(At(), "error", "pro", "app1", "error", source: "api")); // not the agent

        for (var i = 0; i < 400; i++)
        {
            var tier = Tier();
            var instance = "inst" + i;
            var start = At();
            events.Add(Event(start, "sandbox_started", tier, instance: instance, source: "sandbox"));
            if (random.NextDouble() < 0.9)
            {
                events.Add(Event(Math.Min(nowMs, start + (long)LogNormal(3_600_000, 1)), "sandbox_stopped", tier, instance: instance));
            }

            for (var c = random.Next(3); c > 0; c--)
            {
                events.Add(Event(Math.Min(nowMs, start + random.Next(1, 3_600_000)), random.Next(2) == 0 ? "sandbox_crashed" : "sandbox_restarted", tier, instance: instance, status: "error"));
            }
        }

        for (var i = 0; i < 8000; i++)
        {
            events.Add(Event(At(), "probe", Tier(), status: random.NextDouble() < 0.01 ? "error" : "ok", duration: 10));
            events.Add(Event(At(), "d1_query", Tier(), duration: Math.Round(LogNormal(3, 1.2), 3)));
        }

        for (var i = 0; i < 4000; i++)
        {
            events.Add(Event(At(), "llm_call", Tier(), status: random.NextDouble() < 0.03 ? "error" : "ok", cost: Math.Round(random.NextDouble() * 0.1, 5)));
        }

        for (var i = 0; i < 1500; i++)
        {
            events.Add(Event(At(), "runtime_usage", Tier(), duration: 60_000, cost: Math.Round(random.NextDouble() * 0.002, 6)));
        }

        for (var i = 0; i < 80; i++)
        {
            var applied = random.NextDouble() < 0.85;
            events.Add(Event(At(), applied ? "migration_applied" : "migration_failed", Tier(), status: applied ? "ok" : "error",
                attrs: $"{{\"migration\":\"{random.Next(12):0000}_m.sql\"}}"));
        }

        for (var i = 0; i < 500; i++)
        {
            events.Add(Event(At(), "artifact_stored", Tier(), attrs: $"{{\"bytes\":{random.Next(1, 5_000_000)}}}"));
            events.Add(Event(At(), "rate_limit_exceeded", Tier(), status: "error", attrs: $"{{\"limiter\":\"{(random.Next(3) switch { 0 => "auth", 1 => "llm", _ => "app_creation" })}\"}}"));
        }

        events.Add(Event(At(), "artifact_stored", "pro", attrs: "{not json")); // malformed attrs: counted, no bytes
        events.AddRange(EdgeCases(nowMs, random, Tier));

        // Shuffled: the store's seq order is not time order (late events, several sources).
        await InsertEventsAsync(store, events.OrderBy(_ => random.Next()));

        var attempts = Enumerable.Range(1, 3000).Select(i => new object?[]
        {
            i, "user" + random.Next(400), "login", random.NextDouble() < 0.15 ? 0 : 1, "10.0.0." + random.Next(20), At(),
        }).Append([3001, "user1", "login", 0, "10.0.0.1", nowMs + 90_000]); // not yet: counts only once its time has come
        await CreateTableAsync(store, "auth_attempts", ["id", "identifier", "attempt_type", "success", "ip_address", "attempted_at"], attempts.ToList());
        await CreateTableAsync(store, "apps", ["id", "created_at"], Enumerable.Range(0, 700).Select(i => new object?[] { "app" + i, At() }).Append(["app-future", nowMs + 60_000]).ToList());
        await CreateTableAsync(store, "d1_migrations", ["id", "name", "applied_at"], Enumerable.Range(0, 8).Select(i => new object?[] { i, $"{i:0000}_m.sql", "2026-01-01 00:00:00" }).ToList());
    }
}
