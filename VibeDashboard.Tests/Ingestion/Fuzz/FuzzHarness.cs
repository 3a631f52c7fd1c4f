using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Hosting;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Ingestion.Fuzz;

/// <summary>What one mutated export did, and which of the fuzz invariants it broke (none, ideally).</summary>
internal sealed record FuzzResult(MutatedExport Export, string Outcome, long Quarantined, string? Reason, IReadOnlyList<string> Violations, Exception? Crash)
{
    public const string Crashed = "Crashed";

    public bool Broken => Crash is not null || Violations.Count > 0;

    /// <summary>What went wrong with the numbers taken out: one line per distinct bug, however many inputs hit it.</summary>
    public IEnumerable<string> Signatures =>
        (Crash is not null ? [$"crash {Crash.GetType().Name} at {FirstOwnFrame(Crash)}"] : Array.Empty<string>())
        .Concat(Violations.Select(v => System.Text.RegularExpressions.Regex.Replace(Category(v), @"\d[\d,.]*", "N")))
        .Select(v => $"{Export.Kind}: {OneLine(v)}");

    public string Describe()
    {
        var what = Crash is not null
            ? $"crash {Crash.GetType().Name}: {OneLine(Crash.Message)} at {FirstOwnFrame(Crash)}"
            : string.Join("; ", Violations.Select(OneLine));
        return $"{Export.Reproduction} -> {Outcome}{(Reason is null ? "" : $" ({OneLine(Reason)})")}: {what}";
    }

    /// <summary>A violation without its particulars: "a bad export was … — ops_events.cost_usd of 1e999" keeps the column only.</summary>
    private static string Category(string violation)
    {
        var parts = violation.Split(" — ", 2);
        return parts.Length == 1 ? violation : parts[0] + " — " + parts[1].Split(" of ")[0];
    }

