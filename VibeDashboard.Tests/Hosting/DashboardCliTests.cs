using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Hosting;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hosting;

public sealed class DashboardCliTests : IAsyncLifetime
{
    private readonly TempStore _temp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await DashboardCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private sealed record AuditRow(string Outcome, string ActorKind, string ActorName, string? Reason, string? BeforeJson);

    private async Task<List<AuditRow>> AuditAsync(string action)
    {
        await using var connection = await _temp.Connections.OpenAsync();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT outcome, actor_kind, actor_name, reason, before_json FROM _vd_audit WHERE action = $action ORDER BY seq";
        cmd.Parameters.AddWithValue("$action", action);
        var rows = new List<AuditRow>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new AuditRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }

    [Fact]
    public async Task Import_prints_one_line_per_table_then_the_total_and_exits_0()
    {
        var (exit, output, _) = await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("d1_migrations: 2 rows", lines[0]);
        Assert.Contains("ops_events: 60 rows", lines);
        Assert.Matches(@"^imported 143 rows in \d+\.\d\d s$", lines[^1]);
        Assert.Equal(12, lines.Length);
    }

    [Fact]
    public async Task Stats_prints_what_the_store_holds_now()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full-2.sql"), $"--store={_temp.StorePath}");

        var (exit, output, _) = await RunAsync("stats", "--store", _temp.StorePath);

