using VibeDashboard.Ingestion;

namespace VibeDashboard.Tests.Ingestion;

public sealed class StatementParserTests
{
    private static ExportStatement Parse(string sql, long line = 7) => StatementParser.Parse(new SqlStatement(sql, line));

    [Fact]
    public void Insert_without_column_list()
    {
        var insert = Assert.IsType<InsertStatement>(Parse("INSERT INTO \"users\" VALUES('u1',NULL,42,-2.5e-8,1.4999999999999998e+300)"));

        Assert.Equal("users", insert.Table);
        Assert.Null(insert.Columns);
        Assert.Equal(["u1", null, 42L, -2.5e-8, 1.4999999999999998e+300], insert.Rows[0]);
    }

    [Fact]
    public void Insert_with_column_list()
    {
        var insert = Assert.IsType<InsertStatement>(Parse("INSERT INTO \"users\" (\"id\",\"email\") VALUES('u1','a@b.c')"));

        Assert.Equal(["id", "email"], insert.Columns);
        Assert.Equal(["u1", "a@b.c"], insert.Rows[0]);
    }

    [Fact]
    public void Newlines_encoded_with_replace_and_char_are_decoded()
    {
        var insert = Assert.IsType<InsertStatement>(Parse(@"INSERT INTO ""t"" VALUES(replace(replace('a\r\nb','\r',char(13)),'\n',char(10)))"));

        Assert.Equal("a\r\nb", insert.Rows[0][0]);
    }

    [Fact]
    public void Blobs_and_doubled_quotes()
    {
        var insert = Assert.IsType<InsertStatement>(Parse("INSERT INTO \"t\" VALUES(X'deadbeef',X'','O''Brien')"));

        Assert.Equal(new byte[] { 0xde, 0xad, 0xbe, 0xef }, insert.Rows[0][0]);
        Assert.Equal(Array.Empty<byte>(), insert.Rows[0][1]);
        Assert.Equal("O'Brien", insert.Rows[0][2]);
    }

    [Fact]
    public void Integers_beyond_64_bits_become_reals_like_in_sqlite()
    {
        var insert = Assert.IsType<InsertStatement>(Parse("INSERT INTO \"t\" VALUES(9007199254740992, 99999999999999999999)"));

        Assert.Equal(9007199254740992L, insert.Rows[0][0]);
        Assert.Equal(1e20, insert.Rows[0][1]);
    }

    [Fact]
    public void Create_table_if_not_exists_with_quoted_name_yields_the_column_names()
    {
        var create = Assert.IsType<CreateTableStatement>(Parse("""
            CREATE TABLE IF NOT EXISTS "app_views" (
                id TEXT PRIMARY KEY,
                "app_id" TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
                viewed_at INTEGER DEFAULT (unixepoch()),
                note TEXT CHECK (note <> ',)'),
                UNIQUE (app_id, viewed_at),
                FOREIGN KEY (app_id) REFERENCES apps(id)
            )
            """));

        Assert.Equal("app_views", create.Table);
        Assert.Equal(["id", "app_id", "viewed_at", "note"], create.Columns);
    }

    [Fact]
    public void Export_housekeeping_statements_are_recognised()
    {
        Assert.IsType<DeferForeignKeysStatement>(Parse("PRAGMA defer_foreign_keys=TRUE"));
        Assert.IsType<SqliteSequenceStatement>(Parse("DELETE FROM sqlite_sequence"));
        Assert.IsType<SqliteSequenceStatement>(Parse("INSERT INTO \"sqlite_sequence\" VALUES('auth_attempts',40)"));
        Assert.IsType<IgnoredSchemaStatement>(Parse("CREATE UNIQUE INDEX \"x\" ON \"app_views\" (\"app_id\",\"viewed_at\")"));
        Assert.IsType<IgnoredSchemaStatement>(Parse("CREATE INDEX IF NOT EXISTS y ON t (a) WHERE b = 0"));
        Assert.IsType<IgnoredSchemaStatement>(Parse("CREATE VIEW v AS SELECT * FROM t"));
    }

    [Theory]
    [InlineData("ATTACH DATABASE '/tmp/evil.db' AS evil", "ATTACH")]
    [InlineData("DETACH DATABASE evil", "DETACH")]
    [InlineData("VACUUM INTO '/tmp/copy.db'", "VACUUM")]
    [InlineData("SELECT load_extension('/tmp/evil.so')", "SELECT")]
    [InlineData("INSERT INTO \"t\" VALUES(load_extension('/tmp/evil.so'))", "load_extension")]
    [InlineData("INSERT INTO \"t\" VALUES(readfile('/etc/passwd'))", "readfile")]
    [InlineData("PRAGMA writable_schema=ON", "writable_schema")]
    [InlineData("PRAGMA foreign_keys=OFF", "foreign_keys")]
    [InlineData("PRAGMA journal_mode=DELETE", "journal_mode")]
    [InlineData("CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u; END", "TRIGGER")]
    [InlineData("CREATE TEMP TABLE x (a)", "temporary")]
    [InlineData("CREATE VIRTUAL TABLE f USING fts5(a)", "virtual")]
    [InlineData("CREATE TABLE x AS SELECT * FROM sqlite_master", "AS SELECT")]
    [InlineData("DROP TABLE users", "DROP")]
    [InlineData("UPDATE users SET is_active = 0", "UPDATE")]
    [InlineData("DELETE FROM users", "DELETE")]
    [InlineData("ALTER TABLE users ADD COLUMN x", "ALTER")]
    [InlineData("REPLACE INTO users VALUES(1)", "REPLACE")]
    [InlineData("INSERT OR REPLACE INTO users VALUES(1)", "INSERT")]
    [InlineData("INSERT INTO users SELECT * FROM other", "VALUES")]
    [InlineData("INSERT INTO main.users VALUES(1)", "schema-qualified")]
    [InlineData("INSERT INTO \"_vd_imports\" VALUES(1)", "reserved")]
    [InlineData("INSERT INTO sqlite_master VALUES(1)", "internal")]
    [InlineData("CREATE TABLE sqlite_stat1 (a)", "internal")]
    [InlineData("BEGIN TRANSACTION", "BEGIN")]
    [InlineData("INSERT INTO t VALUES(1); DROP TABLE t", "unexpected")]
    public void Anything_outside_the_export_grammar_is_rejected_with_its_line(string sql, string reason)
    {
        var error = Assert.Throws<ExportRejectedException>(() => Parse(sql, line: 12));

        Assert.Equal(12, error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("line 12: ", error.Message);
    }
}
