using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace VibeDashboard.Benchmarks;

/// <summary>
/// <c>startup</c>: starts the built app in its own process (<c>dotnet VibeDashboard.dll</c>, as deployed) on a fresh
/// store with demo data, and prints the time from the process start until <c>/healthz</c> answers, until the
/// overview is served, until <c>/readyz</c> says ready and until the snapshot holds the demo's numbers.
/// Goal (issue 13): the server answers within 2 s in every case. Baseline: the demo store was built before Kestrel
/// listened, 4–7 s in which <c>/healthz</c> did not answer; <c>--baseline DLL</c> runs an older build side by side.
/// </summary>
public sealed class StartupBenchmark : IBenchmark
{
    private const double GoalSeconds = 2.0;
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(3);
    // Until the server answers, a refused connection costs nothing; after, each poll is work for the app under test
    // (four requests, the readiness ones with SQL), so the later milestones are polled more gently.
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan PollEveryWhileServing = TimeSpan.FromMilliseconds(100);

    public string Name => "startup";

    public string Description => "time to /healthz, the overview, /readyz and the first numbers on a fresh demo store [--runs N] [--days D] [--app DLL] [--baseline DLL]";

    public async Task<int> RunAsync(string[] args)
    {
        var runs = int.Parse(Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        var days = Option(args, "--days") ?? "30";
        var app = Option(args, "--app") ?? BuiltApp();
        var baseline = Option(args, "--baseline");
        if (!File.Exists(app))
        {
            Console.Error.WriteLine($"no built app at {app}: build it (dotnet build -c Release VibeDashboard) or pass --app");
            return 1;
        }

        Console.WriteLine($"startup benchmark · {app} · demo {days} days on a fresh store · {runs} runs · {Environment.ProcessorCount} cores");
        var current = new List<Milestones>();
        var before = new List<Milestones>();
        for (var i = 0; i < runs; i++)
        {
            // Alternating, so that a noisy neighbour hurts both sides alike.
            current.Add(await RunOnceAsync(app, days));
            Console.WriteLine($"  run {i + 1}: {current[^1]}");
            if (baseline is not null)
            {
                before.Add(await RunOnceAsync(baseline, days));
                Console.WriteLine($"  run {i + 1} (baseline): {before[^1]}");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"seconds from process start (median of " + runs + ")",-44} {"this build",12} {"baseline",12} {"goal",10}");
        Row("/healthz answers (Kestrel listens)", current, before, m => m.Healthz, "4–7 s", $"≤ {GoalSeconds:0} s", goal: true);
        Row("overview page served (GET /)", current, before, m => m.Overview, "4–7 s", "");
        Row("/readyz ready (demo built, first snapshot)", current, before, m => m.Ready, "", "");
        Row("snapshot holds the demo's numbers", current, before, m => m.Numbers, "", "");
        Console.WriteLine($"  while building, /readyz said: {current.Select(m => m.ReasonWhileBuilding).FirstOrDefault(r => r is not null) ?? "(it was ready at the first answer)"}");
        return 0;
    }

    private static void Row(string label, List<Milestones> current, List<Milestones> before, Func<Milestones, double?> pick, string issueBaseline, string goalText, bool goal = false)
    {
        var now = Median(current.Select(pick));
        var then = before.Count > 0 ? Median(before.Select(pick)) : null;
        var verdict = goal && now is { } n ? (n <= GoalSeconds ? "met" : "MISSED") : "";
        Console.WriteLine($"  {label,-42} {S(now),12} {(then is null ? issueBaseline : S(then)),12} {goalText,10} {verdict}");
    }

    private static async Task<Milestones> RunOnceAsync(string app, string days)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vd-bench-startup", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", [app])
        {
            WorkingDirectory = Path.GetDirectoryName(app)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__Path"] = Path.Combine(directory, "store.db");
        start.Environment["Demo__Enabled"] = "true";
        start.Environment["Demo__Days"] = days;
        // No sign-in: the benchmark reads the overview and the snapshot as anyone would on an unsecured install.
        start.Environment["Auth__Mode"] = "Unsecured";
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromSeconds(1) })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(5),
        };
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => Collect(output, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        double? healthz = null, overview = null, ready = null, numbers = null;
        string? reason = null;
        try
        {
            while (numbers is null || ready is null || overview is null)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the app exited ({process.ExitCode}): {string.Join(Environment.NewLine, output.TakeLast(20))}");
                }

                if (watch.Elapsed > GiveUpAfter)
                {
                    throw new TimeoutException($"not ready after {GiveUpAfter.TotalSeconds:0} s: {string.Join(Environment.NewLine, output.TakeLast(20))}");
                }

                if (healthz is null && await StatusAsync(http, "/healthz") == HttpStatusCode.OK)
                {
                    healthz = watch.Elapsed.TotalSeconds;
                }

                if (healthz is not null && overview is null && await StatusAsync(http, "/") == HttpStatusCode.OK)
                {
                    overview = watch.Elapsed.TotalSeconds;
                }

                if (healthz is not null && ready is null)
                {
                    var (status, body) = await JsonAsync(http, "/readyz");
                    if (status == HttpStatusCode.OK)
                    {
                        ready = watch.Elapsed.TotalSeconds;
                    }
                    else if (body?.RootElement.TryGetProperty("checks", out var checks) == true && checks.TryGetProperty("demoBuild", out var build))
                    {
                        reason = build.GetProperty("reason").GetString();
                    }
                }

                if (healthz is not null && numbers is null && await HasDemoNumbersAsync(http))
                {
                    numbers = watch.Elapsed.TotalSeconds;
                }

                await Task.Delay(healthz is null ? PollEvery : PollEveryWhileServing);
            }
        }
        finally
        {
            // The process this run started, by its handle.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return new Milestones(healthz, overview, ready, numbers, reason);
    }

    private static void Collect(List<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Add(line);
        }
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // not listening yet
        }
    }

    private static async Task<(HttpStatusCode? Status, JsonDocument? Body)> JsonAsync(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.StartsWith('{') ? JsonDocument.Parse(text) : null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, null);
        }
    }

    /// <summary>What the overview draws: a published snapshot of the demo with SLO results.</summary>
    private static async Task<bool> HasDemoNumbersAsync(HttpClient http)
    {
        var (status, body) = await JsonAsync(http, "/api/snapshot");
        if (status != HttpStatusCode.OK || body is null)
        {
            return false;
        }

        var root = body.RootElement;
        return root.GetProperty("version").GetInt64() > 0 && root.GetProperty("demo").GetBoolean()
            && root.GetProperty("slos").EnumerateArray().Any(s => s.GetProperty("total").GetInt64() > 0);
    }

    /// <summary>The app's own Release build beside this solution (what <c>dotnet run -c Release</c> of this project built).</summary>
    private static string BuiltApp()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "VibeDashboard.sln")))
        {
            directory = directory.Parent;
        }

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        return Path.Combine(directory?.FullName ?? ".", "VibeDashboard", "bin", configuration, "net10.0", "VibeDashboard.dll");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.Where(v => v is not null).Select(v => v!.Value).Order().ToList();
        return sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string S(double? seconds) => seconds is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "—";

    private sealed record Milestones(double? Healthz, double? Overview, double? Ready, double? Numbers, string? ReasonWhileBuilding)
    {
        public override string ToString() =>
            $"healthz {S(Healthz)} · overview {S(Overview)} · readyz {S(Ready)} · numbers {S(Numbers)}";
    }
}
