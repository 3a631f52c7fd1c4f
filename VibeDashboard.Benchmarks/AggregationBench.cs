using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Hosting;
using VibeDashboard.Storage;

namespace VibeDashboard.Benchmarks;

/// <summary>Shared by the aggregation benchmarks: a temporary store, a synthetic month of events, the services.</summary>
internal static class AggregationBench
{
    public static string TempStorePath() =>
        Path.Combine(Path.GetTempPath(), "vd-bench", Guid.NewGuid().ToString("N"), "store.db");

    public static Dictionary<string, string?> Settings(string storePath) => new()
    {
        ["Storage:Path"] = storePath,
        ["Demo:Enabled"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public static ServiceProvider Services(string storePath)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(storePath)).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddVibeDashboardStore(configuration);
        services.AddSignalR();
        services.AddVibeDashboardAggregation(configuration);
        return services.BuildServiceProvider();
    }

    private static readonly string[] Tiers = ["free", "pro", "enterprise", "internal"];

    /// <summary>Inserts <paramref name="count"/> events spread over [fromMs, toMs) with the mix of a busy platform.</summary>
    public static async Task InsertAsync(SqliteConnectionFactory connections, long count, long fromMs, long toMs, int seed, string idPrefix)
    {
        var random = new Random(seed);
        await using var connection = await connections.OpenAsync();
        const int batch = 200_000;
        for (long done = 0; done < count; done += batch)
        {
            await using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO ops_events (id, occurred_at, source, event_type, app_id, instance_id, policy_tier, status, duration_ms, cost_usd, attrs_json) " +
                                 "VALUES ($id, $at, $source, $type, $app, $instance, $tier, $status, $duration, $cost, $attrs)";
            var p = new[] { "$id", "$at", "$source", "$type", "$app", "$instance", "$tier", "$status", "$duration", "$cost", "$attrs" }
                .Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
            for (var i = done; i < Math.Min(count, done + batch); i++)
            {
                var at = fromMs + (long)(random.NextDouble() * (toMs - fromMs));
                var r = random.Next(100);
                var app = "app" + random.Next((int)Math.Max(1, count / 50));
                (string type, string source, double? duration, double? cost, string? attrs) e = r switch
                {
                    < 30 => ("probe", "probe", 12, null, null),
                    < 55 => ("d1_query", "d1", Math.Exp(random.NextDouble() * 5), null, null),
                    < 75 => ("llm_call", "ai_gateway", 800 + random.Next(4000), random.NextDouble() * 0.05, null),
                    < 80 => ("deployment_completed", "sandbox", 2000 + random.Next(9000), null, null),
                    < 84 => ("generation_started", "agent", null, null, null),
                    < 88 => ("generation_complete", "agent", null, null, null),
                    < 91 => ("code_fix_edits", "agent", null, null, null),
                    < 93 => ("sandbox_started", "sandbox", null, null, null),
                    < 95 => ("sandbox_stopped", "sandbox", null, null, null),
                    < 97 => ("runtime_usage", "sandbox", 60_000, random.NextDouble() * 0.002, null),
                    < 98 => ("artifact_stored", "api", null, null, "{\"bytes\":" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture) + "}"),
                    _ => ("rate_limit_exceeded", "ratelimit", null, null, "{\"limiter\":\"llm\"}"),
                };
                object?[] values =
                [
                    idPrefix + i.ToString(CultureInfo.InvariantCulture), at, e.source, e.type, app, "inst" + app, Tiers[random.Next(Tiers.Length)],
                    random.Next(100) == 0 ? "error" : "ok", e.duration, e.cost, e.attrs,
                ];
                for (var k = 0; k < values.Length; k++)
                {
                    p[k].Value = values[k] ?? DBNull.Value;
                }

                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }

    public static string Ms(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Clamp(Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static async Task<double> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalMilliseconds;
    }

    public static long? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], CultureInfo.InvariantCulture) : null;
    }

    public static void Cleanup(string storePath)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path.GetDirectoryName(storePath)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
