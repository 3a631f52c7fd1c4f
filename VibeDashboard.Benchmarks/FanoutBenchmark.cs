using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Hosting;
using VibeDashboard.Hubs;
using VibeDashboard.Storage;
using static VibeDashboard.Benchmarks.AggregationBench;

namespace VibeDashboard.Benchmarks;

/// <summary>
/// N SignalR subscribers on loopback Kestrel at one snapshot a second: delivery latency (received − generatedAt)
/// and messages lost (versions the server published that a client never got). Goal at 1,000: p99 ≤ tick + 100 ms.
/// </summary>
public sealed class FanoutBenchmark : IBenchmark
{
    public string Name => "fanout";

    public string Description => "SignalR fan-out to 100 and 1,000 subscribers at 1 Hz (--clients N, --seconds S)";

    public async Task<int> RunAsync(string[] args)
    {
        long[] counts = Option(args, "--clients") is { } c ? [c] : [100, 1000];
        var seconds = (int)(Option(args, "--seconds") ?? 20);
        Console.WriteLine($"{"clients",8} {"snapshots",10} {"p50",10} {"p99",10} {"lost",6}  goal p99 ≤ 1000 + 100 ms (tick + 100 ms), nothing lost");
        foreach (var clients in counts)
        {
            await RunOnceAsync((int)clients, seconds);
        }

        return 0;
    }

    private static async Task RunOnceAsync(int clients, int seconds)
    {
        var path = TempStorePath();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(Settings(path));
        var services = builder.Services;
        VibeDashboardHosting.AddOptions<StorageOptions>(services, builder.Configuration, StorageOptions.Section);
        VibeDashboardHosting.AddOptions<IngestionOptions>(services, builder.Configuration, IngestionOptions.Section);
        VibeDashboardHosting.AddOptions<DemoOptions>(services, builder.Configuration, DemoOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddVibeDashboardStore();
        services.AddSignalR();
        services.AddVibeDashboardAggregation(builder.Configuration);
        await using var app = builder.Build();
        app.MapVibeDashboardAggregation();
        await app.Services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var published = new ConcurrentDictionary<long, byte>();
        var latencies = new ConcurrentBag<double>();
        var received = new ConcurrentDictionary<(int, long), byte>();
        var connections = new List<HubConnection>();
        for (var i = 0; i < clients; i++)
        {
            var id = i;
            var connection = new HubConnectionBuilder().WithUrl(url + MetricsHub.Path).Build();
            connection.On<Snapshot>(nameof(IMetricsClient.Snapshot), s =>
            {
                latencies.Add((DateTimeOffset.UtcNow - s.GeneratedAt).TotalMilliseconds);
                received[(id, s.Version)] = 0;
            });
            await connection.StartAsync();
            connections.Add(connection);
        }

        // Measure from here: every client is connected; each second a few events make a new snapshot.
        latencies.Clear();
        var feed = app.Services.GetRequiredService<IMetricsFeed>();
        var firstVersion = feed.Current.Version + 1;
        var connectionsFactory = app.Services.GetRequiredService<SqliteConnectionFactory>();
        for (var s = 0; s < seconds; s++)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await InsertAsync(connectionsFactory, 10, now - 500, now, s, $"f{s}_");
            await Task.Delay(1000);
            published[feed.Current.Version] = 0;
        }

        var lastVersion = feed.Current.Version;
        await Task.Delay(2000); // let the last one arrive
        long lost = 0;
        for (var v = firstVersion; v <= lastVersion; v++)
        {
            for (var i = 0; i < clients; i++)
            {
                if (!received.ContainsKey((i, v)))
                {
                    lost++;
                }
            }
        }

        var sorted = latencies.Order().ToList();
        Console.WriteLine($"{clients,8} {lastVersion - firstVersion + 1,10} {Ms(Percentile(sorted, 50)),10} {Ms(Percentile(sorted, 99)),10} {lost,6}  ({sorted.Count:N0} deliveries)");
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        await app.StopAsync();
        Cleanup(path);
    }
}
