using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion;

/// <summary>
/// Imports the configured export files and whatever appears in the watched folder, e.g. written by a cron
/// job running <c>wrangler d1 export --remote</c>. A file is imported once it has stopped changing
/// (Ingestion:SettleSeconds), and only when its content differs from the last successful import of it.
/// A rejected file is not retried until it changes.
/// </summary>
public sealed class ImportWorker(
    Importer importer,
    ImportHistoryRepository history,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<ImportWorker> logger) : BackgroundService
{
    private static readonly string[] ExportExtensions = [".sql", ".sqlite", ".sqlite3", ".db", ".d1"];

    private readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);

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
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Scanning export sources failed; retrying on the next poll");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over the sources; returns the imports it ran (tests call it directly).</summary>
    internal async Task<IReadOnlyList<ImportResult>> ScanAsync(CancellationToken cancellationToken)
    {
        var results = new List<ImportResult>();
        var now = time.GetUtcNow();
        foreach (var path in Candidates())
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                continue;
            }

            var stamp = (info.Length, info.LastWriteTimeUtc);
            if (!_files.TryGetValue(path, out var state) || state.Stamp != stamp)
            {
                _files[path] = state = new FileState(stamp, now, Done: false);
            }

            if (state.Done || now - state.SeenAt < TimeSpan.FromSeconds(options.Value.SettleSeconds))
            {
                continue;
            }

            _files[path] = state with { Done = true };
            var hash = await Importer.HashFileAsync(path, cancellationToken);
            if (hash == await history.LastSuccessfulHashAsync(Path.GetFullPath(path), cancellationToken))
            {
                continue;
            }

            results.Add(await importer.ImportFileAsync(path, cancellationToken));
        }

        return results;
    }

    private IEnumerable<string> Candidates()
    {
        var settings = options.Value;
        var files = settings.Files.Where(f => !string.IsNullOrWhiteSpace(f)).Select(Path.GetFullPath).ToList();
        if (!string.IsNullOrWhiteSpace(settings.WatchFolder) && Directory.Exists(settings.WatchFolder))
        {
            // Oldest first, so a backlog of exports is applied in the order it was written.
            files.AddRange(new DirectoryInfo(settings.WatchFolder).EnumerateFiles()
                .Where(f => ExportExtensions.Contains(f.Extension, StringComparer.OrdinalIgnoreCase) && !f.Name.StartsWith('.'))
                .OrderBy(f => f.LastWriteTimeUtc)
                .Select(f => f.FullName));
        }

        return files.Distinct(StringComparer.Ordinal);
    }

    private sealed record FileState((long Length, DateTime WriteTime) Stamp, DateTimeOffset SeenAt, bool Done);
}
