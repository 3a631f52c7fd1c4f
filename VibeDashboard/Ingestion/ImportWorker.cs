using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion;

/// <summary>
/// Imports the configured export files and whatever appears in the watched folder, e.g. written by a cron
/// job running <c>wrangler d1 export --remote</c>. A file is imported once it has stopped changing
/// (Ingestion:SettleSeconds), and only when its content differs from the last successful import of it.
/// A rejected (or held) file is not retried until it changes; a failed one (the store could not be written, the
/// file could not be read) is retried on a later poll, backing off up to <see cref="MaxRetryDelay"/>. Symbolic
/// links in the watched folder are skipped, never followed. Nothing one file does stops the worker.
/// </summary>
public sealed class ImportWorker(
    Importer importer,
    ImportHistoryRepository history,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<ImportWorker> logger) : BackgroundService
{
    private static readonly string[] ExportExtensions = [".sql", ".sqlite", ".sqlite3", ".db", ".d1"];

    /// <summary>The longest wait between two attempts at a file whose import failed.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _skippedLinks = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.HasSources)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.PollSeconds), time);
        do
        {
            try
            {
                await ScanAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever it was (a cancellation not ours included), an exception out of here would stop the host.
                logger.LogWarning("Scanning export sources failed; retrying on the next poll: {Error}", ImportFailures.Describe(e));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over the sources; returns the imports it ran (tests call it directly).</summary>
    internal async Task<IReadOnlyList<ImportResult>> ScanAsync(CancellationToken cancellationToken)
    {
        var results = new List<ImportResult>();
        foreach (var path in Candidates())
        {
            try
            {
                if (await ConsiderAsync(path, cancellationToken) is { } result)
                {
                    results.Add(result);
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (!File.Exists(path))
                {
                    continue; // gone while it was read (renamed or replaced by a cron job): nothing to record
                }

                // The importer records its own failures; this is what escaped it (the store cannot be opened or
                // written, the file vanished while being hashed). Recorded when the store takes it, retried later.
                var reason = ImportFailures.Describe(e);
                var notRecorded = await ImportFailures.TryRecordAsync(history, time, path, e, cancellationToken);
                logger.LogWarning("Import of {Source} failed: {Error}{NotRecorded}", path, reason,
                    notRecorded is null ? "" : $" (not recorded in the import history: {notRecorded})");
                ScheduleRetry(path);
            }
        }

        return results;
    }

    private async Task<ImportResult?> ConsiderAsync(string path, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        var stamp = (info.Length, info.LastWriteTimeUtc);
        if (!_files.TryGetValue(path, out var state) || state.Stamp != stamp)
        {
            _files[path] = state = new FileState(stamp, now, Done: false, Failures: 0, RetryAt: null);
        }

        if (state.Done || now - state.SeenAt < TimeSpan.FromSeconds(options.Value.SettleSeconds) || now < state.RetryAt)
        {
            return null;
        }

        _files[path] = state with { Done = true };
        if (info.Length == 0)
        {
            // Known from the history after a restart too: an empty file left in the folder is rejected once.
            return await history.LastDecidedHashAsync(Path.GetFullPath(path), cancellationToken) == EmptyHash
                ? null
                : await RecordEmptyAsync(path, cancellationToken);
        }

        // A SQLite input over the size cap is not hashed (a 20 GiB file would be read whole): the importer rejects it.
        if (!IsOversizedSqliteInput(path, info.Length))
        {
            var hash = await Importer.HashFileAsync(path, cancellationToken);
            // The content last imported, rejected or held waits for a newer file (across restarts too).
            if (hash == await history.LastDecidedHashAsync(Path.GetFullPath(path), cancellationToken))
            {
                return null;
            }
        }

        var result = await importer.ImportFileAsync(path, cancellationToken);
        if (result.Record.Outcome == nameof(ImportOutcome.Failed))
        {
            ScheduleRetry(path);
        }

        // Succeeded, Rejected and Held (an import that would empty or halve a table) all wait for the file to change.
        return result;
    }

    /// <summary>
    /// An empty file is no export (a wiped table is worse than a stale one). Nor is it opened: a FIFO or a device
    /// node also reports no length, and opening a FIFO would block this worker until someone writes to it.
    /// </summary>
    private async Task<ImportResult> RecordEmptyAsync(string path, CancellationToken cancellationToken)
    {
        var record = new ImportRecord
        {
            Source = Path.GetFullPath(path),
            StartedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Outcome = nameof(ImportOutcome.Rejected),
            Error = "the file is empty (or not a regular file): no export to import",
            ContentHash = EmptyHash,
        };
        record.Id = await history.AddAsync(record, cancellationToken: cancellationToken);
        logger.LogWarning("Rejected export {Source}: {Error}", record.Source, record.Error);
        return new ImportResult(record, []);
    }

    /// <summary>SHA-256 of no bytes: what an empty file's rejection is recorded under.</summary>
    private static readonly string EmptyHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ReadOnlySpan<byte>.Empty));

    private bool IsOversizedSqliteInput(string path, long length) =>
        length > options.Value.MaxSqliteInputBytes && Importer.IsSqliteFile(path);

    /// <summary>A failure is not the file's fault: try again later, waiting twice as long each time.</summary>
    private void ScheduleRetry(string path)
    {
        if (!_files.TryGetValue(path, out var state))
        {
            return;
        }

        var failures = state.Failures + 1;
        var delay = TimeSpan.FromSeconds(Math.Min(options.Value.PollSeconds * Math.Pow(2, failures), MaxRetryDelay.TotalSeconds));
        _files[path] = state with { Done = false, Failures = failures, RetryAt = time.GetUtcNow() + delay };
    }

    private IEnumerable<string> Candidates()
    {
        var settings = options.Value;
        var files = settings.Files.Where(f => !string.IsNullOrWhiteSpace(f)).Select(Path.GetFullPath).ToList();
        if (!string.IsNullOrWhiteSpace(settings.WatchFolder) && Directory.Exists(settings.WatchFolder))
        {
            // Oldest first, so a backlog of exports is applied in the order it was written.
            files.AddRange(new DirectoryInfo(settings.WatchFolder).EnumerateFiles()
                .Where(f => ExportExtensions.Contains(f.Extension, StringComparer.OrdinalIgnoreCase) && !f.Name.StartsWith('.') && !IsLink(f))
                .OrderBy(f => f.LastWriteTimeUtc)
                .Select(f => f.FullName));
        }

        return files.Distinct(StringComparer.Ordinal);
    }

    /// <summary>
    /// Anyone who can write to the watched folder could link a file there to one they cannot read (/etc/shadow),
    /// and its contents would surface in error excerpts on /readyz and the Imports page: links are never followed.
    /// </summary>
    private bool IsLink(FileInfo file)
    {
        if (file.LinkTarget is null)
        {
            return false;
        }

        if (_skippedLinks.Add(file.FullName))
        {
            logger.LogWarning("Skipping {File} in the watched folder: it is a symbolic link, and links are not followed", file.FullName);
        }

        return true;
    }

    private sealed record FileState((long Length, DateTime WriteTime) Stamp, DateTimeOffset SeenAt, bool Done, int Failures, DateTimeOffset? RetryAt);
}
