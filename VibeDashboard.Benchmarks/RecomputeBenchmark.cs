using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Storage;
using static VibeDashboard.Benchmarks.AggregationBench;

namespace VibeDashboard.Benchmarks;

/// <summary>
/// Full recompute over 30 days of ops_events next to hand-written SQL in the sqlite3 CLI computing the same
/// per-window, per-tier counts and latency percentiles. Goal: aggregator ≤ 0.3 × SQL.
/// </summary>
public sealed class RecomputeBenchmark : IBenchmark
{
    public string Name => "recompute";

    public string Description => "full recompute of 30 days (1 M and 5 M events; --events N) vs sqlite3 CLI SQL";

    // Per window (minute- or hour-aligned, as the aggregator's) and tier: counts by event type and status, and
    // p50/p95/p99 of preview startup and D1 latency by nearest rank. Windows are computed on the fly from now.
    private const string BaselineSql = """
        CREATE TEMP TABLE w AS SELECT * FROM (VALUES ('5m', 5, 60000), ('30m', 30, 60000), ('1h', 60, 60000), ('2h', 120, 60000),
            ('6h', 360, 60000), ('1d', 1440, 60000), ('3d', 72, 3600000), ('30d', 720, 3600000));
        CREATE TEMP TABLE win AS SELECT column1 AS name, ((CAST(strftime('%s','now') AS INTEGER) * 1000 / column3) - column2 + 1) * column3 AS start FROM w;
        SELECT win.name, e.policy_tier, e.event_type, SUM(e.status = 'error'), COUNT(*), SUM(e.cost_usd)
        FROM win JOIN ops_events e ON e.occurred_at >= win.start
        GROUP BY win.name, e.policy_tier, e.event_type;
        WITH s AS (
            SELECT win.name AS w, e.policy_tier AS tier, e.event_type AS t, e.duration_ms AS d,
                   ROW_NUMBER() OVER (PARTITION BY win.name, e.policy_tier, e.event_type ORDER BY e.duration_ms) AS rn,
                   COUNT(*) OVER (PARTITION BY win.name, e.policy_tier, e.event_type) AS n
            FROM win JOIN ops_events e ON e.occurred_at >= win.start
            WHERE e.event_type IN ('deployment_completed', 'd1_query') AND e.duration_ms IS NOT NULL)
        SELECT w, tier, t, MAX(n),
               MIN(CASE WHEN rn >= 0.50 * n THEN d END), MIN(CASE WHEN rn >= 0.95 * n THEN d END), MIN(CASE WHEN rn >= 0.99 * n THEN d END)
        FROM s GROUP BY w, tier, t;
        """;

    public async Task<int> RunAsync(string[] args)
    {
        long[] sizes = Option(args, "--events") is { } n ? [n] : [1_000_000, 5_000_000];
        Console.WriteLine("sqlite3 SQL baseline: per window (aligned as the aggregator's) and policy_tier, counts, error counts and cost sums");
        Console.WriteLine("by event type, and nearest-rank p50/p95/p99 of deployment_completed and d1_query duration_ms. It leaves out what");
        Console.WriteLine("the snapshot also has (all-tier rows, per-app and preview-hour metrics, SLOs), so it is a lower bound for the same output.");
        Console.WriteLine($"{"events",10} {"aggregator",14} {"sqlite3 SQL",14} {"ratio",7}  (goal ≤ 0.30; best of 3 and of 2; all runs in brackets)");
        foreach (var size in sizes)
        {
            // --store PATH keeps (and reuses) the generated store between runs while iterating.
            var kept = ImportBenchmark.StringOption(args, "--store");
            var path = string.IsNullOrEmpty(kept) ? TempStorePath() : kept;
            var reuse = File.Exists(path);
            await using (var services = Services(path))
            {
                await services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                if (!reuse)
                {
                    await InsertAsync(services.GetRequiredService<SqliteConnectionFactory>(), size, now - (30L * 24 * 3_600_000), now, 1, "b");
                }

                var aggregator = services.GetRequiredService<MetricsAggregator>();
                await aggregator.TickAsync(); // warm-up: JIT, page cache
                if (args.Contains("--breakdown"))
                {
                    await BreakdownAsync(services);
                }

                var runs = new List<double>();
                for (var i = 0; i < 3; i++)
                {
                    // A new import id forces the full recompute path, as after an import.
                    await services.GetRequiredService<ImportHistoryRepository>().AddAsync(new ImportRecord { Source = "bench", Outcome = "Succeeded" });
                    runs.Add(await TimeAsync(() => aggregator.TickAsync()));
                }

                var sql = new List<double>();
                for (var i = 0; i < (args.Contains("--no-sql") ? 0 : 2); i++)
                {
                    sql.Add(await TimeAsync(() => RunSqliteAsync(path)));
                }

                var ours = runs.Min();
                var theirs = sql.Count > 0 ? sql.Min() : double.NaN;
                Console.WriteLine($"{size,10:N0} {Ms(ours),14} {Ms(theirs),14} {ours / theirs,7:0.00}  [{string.Join(", ", runs.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}] vs [{string.Join(", ", sql.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}] ms");
            }

            if (string.IsNullOrEmpty(kept))
            {
                Cleanup(path);
            }
        }

        return 0;
    }

    /// <summary>Where a recompute's time goes: reading rows only, reading and folding, building the snapshot.</summary>
    private static async Task BreakdownAsync(ServiceProvider services)
    {
        var connections = services.GetRequiredService<SqliteConnectionFactory>();
        var slos = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<VibeDashboard.Configuration.SloOptions>>().Value.Effective;
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<VibeDashboard.Configuration.AggregationOptions>>().Value;
        for (var run = 0; run < 2; run++)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await using var connection = await connections.OpenAsync();
            var maxSeq = await AggregationReader.MaxSeqAsync(connection, null, default);
            var from = MetricsAggregator.HorizonStart(now);
            var read = await TimeAsync(() => Task.FromResult(AggregationReader.ReadEvents(connection, 0, maxSeq, from, _ => { }, default)));
            var engine = new MetricEngine(slos, now);
            var fold = await TimeAsync(() =>
            {
                engine.BeginBulk();
                AggregationReader.ReadEvents(connection, 0, maxSeq, from, engine.Fold, default);
                engine.EndBulk();
                return Task.CompletedTask;
            });
            var snapshot = await TimeAsync(() =>
            {
                engine.Metrics();
                for (var i = 0; i < slos.Count; i++)
                {
                    SloEvaluator.Evaluate(engine, i, options);
                }

                return Task.CompletedTask;
            });
            var rows = new List<EventRow>();
            AggregationReader.ReadEvents(connection, 0, maxSeq, from, rows.Add, default);
            var engine2 = new MetricEngine(slos, now);
            var foldOnly = await TimeAsync(() =>
            {
                engine2.BeginBulk();
                foreach (var row in rows)
                {
                    engine2.Fold(row);
                }

                engine2.EndBulk();
                return Task.CompletedTask;
            });
            Console.WriteLine($"  breakdown: read only {Ms(read)}, read + fold {Ms(fold)}, fold only {Ms(foldOnly)}, snapshot {Ms(snapshot)}");
        }
    }

    private static async Task RunSqliteAsync(string path)
    {
        var start = new ProcessStartInfo("sqlite3", [path]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(BaselineSql);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await output;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("sqlite3 failed: " + error);
        }
    }
}
