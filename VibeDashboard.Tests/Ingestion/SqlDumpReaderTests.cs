using VibeDashboard.Ingestion;

namespace VibeDashboard.Tests.Ingestion;

public sealed class SqlDumpReaderTests
{
    private static List<SqlStatement> Read(string dump, int max = 1 << 20) =>
        new SqlDumpReader(new StringReader(dump), max).ReadAll().ToList();

    [Fact]
    public void Splits_statements_and_reports_the_line_each_starts_on()
    {
        var statements = Read("PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE t (\n a,\n b\n);\nINSERT INTO \"t\" VALUES(1,2);");

        Assert.Equal([1L, 2L, 6L], statements.Select(s => s.Line));
        Assert.Equal("INSERT INTO \"t\" VALUES(1,2)", statements[2].Text);
    }

    [Fact]
    public void Semicolons_and_comment_markers_inside_strings_and_names_do_not_split()
    {
        var statements = Read("INSERT INTO \"a;b\" VALUES('x; -- y /* z', 'it''s;');\nINSERT INTO [c;d] VALUES(`e;f`);");

        Assert.Equal(2, statements.Count);
        Assert.Equal("INSERT INTO \"a;b\" VALUES('x; -- y /* z', 'it''s;')", statements[0].Text);
    }

    [Fact]
    public void Comments_are_dropped()
    {
        var statements = Read("-- header comment\n/* block\n comment */ INSERT INTO t VALUES(1); -- trailing\n");

        var statement = Assert.Single(statements);
        Assert.Equal("INSERT INTO t VALUES(1)", statement.Text);
        Assert.Equal(3, statement.Line);
    }

    [Fact]
    public void A_statement_without_its_semicolon_at_end_of_file_is_a_truncated_export()
    {
        var error = Assert.Throws<ExportRejectedException>(() => Read("PRAGMA defer_foreign_keys=TRUE;\nINSERT INTO t VALUES(1,"));

        Assert.Equal(2, error.Line);
        Assert.Contains("truncated", error.Reason);
    }

    [Fact]
    public void A_string_still_open_at_end_of_file_is_rejected_with_the_line_it_started_on()
    {
        var error = Assert.Throws<ExportRejectedException>(() => Read("PRAGMA defer_foreign_keys=TRUE;\n\nINSERT INTO t VALUES('never ends;\n\n"));

        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_statement_that_never_ends_is_cut_off_at_the_limit()
    {
        var endless = "INSERT INTO t VALUES('" + new string('x', 5000);

        var error = Assert.Throws<ExportRejectedException>(() => Read("PRAGMA defer_foreign_keys=TRUE;\n" + endless, max: 1024));

        Assert.Equal(2, error.Line);
        Assert.Contains("longer than", error.Reason);
    }

    [Fact]
    public void A_dump_without_trailing_newline_reads_completely()
    {
        var statements = Read(File.ReadAllText(Infrastructure.Fixtures.Wrangler("vibesdk-full.sql")));

        Assert.Equal("PRAGMA defer_foreign_keys=TRUE", statements[0].Text);
        Assert.StartsWith("CREATE", statements[^1].Text);
    }
}
