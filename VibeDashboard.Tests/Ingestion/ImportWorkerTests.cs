using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Ingestion;

public sealed class ImportWorkerTests : IAsyncLifetime
{
    private readonly TempStore _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 21, 0, 0, TimeSpan.Zero));
    private string _folder = "";
    private ImportWorker _worker = null!;

    public Task InitializeAsync()
    {
        _folder = Path.Combine(_temp.Directory, "exports");
        Directory.CreateDirectory(_folder);
        var options = Options.Create(new IngestionOptions { WatchFolder = _folder, SettleSeconds = 2 });
        _worker = new ImportWorker(_temp.Importer, _temp.History, options, _time, NullLogger<ImportWorker>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        await _temp.DisposeAsync();
    }

    private string Drop(string fixture, string name)
    {
        var path = Path.Combine(_folder, name);
        File.Copy(Fixtures.Wrangler(fixture), path, overwrite: true);
        return path;
    }

    [Fact]
    public async Task A_new_export_in_the_folder_is_imported_once_it_has_settled()
    {
        Drop("vibesdk-full.sql", "vibesdk.sql");

        Assert.Empty(await _worker.ScanAsync(CancellationToken.None)); // just seen: may still be being written
        _time.Advance(TimeSpan.FromSeconds(3));
        var imported = Assert.Single(await _worker.ScanAsync(CancellationToken.None));

        Assert.True(imported.Succeeded);
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
    }

    [Fact]
    public async Task An_unchanged_or_already_imported_export_is_not_imported_again()
    {
        Drop("vibesdk-full.sql", "vibesdk.sql");
        await _worker.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        await _worker.ScanAsync(CancellationToken.None);

        // Rewritten with the same content (a cron job that found nothing new): skipped by hash.
        var path = Drop("vibesdk-full.sql", "vibesdk.sql");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        await _worker.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(await _worker.ScanAsync(CancellationToken.None));

        // New content under the same name: imported.
        Drop("vibesdk-full-2.sql", "vibesdk.sql");
        await _worker.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        var later = Assert.Single(await _worker.ScanAsync(CancellationToken.None));
        Assert.Equal(20, later.Record.NewEvents);
        Assert.Equal(2, (await _temp.History.ListAsync()).Count);
    }

    [Fact]
    public async Task A_rejected_export_is_recorded_once_and_not_retried_until_it_changes()
    {
        Drop("vibesdk-full.sql", "a.sql");
        var bad = Path.Combine(_folder, "b.sql");
        await File.WriteAllTextAsync(bad, "PRAGMA defer_foreign_keys=TRUE;\nDROP TABLE users;");
        File.SetLastWriteTimeUtc(bad, DateTime.UtcNow.AddMinutes(1)); // after a.sql: imported in write order
        await _worker.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));

        var results = await _worker.ScanAsync(CancellationToken.None);
        Assert.Equal([nameof(ImportOutcome.Succeeded), nameof(ImportOutcome.Rejected)], results.Select(r => r.Record.Outcome));

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await _worker.ScanAsync(CancellationToken.None));
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
    }

    [Fact]
    public async Task Partial_files_of_a_cron_job_are_ignored()
    {
        Drop("vibesdk-full.sql", "vibesdk.sql.part");
        await _worker.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Empty(await _worker.ScanAsync(CancellationToken.None));
    }
}
