using System.Text;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Ingestion;

/// <summary>Dumps that used to crash the process or name the wrong line, fed through the real importer.</summary>
public sealed class HostileDumpTests : IAsyncLifetime
{
    private const string Header = "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE notes (id INTEGER, body TEXT);\n";

    private readonly TempStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_store.Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private async Task AssertRejectedAsync(string path, long line, string reason)
    {
        var result = await _store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Equal(line, result.Record.ErrorLine);
        Assert.Contains(reason, result.Record.Error);
        var history = await _store.History.ListAsync(10);
        Assert.Equal(nameof(ImportOutcome.Rejected), Assert.Single(history).Outcome);
    }

    [Fact]
    public async Task A_value_nested_40000_deep_is_a_rejection_with_its_line_not_a_stack_overflow()
    {
        var nested = string.Concat(Enumerable.Repeat("replace(", 40_000)) + "'a'" + string.Concat(Enumerable.Repeat(",'a','b')", 40_000));
        var path = _store.WriteFile("deep.sql", Header + "INSERT INTO notes VALUES(1,'ok');\nINSERT INTO notes VALUES(2," + nested + ");\n");

        await AssertRejectedAsync(path, 4, "values nest deeper than 32 (Ingestion:MaxNestingDepth)");
    }

    [Fact]
    public async Task The_nesting_limit_comes_from_configuration()
    {
        await using var store = new TempStore(new Dictionary<string, string?> { ["Ingestion:MaxNestingDepth"] = "2" });
        var path = store.WriteFile("three.sql", Header + "INSERT INTO notes VALUES(1,replace(replace(replace('a','a','b'),'b','c'),'c','d'));\n");

        var result = await store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Contains("values nest deeper than 2 (Ingestion:MaxNestingDepth)", result.Record.Error);
    }

    [Fact]
    public async Task Utf16_without_a_bom_is_a_rejection_at_line_1()
    {
        var path = WriteBytes("utf16.sql", Encoding.Unicode.GetBytes(Header + "INSERT INTO notes VALUES(1,'ok');\n"));

        await AssertRejectedAsync(path, 1, "UTF-16 (no byte-order mark): export it as UTF-8");
    }

    [Fact]
    public async Task Utf16_with_a_bom_imports()
    {
        var path = WriteBytes("utf16bom.sql", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Header + "INSERT INTO notes VALUES(1,'café');\n")).ToArray());

        var result = await _store.ImportAsync(path);

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal("café", await _store.ScalarAsync("SELECT body FROM notes WHERE id = 1"));
    }

    [Fact]
    public async Task Binary_data_is_a_rejection_with_the_line_of_the_first_bad_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(Header + "INSERT INTO notes VALUES(1,'ok');\n").Concat(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x00, 0x1A, 0xFF, 0x00 }).ToArray();
        var path = WriteBytes("binary.sql", bytes);

        await AssertRejectedAsync(path, 4, "not valid UTF-8");
    }

    [Fact]
    public async Task A_nul_byte_is_a_rejection_with_its_line()
    {
        var path = WriteBytes("nul.sql", Encoding.UTF8.GetBytes(Header + "INSERT INTO notes VALUES(1,'ok');\n\nINSERT INTO notes VALUES(2,'a\0b');\n"));

        await AssertRejectedAsync(path, 5, "binary data (a NUL byte)");
    }

    [Fact]
    public async Task Errors_in_a_file_with_cr_only_line_endings_name_the_right_line()
    {
        var path = _store.WriteFile("mac.sql", (Header + "INSERT INTO notes VALUES(1,'ok');\nINSERT INTO notes VALUES(2,'a\nb');\nATTACH DATABASE 'x' AS y;\n").Replace('\n', '\r'));

        await AssertRejectedAsync(path, 6, "ATTACH");
    }

    [Fact]
    public async Task Bare_unicode_identifiers_import()
    {
        var path = _store.WriteFile("unicode.sql", "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE café (naïve TEXT, größe INTEGER);\nINSERT INTO café VALUES('oui', 3);\nINSERT INTO \"café\" (größe, naïve) VALUES(4, 'non');\n");

        var result = await _store.ImportAsync(path);

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.Equal(2, await _store.CountAsync("café"));
        Assert.Equal("non", await _store.ScalarAsync("SELECT naïve FROM café WHERE größe = 4"));
    }

    [Fact]
    public async Task A_view_hiding_an_attach_is_rejected()
    {
        var path = _store.WriteFile("view.sql", Header + "CREATE VIEW v ATTACH DATABASE 'evil.db' AS evil;\n");

        await AssertRejectedAsync(path, 3, "AS SELECT");
        Assert.False(File.Exists(Path.Combine(_store.Directory, "evil.db")));
    }

    [Theory]
    [InlineData("CREATE VIEW v AS SELECT 1 ATTACH DATABASE 'evil.db' AS e;", "ATTACH is not allowed in the SELECT of view v")]
    [InlineData("CREATE VIEW v AS SELECT 1 PRAGMA writable_schema=ON;", "PRAGMA is not allowed in the SELECT of view v")]
    public async Task A_statement_behind_a_views_select_is_rejected_with_its_line_and_the_store_keeps_its_data(string view, string reason)
    {
        var good = _store.WriteFile("good.sql", Header + "INSERT INTO notes VALUES(1,'kept');\n");
        Assert.True((await _store.ImportAsync(good)).Succeeded);
        var path = _store.WriteFile("view.sql", Header + "INSERT INTO notes VALUES(2,'new');\n" + view + "\n");

        var result = await _store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Equal(4, result.Record.ErrorLine);
        Assert.Contains(reason, result.Record.Error);
        Assert.Equal(1, await _store.CountAsync("notes"));
        Assert.Equal("kept", await _store.ScalarAsync("SELECT body FROM notes"));
        Assert.False(File.Exists(Path.Combine(_store.Directory, "evil.db")));
    }
    private const string OpsHeader = "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, event_type TEXT, message TEXT);\n";

    [Fact]
    public async Task A_lone_surrogate_in_an_event_quarantines_that_row_and_the_rest_imports()
    {
        // 2026-11-26 20:00 UTC, an hour before the store's clock.
        var rows = string.Concat(Enumerable.Range(1, 200).Select(i => $"INSERT INTO ops_events VALUES('e{i}',1795723200000,'probe','ok');\n"));
        var path = _store.WriteFile("surrogate.sql", OpsHeader + rows + "INSERT INTO ops_events VALUES('bad',1795723200000,'probe',char(55296));\n");

        var result = await _store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Succeeded), result.Record.Outcome);
        Assert.Equal(1, result.Record.QuarantinedRows);
        Assert.Equal(200L, await _store.CountAsync("ops_events"));
        Assert.Contains("message", (string?)await _store.ScalarAsync("SELECT reason FROM _vd_quarantine WHERE line = 203"));
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_vibesdk_table_is_a_rejection_with_its_line()
    {
        var path = _store.WriteFile("surrogate-notes.sql", Header + "INSERT INTO notes VALUES(1,'ok');\nINSERT INTO notes VALUES(2,char(55296));\n");

        var result = await _store.ImportAsync(path);

        Assert.Equal(nameof(ImportOutcome.Rejected), result.Record.Outcome);
        Assert.Equal(4, result.Record.ErrorLine);
    }
}
