using System.Globalization;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;

namespace VibeDashboard.Hosting;

/// <summary>
/// One-shot commands for cron jobs and scripts, sharing the store wiring with the web host:
/// <c>import &lt;file&gt; [--store &lt;path&gt;]</c> and <c>stats [--store &lt;path&gt;]</c>.
/// Exit codes: 0 done, 1 import failed (I/O, store), 2 export rejected, 64 usage.
/// </summary>
public static class DashboardCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Rejected = 2;
    public const int Usage = 64;

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "import" or "stats";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var command = args[0];
        var rest = new List<string>();
        string? store = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--store")
            {
                if (i + 1 >= args.Length)
                {
                    return UsageError(stderr, "--store needs a path");
                }

                store = args[++i];
            }
            else if (args[i].StartsWith("--store=", StringComparison.Ordinal))
            {
                store = args[i]["--store=".Length..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        // Configuration as for the server (appsettings, environment, --Section:Key=value); --store wins.
        var positional = rest.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var switches = rest.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(switches)
            .AddInMemoryCollection(store is null ? [] : [new($"{StorageOptions.Section}:Path", store)])
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")).SetMinimumLevel(LogLevel.Error));
        services.AddVibeDashboardStore(configuration);
        await using var provider = services.BuildServiceProvider();

        try
        {
            _ = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            return UsageError(stderr, e.Message);
        }

        return command switch
        {
            "import" when positional.Count == 1 => await ImportAsync(provider, positional[0], stdout, stderr, cancellationToken),
            "import" => UsageError(stderr, "usage: import <file> [--store <path>]"),
            "stats" when positional.Count == 0 => await StatsAsync(provider, stdout, cancellationToken),
            _ => UsageError(stderr, "usage: stats [--store <path>]"),
        };
    }

    private static async Task<int> ImportAsync(IServiceProvider provider, string file, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            await stderr.WriteLineAsync($"error: {file}: no such file");
            return Failed;
        }

        var result = await provider.GetRequiredService<Importer>().ImportFileAsync(file, cancellationToken);
        if (!result.Succeeded)
        {
            var record = result.Record;
            var kind = record.Outcome == nameof(ImportOutcome.Rejected) ? "rejected" : "failed";
            await stderr.WriteLineAsync($"{kind}: {file}: {record.Error}");
            await stderr.WriteLineAsync("the store is unchanged");
            return record.Outcome == nameof(ImportOutcome.Rejected) ? Rejected : Failed;
        }

        foreach (var table in result.Tables)
        {
            await stdout.WriteLineAsync($"{table.Table}: {table.Rows.ToString(CultureInfo.InvariantCulture)} rows");
        }

        var seconds = (result.Record.DurationMs / 1000d).ToString("0.00", CultureInfo.InvariantCulture);
        await stdout.WriteLineAsync($"imported {result.Record.TotalRows.ToString(CultureInfo.InvariantCulture)} rows in {seconds} s");
        return Ok;
    }

    private static async Task<int> StatsAsync(IServiceProvider provider, TextWriter stdout, CancellationToken cancellationToken)
    {
        foreach (var table in await provider.GetRequiredService<StoreRepository>().CountRowsAsync(cancellationToken))
        {
            await stdout.WriteLineAsync($"{table.Table}: {table.Rows.ToString(CultureInfo.InvariantCulture)} rows");
        }

        return Ok;
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        return Usage;
    }
}
