using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
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

    private const string ClientsMode = "--clients-process";

    public async Task<int> RunAsync(string[] args)
    {
        if (args is [ClientsMode, var hubUrl, var n, var token])
        {
            return await RunClientsAsync(hubUrl, int.Parse(n, CultureInfo.InvariantCulture), token);
        }

        long[] counts = Option(args, "--clients") is { } c ? [c] : [100, 1000];
        var seconds = (int)(Option(args, "--seconds") ?? 20);
        Console.WriteLine($"{"clients",8} {"snapshots",10} {"p50",10} {"p99",10} {"lost",6}  goal p99 ≤ 1000 + 100 ms (tick + 100 ms), nothing lost");
        foreach (var clients in counts)
        {
            await RunOnceAsync((int)clients, seconds);
        }

        return 0;
    }

    /// <summary>
    /// The client side: N hub connections, each receiving every full snapshot message; the handler binds it to a
    /// minimal type (version and generation time only), as a wall display would bind only what it shows.
    /// Latency = receive time − generatedAt (same machine, same clock).
    /// </summary>
    private static async Task<int> RunClientsAsync(string hubUrl, int clients, string token)
    {
        ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 8), Math.Max(64, Environment.ProcessorCount * 8));
        var results = new ConcurrentQueue<string>();
        var connections = new List<HubConnection>();
        for (var i = 0; i < clients; i++)
        {
            var id = i;
            var connection = new HubConnectionBuilder().WithUrl(hubUrl, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();
            connection.On<SnapshotHeader>(nameof(IMetricsClient.Snapshot), s =>
                results.Enqueue(string.Create(CultureInfo.InvariantCulture, $"r {id} {s.Version} {(DateTimeOffset.UtcNow - s.GeneratedAt).TotalMilliseconds:0.0}")));
            connections.Add(connection);
        }

        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, ct) => await c.StartAsync(ct));
        Console.WriteLine("ready");
        await Console.In.ReadLineAsync();
        await Parallel.ForEachAsync(connections, async (c, _) => await c.DisposeAsync());
        var output = new StringBuilder();
        foreach (var line in results)
        {
            output.Append(line).Append('\n');
        }

        Console.Write(output);
        return 0;
    }

    private sealed record SnapshotHeader(long Version, DateTimeOffset GeneratedAt);

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
        // The hub needs a viewer, as in production: the clients send a token through the access-token factory.
        services.AddVibeDashboardOperations(builder.Configuration);
        services.AddVibeDashboardAccess(builder.Configuration);
        await using var app = builder.Build();
        app.UseVibeDashboardAccess();
        app.MapVibeDashboardAggregation();
        await app.Services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var token = (await app.Services.GetRequiredService<VibeDashboard.Operations.Commands.ICommandPipeline>().SendAsync(
            new VibeDashboard.Operations.Access.CreateTokenCommand("fanout", VibeDashboard.Operations.Access.DashboardRole.Viewer),
            VibeDashboard.Operations.Commands.Actor.System("benchmark"))).Value!.Token!;

        // The clients run in a child process (this program, hidden "--clients-process" mode): in the server's process
        // they would compete with it for the same two cores and thread pool, and measure that contention instead.
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FanoutBenchmark).Assembly.Location); // run as "dotnet X.dll", not through the apphost
        }

        foreach (var arg in new[] { "fanout", ClientsMode, url + MetricsHub.Path, clients.ToString(CultureInfo.InvariantCulture), token })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var ready = await child.StandardOutput.ReadLineAsync();
        if (ready != "ready")
        {
            throw new InvalidOperationException("fan-out clients failed to start: " + ready);
        }

        // Measure from here: every client is connected; each second a few events make a new snapshot.
        var feed = app.Services.GetRequiredService<IMetricsFeed>();
        var firstVersion = feed.Current.Version + 1;
        var connectionsFactory = app.Services.GetRequiredService<SqliteConnectionFactory>();
        for (var s = 0; s < seconds; s++)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await InsertAsync(connectionsFactory, 10, now - 500, now, s, $"f{s}_");
            await Task.Delay(1000);
        }

        var lastVersion = feed.Current.Version;
        await Task.Delay(2000); // let the last one arrive
        await child.StandardInput.WriteLineAsync("stop");
        child.StandardInput.Close();

        // The child reports "r <client> <version> <latency ms>" per snapshot received.
        var latencies = new List<double>();
        var received = new HashSet<(int, long)>();
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ');
            if (parts is ["r", var id, var version, var latency])
            {
                var v = long.Parse(version, CultureInfo.InvariantCulture);
                if (v >= firstVersion && v <= lastVersion && received.Add((int.Parse(id, CultureInfo.InvariantCulture), v)))
                {
                    latencies.Add(double.Parse(latency, CultureInfo.InvariantCulture));
                }
            }
        }

        await child.WaitForExitAsync();
        var expected = (lastVersion - firstVersion + 1) * clients;
        var lost = expected - received.Count;
        var sorted = latencies.Order().ToList();
        Console.WriteLine($"{clients,8} {lastVersion - firstVersion + 1,10} {Ms(Percentile(sorted, 50)),10} {Ms(Percentile(sorted, 99)),10} {lost,6}  ({sorted.Count:N0} deliveries, max {Ms(sorted.Count > 0 ? sorted[^1] : double.NaN)})");
        await app.StopAsync();
        Cleanup(path);
    }
}