        Assert.Equal(0, exit);
        Assert.Contains("ops_events: 80 rows", output);
        Assert.Contains("auth_attempts: 41 rows", output);
    }

    [Fact]
    public async Task The_store_can_also_be_chosen_with_the_configuration_key()
    {
        var (exit, _, _) = await RunAsync("import", Fixtures.Wrangler("vibesdk-ops-events-table.sql"), $"--Storage:Path={_temp.StorePath}");

        Assert.Equal(0, exit);
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
    }

    [Fact]
    public async Task A_rejected_export_exits_non_zero_naming_line_and_reason_and_leaves_the_store_unchanged()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        var hostile = _temp.WriteFile("hostile.sql", "PRAGMA defer_foreign_keys=TRUE;\nINSERT INTO \"ops_events\" (\"id\",\"occurred_at\",\"event_type\") VALUES('x',1,'probe');\nATTACH DATABASE 'x.db' AS x;");

        var (exit, output, error) = await RunAsync("import", hostile, "--store", _temp.StorePath);

        Assert.Equal(DashboardCli.Rejected, exit);
        Assert.Equal("", output);
        Assert.Contains("line 3", error);
        Assert.Contains("ATTACH", error);
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
    }

    [Fact]
    public async Task Usage_errors_exit_64()
    {
        Assert.Equal(DashboardCli.Usage, (await RunAsync("import")).Exit);
        Assert.Equal(DashboardCli.Usage, (await RunAsync("import", "a.sql", "--store")).Exit);
        Assert.Equal(DashboardCli.Failed, (await RunAsync("import", "/nonexistent/x.sql", "--store", _temp.StorePath)).Exit);
    }

    [Fact]
    public async Task An_import_killed_halfway_leaves_the_previous_data_and_a_consistent_store()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        var big = _temp.WriteFile("big.sql", Ingestion.ImporterTests.BigOpsDump(1_500_000));
        var wal = _temp.StorePath + "-wal";
        var walBefore = File.Exists(wal) ? new FileInfo(wal).Length : 0;

        // The real command in its own process, killed with SIGKILL once its transaction has spilled
        // pages into the WAL (it is well into the rows then; the whole import takes seconds).
        var app = Path.Combine(AppContext.BaseDirectory, "VibeDashboard.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", app, "import", big, "--store", _temp.StorePath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!process.HasExited && DateTime.UtcNow < deadline && WalLength(wal) < walBefore + 8 * 1024 * 1024)
        {
            await Task.Delay(10);
        }

        Assert.False(process.HasExited, "the import finished before it could be killed");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        Assert.Equal("ok", await _temp.ScalarAsync("PRAGMA integrity_check"));
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
        Assert.Equal(40, await _temp.CountAsync("auth_attempts"));
        var (exit, output, _) = await RunAsync("stats", "--store", _temp.StorePath);
        Assert.Equal(0, exit);
        Assert.Contains("ops_events: 60 rows", output);
    }

    [Fact]
    public async Task A_store_that_is_not_a_sqlite_file_fails_with_one_line_and_exit_1()
    {
        var store = _temp.WriteFile("notes.txt", "these are my notes, not a database\n");
        var dump = Fixtures.Wrangler("vibesdk-full.sql");

        var (exit, output, error) = await RunAsync("import", dump, "--store", store);

        Assert.Equal(DashboardCli.Failed, exit);
        Assert.Equal("", output);
        var line = OneLine(error);
        Assert.StartsWith($"failed: {dump}: the store {store} is not a SQLite database", line);
        Assert.Contains("not recorded in the import history", line);
        Assert.Equal("these are my notes, not a database\n", await File.ReadAllTextAsync(store));

        var (statsExit, _, statsError) = await RunAsync("stats", "--store", store);
        Assert.Equal(DashboardCli.Failed, statsExit);
        Assert.Contains("is not a SQLite database", OneLine(statsError));
    }

    [Fact]
    public async Task A_store_whose_folder_cannot_be_created_fails_with_one_line_saying_the_failure_is_not_recorded()
    {
        // Tests run as root, which writes into read-only folders anyway; a folder that cannot exist because a
        // regular file holds its name fails the same way (no folder to write the store or its journal into).
        var blocker = _temp.WriteFile("file.txt", "x");
        var store = Path.Combine(blocker, "store.db");

        var (exit, output, error) = await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", store);

        Assert.Equal(DashboardCli.Failed, exit);
        Assert.Equal("", output);
        var line = OneLine(error);
        Assert.Contains($"the store's folder {blocker} cannot be created", line);
        Assert.EndsWith("not recorded in the import history either", line);
    }

    [Fact]
    public async Task A_failure_the_store_can_record_ends_in_a_history_row()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        // A SQLite input that is damaged after its header.
        var broken = Path.Combine(_temp.Directory, "broken.sqlite");
        await File.WriteAllBytesAsync(broken, [.. "SQLite format 3\0"u8, .. Enumerable.Repeat((byte)0xA5, 8192)]);

        var (exit, _, error) = await RunAsync("import", broken, "--store", _temp.StorePath);

        Assert.Equal(DashboardCli.Rejected, exit);
        Assert.StartsWith($"rejected: {broken}: the SQLite input is not a readable database", OneLine(error));
        var last = (await _temp.History.ListAsync(1)).Single();
        Assert.Equal(Path.GetFullPath(broken), last.Source);
        Assert.Contains("not a readable database", last.Error);
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
    }

    [Fact]
    public async Task A_value_that_once_crashed_the_importer_is_a_rejection_naming_the_column_and_the_store_keeps_its_data()
    {
        // occurred_at of long.MinValue used to escape as an OverflowException (exit 134, no history row). Now the row
        // is quarantined, and as the export's only row it is over Ingestion:MaxQuarantinedFraction (1 %): rejected.
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        var before = await StatsAsync();
        var dump = _temp.WriteFile("odd.sql", """
            PRAGMA defer_foreign_keys=TRUE;
            CREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, event_type TEXT);
            INSERT INTO "ops_events" ("id","occurred_at","event_type") VALUES('x',-9223372036854775808,'probe');
            """);

        var (exit, output, error) = await RunAsync("import", dump, "--store", _temp.StorePath);

        Assert.Equal(DashboardCli.Rejected, exit);
        Assert.Equal("", output);
        var line = OneLine(error);
        Assert.StartsWith($"rejected: {dump}: ", line);
        Assert.Contains("occurred_at", line);
        Assert.EndsWith("the store is unchanged", line);
        var last = (await _temp.History.ListAsync(1)).Single();
        Assert.Equal(nameof(ImportOutcome.Rejected), last.Outcome);
        Assert.Equal(before, await StatsAsync());
    }

    [Fact]
    public async Task A_store_that_cannot_grow_fails_with_one_line_and_exit_1_and_keeps_its_data()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        var before = await StatsAsync();
        var big = _temp.WriteFile("big.sql", Ingestion.ImporterTests.BigOpsDump(20_000));

        // A full disk, without mounting one: max_page_count is per connection and not stored in the file, but
        // connections are pooled by connection string, so the ones left in the pool here (built by the product's own
        // factory with the path and timeout the command uses: the same string) are the ones the command is given.
        // Eight pages of room take the Failed history row once the import's own pages are rolled back, never 20,000 events.
        var factory = new SqliteConnectionFactory(Options.Create(new StorageOptions { Path = _temp.StorePath }));
        var limited = new List<SqliteConnection>();
        for (var i = 0; i < 4; i++)
        {
            var connection = await factory.OpenAsync();
            using var limit = connection.CreateCommand();
            limit.CommandText = "PRAGMA page_count";
            var pages = (long)(await limit.ExecuteScalarAsync())!;
            limit.CommandText = $"PRAGMA max_page_count = {pages + 8}";
            await limit.ExecuteNonQueryAsync();
            limited.Add(connection);
        }

        foreach (var connection in limited)
        {
            await connection.DisposeAsync();
        }

        var (exit, output, error) = await RunAsync("import", big, "--store", _temp.StorePath);

        Assert.Equal(DashboardCli.Failed, exit);
        Assert.Equal("", output);
        var line = OneLine(error);
        Assert.StartsWith($"failed: {big}: ", line);
        Assert.Contains("database or disk is full", line);
        var last = (await _temp.History.ListAsync(1)).Single();
        Assert.Equal(nameof(ImportOutcome.Failed), last.Outcome);
        Assert.Contains("database or disk is full", last.Error);
        SqliteConnection.ClearPool(limited[0]); // the limited connections go; the checks below get ordinary ones
        Assert.Equal("ok", await _temp.ScalarAsync("PRAGMA integrity_check"));
        Assert.Equal(before, await StatsAsync());
    }

    /// <summary>Bad exports a user may run into, each written here; the store holds a good import before each.</summary>
    public static TheoryData<string, string[], string> Rejections => new()
    {
        { "nested 40,000 deep", [], "values nest deeper than 32 (Ingestion:MaxNestingDepth)" },
        { "empty", [], "holds no tables" },
        { "only a byte-order mark", [], "holds no tables" },
        { "only comments", [], "holds no tables" },
        { "only the PRAGMA", [], "holds no tables" },
        { "auth_attempts without attempted_at", [], "attempted_at" },
        { "a sqlite input with a value over the limit", ["--Ingestion:MaxValueBytes=1024"], "over Ingestion:MaxValueBytes" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task A_bad_export_is_rejected_with_exit_2_and_one_line_naming_the_reason_and_the_store_keeps_its_data(string input, string[] settings, string reason)
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        var before = await StatsAsync();
        var path = await WriteBadExportAsync(input);

        var (exit, output, error) = await RunAsync(["import", path, "--store", _temp.StorePath, .. settings]);

        Assert.Equal(DashboardCli.Rejected, exit);
        Assert.Equal("", output);
        var line = OneLine(error);
        Assert.StartsWith($"rejected: {path}: ", line);
        Assert.Contains(reason, line);
        Assert.Equal(before, await StatsAsync());
    }

    private async Task<string> WriteBadExportAsync(string input)
    {
        const string Pragma = "PRAGMA defer_foreign_keys=TRUE;\n";
        switch (input)
        {
            case "nested 40,000 deep":
                var nested = string.Concat(Enumerable.Repeat("replace(", 40_000)) + "'a'" + string.Concat(Enumerable.Repeat(",'a','b')", 40_000));
                return _temp.WriteFile("deep.sql", Pragma + "CREATE TABLE notes (id INTEGER, body TEXT);\nINSERT INTO notes VALUES(1," + nested + ");\n");
            case "empty":
                return _temp.WriteFile("empty.sql", "");
            case "only a byte-order mark":
                var bom = Path.Combine(_temp.Directory, "bom.sql");
                await File.WriteAllBytesAsync(bom, [0xEF, 0xBB, 0xBF]);
                return bom;
            case "only comments":
                return _temp.WriteFile("comments.sql", "-- wrangler d1 export vibesdk\n/* nothing was exported */\n");
            case "only the PRAGMA":
                return _temp.WriteFile("pragma.sql", Pragma);
            case "auth_attempts without attempted_at":
                return _temp.WriteFile("auth.sql", Pragma + "CREATE TABLE auth_attempts (id INTEGER PRIMARY KEY, identifier TEXT, success INTEGER);\n"
                    + "INSERT INTO \"auth_attempts\" VALUES(1,'a@example.com',1);\n");
            case "a sqlite input with a value over the limit":
                var file = Path.Combine(_temp.Directory, "big-value.sqlite");
                await using (var source = new SqliteConnection($"Data Source={file};Pooling=False"))
                {
                    await source.OpenAsync();
                    using var cmd = source.CreateCommand();
                    cmd.CommandText = "CREATE TABLE notes (id INTEGER, body TEXT); INSERT INTO notes VALUES (1, printf('%.4096c', 'x'));";
                    await cmd.ExecuteNonQueryAsync();
                }

                return file;
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input, null);
        }
    }

    /// <summary>What <c>stats</c> prints: the store as the user sees it, to compare before and after.</summary>
    private async Task<string> StatsAsync()
    {
        var (exit, output, error) = await RunAsync("stats", "--store", _temp.StorePath);
        Assert.True(exit == DashboardCli.Ok, error);
        return output;
    }

    [Fact]
    public async Task Control_characters_in_table_names_are_printed_escaped_by_import_and_stats()
    {
        var file = Path.Combine(_temp.Directory, "ansi.sqlite");
        await using (var source = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await source.OpenAsync();
            using var cmd = source.CreateCommand();
            cmd.CommandText = "CREATE TABLE \"evil\u001b[2J\u001b[31m\rok\" (id TEXT); INSERT INTO \"evil\u001b[2J\u001b[31m\rok\" VALUES ('a');";
            await cmd.ExecuteNonQueryAsync();
        }

        var (exit, output, error) = await RunAsync("import", file, "--store", _temp.StorePath);
        var (_, stats, statsError) = await RunAsync("stats", "--store", _temp.StorePath);

        // Accepted or rejected by the grammar, the name is never written raw to the terminal.
        foreach (var text in (string[])[output, error, stats, statsError])
        {
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain('\r', text);
        }

        Assert.Contains("evil\\u001b[2J\\u001b[31m\\u000dok", exit == DashboardCli.Ok ? output + stats : error);
    }

    [Fact]
    public async Task A_file_name_with_control_characters_is_printed_escaped()
    {
        var name = Path.Combine(_temp.Directory, "x\u001b[31m.sql");

        var (exit, _, error) = await RunAsync("import", name, "--store", _temp.StorePath);

        Assert.Equal(DashboardCli.Failed, exit);
        Assert.DoesNotContain('\u001b', error);
        Assert.Contains("x\\u001b[31m.sql: no such file", error);
    }

    [Fact]
    public async Task Allow_shrink_with_a_reason_imports_and_is_audited_as_the_command_line_even_when_nothing_shrinks()
    {
        var (exit, output, error) = await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath, "--allow-shrink", "--reason", "first load of the new export");

        Assert.True(exit == DashboardCli.Ok, error);
        Assert.Contains("ops_events: 60 rows", output);
        var entry = Assert.Single(await AuditAsync("import.allow_shrink"));
        Assert.Equal("ok", entry.Outcome);
        Assert.Equal("system", entry.ActorKind);
        Assert.StartsWith("cli:", entry.ActorName);
        Assert.Equal("first load of the new export", entry.Reason);
        Assert.Contains("\"would_have_held\":[]", entry.BeforeJson);
    }

    [Fact]
    public async Task Allow_shrink_without_a_reason_is_a_usage_error_that_imports_nothing_and_a_reason_alone_is_one_too()
    {
        var (exit, _, error) = await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath, "--allow-shrink");

        Assert.Equal(DashboardCli.Usage, exit);
        Assert.Contains("needs --reason", error);
        Assert.Equal(0L, await _temp.CountAsync("_vd_imports")); // not read, so not even a history row
        // The refusal is audited like any refused command.
        Assert.Equal("invalid", Assert.Single(await AuditAsync("import.allow_shrink")).Outcome);

        var (alone, _, aloneError) = await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath, "--reason", "why not");
        Assert.Equal(DashboardCli.Usage, alone);
        Assert.Contains("--reason goes with --allow-shrink", aloneError);
    }

    [Fact]
    public async Task A_dump_cut_at_a_statement_boundary_is_held_with_exit_2_and_applied_with_allow_shrink()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        // Keep only the first 10 of the 40 auth_attempts rows, and end the file right after them.
        var lines = File.ReadAllLines(Fixtures.Wrangler("vibesdk-full.sql"));
        var firstAuth = Array.FindIndex(lines, l => l.StartsWith("INSERT INTO \"auth_attempts\"", StringComparison.Ordinal));
        var cut = _temp.WriteFile("cut.sql", string.Join('\n', lines[..(firstAuth + 10)]) + "\n");

        var (exit, _, error) = await RunAsync("import", cut, "--store", _temp.StorePath);

        Assert.Equal(DashboardCli.Rejected, exit);
        Assert.StartsWith("held: ", OneLine(error));
        Assert.Contains("auth_attempts would shrink from 40 to 10 rows", error);
        Assert.Contains("--allow-shrink --reason", error);
        Assert.Equal(40L, await _temp.CountAsync("auth_attempts"));

        var (forced, _, forcedError) = await RunAsync("import", cut, "--store", _temp.StorePath, "--allow-shrink", "--reason=auth_attempts was pruned on purpose");

        Assert.True(forced == DashboardCli.Ok, forcedError);
        Assert.Equal(10L, await _temp.CountAsync("auth_attempts"));
        // Who switched the guard off, why, and what it let through, in the same transaction as the data.
        var entry = Assert.Single(await AuditAsync("import.allow_shrink"));
        Assert.Equal("ok", entry.Outcome);
        Assert.Equal("auth_attempts was pruned on purpose", entry.Reason);
        Assert.Contains("auth_attempts would shrink from 40 to 10 rows", entry.BeforeJson);
        Assert.Equal(DashboardCli.Ok, (await RunAsync("audit", "verify", "--store", _temp.StorePath)).Exit);
    }

    [Fact]
    public async Task Import_says_how_many_rows_were_quarantined_and_counts_only_the_rows_stored()
    {
        var at = new DateTimeOffset(2026, 11, 26, 20, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var rows = string.Concat(Enumerable.Range(0, 200).Select(i => $"INSERT INTO \"ops_events\" VALUES('e{i}',{at},'probe');\n"));
        var path = _temp.WriteFile("one-bad.sql", "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE ops_events (id TEXT, occurred_at INTEGER, event_type TEXT);\n"
            + rows + "INSERT INTO \"ops_events\" VALUES('bad','10:00','probe');\n");

        var (exit, output, _) = await RunAsync("import", path, "--store", _temp.StorePath);

        Assert.Equal(DashboardCli.Ok, exit);
        Assert.Matches(@"imported 200 rows in \d+\.\d\d s; 1 ops_events rows quarantined", output);
    }

    [Fact]
    public async Task Importing_the_store_into_itself_is_refused_before_anything_is_written()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        // Closing the store's last pooled connection checkpoints the WAL into the file; another test's clean-up
        // (ClearAllPools) may do that at any moment, so it is done here, before the bytes are taken.
        SqliteConnection.ClearAllPools();
        var before = await File.ReadAllBytesAsync(_temp.StorePath);

        var (exit, _, error) = await RunAsync("import", _temp.StorePath, "--store", _temp.StorePath);

        Assert.Equal(DashboardCli.Usage, exit);
        Assert.Contains("is the store itself", OneLine(error));
        Assert.Equal(before, await File.ReadAllBytesAsync(_temp.StorePath));
    }

    [Theory]
    [InlineData(new[] { "imprt", "x.sql" }, true)]
    [InlineData(new[] { "fuzz", "--iterations", "3" }, true)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:5080" }, false)]
    [InlineData(new[] { "Storage:Path=x.db" }, false)]
    [InlineData(new string[0], false)]
    public void A_first_argument_that_is_no_command_is_a_usage_error_instead_of_starting_the_server(string[] args, bool unknown)
    {
        Assert.Equal(unknown, DashboardCli.IsUnknownCommand(args));
        if (unknown)
        {
            var stderr = new StringWriter();
            Assert.Equal(DashboardCli.Usage, DashboardCli.UnknownCommand(args, stderr));
            Assert.Contains("unknown command", stderr.ToString());
        }
    }

    /// <summary>The single line written, asserting there is no second line (a stack trace, a hint).</summary>
    private static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, text);
        Assert.DoesNotContain("   at ", text);
        return lines[0];
    }

    private static long WalLength(string wal) => File.Exists(wal) ? new FileInfo(wal).Length : 0;
}
