using Microsoft.Data.Sqlite;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Ingestion;

/// <summary>A SQLite database given as an export is data too: nothing in it runs, and the user's files stay as they were.</summary>
public sealed class SqliteInputTests : IAsyncLifetime
{
    private TempStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task UseSettingsAsync(Dictionary<string, string?> settings)
    {
        await _store.DisposeAsync();
        _store = new TempStore(settings);
    }

    /// <summary>Writes a SQLite input in its own folder (so what appears beside it can be checked) and returns its path.</summary>
    private async Task<string> InputAsync(string sql, string name = "input.sqlite", bool wal = false)
    {
        var folder = Path.Combine(_store.Directory, "input-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, name);
        await using var source = new SqliteConnection($"Data Source={file};Pooling=False");
        await source.OpenAsync();
        using var cmd = source.CreateCommand();
        cmd.CommandText = (wal ? "PRAGMA journal_mode=WAL;" : "") + sql;
        await cmd.ExecuteNonQueryAsync();
        return file;
    }

    private const string OpsEvents = """
        CREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, event_type TEXT, status TEXT);
        INSERT INTO ops_events VALUES ('e1', 1764187200000, 'probe', 'ok');
        """;

    [Fact]
    public async Task A_generated_column_is_not_evaluated_and_the_store_stays_small()
    {
        var input = await InputAsync(OpsEvents + """
            CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, padding BLOB GENERATED ALWAYS AS (zeroblob(300000000)) VIRTUAL);
            INSERT INTO users (id, email) VALUES ('u1', 'a@b.c'), ('u2', 'd@e.f');
            """);

        var result = await _store.ImportAsync(input);

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(2, await _store.CountAsync("users"));
        Assert.Equal("a@b.c", await _store.ScalarAsync("SELECT email FROM users WHERE id = 'u1'"));
        // Computed values are not data: the store's table has no such column, and the store is a few pages.
        Assert.Equal(0L, await _store.ScalarAsync("SELECT COUNT(*) FROM pragma_table_info('users') WHERE name = 'padding'"));
        var storeBytes = new FileInfo(_store.StorePath).Length + new FileInfo(_store.StorePath + "-wal").Length;
        Assert.True(storeBytes < 4 * 1024 * 1024, $"the store grew to {storeBytes} bytes");
    }

    [Fact]
    public async Task A_value_over_the_limit_is_a_rejection_naming_table_row_and_column()
    {
        await UseSettingsAsync(new() { ["Ingestion:MaxValueBytes"] = "4096" });
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var input = await InputAsync(OpsEvents + """
            CREATE TABLE notes (id TEXT, body TEXT, data BLOB);
            INSERT INTO notes VALUES ('n1', 'short', x'00');
            INSERT INTO notes VALUES ('n2', printf('%.*c', 3000, 'x'), zeroblob(4096));
            INSERT INTO notes VALUES ('n3', printf('%.*c', 200000, 'x'), NULL);
            """);

        var result = await _store.ImportAsync(input);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Equal("table notes, row 3: column body holds 195.3 KiB, over Ingestion:MaxValueBytes (4.0 KiB)", result.Record.Error);
        Assert.Equal(60, await _store.CountAsync("ops_events"));
    }

    [Fact]
    public async Task A_blob_over_the_limit_is_rejected_too()
    {
        await UseSettingsAsync(new() { ["Ingestion:MaxValueBytes"] = "4096" });
        var input = await InputAsync(OpsEvents + "CREATE TABLE blobs (id TEXT, data BLOB); INSERT INTO blobs VALUES ('b1', zeroblob(4097));");

        var result = await _store.ImportAsync(input);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Contains("table blobs, row 1: column data holds 4.0 KiB, over Ingestion:MaxValueBytes", result.Record.Error);
    }

    [Fact]
    public async Task A_wal_mode_input_is_read_without_creating_anything_beside_it()
    {
        var input = await InputAsync(OpsEvents, wal: true);
        var folder = Path.GetDirectoryName(input)!;
        var before = Directory.GetFiles(folder).Order().ToArray();
        var bytes = await File.ReadAllBytesAsync(input);

        var result = await _store.ImportAsync(input);

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(1, await _store.CountAsync("ops_events"));
        Assert.Equal(before, Directory.GetFiles(folder).Order().ToArray());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(input));
    }

    [Fact]
    public async Task A_wal_input_with_changes_still_in_its_log_is_rejected_rather_than_read_half()
    {
        var input = await InputAsync(OpsEvents, wal: true);
        // Another process still has it open with a commit not yet checkpointed into the main file.
        await using var writer = new SqliteConnection($"Data Source={input};Pooling=False");
        await writer.OpenAsync();
        using (var cmd = writer.CreateCommand())
        {
            cmd.CommandText = "PRAGMA wal_autocheckpoint=0; INSERT INTO ops_events VALUES ('e2', 1764187300000, 'probe', 'ok');";
            await cmd.ExecuteNonQueryAsync();
        }

        var result = await _store.ImportAsync(input);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Contains("input.sqlite-wal beside it", result.Record.Error);
    }

    [Fact]
    public async Task An_input_over_the_size_cap_is_rejected_before_it_is_read_or_hashed()
    {
        await UseSettingsAsync(new() { ["Ingestion:MaxSqliteInputBytes"] = "4096" });
        var input = await InputAsync(OpsEvents + "CREATE TABLE users (id TEXT); CREATE TABLE apps (id TEXT);");

        var result = await _store.ImportAsync(input);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Matches(@"^the SQLite input is \d+\.\d KiB, over Ingestion:MaxSqliteInputBytes \(4\.0 KiB\)$", result.Record.Error);
        Assert.Null(result.Record.ContentHash);
    }

    [Fact]
    public async Task A_table_with_more_columns_than_the_limit_is_rejected()
    {
        await UseSettingsAsync(new() { ["Ingestion:MaxColumns"] = "4" });
        var input = await InputAsync(OpsEvents + "CREATE TABLE wide (a, b, c, d, e); INSERT INTO wide VALUES (1, 2, 3, 4, 5);");

        var result = await _store.ImportAsync(input);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Contains("table wide has more than 4 columns, over Ingestion:MaxColumns", result.Record.Error);
    }

    [Fact]
    public async Task A_damaged_input_is_a_rejection()
    {
        var input = await InputAsync(OpsEvents + "CREATE TABLE users (id TEXT, email TEXT); INSERT INTO users VALUES ('u1', 'a@b.c');");
        var bytes = await File.ReadAllBytesAsync(input);
        Array.Fill(bytes, (byte)0xA5, 100, bytes.Length - 100); // keep the header, wreck every page
        await File.WriteAllBytesAsync(input, bytes);

        var result = await _store.ImportAsync(input);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.StartsWith("the SQLite input is not a readable database", result.Record.Error);
    }
}
