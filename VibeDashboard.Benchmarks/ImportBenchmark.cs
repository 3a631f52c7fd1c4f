using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VibeDashboard.Configuration;
using VibeDashboard.Hosting;
using VibeDashboard.Ingestion;

namespace VibeDashboard.Benchmarks;

/// <summary>
/// Issue 2's goal: importing a wrangler-format dump of 1,000,000 ops_events at ≥ 1.5× the rate of the
/// sqlite3 CLI reading the same file (<c>sqlite3 new.db "BEGIN;" ".read dump.sql" "COMMIT;"</c>).
/// Options: <c>--rows N</c> (default 1,000,000), <c>--runs N</c> (default 3, best of), <c>--keep DIR</c>.
/// </summary>
public sealed class ImportBenchmark : IBenchmark
{
    public string Name => "import";

    public string Description => "import rate of a 1M-row ops_events dump vs the sqlite3 CLI on the same file";

    public async Task<int> RunAsync(string[] args)
    {
        var rows = IntOption(args, "--rows", 1_000_000);
        var runs = IntOption(args, "--runs", 3);
        var phase = StringOption(args, "--phase");
        var dir = Path.Combine(Path.GetTempPath(), "vd-bench-import-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            var dump = Path.Combine(dir, "dump.sql");
            var sw = Stopwatch.StartNew();
            WriteDump(dump, rows);
            Console.WriteLine($"generated {rows:N0}-row ops_events dump in wrangler's format: {new FileInfo(dump).Length / 1048576d:F0} MB in {sw.Elapsed.TotalSeconds:F1} s");

            if (phase is "parse")
            {
                ParseOnly(dump);
                return 0;
            }

            if (phase is "db")
            {
                await WriteOnlyAsync(dump, Path.Combine(dir, "db-only.db"));
                return 0;
            }

            var cli = new List<double>();
            var ours = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                cli.Add(await TimeCliAsync(dump, Path.Combine(dir, $"cli-{run}.db")));
                ours.Add(await TimeImportAsync(dump, Path.Combine(dir, $"store-{run}.db")));
                Console.WriteLine($"run {run}: sqlite3 CLI {cli[^1]:F2} s, VibeDashboard import {ours[^1]:F2} s");
            }

            var cliRate = rows / cli.Min();
            var ourRate = rows / ours.Min();
            Console.WriteLine();
            Console.WriteLine($"{"",-26}{"best time",12}{"rows/s",14}");
            Console.WriteLine($"{"sqlite3 CLI (.read)",-26}{cli.Min(),10:F2} s{cliRate,14:N0}");
            Console.WriteLine($"{"VibeDashboard import",-26}{ours.Min(),10:F2} s{ourRate,14:N0}");
            Console.WriteLine($"ratio (import rate / CLI rate): {ourRate / cliRate:F2}x   goal: >= 1.50x");
            return 0;
        }
        finally
        {
            if (StringOption(args, "--keep") is null)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>The ops_events table as VibeSDK operators create it in D1, and rows shaped like real telemetry.</summary>
    internal static void WriteDump(string path, int rows)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("PRAGMA defer_foreign_keys=TRUE;\n");
        writer.Write("CREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER NOT NULL, source TEXT, event_type TEXT NOT NULL, app_id TEXT, user_id TEXT, instance_id TEXT, policy_tier TEXT, status TEXT, duration_ms REAL, cost_usd REAL, tokens_in INTEGER, tokens_out INTEGER, provider TEXT, model TEXT, error_code TEXT, message TEXT, attrs_json TEXT);\n");
        var random = new Random(7);
        var start = 1_793_000_000_000L;
        string[] tiers = ["free", "pro", "enterprise", "internal"];
        for (var i = 0; i < rows; i++)
        {
            var at = start + i * 2_592L; // 30 days of events
            var id = Guid.CreateVersion7(DateTimeOffset.FromUnixTimeMilliseconds(at)).ToString();
            var app = "app_" + random.Next(5000).ToString("x4", CultureInfo.InvariantCulture);
            var tier = tiers[random.Next(tiers.Length)];
            var ok = random.Next(100) < 98 ? "ok" : "error";
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"INSERT INTO \"ops_events\" VALUES('{id}',{at},"));
            switch (i % 4)
            {
                case 0:
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $"'d1','d1_query','{app}',NULL,NULL,'{tier}','{ok}',{random.NextDouble() * 40:F3},NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);\n"));
                    break;
                case 1:
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $"'ai_gateway','llm_call','{app}','usr_{random.Next(900)}',NULL,'{tier}','{ok}',{random.Next(200, 9000)},{random.NextDouble() / 100:G6},{random.Next(100, 9000)},{random.Next(50, 4000)},'anthropic','claude-sonnet-4',NULL,NULL,'{{\"route\":\"primary\"}}');\n"));
                    break;
                case 2:
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $"'probe','probe',NULL,NULL,NULL,NULL,'{ok}',{random.Next(20, 400)},NULL,NULL,NULL,NULL,NULL,NULL,NULL,'{{\"target\":\"api\"}}');\n"));
                    break;
                default:
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $"'sandbox','deployment_completed','{app}','usr_{random.Next(900)}','inst_{random.Next(99999)}','{tier}','{ok}',{random.Next(900, 12000)},NULL,NULL,NULL,NULL,NULL,NULL,replace('preview\\nready','\\n',char(10)),NULL);\n"));
                    break;
            }
        }
    }

    private static async Task<double> TimeCliAsync(string dump, string db)
    {
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("sqlite3", [db, "BEGIN;", $".read {dump}", "COMMIT;"]) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("sqlite3 failed: " + error);
        }

        return sw.Elapsed.TotalSeconds;
    }

    private static async Task<double> TimeImportAsync(string dump, string store)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Path"] = store }).Build();
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddVibeDashboardStore(configuration);
        await using var provider = services.BuildServiceProvider();
        // Streaming means flat memory: sample the managed heap while the import runs.
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
                await Task.Delay(20);
            }
        });
        var sw = Stopwatch.StartNew();
        var result = await provider.GetRequiredService<Importer>().ImportFileAsync(dump);
        var seconds = sw.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        Console.WriteLine($"  import: peak managed heap above baseline {peak / 1048576d:F0} MB for a {new FileInfo(dump).Length / 1048576d:F0} MB dump");
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("import failed: " + result.Record.Error);
        }

        return seconds;
    }

    private static void ParseOnly(string dump)
    {
        var sw = Stopwatch.StartNew();
        // The importer's own decoding (strict UTF-8 through SqlDumpReader.OpenText) and limits.
        using var text = SqlDumpReader.OpenText(File.OpenRead(dump));
        var n = 0;
        foreach (var statement in new SqlDumpReader(text, 1 << 24).ReadAll())
        {
            n++;
        }

        Console.WriteLine($"tokenize only: {n:N0} statements in {sw.Elapsed.TotalSeconds:F2} s");
        sw.Restart();
        using var text2 = SqlDumpReader.OpenText(File.OpenRead(dump));
        foreach (var statement in new SqlDumpReader(text2, 1 << 24).ReadAll())
        {
            StatementParser.Parse(statement, ExportLimits.Default);
        }

        Console.WriteLine($"tokenize + parse: {sw.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>Diagnostics: the store side alone (statements parsed into memory first).</summary>
    private static async Task WriteOnlyAsync(string dump, string store)
    {
        using var text = new StreamReader(dump, Encoding.UTF8, true, 1 << 16);
        var statements = new SqlDumpReader(text, 1 << 24).ReadAll().Select(StatementParser.Parse).ToList();
        var options = Microsoft.Extensions.Options.Options.Create(new StorageOptions { Path = store });
        var factory = new VibeDashboard.Storage.SqliteConnectionFactory(options);
        await new VibeDashboard.Storage.StoreSchema(factory, TimeProvider.System).EnsureCreatedAsync();
        await using var connection = await factory.OpenAsync();
        if (Environment.GetEnvironmentVariable("VD_CACHE") is { } cache)
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA cache_size={cache}";
            pragma.ExecuteNonQuery();
        }

        var sw = Stopwatch.StartNew();
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var drop = connection.CreateCommand())
        {
            drop.Transaction = transaction;
            drop.CommandText = VibeDashboard.Storage.StoreSchema.DropOccurredAtIndexSql;
            drop.ExecuteNonQuery();
        }

        using (var writer = ImportWriter.Open(connection, transaction, 0))
        {
            foreach (var statement in statements)
            {
                writer.Apply(statement);
            }
        }

        Console.WriteLine($"inserts: {sw.Elapsed.TotalSeconds:F2} s");
        using (var index = connection.CreateCommand())
        {
            index.Transaction = transaction;
            index.CommandText = VibeDashboard.Storage.StoreSchema.OccurredAtIndexSql;
            index.ExecuteNonQuery();
        }

        Console.WriteLine($"+ index: {sw.Elapsed.TotalSeconds:F2} s");
        transaction.Commit();
        Console.WriteLine($"+ commit: {sw.Elapsed.TotalSeconds:F2} s");
    }

    internal static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static string? StringOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 ? (i + 1 < args.Length ? args[i + 1] : "") : null;
    }
}
