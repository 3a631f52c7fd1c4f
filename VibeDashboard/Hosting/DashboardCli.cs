using System.Globalization;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Imports;
using VibeDashboard.Storage;
using VibeDashboard.Utils;

namespace VibeDashboard.Hosting;

/// <summary>
/// One-shot commands for cron jobs and scripts, sharing the store wiring with the web host:
/// <c>import &lt;file&gt; [--store &lt;path&gt;] [--allow-shrink --reason &lt;text&gt;]</c>, <c>stats [--store &lt;path&gt;]</c>, <c>tokens …</c>
/// (<see cref="TokensCli"/>) and <c>audit verify</c> (<see cref="AuditCli"/>).
/// Exit codes: 0 done, 1 import failed (I/O, store), 2 export rejected, 64 usage.
/// </summary>
public static class DashboardCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Rejected = 2;
    public const int Usage = 64;


    private const string AllowShrinkSwitch = "--allow-shrink";
    private const string ReasonSwitch = "--reason";
    private const string ImportUsage = "import <file> [--store <path>] [--allow-shrink --reason <text>]";

    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "import" or "stats" or "tokens" or "audit";

    /// <summary>A first argument that is neither a command nor a switch (a typo such as <c>imprt</c>) must not start the server.</summary>
    public static bool IsUnknownCommand(string[] args) => args.Length > 0 && !IsCommand(args) && !args[0].StartsWith('-') && !args[0].Contains('=');

    public static int UnknownCommand(string[] args, TextWriter stderr) =>
        UsageError(stderr, $"unknown command {ConsoleText.Escape(args[0])}: the commands are {ImportUsage}, stats [--store <path>], {TokensCli.Usage} and {AuditCli.Usage}; no command runs the dashboard");

    /// <summary>
    /// Runs one command. Whatever happens it returns an exit code and writes one line per outcome, never a stack
    /// trace; everything it prints that came from an export or the file system goes through <see cref="ConsoleText"/>.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var command = args[0];
        var rest = new List<string>();
        // A command's own switches (tokens --name wall) are its arguments, not configuration keys.
        var own = new List<string>();
        var ownSwitches = command == "tokens" ? TokensCli.OwnSwitches : [];
        string? store = null;
        var allowShrink = false;
        string? reason = null;
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
            else if (args[i] == AllowShrinkSwitch)
            {
                allowShrink = true;
            }
            else if (command == "import" && args[i] == ReasonSwitch)
            {
                if (i + 1 >= args.Length)
                {
                    return UsageError(stderr, "--reason needs a text");
                }

                reason = args[++i];
            }
            else if (command == "import" && args[i].StartsWith(ReasonSwitch + "=", StringComparison.Ordinal))
            {
                reason = args[i][(ReasonSwitch.Length + 1)..];
            }
            else if (ownSwitches.Contains(args[i]))
            {
                if (i + 1 >= args.Length)
                {
                    return UsageError(stderr, $"{args[i]} needs a value");
                }

                own.Add(args[i]);
                own.Add(args[++i]);
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        // Configuration as for the server (appsettings, environment, --Section:Key=value); --store wins.
        var positional = rest.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var switches = rest.Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .AddCommandLine(switches)
                .AddInMemoryCollection(store is null ? [] : [new($"{StorageOptions.Section}:Path", store)])
                .Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            // A malformed switch or appsettings.json.
            return UsageError(stderr, ImportFailures.Describe(e));
        }

        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")).SetMinimumLevel(LogLevel.Error));
        services.AddVibeDashboardStore(configuration);
        services.AddVibeDashboardOperations(configuration);
        await using var provider = services.BuildServiceProvider();

        try
        {
            _ = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            _ = provider.GetRequiredService<IOptions<IngestionOptions>>().Value;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException or FormatException)
        {
            return UsageError(stderr, ImportFailures.Describe(e));
        }

        return command switch
        {
            "import" when positional.Count == 1 && reason is not null && !allowShrink => UsageError(stderr, "--reason goes with --allow-shrink: an ordinary import needs none"),
            "import" when positional.Count == 1 => await ImportAsync(provider, positional[0], allowShrink ? reason ?? "" : null, stdout, stderr, cancellationToken),
            "import" => UsageError(stderr, $"usage: {ImportUsage}"),
            "stats" when positional.Count == 0 => await StatsAsync(provider, stdout, stderr, cancellationToken),
            "tokens" => await TokensCli.RunAsync(provider, [.. positional, .. own], stdout, stderr, cancellationToken),
            "audit" => await AuditCli.RunAsync(provider, positional, stdout, stderr, cancellationToken),
            _ => UsageError(stderr, "usage: stats [--store <path>]"),
        };
    }

    /// <summary>
    /// Imports one export; with <paramref name="forceReason"/> (<c>--allow-shrink --reason</c>) as the audited command
    /// <c>import.allow_shrink</c>, run as the command line's system actor, since switching the shrink guard off is
    /// a forced action like "Apply anyway".
    /// </summary>
    private static async Task<int> ImportAsync(IServiceProvider provider, string file, string? forceReason, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var shownFile = ConsoleText.Escape(file);
        if (!File.Exists(file))
        {
            await stderr.WriteLineAsync($"failed: {shownFile}: no such file");
            return Failed;
        }

        // Importing the store into itself would write the dashboard's tables into the user's file before anything
        // could reject it.
        var storePath = provider.GetRequiredService<IOptions<StorageOptions>>().Value.Path;
        if (string.Equals(Path.GetFullPath(file), Path.GetFullPath(storePath), StringComparison.Ordinal))
        {
            return UsageError(stderr, $"{shownFile} is the store itself (--store / Storage:Path): import an export into a different store");
        }

        ImportResult result;
        try
        {
            if (forceReason is null)
            {
                result = await provider.GetRequiredService<Importer>().ImportFileAsync(file, cancellationToken);
            }
            else
            {
                var forced = await provider.GetRequiredService<ICommandPipeline>().SendAsync(new ForceImportCommand(file, forceReason), TokensCli.CliActor(), cancellationToken);
                if (forced.Value is not { } forcedResult)
                {
                    // Refused before importing (no reason, a reason too long): nothing was read.
                    return UsageError(stderr, forced.Error ?? "the forced import was refused");
                }

                result = forcedResult;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The importer records its own failures; what escapes it is the store itself failing (cannot be opened,
            // created or written): record it if the store still takes a row, and say so when it does not.
            var time = provider.GetRequiredService<TimeProvider>();
            var notRecorded = await ImportFailures.TryRecordAsync(provider.GetRequiredService<ImportHistoryRepository>(), time, file, e, cancellationToken);
            var reason = ImportFailures.Describe(e);
            var line = notRecorded is null
                ? $"failed: {shownFile}: {ConsoleText.Escape(reason)}"
                : notRecorded == reason
                    ? $"failed: {shownFile}: {ConsoleText.Escape(reason)}; not recorded in the import history either"
                    : $"failed: {shownFile}: {ConsoleText.Escape(reason)}; not recorded in the import history ({ConsoleText.Escape(notRecorded)})";
            await stderr.WriteLineAsync(line);
            return Failed;
        }

        if (!result.Succeeded)
        {
            var record = result.Record;
            var (kind, exit, hint) = record.Outcome switch
            {
                nameof(ImportOutcome.Rejected) => ("rejected", Rejected, ""),
                // An import that would empty or halve a VibeSDK table (issue 8 item 5): the operator decides.
                nameof(ImportOutcome.Held) => ("held", Rejected, ""), // the reason says how to apply it
                _ => ("failed", Failed, ""),
            };
            await stderr.WriteLineAsync($"{kind}: {shownFile}: {ConsoleText.Escape(record.Error)}{hint}; the store is unchanged");
            return exit;
        }

        foreach (var table in result.Tables)
        {
            await stdout.WriteLineAsync($"{ConsoleText.Escape(table.Table)}: {table.Rows.ToString(CultureInfo.InvariantCulture)} rows");
        }

        var seconds = (result.Record.DurationMs / 1000d).ToString("0.00", CultureInfo.InvariantCulture);
        var quarantined = result.Record.QuarantinedRows;
        var imported = (result.Record.TotalRows - quarantined).ToString(CultureInfo.InvariantCulture);
        await stdout.WriteLineAsync(quarantined == 0
            ? $"imported {imported} rows in {seconds} s"
            : $"imported {imported} rows in {seconds} s; {quarantined.ToString(CultureInfo.InvariantCulture)} ops_events rows quarantined (they break the contract: see the Imports page)");
        return Ok;
    }

    private static async Task<int> StatsAsync(IServiceProvider provider, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        IReadOnlyList<TableCount> tables;
        try
        {
            tables = await provider.GetRequiredService<StoreRepository>().CountRowsAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"failed: {ConsoleText.Escape(ImportFailures.Describe(e))}");
            return Failed;
        }

        foreach (var table in tables)
        {
            await stdout.WriteLineAsync($"{ConsoleText.Escape(table.Table)}: {table.Rows.ToString(CultureInfo.InvariantCulture)} rows");
        }

        return Ok;
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine(ConsoleText.Escape(message));
        return Usage;
    }
}