    private static string OneLine(string text)
    {
        var line = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    /// <summary>The innermost frame of the dashboard's own code: where a fix belongs.</summary>
    private static string FirstOwnFrame(Exception e)
    {
        var frames = (e.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return frames.FirstOrDefault(f => f.Contains("VibeDashboard.", StringComparison.Ordinal))?.Replace("at ", "", StringComparison.Ordinal) ?? frames.FirstOrDefault() ?? "?";
    }
}

/// <summary>The counts a fuzz run prints, overall and per mutation kind.</summary>
internal sealed class FuzzTally
{
    private readonly Lock _lock = new();

    public Counts Total { get; } = new();

    public SortedDictionary<MutationKind, Counts> PerKind { get; } = new();

    public List<FuzzResult> Broken { get; } = [];

    /// <summary>Each distinct failure (by signature, per mutation kind), how often it happened and its first reproduction.</summary>
    public SortedDictionary<string, (long Count, FuzzResult First)> Distinct { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts a result; true when it failed in a way not seen before.</summary>
    public bool Add(FuzzResult result, int keepBroken = 20)
    {
        var isNew = false;
        lock (_lock)
        {
            Total.Add(result);
            if (!PerKind.TryGetValue(result.Export.Kind, out var counts))
            {
                PerKind[result.Export.Kind] = counts = new Counts();
            }

            counts.Add(result);
            if (result.Broken && Broken.Count < keepBroken)
            {
                Broken.Add(result);
            }

            foreach (var signature in result.Signatures)
            {
                isNew |= !Distinct.ContainsKey(signature);
                Distinct[signature] = Distinct.TryGetValue(signature, out var seen) ? (seen.Count + 1, seen.First) : (1, result);
            }
        }

        return isNew;
    }

    public static string Header => $"{"",-22}{"tried",8}{"imported",10}{"quarant.",10}{"rejected",10}{"held",7}{"failed",8}{"crashed",9}{"broken",8}";

    public string Table()
    {
        var text = new StringBuilder().AppendLine(Header);
        foreach (var (kind, counts) in PerKind)
        {
            text.AppendLine(counts.Row(kind.ToString()));
        }

        return text.AppendLine(Total.Row("total")).ToString();
    }

    public string DistinctFailures()
    {
        var text = new StringBuilder();
        foreach (var (signature, (count, first)) in Distinct)
        {
            text.AppendLine($"{count,7}x {signature}").AppendLine($"          first: {first.Export.Reproduction}");
        }

        return text.ToString();
    }

    internal sealed class Counts
    {
        public long Tried { get; private set; }
        public long Imported { get; private set; }
        public long Quarantined { get; private set; }
        public long Rejected { get; private set; }
        public long Held { get; private set; }
        public long Failed { get; private set; }
        public long Crashed { get; private set; }

        /// <summary>Imports that broke an invariant other than crashing (store changed on rejection, tick threw, …).</summary>
        public long Broken { get; private set; }

        public void Add(FuzzResult r)
        {
            Tried++;
            switch (r.Outcome)
            {
                case nameof(ImportOutcome.Succeeded):
                    Imported++;
                    Quarantined += r.Quarantined > 0 ? 1 : 0;
                    break;
                case nameof(ImportOutcome.Rejected):
                    Rejected++;
                    break;
                case "Held":
                    Held++;
                    break;
                case nameof(ImportOutcome.Failed):
                    Failed++;
                    break;
                case FuzzResult.Crashed:
                    Crashed++;
                    break;
            }

            Broken += r.Violations.Count > 0 ? 1 : 0;
        }

        public string Row(string name) => $"{name,-22}{Tried,8}{Imported,10}{Quarantined,10}{Rejected,10}{Held,7}{Failed,8}{Crashed,9}{Broken,8}";
    }
}

/// <summary>
/// Imports mutated exports through the real <see cref="Importer"/> into a store that holds a baseline import of a
/// good export, and checks what a user would notice: nothing escapes the import (a crash), every import that is not
/// a success says why, a refused import leaves the store as it was, and afterwards an aggregator tick still succeeds,
/// the snapshot still serialises as <c>/api/snapshot</c> writes it (bounded in size) and the offender queries of the
/// Security page still run. The store is put back to the baseline (SQLite's backup API, cheap for a small store)
/// whenever an import changed it, so every iteration starts from the same state and reproduces alone.
/// </summary>
internal sealed class FuzzHarness : IAsyncDisposable
{
    /// <summary>Issue 8's bound on the snapshot, however odd the data.</summary>
    public const int MaxSnapshotBytes = 1024 * 1024;

    private static readonly string[] KnownOutcomes = [nameof(ImportOutcome.Succeeded), nameof(ImportOutcome.Rejected), "Held", nameof(ImportOutcome.Failed)];

    private readonly ServiceProvider _services;
    private readonly string _directory;
    private readonly string _exportPath;
    private readonly Importer _importer;
    private readonly MetricsAggregator _aggregator;
    private readonly SqliteConnectionFactory _connections;
    private readonly JsonSerializerOptions _json;
    private readonly SqliteConnection _template;
    private readonly long _now;
    private string _baseline = "";

    private FuzzHarness(DateTimeOffset now, IDictionary<string, string?>? settings)
    {
        _directory = Path.Combine(Path.GetTempPath(), "vd-fuzz", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        // The export alone in its folder: an import must not write anything beside it (no -wal/-shm of a SQLite input).
        Directory.CreateDirectory(Path.Combine(_directory, "input"));
        _exportPath = Path.Combine(_directory, "input", "export.sql");
        var values = new Dictionary<string, string?>
        {
            ["Storage:Path"] = Path.Combine(_directory, "store.db"),
            ["Demo:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.None));
        services.AddSingleton<TimeProvider>(new FixedTime(now));
        services.AddVibeDashboardStore(configuration);
        services.AddSignalR();
        services.AddVibeDashboardAggregation(configuration);
        _services = services.BuildServiceProvider();
        _importer = _services.GetRequiredService<Importer>();
        _aggregator = _services.GetRequiredService<MetricsAggregator>();
        _connections = _services.GetRequiredService<SqliteConnectionFactory>();
        // What Results.Json(feed.Current) in /api/snapshot uses: the app's HTTP JSON options, or their web defaults.
        _json = _services.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions
                ?? new Microsoft.AspNetCore.Http.Json.JsonOptions().SerializerOptions;
        _template = new SqliteConnection("Data Source=:memory:");
        _template.Open();
        _now = now.ToUnixTimeMilliseconds();
    }

    /// <summary>A store holding <paramref name="baselineExport"/>, with its aggregator ticked once.</summary>
    public static async Task<FuzzHarness> CreateAsync(string baselineExport, DateTimeOffset now, IDictionary<string, string?>? settings = null)
    {
        var harness = new FuzzHarness(now, settings);
        var result = await harness._importer.ImportFileAsync(baselineExport);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"the baseline {baselineExport} did not import: {result.Record.Error}");
        }

        await harness._aggregator.TickAsync();
        await using (var store = await harness._connections.OpenAsync())
        {
            store.BackupDatabase(harness._template);
        }

        harness._baseline = await harness.FingerprintAsync();
        return harness;
    }

    /// <summary>How many rows of a succeeded import were quarantined (kept aside with their line and reason).</summary>
    public static long QuarantinedRows(ImportRecord record) => record.QuarantinedRows;

    /// <summary>Where a run's time goes (milliseconds per phase, summed): the fuzz command prints it.</summary>
    public Dictionary<string, double> Timings { get; } = new(StringComparer.Ordinal);

    private void Time(string phase, System.Diagnostics.Stopwatch watch)
    {
        Timings[phase] = Timings.GetValueOrDefault(phase) + watch.Elapsed.TotalMilliseconds;
        watch.Restart();
    }

    public async Task<FuzzResult> RunAsync(MutatedExport export)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await File.WriteAllBytesAsync(_exportPath, export.Bytes);
        var violations = new List<string>();
        string outcome;
        string? reason = null;
        long quarantined = 0;
        Exception? crash = null;
        try
        {
            var result = await _importer.ImportFileAsync(_exportPath);
            outcome = result.Record.Outcome;
            reason = result.Record.Error;
            quarantined = QuarantinedRows(result.Record);
            if (!KnownOutcomes.Contains(outcome))
            {
                violations.Add($"unknown outcome {outcome}");
            }

            if (outcome != nameof(ImportOutcome.Succeeded) && string.IsNullOrWhiteSpace(reason))
            {
                violations.Add($"{outcome} without a reason");
            }

            // A certainly bad export is refused, or imported with its bad rows quarantined; "Failed" is for a broken store or disk, not for input.
            var refused = outcome is nameof(ImportOutcome.Rejected) or "Held" || (outcome == nameof(ImportOutcome.Succeeded) && quarantined > 0);
            if (export.CertainlyBad is { } bad && !refused)
            {
                violations.Add($"a bad export was {outcome.ToLowerInvariant()}, not rejected, held or quarantined — {bad}");
            }
        }
        catch (Exception e)
        {
            crash = e;
            outcome = FuzzResult.Crashed;
        }

        Time("import", watch);
        var beside = Directory.GetFiles(Path.GetDirectoryName(_exportPath)!).Where(f => f != _exportPath).ToList();
        if (beside.Count > 0)
        {
            violations.Add($"the import wrote beside the export — {string.Join(", ", beside.Select(Path.GetFileName))}");
            beside.ForEach(File.Delete);
        }

        var fingerprint = await FingerprintAsync();
        var changed = fingerprint != _baseline;
        Time("fingerprint", watch);
        if (changed && outcome != nameof(ImportOutcome.Succeeded))
        {
            violations.Add($"store changed by a {outcome.ToLowerInvariant()} import");
        }

        await CheckDashboardAsync(violations, watch);
        // A success rewrote tables even when counts and schema match; put the baseline back so the next iteration reproduces alone.
        if (changed || outcome == nameof(ImportOutcome.Succeeded))
        {
            await RestoreAsync();
            Time("restore", watch);
        }

        return new FuzzResult(export, outcome, quarantined, reason, violations, crash);
    }

    /// <summary>The dashboard after the import: a tick, the snapshot as /api/snapshot writes it, the Security page's queries.</summary>
    private async Task CheckDashboardAsync(List<string> violations, System.Diagnostics.Stopwatch watch)
    {
        try
        {
            await _aggregator.TickAsync();
        }
        catch (Exception e)
        {
            violations.Add($"tick threw {e.GetType().Name}: {e.Message}");
            return;
        }
        finally
        {
            Time("tick", watch);
        }

        try
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(_aggregator.Current, _json);
            if (json.Length > MaxSnapshotBytes)
            {
                violations.Add($"snapshot of {json.Length:N0} bytes (bound {MaxSnapshotBytes:N0})");
            }
        }
        catch (Exception e)
        {
            violations.Add($"snapshot did not serialise, {e.GetType().Name}: {e.Message}");
        }

        Time("serialise", watch);

        foreach (var kind in Enum.GetValues<OffenderKind>())
        {
            try
            {
                // Straight to the queries: TopOffenders caches for 5 s of the (frozen) clock.
                await OffenderQueries.QueryAsync(_connections, kind, _now - (30L * 24 * 3_600_000), 10, CancellationToken.None);
            }
            catch (Exception e)
            {
                violations.Add($"offender query {kind} threw {e.GetType().Name}: {e.Message}");
            }
        }

        Time("offenders", watch);
    }

    /// <summary>
    /// Row counts of every table but the import history (which a refused import rightly grows), the highest seq of
    /// ops_events and a hash of its ids in seq order. Cheap on a fixture-sized store.
    /// </summary>
    private async Task<string> FingerprintAsync()
    {
        await using var connection = await _connections.OpenAsync();
        await using var transaction = connection.BeginTransaction(deferred: true);
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.Transaction = transaction;
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('_vd_imports', 'sqlite_sequence') ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        using (var schema = connection.CreateCommand())
        {
            // A refused import must not have changed a table's shape either (same row counts, one column fewer).
            schema.Transaction = transaction;
            schema.CommandText = "SELECT x FROM (SELECT type || name || coalesce(sql, '') AS x, 0 AS k, name AS n FROM sqlite_master " +
                                 "UNION ALL SELECT name || columns_json || coalesce(source_sql, ''), 1, name FROM _vd_tables) ORDER BY k, n";
            await using var reader = await schema.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.Append(reader.GetString(0)).Append('\n');
            }
        }

        using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = string.Join(" UNION ALL ", tables.Select((t, i) => $"SELECT {i}, COUNT(*) FROM {StoreRepository.Quote(t)}"))
                                + (tables.Contains("ops_events")
                                    ? " UNION ALL SELECT -1, (SELECT MAX(seq) FROM ops_events) UNION ALL SELECT -2, (SELECT group_concat(id, char(31)) FROM (SELECT id FROM ops_events ORDER BY seq))"
                                    : "");
            await using var reader = await count.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var index = reader.GetInt64(0);
                text.Append(index >= 0 ? tables[(int)index] : index.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .Append('=').Append(reader.IsDBNull(1) ? "null" : Convert.ToString(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private async Task RestoreAsync()
    {
        await using var store = await _connections.OpenAsync();
        _template.BackupDatabase(store);
    }

    public async ValueTask DisposeAsync()
    {
        await _template.DisposeAsync();
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A clock that never moves: the fixtures' events stay inside the windows however long a run takes.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
