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

    [Theory]
    [InlineData("PRAGMA defer_foreign_keys=TRUE;\nATTACH DATABASE 'x' AS x;\n")]
    [InlineData("")]
    public async Task A_rejected_export_left_in_the_folder_is_not_rejected_again_after_a_restart(string content)
    {
        var path = Path.Combine(_folder, "bad.sql");
        File.WriteAllText(path, content);
        await _worker.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(Assert.Single(await _worker.ScanAsync(CancellationToken.None)).Succeeded);

        // A new process (a restart) knows the file from the history, by its content.
        using var restarted = new ImportWorker(_temp.Importer, _temp.History,
            Options.Create(new IngestionOptions { WatchFolder = _folder, SettleSeconds = 2 }), _time, NullLogger<ImportWorker>.Instance);
        await restarted.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Empty(await restarted.ScanAsync(CancellationToken.None));
        Assert.Single(await _temp.History.ListAsync());
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

    private async Task<IReadOnlyList<ImportResult>> SettleAndScanAsync()
    {
        await _worker.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        return await _worker.ScanAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_cut_export_is_held_and_recorded_once_and_the_next_good_export_still_imports()
    {
        Drop("vibesdk-full.sql", "a-full.sql");
        Assert.True(Assert.Single(await SettleAndScanAsync()).Succeeded);
        // A cron job's export cut right after the first 10 of the 40 auth_attempts rows: a clean end, half the data.
        var lines = File.ReadAllLines(Fixtures.Wrangler("vibesdk-full.sql"));
        var firstAuth = Array.FindIndex(lines, l => l.StartsWith("INSERT INTO \"auth_attempts\"", StringComparison.Ordinal));
        var cut = Path.Combine(_folder, "b-cut.sql");
        await File.WriteAllTextAsync(cut, string.Join('\n', lines[..(firstAuth + 10)]) + "\n");

        var held = Assert.Single(await SettleAndScanAsync());

        Assert.Equal(nameof(ImportOutcome.Held), held.Record.Outcome);
        Assert.Contains("auth_attempts would shrink from 40 to 10 rows", held.Record.Error);
        Assert.Equal(40, await _temp.CountAsync("auth_attempts"));
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Empty(await _worker.ScanAsync(CancellationToken.None)); // waits for an admin or a newer file

        Drop("vibesdk-full-2.sql", "c-next.sql");
        var next = Assert.Single(await SettleAndScanAsync());

        Assert.True(next.Succeeded, next.Record.Error);
        Assert.Equal(80, await _temp.CountAsync("ops_events"));
        Assert.Equal([nameof(ImportOutcome.Succeeded), nameof(ImportOutcome.Held), nameof(ImportOutcome.Succeeded)],
            (await _temp.History.ListAsync()).Select(r => r.Outcome).Reverse());
    }

    [Fact]
    public async Task A_symbolic_link_in_the_folder_is_skipped_and_never_followed()
    {
        var secret = Path.Combine(_temp.Directory, "shadow");
        await File.WriteAllTextAsync(secret, "root:$6$secret-hash:19000:0:99999:7:::\n");
        File.CreateSymbolicLink(Path.Combine(_folder, "shadow.sql"), secret);
        File.CreateSymbolicLink(Path.Combine(_folder, "linked-export.sql"), Fixtures.Wrangler("vibesdk-full.sql"));

        Assert.Empty(await SettleAndScanAsync());
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(await _worker.ScanAsync(CancellationToken.None));

        Assert.Empty(await _temp.History.ListAsync());
        Assert.Equal(0, await _temp.CountAsync("ops_events"));
    }

    [Fact]
    public async Task Bad_files_do_not_stop_the_good_one_after_them_from_being_imported()
    {
        var binary = Path.Combine(_folder, "a-binary.sql");
        await File.WriteAllBytesAsync(binary, [0xFF, 0xFE, 0x00, 0xD8, 0x01, 0x02, 0xC3, 0x28]);
        var broken = Path.Combine(_folder, "b-broken.sqlite");
        await File.WriteAllBytesAsync(broken, [.. "SQLite format 3\0"u8, .. Enumerable.Repeat((byte)0xA5, 4096)]);
        var hostile = Path.Combine(_folder, "c-hostile.sql");
        await File.WriteAllTextAsync(hostile, "PRAGMA defer_foreign_keys=TRUE;\nATTACH DATABASE '/tmp/x.db' AS x;");
        var good = Drop("vibesdk-full.sql", "d-good.sql");
        var order = DateTime.UtcNow;
        foreach (var (file, i) in new[] { binary, broken, hostile, good }.Select((f, i) => (f, i)))
        {
            File.SetLastWriteTimeUtc(file, order.AddSeconds(i));
        }

        var results = await SettleAndScanAsync();

        Assert.Equal(4, results.Count);
        Assert.All(results.Take(3), r => Assert.False(r.Succeeded));
        Assert.True(results[3].Succeeded, results[3].Record.Error);
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
        Assert.Equal(4, (await _temp.History.ListAsync()).Count);
    }

    [Fact]
    public async Task A_failed_import_is_retried_on_a_later_poll_with_backoff_and_recovers()
    {
        // The store's folder cannot be created (a file holds its name) until an operator fixes it.
        var blocker = Path.Combine(_temp.Directory, "data");
        await File.WriteAllTextAsync(blocker, "in the way");
        await using var broken = new TempStore(new Dictionary<string, string?> { ["Storage:Path"] = Path.Combine(blocker, "store.db") });
        var options = Options.Create(new IngestionOptions { WatchFolder = _folder, SettleSeconds = 2, PollSeconds = 5 });
        using var worker = new ImportWorker(broken.Importer, broken.History, options, _time, NullLogger<ImportWorker>.Instance);
        Drop("vibesdk-full.sql", "vibesdk.sql");

        await worker.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Empty(await worker.ScanAsync(CancellationToken.None)); // failed (logged), nothing imported, no exception

        File.Delete(blocker);
        _time.Advance(TimeSpan.FromSeconds(5)); // the first retry waits 2 polls
        Assert.Empty(await worker.ScanAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(6));
        var retried = Assert.Single(await worker.ScanAsync(CancellationToken.None));

        Assert.True(retried.Succeeded, retried.Record.Error);
        Assert.Equal(60, await broken.CountAsync("ops_events"));
    }

    [Fact]
    public async Task A_sqlite_input_over_the_size_cap_is_rejected_unhashed_and_not_retried_until_it_changes()
    {
        var limits = new Dictionary<string, string?> { ["Ingestion:MaxSqliteInputBytes"] = "4096" };
        await using var store = new TempStore(limits);
        var options = Options.Create(new IngestionOptions { WatchFolder = _folder, SettleSeconds = 2, MaxSqliteInputBytes = 4096 });
        using var worker = new ImportWorker(store.Importer, store.History, options, _time, NullLogger<ImportWorker>.Instance);
        var input = Path.Combine(_folder, "big.sqlite");
        await File.WriteAllBytesAsync(input, [.. "SQLite format 3\0"u8, .. new byte[8192]]);

        await worker.ScanAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        var rejected = Assert.Single(await worker.ScanAsync(CancellationToken.None));

        Assert.Equal(nameof(ImportOutcome.Rejected), rejected.Record.Outcome);
        Assert.Equal("the SQLite input is 8.0 KiB, over Ingestion:MaxSqliteInputBytes (4.0 KiB)", rejected.Record.Error);
        Assert.Null(rejected.Record.ContentHash);
        _time.Advance(TimeSpan.FromMinutes(30));
        Assert.Empty(await worker.ScanAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_empty_file_or_a_fifo_is_rejected_without_being_opened_and_the_next_file_is_imported()
    {
        var empty = Path.Combine(_folder, "a-empty.sql");
        await File.WriteAllTextAsync(empty, "");
        var fifo = Path.Combine(_folder, "b-fifo.sql");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var good = Drop("vibesdk-full.sql", "c-good.sql");
        File.SetLastWriteTimeUtc(empty, DateTime.UtcNow.AddSeconds(-30));
        File.SetLastWriteTimeUtc(fifo, DateTime.UtcNow.AddSeconds(-20));
        File.SetLastWriteTimeUtc(good, DateTime.UtcNow.AddSeconds(-10));

        var results = await SettleAndScanAsync(); // would never return if it opened the FIFO

        Assert.Equal([nameof(ImportOutcome.Rejected), nameof(ImportOutcome.Rejected), nameof(ImportOutcome.Succeeded)], results.Select(r => r.Record.Outcome));
        Assert.Contains("empty", results[0].Record.Error);
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
    }
}
