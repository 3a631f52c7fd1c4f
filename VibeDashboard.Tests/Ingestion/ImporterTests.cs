using Microsoft.Data.Sqlite;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Ingestion;

public sealed class ImporterTests : IAsyncLifetime
{
    private readonly TempStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static readonly Dictionary<string, long> FullCounts = new()
    {
        ["d1_migrations"] = 2, ["api_keys"] = 2, ["users"] = 5, ["apps"] = 8, ["sessions"] = 5, ["auth_attempts"] = 40,
        ["audit_logs"] = 4, ["system_settings"] = 5, ["app_views"] = 3, ["blobs_demo"] = 9, ["ops_events"] = 60,
    };

    [Fact]
    public async Task A_real_wrangler_export_imports_every_table_with_its_rows()
    {
        var result = await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(FullCounts, result.Tables.ToDictionary(t => t.Table, t => t.Rows));
        foreach (var (table, rows) in FullCounts)
        {
            Assert.Equal(rows, await _store.CountAsync(table));
        }

        Assert.Equal(60, result.Record.NewEvents);
        Assert.Equal(FullCounts.Values.Sum(), result.Record.TotalRows);
    }

    [Fact]
    public async Task Values_survive_exactly_newlines_quotes_unicode_blobs_and_big_numbers()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));

        Assert.Equal("Line one\r\nLine two\ttabbed", await _store.ScalarAsync("SELECT bio FROM users WHERE id = 'usr_jose'"));
        Assert.Equal("O'Brien's blog", await _store.ScalarAsync("SELECT title FROM apps WHERE id = 'app_blog'"));
        Assert.Equal("Tienda 🛒 café", await _store.ScalarAsync("SELECT title FROM apps WHERE id = 'app_shop'"));
        Assert.Equal(new byte[] { 0xde, 0xad, 0xbe, 0xef }, await _store.ScalarAsync("SELECT data FROM blobs_demo WHERE id = 1"));
        Assert.Equal(Array.Empty<byte>(), await _store.ScalarAsync("SELECT data FROM blobs_demo WHERE id = 3"));
        Assert.Equal("blob", await _store.ScalarAsync("SELECT typeof(data) FROM blobs_demo WHERE id = 3"));
        Assert.Equal(9007199254740992L, await _store.ScalarAsync("SELECT request_count FROM api_keys WHERE id = 'key_1'"));
        // Booleans stay 0/1 integers.
        Assert.Equal(0L, await _store.ScalarAsync("SELECT is_active FROM api_keys WHERE id = 'key_2'"));
    }

    [Fact]
    public async Task Mixed_timestamps_in_one_column_become_utc_milliseconds()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));

        // app_todo: seconds; app_blog: milliseconds; app_shop: CURRENT_TIMESTAMP text.
        Assert.Equal(1763740800000L, await _store.ScalarAsync("SELECT created_at FROM apps WHERE id = 'app_todo'"));
        Assert.Equal(1763913600999L, await _store.ScalarAsync("SELECT created_at FROM apps WHERE id = 'app_blog'"));
        var text = DateTimeOffset.Parse("2026-11-26T20:42:09Z").ToUnixTimeMilliseconds();
        Assert.Equal(text, await _store.ScalarAsync("SELECT created_at FROM apps WHERE id = 'app_shop'"));
        Assert.Equal(0L, await _store.ScalarAsync("SELECT COUNT(*) FROM apps WHERE typeof(created_at) <> 'integer'"));
        Assert.Equal(0L, await _store.ScalarAsync("SELECT COUNT(*) FROM auth_attempts WHERE typeof(attempted_at) <> 'integer'"));
        Assert.Equal("integer", await _store.ScalarAsync("SELECT typeof(applied_at) FROM d1_migrations WHERE id = 1"));
    }

    [Fact]
    public async Task The_column_list_form_maps_values_by_name_and_handles_every_format_fact()
    {
        var result = await _store.ImportAsync(Fixtures.Handwritten("column-list.sql"));

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(["d1_migrations", "api_keys", "users", "app_views", "auth_attempts", "ops_events"], result.Tables.Select(t => t.Table));
        Assert.Equal("Line one\r\nLine two", await _store.ScalarAsync("SELECT bio FROM users WHERE id = 'usr_a'"));
        Assert.Equal("It's -- not a comment; really", await _store.ScalarAsync("SELECT bio FROM users WHERE id = 'usr_b'"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4e, 0x47 }, await _store.ScalarAsync("SELECT avatar FROM users WHERE id = 'usr_a'"));
        Assert.Equal(1763913600000L, await _store.ScalarAsync("SELECT created_at FROM users WHERE id = 'usr_a'"));
        Assert.Equal(1763913600123L, await _store.ScalarAsync("SELECT last_active_at FROM users WHERE id = 'usr_a'"));
        Assert.Equal(1795725729000L, await _store.ScalarAsync("SELECT created_at FROM users WHERE id = 'usr_b'"));
        Assert.Null(await _store.ScalarAsync("SELECT created_at FROM users WHERE id = 'usr_c'"));
        Assert.Equal("text", await _store.ScalarAsync("SELECT typeof(bio) FROM users WHERE id = 'usr_c'")); // '' stays '', not NULL
        Assert.Equal(1795723200000L, await _store.ScalarAsync("SELECT occurred_at FROM ops_events WHERE id = 'e1'"));
        Assert.Equal(1795723200000L, await _store.ScalarAsync("SELECT occurred_at FROM ops_events WHERE id = 'e2'"));
        Assert.Equal(1795723260000L, await _store.ScalarAsync("SELECT occurred_at FROM ops_events WHERE id = 'e3'"));
        Assert.Equal("multi\nline", await _store.ScalarAsync("SELECT message FROM ops_events WHERE id = 'e2'"));
        Assert.Equal(5e-7, await _store.ScalarAsync("SELECT cost_usd FROM ops_events WHERE id = 'e2'"));
        Assert.Equal(1764000000000L, await _store.ScalarAsync("SELECT viewed_at FROM app_views WHERE id = 'v1'"));
    }

    [Fact]
    public async Task Reimporting_the_same_export_adds_no_events_and_keeps_tables_as_exported()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var again = await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));

        Assert.True(again.Succeeded);
        Assert.Equal(0, again.Record.NewEvents);
        Assert.Equal(60, await _store.CountAsync("ops_events"));
        Assert.Equal(8, await _store.CountAsync("apps"));
    }

    [Fact]
    public async Task An_overlapping_later_export_adds_only_new_events_and_replaces_product_tables()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var later = await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full-2.sql"));

        Assert.Equal(20, later.Record.NewEvents);
        Assert.Equal(80, await _store.CountAsync("ops_events"));
        Assert.Equal(41, await _store.CountAsync("auth_attempts"));
        Assert.Equal("completed", await _store.ScalarAsync("SELECT status FROM apps WHERE id = 'app_blog'"));
    }

    [Fact]
    public async Task Events_accumulate_by_id_when_d1_has_pruned_older_ones()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full-2.sql"));
        var older = await _store.ImportAsync(Fixtures.Wrangler("vibesdk-ops-events-table.sql"));

        Assert.True(older.Succeeded);
        Assert.Equal(0, older.Record.NewEvents);
        Assert.Equal(80, await _store.CountAsync("ops_events"));
        Assert.Equal(41, await _store.CountAsync("auth_attempts")); // --table ops_events leaves other tables alone
    }

    [Fact]
    public async Task A_data_only_export_refills_tables_whose_schema_the_store_knows()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full-2.sql"));
        var dataOnly = await _store.ImportAsync(Fixtures.Wrangler("vibesdk-no-schema.sql"));

        Assert.True(dataOnly.Succeeded, dataOnly.Record.Error);
        Assert.Equal(40, await _store.CountAsync("auth_attempts"));
        Assert.Equal("generating", await _store.ScalarAsync("SELECT status FROM apps WHERE id = 'app_blog'"));
        Assert.Equal(80, await _store.CountAsync("ops_events"));
    }

    [Fact]
    public async Task A_data_only_export_into_an_empty_store_is_rejected_because_the_schema_is_missing()
    {
        var result = await _store.ImportAsync(Fixtures.Wrangler("vibesdk-no-schema.sql"));

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Equal(2, result.Record.ErrorLine);
        Assert.Contains("full export", result.Record.Error);
    }

    [Fact]
    public async Task A_schema_only_export_creates_empty_tables()
    {
        var result = await _store.ImportAsync(Fixtures.Wrangler("vibesdk-no-data.sql"));

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(0, await _store.CountAsync("users"));
        Assert.All(result.Tables, t => Assert.Equal(0, t.Rows));
    }

    [Theory]
    [InlineData("ATTACH DATABASE '{dir}/evil.db' AS evil;")]
    [InlineData("VACUUM INTO '{dir}/evil.db';")]
    [InlineData("PRAGMA writable_schema=ON;")]
    [InlineData("CREATE TRIGGER t AFTER INSERT ON users BEGIN SELECT load_extension('{dir}/evil.so'); END;")]
    [InlineData("INSERT INTO \"users\" VALUES(readfile('/etc/passwd'));")]
    [InlineData("UPDATE users SET is_active = 0;")]
    [InlineData("DROP TABLE users;")]
    public async Task A_hostile_export_is_refused_with_its_line_and_the_served_data_stays(string hostile)
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var lines = File.ReadAllLines(Fixtures.Wrangler("vibesdk-full-2.sql")).ToList();
        lines.Insert(200, hostile.Replace("{dir}", _store.Directory));
        var path = _store.WriteFile("hostile.sql", string.Join('\n', lines));

        var result = await _store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Equal(201, result.Record.ErrorLine);
        Assert.Equal(60, await _store.CountAsync("ops_events"));
        Assert.Equal(40, await _store.CountAsync("auth_attempts"));
        Assert.False(File.Exists(Path.Combine(_store.Directory, "evil.db")));
        var history = await _store.History.ListAsync();
        Assert.Equal(["Rejected", "Succeeded"], history.Select(h => h.Outcome));
        Assert.Contains("line 201", history[0].Error);
    }

    [Fact]
    public async Task A_half_written_export_is_rejected_and_changes_nothing()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var full2 = File.ReadAllText(Fixtures.Wrangler("vibesdk-full-2.sql"));
        var path = _store.WriteFile("partial.sql", full2[..(full2.Length * 2 / 3)]);

        var result = await _store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.NotNull(result.Record.ErrorLine);
        Assert.Equal(60, await _store.CountAsync("ops_events"));
        Assert.Equal(40, await _store.CountAsync("auth_attempts"));
    }

    [Fact]
    public async Task A_bad_timestamp_rejects_the_export_naming_line_and_column()
    {
        var path = _store.WriteFile("bad-ts.sql", "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE users (id TEXT, created_at INTEGER);\nINSERT INTO \"users\" VALUES('u','next tuesday');");

        var result = await _store.ImportAsync(path);

        Assert.Equal(3, result.Record.ErrorLine);
        Assert.Contains("created_at", result.Record.Error);
        Assert.False(await TableExistsAsync("users"));
    }

    [Fact]
    public async Task A_cancelled_import_rolls_back_completely()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var path = _store.WriteFile("big.sql", BigOpsDump(200_000));
        using var cts = new CancellationTokenSource();
        var import = _store.ImportAsync(path, cts.Token);
        await Task.Delay(200);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => import);
        Assert.Equal(60, await _store.CountAsync("ops_events"));
        Assert.Equal("ok", await _store.ScalarAsync("PRAGMA integrity_check"));
    }

    [Fact]
    public async Task A_sqlite_database_file_imports_like_a_dump_without_running_anything_in_it()
    {
        var file = Path.Combine(_store.Directory, "d1.sqlite");
        await using (var source = new SqliteConnection($"Data Source={file}"))
        {
            await source.OpenAsync();
            using var cmd = source.CreateCommand();
            cmd.CommandText = $"""
                CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, created_at INTEGER);
                INSERT INTO users VALUES ('u1', 'a@b.c', 1764187200), ('u2', 'd@e.f', '2026-11-26 20:00:00');
                CREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, event_type TEXT, status TEXT);
                INSERT INTO ops_events VALUES ('e1', 1764187200000, 'probe', 'ok');
                CREATE TABLE _cf_KV (key TEXT, value BLOB);
                CREATE TRIGGER evil AFTER INSERT ON users BEGIN DELETE FROM users; END;
                CREATE VIEW v AS SELECT * FROM users;
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        var result = await _store.ImportAsync(file);

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(["users", "ops_events"], result.Tables.Select(t => t.Table));
        Assert.Equal(2, await _store.CountAsync("users"));
        Assert.Equal(1795723200000L, await _store.ScalarAsync("SELECT created_at FROM users WHERE id = 'u2'"));
        Assert.Equal(1, await _store.CountAsync("ops_events"));
        Assert.False(await TableExistsAsync("_cf_KV"));
    }

    [Fact]
    public async Task The_history_records_source_hash_duration_rows_and_outcome()
    {
        var before = await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));

        var record = Assert.Single(await _store.History.ListAsync());
        Assert.Equal(Path.GetFullPath(Fixtures.Wrangler("vibesdk-full.sql")), record.Source);
        Assert.Equal(await VibeDashboard.Ingestion.Importer.HashFileAsync(Fixtures.Wrangler("vibesdk-full.sql")), record.ContentHash);
        Assert.Equal(60, record.Rows["ops_events"]);
        Assert.Equal(before.Record.Id, record.Id);
        Assert.True(record.Succeeded);
    }

    private async Task<bool> TableExistsAsync(string table) =>
        (long)(await _store.ScalarAsync($"SELECT COUNT(*) FROM sqlite_master WHERE name = '{table}'"))! > 0;

    /// <summary>A wrangler-format dump of N ops_events (the same shape the benchmark uses).</summary>
    internal static string BigOpsDump(int rows)
    {
        var sb = new System.Text.StringBuilder("PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER NOT NULL, event_type TEXT NOT NULL, status TEXT, duration_ms REAL);\n");
        for (var i = 0; i < rows; i++)
        {
            sb.Append("INSERT INTO \"ops_events\" VALUES('big-").Append(i).Append("',").Append(1764187200000L + i).Append(",'d1_query','ok',").Append(i % 97).Append(".5);\n");
        }

        return sb.ToString();
    }
}
