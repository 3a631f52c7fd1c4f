using System.Text;
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

    private static List<SqlStatement> ReadBytes(byte[] bytes)
    {
        using var text = SqlDumpReader.OpenText(new MemoryStream(bytes));
        return new SqlDumpReader(text, 1 << 20).ReadAll().ToList();
    }

    [Fact]
    public void Lines_ending_in_a_lone_cr_are_counted()
    {
        var statements = Read("PRAGMA defer_foreign_keys=TRUE;\rCREATE TABLE t (\r a,\r b\r);\r-- note\rINSERT INTO t VALUES('x\ry', \"q\r\");\r/* c\r */ INSERT INTO t VALUES(1,2);\r");

        Assert.Equal([1L, 2L, 7L, 11L], statements.Select(s => s.Line));
        Assert.Equal("INSERT INTO t VALUES('x\ry', \"q\r\")", statements[2].Text);
    }

    [Fact]
    public void Crlf_counts_as_one_line_end_even_across_the_read_buffer()
    {
        // The first statement fills the 64 K buffer up to its '\r', so the '\n' arrives in the next read.
        var first = "INSERT INTO t VALUES('" + new string('x', (1 << 16) - 26) + "');";
        var dump = first + "\r\n\r\nINSERT INTO t VALUES(1);\r\n";
        Assert.Equal('\r', dump[(1 << 16) - 1]);

        var statements = Read(dump);

        Assert.Equal([1L, 3L], statements.Select(s => s.Line));
    }

    [Fact]
    public void A_nul_byte_is_binary_data_rejected_with_its_line()
    {
        var error = Assert.Throws<ExportRejectedException>(() => Read("PRAGMA defer_foreign_keys=TRUE;\nINSERT INTO t VALUES(1);\nINSERT INTO t VALUES('a\0b');"));

        Assert.Equal(3, error.Line);
        Assert.Contains("binary data", error.Reason);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_rejected_with_their_line()
    {
        var bytes = Encoding.UTF8.GetBytes("PRAGMA defer_foreign_keys=TRUE;\r\n-- c\r\nINSERT INTO t VALUES('caf").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes("');\n")).ToArray();

        var error = Assert.Throws<ExportRejectedException>(() => ReadBytes(bytes));

        Assert.Equal(3, error.Line);
        Assert.Contains("not valid UTF-8", error.Reason);
    }

    [Fact]
    public void A_utf8_bom_is_skipped_and_strictness_kept_after_it()
    {
        var good = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("INSERT INTO t VALUES('café');")).ToArray();
        var bad = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\n\nINSERT INTO t VALUES('")).Concat(new byte[] { 0xFF, 0xFE }).Concat("');"u8.ToArray()).ToArray();

        Assert.Equal("INSERT INTO t VALUES('café')", Assert.Single(ReadBytes(good)).Text);
        Assert.Equal(3, Assert.Throws<ExportRejectedException>(() => ReadBytes(bad)).Line);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public void Utf16_with_a_bom_is_decoded(string encoding)
    {
        var text = Encoding.GetEncoding(encoding);
        var bytes = text.GetPreamble().Concat(text.GetBytes("PRAGMA defer_foreign_keys=TRUE;\nINSERT INTO t VALUES('café');")).ToArray();

        var statements = ReadBytes(bytes);

        Assert.Equal("INSERT INTO t VALUES('café')", statements[1].Text);
        Assert.Equal(2, statements[1].Line);
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public void Utf16_without_a_bom_is_rejected_as_such(string encoding)
    {
        var bytes = Encoding.GetEncoding(encoding).GetBytes("PRAGMA defer_foreign_keys=TRUE;\nINSERT INTO t VALUES(1);");

        var error = Assert.Throws<ExportRejectedException>(() => ReadBytes(bytes));

        Assert.Equal(1, error.Line);
        Assert.Equal("line 1: the file is UTF-16 (no byte-order mark): export it as UTF-8", error.Message);
    }

    [Fact]
    public void A_noncharacter_in_valid_text_is_just_text()
    {
        var statement = Assert.Single(ReadBytes(Encoding.UTF8.GetBytes("INSERT INTO t VALUES('a\uFFFFb');")));

        Assert.Equal("INSERT INTO t VALUES('a\uFFFFb')", statement.Text);
    }
}
