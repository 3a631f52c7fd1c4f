using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Storage;
using static VibeDashboard.Benchmarks.AggregationBench;

namespace VibeDashboard.Benchmarks;

/// <summary>One incremental tick at steady state: 100 new events since the last tick (read, fold, publish). Goal ≤ 5 ms.</summary>
public sealed class TickBenchmark : IBenchmark
{
    public string Name => "tick";

    public string Description => "one incremental tick with 100 new events over a 30-day store (--events N, default 1 M)";

    public async Task<int> RunAsync(string[] args)
    {
        var size = Option(args, "--events") ?? 1_000_000;
        var path = TempStorePath();
        await using (var services = Services(path))
        {
            await services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
            var connections = services.GetRequiredService<SqliteConnectionFactory>();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await InsertAsync(connections, size, now - (30L * 24 * 3_600_000), now, 1, "b");
            var aggregator = services.GetRequiredService<MetricsAggregator>();
            await aggregator.TickAsync();

            var count = (int)(Option(args, "--ticks") ?? 200);
            var ticks = new List<double>();
            var slow = new List<string>();
            long allocated = 0;
            for (var i = 0; i < count + 10; i++)
            {
                var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await InsertAsync(connections, 100, at - 1000, at, 100 + i, $"t{i}_");
                var gens = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
                var ms = await TimeAsync(() => aggregator.TickAsync());
                if (i >= 10)
                {
                    allocated += GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
                }

                ticks.Add(ms);
                if (i >= 10 && ms > 5)
                {
                    slow.Add($"{Ms(ms)} (gen0/1/2 collections during it: {GC.CollectionCount(0) - gens.Item1}/{GC.CollectionCount(1) - gens.Item2}/{GC.CollectionCount(2) - gens.Item3})");
                }
            }

            var steady = ticks.Skip(10).Order().ToList(); // the first ticks still JIT
            Console.WriteLine($"store {size:N0} events, 100 new events per tick, {steady.Count} ticks, recomputes {aggregator.Recomputes}, ~{allocated / steady.Count / 1024:N0} KB allocated per tick");
            if (slow.Count > 0)
            {
                Console.WriteLine($"ticks over 5 ms: {string.Join(", ", slow)}");
            }

            Console.WriteLine($"tick p50 {Ms(Percentile(steady, 50))}  p99 {Ms(Percentile(steady, 99))}  max {Ms(steady[^1])}  goal ≤ 5 ms  ratio p50/goal {Percentile(steady, 50) / 5:0.00}");
        }

        Cleanup(path);
        return 0;
    }
}
