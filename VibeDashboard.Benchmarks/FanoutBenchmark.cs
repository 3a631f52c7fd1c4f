using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
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
/// The hub's fan-out to N raw SignalR clients (JSON over WebSocket, the handshake by hand, every message parsed whole
/// into a JsonDocument: what a browser's client costs, where a typed client binding two fields would hide it). Two
/// servers, one after the other in the same run: the dashboard's hub with the clients on the <c>wall</c> topic and
/// 1 Hz of changes, and a minimal hub broadcasting a 2 KB message a second. For each: the arrival spread of one
/// message across the clients (last − first arrival), messages lost, bytes per message and per second. Goal:
/// p99 spread ≤ 1.2 × the minimal hub's, nothing lost. <c>--typed</c> runs the older measure instead (typed clients
/// on the <c>snapshot</c> topic, latency from generatedAt).
/// </summary>
public sealed class FanoutBenchmark : IBenchmark
{
    public string Name => "fanout";

    public string Description => "SignalR fan-out: 1,000 raw clients on the wall topic vs a minimal 2 KB hub (--clients N, --seconds S; --typed: typed clients on the whole snapshot)";

    private const string RawClientsMode = "--raw-clients-process";
    private const string TypedClientsMode = "--clients-process";
    private const double Goal = 1.2;
    private const int MinimalPayloadBytes = 2048;

    public async Task<int> RunAsync(string[] args)
    {
        switch (args)
        {
            case [RawClientsMode, var url, var n, var token, var topics]:
                return await RunRawClientsAsync(url, int.Parse(n, CultureInfo.InvariantCulture), token, topics);
            case [TypedClientsMode, var hubUrl, var n, var token]:
                return await RunTypedClientsAsync(hubUrl, int.Parse(n, CultureInfo.InvariantCulture), token);
        }

        var seconds = (int)(Option(args, "--seconds") ?? 20);
        if (args.Contains("--typed"))
        {
            long[] counts = Option(args, "--clients") is { } c ? [c] : [100, 1000];
            Console.WriteLine($"{"clients",8} {"snapshots",10} {"p50",10} {"p99",10} {"lost",6}  typed clients on the snapshot topic, latency = received − generatedAt");
            foreach (var clients in counts)
            {
                await RunTypedAsync((int)clients, seconds);
            }

            return 0;
        }

        var n1 = (int)(Option(args, "--clients") ?? 1000);
        Console.WriteLine($"{n1:N0} raw SignalR clients (JSON over WebSocket, each message parsed whole), {seconds} s each, clients in a child process");
        var minimal = await RunMinimalAsync(n1, seconds);
        var ours = await RunWallAsync(n1, seconds);
        Console.WriteLine($"{"server",-34} {"messages",8} {"p50 spread",11} {"p99 spread",11} {"lost",6} {"bytes/msg",10} {"per client/s",13} {"all clients/s",14}");
        Print("minimal hub, 2 KB a second", minimal);
        Print("dashboard hub, wall topic, 1 Hz", ours.Result);
        Console.WriteLine($"whole snapshot now: {ours.SnapshotBytes / 1024.0:0.0} KB of JSON (the snapshot topic, /api/snapshot); a wall change: {ours.Result.BytesPerMessage / 1024.0:0.00} KB");
        var ratio = ours.Result.P99 / minimal.P99;
        var met = ratio <= Goal && ours.Result.Lost == 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio p99(dashboard) / p99(minimal) = {ratio:0.00}×, goal ≤ {Goal:0.0}× and nothing lost: {(met ? "met" : "NOT met")}"));
        Console.WriteLine("baseline (main before issue 13, the whole snapshot ~77 KB a message): p50 2,194 ms, p99 9,203 ms, 3 of 16 messages not delivered to every client; minimal hub p50 16 ms, p99 59 ms, all delivered");
        return 0;
    }

    private static void Print(string name, Result r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-34} {r.Messages,8} {Ms(r.P50),11} {Ms(r.P99),11} {r.Lost,6} {r.BytesPerMessage,10:N0} {Bytes(r.BytesPerClientPerSecond),13} {Bytes(r.BytesPerClientPerSecond * r.Clients),14}"));

