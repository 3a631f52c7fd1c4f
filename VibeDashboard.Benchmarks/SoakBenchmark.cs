using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using VibeDashboard.Hosting;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Benchmarks;

/// <summary>
/// <c>soak</c>: the war-room wall open in headless Chromium for <c>--minutes</c> (30) while the demo appends events at
/// <c>--multiplier</c> (20) times its own rate (<c>Demo:RateMultiplier</c>). Every minute it samples the page's JS heap
/// and node count (CDP, after a forced GC: what is retained, not what awaits collection), the elements in the
/// document, the DOM mutations since the last sample (the page is still updating), the server's managed heap (after a
/// full GC) and the server process's RSS (the app runs in a child process of its own; Chromium in another). It prints every sample, then
/// start (the first sample after <c>--warmup</c> minutes), end and growth against the goal (≤ 5 %), and whether the
/// wall still updated in the last minute. The periodic reload (<c>Wall:ReloadEvery</c>) is off for the run: the soak
/// measures one page's life, which the reload exists to bound.
/// </summary>
public sealed class SoakBenchmark : IBenchmark
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const double GoalGrowth = 0.05;
    private const string ServerMode = "--server-process";

    public string Name => "soak";

    public string Description => "the wall in headless Chromium under 20× demo traffic: JS heap, DOM nodes, managed heap, RSS per minute [--minutes 30] [--multiplier 20] [--warmup N] [--screenshot wall.png]";

    public async Task<int> RunAsync(string[] args)
    {
        if (args is [ServerMode, ..])
        {
            return await ServeAsync(args[1..]);
        }

        var minutes = IntOption(args, "--minutes", 30);
        var multiplier = IntOption(args, "--multiplier", 20);
        // V8 warms up for a few minutes (compiled code, feedback): half the run, at most 5 min, is not counted.
        var warmup = IntOption(args, "--warmup", Math.Clamp(minutes / 2, 1, 5));
        if (minutes < 2 || warmup >= minutes)
        {
            Console.Error.WriteLine("soak: --minutes must be at least 2 and more than --warmup");
            return 64;
        }

        var directory = Path.Combine(Path.GetTempPath(), "vd-bench-soak", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var storePath = Path.Combine(directory, "store.db");

        // The dashboard runs in a child process (this program, hidden "--server-process" mode) with the GC the app
        // ships with (server GC): its RSS is then the server's alone, not mixed with this process's Playwright client,
        // and it does not compete with the sampling for the thread pool. It answers "sample" with its managed heap.
        var serverStart = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            serverStart.ArgumentList.Add(typeof(SoakBenchmark).Assembly.Location); // run as "dotnet X.dll", not through the apphost
        }

        foreach (var arg in new[] { "soak", ServerMode, storePath, multiplier.ToString(CultureInfo.InvariantCulture) })
        {
            serverStart.ArgumentList.Add(arg);
        }

        serverStart.Environment["DOTNET_gcServer"] = ServerGc() ? "1" : "0";
        using var server = Process.Start(serverStart)!;
        var ready = (await server.StandardOutput.ReadLineAsync())?.Split(' ');
        if (ready is not ["ready", var baseUrl, var token])
        {
            Console.Error.WriteLine("soak: the dashboard failed to start: " + string.Join(' ', ready ?? ["(no output)"]));
            return 1;
        }

        // Signed in once with a viewer token, as a wall screen is.
        var signIn = $"{baseUrl}/login?t={token}&returnUrl=%2Fwall";
        Console.WriteLine($"soak benchmark · host {baseUrl} (pid {server.Id}, {(ServerGc() ? "server" : "workstation")} GC, as the app ships) · {minutes} min (warm-up {warmup} min) · demo at {multiplier}× · Chromium {ChromiumPath} · {Environment.ProcessorCount} cores");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(120_000);
        var loads = 0;
        page.Load += (_, _) => Interlocked.Increment(ref loads);
        await page.GotoAsync(signIn);
        await page.Locator(".vd-root[data-interactive=true] [data-testid=wall]").WaitForAsync();
        var loadsAtStart = loads;
        if (StringOption(args, "--screenshot") is { } shot)
        {
            await Task.Delay(3000);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
        }

        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Performance.enable");
        await page.EvaluateAsync("""
            () => {
              window.__vdMutations = 0;
              new MutationObserver(list => { window.__vdMutations += list.length; })
                .observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
            }
            """);

        var samples = new List<Sample>();
        var started = Stopwatch.StartNew();
        Console.WriteLine();
        Console.WriteLine($"{"min",4} {"JS heap KB",11} {"nodes",7} {"in doc",7} {"detached",9} {"rows",5} {"mutations",10} {"managed MB",11} {"GC commit",10} {"RSS MB",8} {"anon MB",8} {"events/min",11} {"updated",16}");
        for (var minute = 0; minute <= minutes; minute++)
        {
            var due = TimeSpan.FromMinutes(minute);
            if (started.Elapsed < due)
            {
                await Task.Delay(due - started.Elapsed);
            }

            var sample = await SampleAsync(page, cdp, server, storePath, minute);
            samples.Add(sample);
            Console.WriteLine($"{minute,4} {sample.JsHeap / 1024d,11:#,0} {sample.Nodes,7:#,0} {sample.Elements,7:#,0} {sample.Detached,9:#,0} {sample.Shown,5} {sample.Mutations,10:#,0} {Mb(sample.Managed),11} {Mb(sample.Committed),10} {Mb(sample.Rss),8} {Mb(sample.Anonymous),8} {sample.EventsLastMinute,11:#,0} {sample.Updated,16}");
        }

        var start = samples.First(s => s.Minute >= warmup);
        var end = samples[^1];
        Console.WriteLine();
        Console.WriteLine($"{"after " + warmup + " min warm-up → end",-34} {"start",12} {"end",12} {"growth",9} {"goal",8}");
        var met = true;
        met &= Row("page JS heap (KB, after GC)", start.JsHeap / 1024d, end.JsHeap / 1024d);
        // Nodes in the document follow what the wall shows (an incident opening adds a row); nodes outside it are
        // what a leak would keep (detached trees still referenced), so they carry the goal.
        Row("page nodes in the document", start.Elements, end.Elements, judged: false);
        Console.WriteLine($"{"    (incident rows and gates shown",-34} {start.Shown,12} {end.Shown,12})");
        met &= Row("page nodes outside the document", start.Detached, end.Detached);
        met &= Row("server managed heap (MB, after GC)", start.Managed / 1048576d, end.Managed / 1048576d);
        met &= Row("server process RSS (MB)", start.Rss / 1048576d, end.Rss / 1048576d);
        // Where RSS goes: anonymous memory (managed and native heaps) and, of that, what the GC holds committed.
        Row("  of it anonymous (MB)", start.Anonymous / 1048576d, end.Anonymous / 1048576d, judged: false, note: "(info)");
        Row("  GC committed (MB)", start.Committed / 1048576d, end.Committed / 1048576d, judged: false, note: "(info)");

        // Still live: the last minute saw DOM updates, and the wall's "updated N s ago" moves and stays recent.
        var before = await page.Locator("[data-testid=wall-updated]").TextContentAsync();
        var stillUpdating = end.Mutations > 0 && await UpdatesAgainAsync(page, before);
        var normalRate = samples.Skip(1).Average(s => (double)s.OriginalsLastMinute);
        var rate = samples.Skip(1).Average(s => (double)s.EventsLastMinute);
        Console.WriteLine();
        Console.WriteLine($"demo events appended: {rate:#,0}/min on average, {rate / Math.Max(1, normalRate):0.0}× the demo's own {normalRate:#,0}/min");
        Console.WriteLine($"page reloads during the run: {loads - loadsAtStart} (expected 0: the periodic reload is off for the soak)");
        Console.WriteLine($"page still updating at the end: {(stillUpdating ? "yes" : "NO")} (\"{end.Updated}\", {end.Mutations:#,0} DOM mutations in the last minute)");
        Console.WriteLine($"goal ≤ {GoalGrowth:P0} growth after warm-up: {(met ? "met" : "MISSED")}");

        await context.CloseAsync();
        await server.StandardInput.WriteLineAsync("stop");
        await server.WaitForExitAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return met && stillUpdating ? 0 : 1;
    }

    /// <summary>The child process: the dashboard on a 7-day demo at <paramref name="args"/>' multiplier, until "stop".</summary>
    private static async Task<int> ServeAsync(string[] args)
    {
        var (storePath, multiplier) = (args[0], args[1]);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(VibeDashboardHosting).Assembly.GetName().Name,
            EnvironmentName = Environments.Development, // serves package static assets from the build output
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is the protocol
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Path"] = storePath,
            ["Demo:Days"] = "7",
            ["Demo:RateMultiplier"] = multiplier,
            ["Wall:ReloadEvery"] = "7.00:00:00",
        });
        builder.AddVibeDashboard();
        await using var app = builder.Build();
        app.MapVibeDashboard();
        await app.StartAsync();
        // The demo store builds in the background once the server listens: the wall opens on the built demo.
        await app.Services.GetRequiredService<VibeDashboard.Ingestion.Demo.DemoBuild>().WhenSettledAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        var created = await app.Services.GetRequiredService<ICommandPipeline>()
            .SendAsync(new CreateTokenCommand("soak-benchmark", DashboardRole.Viewer), Actor.System("benchmark"));
        Console.WriteLine($"ready {baseUrl} {created.Value!.Token}");
        while (await Console.In.ReadLineAsync() is { } line && line != "stop")
        {
            if (line == "sample")
            {
                var heap = GC.GetTotalMemory(forceFullCollection: true);
                Console.WriteLine(FormattableString.Invariant($"{heap} {GC.GetGCMemoryInfo().TotalCommittedBytes}"));
            }
        }

        await app.StopAsync();
        return 0;
    }

    // The GC the dashboard ships with (its runtimeconfig), so the child measures what a deployment runs.
    private static bool ServerGc()
    {
        var config = Path.Combine(AppContext.BaseDirectory, "VibeDashboard.runtimeconfig.json");
        return !File.Exists(config) || !File.ReadAllText(config).Contains("\"System.GC.Server\": false", StringComparison.Ordinal);
    }

    private static async Task<Sample> SampleAsync(IPage page, ICDPSession cdp, Process server, string storePath, int minute)
    {
        await cdp.SendAsync("HeapProfiler.collectGarbage");
        var metrics = (await cdp.SendAsync("Performance.getMetrics"))!.Value.GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
        var page_ = await page.EvaluateAsync<JsonElement>("""
            () => {
              const m = window.__vdMutations ?? 0; window.__vdMutations = 0;
              let inDocument = 0;
              const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
              while (walker.nextNode()) inDocument++;
              return { elements: inDocument + 1, mutations: m, shown: document.querySelectorAll('[data-testid^=wall-incident-][data-overdue], [data-testid=wall-rollout-gate]').length,
                       updated: document.querySelector('[data-testid=wall-updated]')?.textContent ?? '' };
            }
            """);
        await server.StandardInput.WriteLineAsync("sample");
        var heap = (await server.StandardOutput.ReadLineAsync())!.Split(' ');
        var (managed, committed) = (long.Parse(heap[0], CultureInfo.InvariantCulture), long.Parse(heap[1], CultureInfo.InvariantCulture));
        server.Refresh();
        var (events, originals) = await EventsLastMinuteAsync(storePath);
        return new Sample(
            minute,
            (long)metrics.GetValueOrDefault("JSHeapUsedSize"),
            (long)metrics.GetValueOrDefault("Nodes"),
            page_.GetProperty("elements").GetInt64(),
            page_.GetProperty("shown").GetInt32(),
            page_.GetProperty("mutations").GetInt64(),
            managed,
            server.WorkingSet64,
            committed,
            NativeRss(server.Id),
            events,
            originals,
            page_.GetProperty("updated").GetString() ?? "");
    }

    // The store's own count of what the demo appended in the last minute, and how many of those were its own events.
    // Anonymous resident memory (the heaps, native and managed) as opposed to mapped files (code, libraries).
    private static long NativeRss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<(long All, long Originals)> EventsLastMinuteAsync(string storePath)
    {
        await using var connection = new SqliteConnection($"Data Source={storePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(id NOT LIKE '%-x%'), 0) FROM ops_events WHERE occurred_at >= $since AND occurred_at < $until";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        command.Parameters.AddWithValue("$since", now - 61_000);
        command.Parameters.AddWithValue("$until", now - 1_000);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<bool> UpdatesAgainAsync(IPage page, string? before)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "before => { const t = document.querySelector('[data-testid=wall-updated]')?.textContent ?? ''; return t !== before && /updated [0-5] s ago/.test(t); }",
                before,
                new PageWaitForFunctionOptions { Timeout = 15_000, PollingInterval = 250 });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>One figure's start, end and growth; <paramref name="slack"/> absolute units forgiven (a handful of nodes is no trend).</summary>
    private static bool Row(string what, double start, double end, bool judged = true, double slack = 0, string note = "(content)")
    {
        var growth = start == 0 ? 0 : (end - start) / start;
        var met = !judged || growth <= GoalGrowth || end - start <= slack;
        var verdict = !judged ? note : met ? "met" : "MISSED";
        Console.WriteLine($"{"  " + what,-34} {start,12:#,0.0} {end,12:#,0.0} {growth,9:+0.0 %;-0.0 %} {verdict,8}");
        return met;
    }

    private static string Mb(long bytes) => (bytes / 1048576d).ToString("0.0", CultureInfo.InvariantCulture);

    private static int IntOption(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private static string? StringOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed record Sample(int Minute, long JsHeap, long Nodes, long Elements, int Shown, long Mutations, long Managed, long Rss, long Committed, long Anonymous, long EventsLastMinute, long OriginalsLastMinute, string Updated)
    {
        /// <summary>Nodes the renderer holds that are not in the document (detached, or another document's).</summary>
        public long Detached => Math.Max(0, Nodes - Elements);
    }
}
