using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Model;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Ingestion;

/// <summary>What an import writes when an export is partly bad, empty, incomplete or smaller than the store.</summary>
public sealed class ImportValidationTests : IAsyncLifetime
{
    // TempStore's clock: 2026-11-26 21:00 UTC.
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 0, 0, TimeSpan.Zero);
    private static readonly long GoodAt = Now.AddHours(-1).ToUnixTimeMilliseconds();

    private readonly TempStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private const string OpsHeader = """
        PRAGMA defer_foreign_keys=TRUE;
        CREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, source TEXT, event_type TEXT, status TEXT, duration_ms REAL, cost_usd REAL, tokens_in INTEGER, message TEXT);
        """;

    /// <summary>A dump of <paramref name="good"/> valid probes, then one row per bad value (lines 3.. for the good ones).</summary>
    private static string OpsDump(int good, params string[] badRows)
    {
        var sql = new StringBuilder(OpsHeader.Replace("\r\n", "\n")).Append('\n');
        for (var i = 0; i < good; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO \"ops_events\" VALUES('good-{i}',{GoodAt + i},'probe','probe','ok',12.5,0.01,100,'fine');\n");
        }

        foreach (var bad in badRows)
        {
            sql.Append("INSERT INTO \"ops_events\" VALUES(").Append(bad).Append(");\n");
        }

        return sql.ToString();
    }

    private static string Row(string occurredAt = "", string duration = "12.5", string cost = "0.01", string tokens = "100", string status = "'ok'", string eventType = "'probe'", string message = "'bad'") =>
        $"'bad',{(occurredAt.Length == 0 ? GoodAt.ToString(CultureInfo.InvariantCulture) : occurredAt)},'probe',{eventType},{status},{duration},{cost},{tokens},{message}";

    public static TheoryData<string, string> BadRows => new()
    {
        { Row(occurredAt: "253402300800000"), "occurred_at" },                 // year 10000
        { Row(occurredAt: "99999999999999999999"), "occurred_at" },            // saturates to 2^63-1
        { Row(occurredAt: "-9223372036854775808"), "occurred_at" },            // long.MinValue
        { Row(occurredAt: "'10:00'"), "ambiguous" },
        { Row(occurredAt: "'1/2/3'"), "ambiguous" },
        { Row(occurredAt: Now.AddMinutes(10).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)), "MaxFutureSkew" },
        { Row(occurredAt: "946684799000"), "MinOccurredAt" },                  // 1999-12-31 23:59:59
        { Row(occurredAt: "NULL"), "occurred_at is missing" },
        { Row(occurredAt: "X'00'"), "blob" },
        { Row(duration: "1e999"), "duration_ms" },
        { Row(duration: "-1"), "duration_ms" },
        { Row(duration: "'fast'"), "duration_ms" },
        { Row(cost: "-0.5"), "cost_usd" },
        { Row(cost: "1e308"), "MaxCostUsd" },
        { Row(tokens: "-3"), "tokens_in" },
        { Row(tokens: "1.5"), "tokens_in" },
        { Row(status: "'timeout'"), "status" },
        { Row(status: "X'01'"), "status" },
        { Row(eventType: "NULL"), "event_type is missing" },
        { Row(message: "X'DEADBEEF'"), "message is a blob" },
        { Row(eventType: "'" + new string('e', 300) + "'"), "MaxLabelBytes" },        // a label, grouped by and named in the snapshot
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public async Task A_row_breaking_the_contract_is_quarantined_with_its_line_while_the_good_rows_import(string bad, string reason)
    {
        var path = _store.WriteFile("one-bad.sql", OpsDump(200, bad));

        var result = await _store.ImportAsync(path);

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(1, result.Record.QuarantinedRows);
        Assert.Equal(200, await _store.CountAsync("ops_events"));
        Assert.Equal(0L, await _store.ScalarAsync("SELECT COUNT(*) FROM ops_events WHERE id = 'bad'"));
        var history = Assert.Single(await _store.History.ListAsync());
        Assert.Equal(1, history.QuarantinedRows);
        var row = Assert.Single(await Quarantine.ListAsync(history.Id));
        Assert.Equal("ops_events", row.Table);
        Assert.Equal(203, row.Line);
        Assert.Contains(reason, row.Reason);
        Assert.Contains("\"id\":\"bad\"", row.Excerpt);
        Assert.Equal(200, await Aggregatable());
    }

    [Fact]
    public async Task Quarantined_rows_are_stored_in_the_import_transaction_only_for_a_committed_import()
    {
        await _store.ImportAsync(_store.WriteFile("a.sql", OpsDump(200, Row(duration: "-1"))));
        await _store.ImportAsync(_store.WriteFile("b.sql", OpsDump(10, Row(duration: "-1"), Row(cost: "-1"))));

        Assert.Equal(1L, await _store.ScalarAsync("SELECT COUNT(*) FROM _vd_quarantine"));
        Assert.Equal(0L, await _store.ScalarAsync("SELECT COUNT(*) FROM _vd_quarantine WHERE import_id IS NULL"));
    }

    [Fact]
    public async Task An_excerpt_escapes_control_characters_and_stays_about_a_kilobyte()
    {
        var message = "'" + "\u001b[31mred" + new string('x', 5000) + "'";
        await _store.ImportAsync(_store.WriteFile("long.sql", OpsDump(200, Row(cost: "-1", message: message))));

        var row = Assert.Single(await Quarantine.ListAsync((await _store.History.ListAsync())[0].Id));
        Assert.True(row.Excerpt.Length <= 1024, row.Excerpt.Length.ToString(CultureInfo.InvariantCulture));
        Assert.DoesNotContain('\u001b', row.Excerpt);
        Assert.Contains("\\u001B[31mred", row.Excerpt);
    }

    [Fact]
    public async Task Text_longer_than_MaxEventTextBytes_is_quarantined()
    {
        await using var store = new TempStore(new Dictionary<string, string?> { ["Ingestion:MaxEventTextBytes"] = "64" });
        var path = store.WriteFile("long.sql", OpsDump(200, Row(message: "'" + new string('é', 40) + "'")));

        var result = await store.ImportAsync(path);

        Assert.Equal(1, result.Record.QuarantinedRows);
        var row = Assert.Single(await store.Services.GetRequiredService<QuarantineRepository>().ListAsync(result.Record.Id));
        Assert.Contains("80 bytes, more than 64 (Ingestion:MaxEventTextBytes)", row.Reason);
    }

    [Fact]
    public async Task More_bad_rows_than_MaxQuarantinedFraction_reject_the_export_and_change_nothing()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var path = _store.WriteFile("bad.sql", OpsDump(98, Row(duration: "1e999"), Row(occurredAt: "'10:00'")));

        var result = await _store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.StartsWith("2 of 100 ops_events rows (2 %) break the contract (Ingestion:MaxQuarantinedFraction): first: line 101: duration_ms", result.Record.Error);
        Assert.Equal(60, await _store.CountAsync("ops_events"));
        Assert.Equal(0L, await _store.ScalarAsync("SELECT COUNT(*) FROM _vd_quarantine"));
        Assert.Equal(0, (await _store.History.ListAsync())[0].QuarantinedRows);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    [InlineData("-- nothing here\n/* nor here */\n")]
    [InlineData("PRAGMA defer_foreign_keys=TRUE;\n")]
    public async Task An_export_with_no_tables_is_rejected_and_a_demo_store_is_not_wiped(string content)
    {
        await using var demo = new TempStore(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "1" });
        Assert.True(await demo.Services.GetRequiredService<VibeDashboard.Ingestion.Demo.DemoSeeder>().EnsureDemoAsync());
        var events = await demo.CountAsync("ops_events");
        var path = Path.Combine(demo.Directory, "empty.sql");
        await File.WriteAllTextAsync(path, content, new UTF8Encoding(false));

        var result = await demo.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Contains("the export holds no tables", result.Record.Error);
        Assert.True(await demo.Store.IsDemoAsync());
        Assert.Equal(events, await demo.CountAsync("ops_events"));
    }

    [Theory]
    [InlineData("auth_attempts", "CREATE TABLE auth_attempts (id INTEGER PRIMARY KEY, success INTEGER, ip_address TEXT)", "attempted_at", "auth failure anomalies")]
    [InlineData("auth_attempts", "CREATE TABLE auth_attempts (id INTEGER PRIMARY KEY, attempted_at INTEGER)", "success", "auth failure anomalies")]
    [InlineData("apps", "CREATE TABLE apps (id TEXT PRIMARY KEY, title TEXT)", "created_at", "artifact growth")]
    [InlineData("d1_migrations", "CREATE TABLE d1_migrations (id INTEGER PRIMARY KEY, applied_at TIMESTAMP)", "name", "migration drift")]
    public async Task A_vibesdk_table_without_a_column_the_dashboard_reads_is_rejected_naming_both(string table, string create, string column, string use)
    {
        var path = _store.WriteFile("missing.sql", $"PRAGMA defer_foreign_keys=TRUE;\n{create};\n");

        var result = await _store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Equal($"line 2: table {table} has no {column} column: the dashboard reads it for {use}", result.Record.Error);
        Assert.Equal(2, result.Record.ErrorLine);
    }

    [Fact]
    public async Task Auth_attempts_without_ip_address_and_identifier_imports()
    {
        var path = _store.WriteFile("auth.sql", "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE auth_attempts (id INTEGER PRIMARY KEY, attempted_at INTEGER, success INTEGER);\nINSERT INTO \"auth_attempts\" VALUES(1,1764187200,0);\n");

        var result = await _store.ImportAsync(path);

        Assert.True(result.Succeeded, result.Record.Error);
    }

    [Fact]
    public async Task A_dump_cut_at_a_statement_boundary_is_held_and_the_store_keeps_its_rows()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var path = _store.WriteFile("cut.sql", CutAfterAuthAttempts(Fixtures.Wrangler("vibesdk-full-2.sql"), keep: 10));

        var result = await _store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Held), result.Record.Outcome);
        Assert.True(result.Held);
        Assert.Contains("auth_attempts would shrink from 40 to 10 rows (\u221275 %)", result.Record.Error);
        Assert.EndsWith(": held; import with --allow-shrink --reason <why> or confirm on the Imports page", result.Record.Error);
        Assert.Equal(await Importer.HashFileAsync(path), result.Record.ContentHash);
        Assert.Equal(40, await _store.CountAsync("auth_attempts"));
        Assert.Equal(60, await _store.CountAsync("ops_events"));
        Assert.Equal(["Held", "Succeeded"], (await _store.History.ListAsync()).Select(h => h.Outcome));
    }

    [Fact]
    public async Task A_held_export_is_applied_with_allow_shrink()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var path = _store.WriteFile("cut.sql", CutAfterAuthAttempts(Fixtures.Wrangler("vibesdk-full-2.sql"), keep: 10));

        var result = await _store.Importer.ImportFileAsync(path, new ImportRequest { AllowShrink = true });

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(10, await _store.CountAsync("auth_attempts"));
    }

    [Fact]
    public async Task An_export_emptying_a_table_is_held_but_a_table_new_to_the_store_or_ops_events_never_is()
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));

        var empty = await _store.ImportAsync(_store.WriteFile("empty-users.sql", "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE users (id TEXT PRIMARY KEY, email TEXT);\n"));
        var fresh = await _store.ImportAsync(_store.WriteFile("fresh.sql", "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE brand_new (id TEXT);\n"));
        var fewEvents = await _store.ImportAsync(_store.WriteFile("few.sql", OpsDump(3)));

        Assert.Equal(nameof(ImportOutcome.Held), empty.Record.Outcome);
        Assert.Contains("users would shrink from 5 to 0 rows", empty.Record.Error);
        Assert.Equal(5, await _store.CountAsync("users"));
        Assert.True(fresh.Succeeded, fresh.Record.Error);
        Assert.True(fewEvents.Succeeded, fewEvents.Record.Error);
    }

    [Fact]
    public async Task A_lone_surrogate_quarantines_an_event_and_rejects_a_vibesdk_row_with_its_line()
    {
        // The dump parser turns char(55296) into such a string; the writer is fed directly here.
        await _store.Services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        await using var connection = await _store.Connections.OpenAsync();
        using var transaction = connection.BeginTransaction();
        var contract = new OpsEventContract(new IngestionOptions(), Now);
        using (var writer = ImportWriter.Open(connection, transaction, Now.ToUnixTimeMilliseconds(), contract, 1d))
        {
            writer.Apply(new CreateTableStatement(2, "ops_events", ["id", "occurred_at", "event_type", "message"], "CREATE TABLE ops_events (…)"));
            writer.Apply(new InsertStatement(3, "ops_events", null, [["e1", GoodAt, "probe", "a\uD800b"], ["e2", GoodAt, "probe", "fine"]]));
            writer.AssignQuarantine(99);
            Assert.Equal(1, writer.Quarantined);

            writer.Apply(new CreateTableStatement(4, "users", ["id", "bio"], "CREATE TABLE users (id, bio)"));
            var rejected = Assert.Throws<ExportRejectedException>(() => writer.Apply(new InsertStatement(5, "users", null, [["u1", "\uDC00"]])));
            Assert.Equal(5, rejected.Line);
            Assert.Contains("table users, column bio: text is not valid (a lone UTF-16 surrogate)", rejected.Reason);
        }

        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "SELECT reason || ' | ' || excerpt FROM _vd_quarantine WHERE import_id = 99";
        var stored = (string)cmd.ExecuteScalar()!;
        Assert.Contains("message is not valid text (a lone UTF-16 surrogate)", stored);
        Assert.Contains("a\uFFFDb", stored); // the lone surrogate is replaced in the excerpt, which must stay valid JSON and UTF-8
    }

    [Fact]
    public async Task A_store_written_before_quarantine_existed_is_migrated_and_keeps_its_history()
    {
        await using (var connection = await _store.Connections.OpenAsync())
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE _vd_meta (key TEXT PRIMARY KEY, value TEXT);
                INSERT INTO _vd_meta VALUES ('schema_version', '1');
                CREATE TABLE _vd_imports (id INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, content_hash TEXT, started_at INTEGER NOT NULL,
                    duration_ms INTEGER NOT NULL, rows_json TEXT NOT NULL DEFAULT '{}', total_rows INTEGER NOT NULL DEFAULT 0,
                    new_events INTEGER NOT NULL DEFAULT 0, outcome TEXT NOT NULL, error TEXT, error_line INTEGER);
                INSERT INTO _vd_imports (source, started_at, duration_ms, outcome) VALUES ('/old.sql', 1, 2, 'Succeeded');
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        var result = await _store.ImportAsync(_store.WriteFile("new.sql", OpsDump(200, Row(cost: "-1"))));

        Assert.True(result.Succeeded, result.Record.Error);
        var history = await _store.History.ListAsync();
        Assert.Equal([1L, 0L], history.Select(h => h.QuarantinedRows));
        Assert.Equal("/old.sql", history[1].Source);
        // Every numbered migration ran, in order, and the store says which it is at.
        Assert.Equal(StoreSchema.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), await _store.ScalarAsync("SELECT value FROM _vd_meta WHERE key = 'schema_version'"));
        Assert.Equal((object)(long)StoreSchema.Version, await _store.ScalarAsync("SELECT COUNT(*) FROM _vd_schema_migrations"));
    }

    [Fact]
    public async Task Values_the_contract_accepts_are_stored_in_one_type_per_column()
    {
        var path = _store.WriteFile("types.sql", OpsHeader.Replace("\r\n", "\n") + "\n" +
            "INSERT INTO \"ops_events\" VALUES(42,'2026-11-26 20:00:00','probe','probe',NULL,'12.5',3,7.0,1234);\n");

        var result = await _store.ImportAsync(path);

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(0, result.Record.QuarantinedRows);
        Assert.Equal("text|integer|real|real|integer|text", await _store.ScalarAsync(
            "SELECT typeof(id) || '|' || typeof(occurred_at) || '|' || typeof(duration_ms) || '|' || typeof(cost_usd) || '|' || typeof(tokens_in) || '|' || typeof(message) FROM ops_events"));
        Assert.Equal("1234", await _store.ScalarAsync("SELECT message FROM ops_events WHERE id = '42'"));
        Assert.Equal(Now.AddHours(-1).ToUnixTimeMilliseconds(), await _store.ScalarAsync("SELECT occurred_at FROM ops_events"));
    }

    [Fact]
    public async Task A_sqlite_input_quarantines_by_row_number_and_names_the_row_when_it_rejects()
    {
        var good = Path.Combine(_store.Directory, "good.sqlite");
        var bad = Path.Combine(_store.Directory, "bad.sqlite");
        await WriteSqliteAsync(good, 200, "'bad', 1, 'probe', 5");
        await WriteSqliteAsync(bad, 20, "'bad', 1, 'probe', 5");

        var quarantined = await _store.ImportAsync(good);
        var rejected = await _store.ImportAsync(bad);

        Assert.True(quarantined.Succeeded, quarantined.Record.Error);
        var row = Assert.Single(await Quarantine.ListAsync(quarantined.Record.Id));
        Assert.Equal(201, row.Line);
        Assert.Contains("occurred_at 1 (1970-01-01 00:00:01Z) is outside", row.Reason);
        Assert.Equal(nameof(ImportOutcome.Rejected), rejected.Record.Outcome);
        Assert.Contains("1 of 21 ops_events rows (4.76 %) break the contract (Ingestion:MaxQuarantinedFraction): first: row 21: occurred_at", rejected.Record.Error);
        Assert.Equal(200, await _store.CountAsync("ops_events"));
    }

    private static async Task WriteSqliteAsync(string file, int good, string badValues)
    {
        await using (var source = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file}"))
        {
            await source.OpenAsync();
            using var cmd = source.CreateCommand();
            var inserts = string.Concat(Enumerable.Range(0, good).Select(i => $"INSERT INTO ops_events VALUES ('s-{i}', {GoodAt}, 'probe', 5);\n"));
            cmd.CommandText = $"CREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, event_type TEXT, duration_ms REAL);\n{inserts}INSERT INTO ops_events VALUES ({badValues});";
            await cmd.ExecuteNonQueryAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private QuarantineRepository Quarantine => _store.Services.GetRequiredService<QuarantineRepository>();

    /// <summary>Rows the aggregator can read: every stored occurred_at is an instant a DateTimeOffset holds.</summary>
    private async Task<long> Aggregatable() =>
        (long)(await _store.ScalarAsync($"SELECT COUNT(*) FROM ops_events WHERE occurred_at BETWEEN 946684800000 AND {Now.AddMinutes(5).ToUnixTimeMilliseconds()} AND (duration_ms IS NULL OR duration_ms >= 0)"))!;

    /// <summary>The fixture cut right after its auth_attempts rows, keeping only the first <paramref name="keep"/> of them: every statement complete.</summary>
    internal static string CutAfterAuthAttempts(string fixture, int keep)
    {
        var output = new StringBuilder();
        var kept = 0;
        foreach (var line in File.ReadLines(fixture))
        {
            if (line.StartsWith("INSERT INTO \"auth_attempts\"", StringComparison.Ordinal))
            {
                if (++kept > keep)
                {
                    break;
                }
            }
            else if (kept > 0)
            {
                break;
            }

            output.Append(line).Append('\n');
        }

        return output.ToString();
    }
}