    private static string Bytes(double b) => b >= 1024 * 1024 ? $"{b / 1024 / 1024:0.00} MB" : $"{b / 1024:0.0} KB";

    private sealed record Result(int Clients, int Messages, double P50, double P99, long Lost, double BytesPerMessage, double BytesPerClientPerSecond);

    /// <summary>A hub with nothing but a broadcast: the floor SignalR itself sets for this many clients on this machine.</summary>
    private sealed class MinimalHub : Hub;

    private static async Task<Result> RunMinimalAsync(int clients, int seconds)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR();
        await using var app = builder.Build();
        app.MapHub<MinimalHub>("/hubs/minimal");
        await app.StartAsync();
        var url = Url(app) + "/hubs/minimal";
        var hub = app.Services.GetRequiredService<IHubContext<MinimalHub>>();
        var payload = new string('x', MinimalPayloadBytes - 60);
        var result = await MeasureAsync(url, clients, "-", "-", seconds, async () =>
        {
            for (var s = 1; s <= seconds; s++)
            {
                await hub.Clients.All.SendAsync("Changed", new { topic = "minimal", version = (long)s, previous = s - 1L, payload });
                await Task.Delay(1000);
            }

            return (1L, (long)seconds);
        });
        await app.StopAsync();
        return result;
    }

    private static async Task<(Result Result, long SnapshotBytes)> RunWallAsync(int clients, int seconds)
    {
        var path = TempStorePath();
        await using var app = await StartDashboardHubAsync(path);
        var book = app.Services.GetRequiredService<TopicBook>();
        var token = await ViewerTokenAsync(app);
        var connections = app.Services.GetRequiredService<SqliteConnectionFactory>();
        long WallVersion() => book.State([HubTopics.Wall])[0].Version;
        var result = await MeasureAsync(Url(app) + MetricsHub.Path, clients, token, HubTopics.Wall, seconds, async () =>
        {
            var first = WallVersion() + 1;
            // Each second a few events arrive: a new snapshot, and the wall's SLOs and freshness move.
            for (var s = 0; s < seconds; s++)
            {
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await InsertAsync(connections, 10, now - 500, now, s, $"f{s}_");
                await Task.Delay(1000);
            }

            return (first, WallVersion());
        });
        var snapshotBytes = JsonSerializer.SerializeToUtf8Bytes(app.Services.GetRequiredService<IMetricsFeed>().Current, JsonSerializerOptions.Web).Length;
        await app.StopAsync();
        Cleanup(path);
        return (result, snapshotBytes);
    }

    /// <summary>
    /// Starts the child process of raw clients against <paramref name="url"/>, runs <paramref name="send"/> once they
    /// are all connected (it returns the first and last message version it caused), then reads the child's figures.
    /// </summary>
    private static async Task<Result> MeasureAsync(string url, int clients, string token, string topics, int seconds, Func<Task<(long First, long Last)>> send)
    {
        using var child = StartChild(RawClientsMode, url, clients.ToString(CultureInfo.InvariantCulture), token, topics);
        var ready = await child.StandardOutput.ReadLineAsync();
        if (ready != "ready")
        {
            throw new InvalidOperationException("fan-out clients failed to start: " + ready);
        }

        var (first, last) = await send();
        await Task.Delay(3000); // let the last one arrive
        await child.StandardInput.WriteLineAsync("stop");
        child.StandardInput.Close();

        // The child reports "m <version> <clients that got it> <spread ms> <bytes>" per message.
        var spreads = new List<double>();
        var bytes = new List<double>();
        var got = new Dictionary<long, long>();
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Split(' ') is ["m", var v, var count, var spread, var size])
            {
                var version = long.Parse(v, CultureInfo.InvariantCulture);
                if (version >= first && version <= last)
                {
                    got[version] = long.Parse(count, CultureInfo.InvariantCulture);
                    spreads.Add(double.Parse(spread, CultureInfo.InvariantCulture));
                    bytes.Add(double.Parse(size, CultureInfo.InvariantCulture));
                }
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }

        await child.WaitForExitAsync();
        var messages = (int)(last - first + 1);
        var lost = Enumerable.Range(0, messages).Sum(i => clients - got.GetValueOrDefault(first + i));
        spreads.Sort();
        var perMessage = bytes.Count > 0 ? bytes.Average() : 0;
        return new Result(clients, messages, Percentile(spreads, 50), Percentile(spreads, 99), lost, perMessage, perMessage * messages / seconds);
    }

    /// <summary>
    /// The client side: N raw WebSocket connections doing the SignalR JSON handshake by hand, subscribing to
    /// <paramref name="topics"/> ("-": none, the minimal hub sends to all), and parsing every message whole. Arrival =
    /// the moment a message is parsed; the spread is measured here, on one clock.
    /// </summary>
    private static async Task<int> RunRawClientsAsync(string url, int clients, string token, string topics)
    {
        ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 8), Math.Max(64, Environment.ProcessorCount * 8));
        var stats = new ConcurrentDictionary<long, Arrivals>();
        var wsUrl = new Uri(url.Replace("http://", "ws://", StringComparison.Ordinal) + (token == "-" ? "" : "?access_token=" + Uri.EscapeDataString(token)));
        var sockets = new ClientWebSocket[clients];
        var ready = new TaskCompletionSource[clients];
        using var stop = new CancellationTokenSource();
        var loops = new Task[clients];
        await Parallel.ForAsync(0, clients, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var socket = sockets[i] = new ClientWebSocket();
            await socket.ConnectAsync(wsUrl, ct);
            await SendTextAsync(socket, """{"protocol":"json","version":1}""", ct);
            ready[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            loops[i] = ReceiveAsync(socket, stats, ready[i], stop.Token);
            if (topics == "-")
            {
                ready[i].TrySetResult();
            }
            else
            {
                await SendTextAsync(socket, $$"""{"type":1,"invocationId":"1","target":"Subscribe","arguments":[{{JsonSerializer.Serialize(topics.Split(','))}}]}""", ct);
            }

            await ready[i].Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        });

        // The server drops a client it has not heard from in 30 s: ping as SignalR clients do.
        var pinging = PingAsync(sockets, stop.Token);
        Console.WriteLine("ready");
        await Console.In.ReadLineAsync();
        await stop.CancelAsync();
        await pinging;
        await Task.WhenAll(loops);
        var output = new StringBuilder();
        var frequency = (double)Stopwatch.Frequency;
        foreach (var (version, a) in stats.OrderBy(p => p.Key))
        {
            output.Append(CultureInfo.InvariantCulture, $"m {version} {a.Count} {(a.Last - a.First) * 1000 / frequency:0.00} {a.Bytes}\n");
        }

        var closed = loops.Count(l => l.IsFaulted);
        if (closed > 0)
        {
            output.Append(CultureInfo.InvariantCulture, $"{closed} client receive loops failed\n");
        }

        Console.Write(output);
        foreach (var socket in sockets)
        {
            socket.Abort();
            socket.Dispose();
        }

        return 0;
    }

    private sealed class Arrivals
    {
        public long First = long.MaxValue;
        public long Last = long.MinValue;
        public int Count;
        public long Bytes;

        public void Add(long at, int bytes)
        {
            lock (this)
            {
                First = Math.Min(First, at);
                Last = Math.Max(Last, at);
                Count++;
                Bytes = bytes;
            }
        }
    }

    private static Task SendTextAsync(ClientWebSocket socket, string message, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + '\u001e'), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    private static async Task PingAsync(ClientWebSocket[] sockets, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                foreach (var socket in sockets)
                {
                    await SendTextAsync(socket, """{"type":6}""", cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Reads records (each ends with 0x1E; a frame may hold several, a record may span frames) and parses each whole.</summary>
    private static async Task ReceiveAsync(ClientWebSocket socket, ConcurrentDictionary<long, Arrivals> stats, TaskCompletionSource ready, CancellationToken cancellationToken)
    {
        var pending = new ArrayBufferWriter<byte>(64 * 1024);
        var frame = new byte[16 * 1024];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var read = await socket.ReceiveAsync(frame.AsMemory(), cancellationToken);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                pending.Write(frame.AsSpan(0, read.Count));
                var data = pending.WrittenMemory;
                var consumed = 0;
                int end;
                while ((end = data.Span[consumed..].IndexOf((byte)0x1e)) >= 0)
                {
                    Handle(data.Slice(consumed, end), stats, ready);
                    consumed += end + 1;
                }

                if (consumed > 0)
                {
                    var rest = data[consumed..].ToArray();
                    pending.Clear();
                    pending.Write(rest);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void Handle(ReadOnlyMemory<byte> record, ConcurrentDictionary<long, Arrivals> stats, TaskCompletionSource ready)
    {
        using var document = JsonDocument.Parse(record);
        var root = document.RootElement;
        if (!root.TryGetProperty("type", out var type))
        {
            return; // the handshake's answer, {}
        }

        switch (type.GetInt32())
        {
            case 1 when root.GetProperty("target").ValueEquals("Changed"):
                var version = root.GetProperty("arguments")[0].GetProperty("version").GetInt64();
                stats.GetOrAdd(version, _ => new Arrivals()).Add(Stopwatch.GetTimestamp(), record.Length + 1);
                break;
            case 3:
                ready.TrySetResult();
                break;
            case 7:
                ready.TrySetException(new InvalidOperationException("closed by the server: " + root.GetRawText()));
                break;
        }
    }

    /// <summary>
    /// The older measure: N typed hub connections on the <c>snapshot</c> topic; the handler binds the version and
    /// generation time only. Latency = receive time − generatedAt (same machine, same clock).
    /// </summary>
    private static async Task<int> RunTypedClientsAsync(string hubUrl, int clients, string token)
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

        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, ct) =>
        {
            await c.StartAsync(ct);
            await c.InvokeAsync<JsonElement>(nameof(MetricsHub.Subscribe), new[] { HubTopics.Snapshot }, ct);
        });
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

    private static async Task RunTypedAsync(int clients, int seconds)
    {
        var path = TempStorePath();
        await using var app = await StartDashboardHubAsync(path);
        var token = await ViewerTokenAsync(app);
        using var child = StartChild(TypedClientsMode, Url(app) + MetricsHub.Path, clients.ToString(CultureInfo.InvariantCulture), token);
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

    /// <summary>
    /// The dashboard's hub as in production (viewer tokens, the topic book and its broadcasters) on a store holding a
    /// day of a busy platform's events, so the snapshot and the wall carry every tier and metric.
    /// </summary>
    private static async Task<WebApplication> StartDashboardHubAsync(string path)
    {
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
        services.AddVibeDashboardAggregation(builder.Configuration);
        services.AddVibeDashboardOperations(builder.Configuration);
        services.AddVibeDashboardAccess(builder.Configuration);
        services.AddVibeDashboardIncidents(builder.Configuration);
        services.AddVibeDashboardRollouts(builder.Configuration);
        var app = builder.Build();
        app.UseVibeDashboardAccess();
        app.MapVibeDashboardAggregation();
        await app.Services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await InsertAsync(app.Services.GetRequiredService<SqliteConnectionFactory>(), 50_000, now - 86_400_000, now - 1000, 1, "day_");
        await app.StartAsync();
        return app;
    }

    private static async Task<string> ViewerTokenAsync(WebApplication app) =>
        (await app.Services.GetRequiredService<VibeDashboard.Operations.Commands.ICommandPipeline>().SendAsync(
            new VibeDashboard.Operations.Access.CreateTokenCommand("fanout", VibeDashboard.Operations.Access.DashboardRole.Viewer),
            VibeDashboard.Operations.Commands.Actor.System("benchmark"))).Value!.Token!;

    private static string Url(WebApplication app) => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>
    /// The clients run in a child process (this program, a hidden mode): in the server's process they would compete
    /// with it for the same two cores and thread pool, and measure that contention instead.
    /// </summary>
    private static Process StartChild(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FanoutBenchmark).Assembly.Location); // run as "dotnet X.dll", not through the apphost
        }

        start.ArgumentList.Add("fanout");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }
}
