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

    private static ExportStatement Parse(string sql, ExportLimits limits, long line = 7) => StatementParser.Parse(new SqlStatement(sql, line), limits);

    private static string Nested(int depth) =>
        "INSERT INTO t VALUES(" + string.Concat(Enumerable.Repeat("replace(", depth)) + "'a'" + string.Concat(Enumerable.Repeat(",'a','b')", depth)) + ")";

    [Fact]
    public void Values_nested_40000_deep_are_rejected_with_the_line_instead_of_overflowing_the_stack()
    {
        var error = Assert.Throws<ExportRejectedException>(() => Parse(Nested(40_000), line: 9));

        Assert.Equal("line 9: values nest deeper than 32 (Ingestion:MaxNestingDepth)", error.Message);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var insert = Assert.IsType<InsertStatement>(Parse(Nested(32)));

        Assert.Equal("b", insert.Rows[0][0]);
        Assert.Throws<ExportRejectedException>(() => Parse(Nested(33)));
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES('{0}')", "a string")]
    [InlineData("INSERT INTO t VALUES('it''s {0}')", "a string")]
    [InlineData("INSERT INTO t VALUES(X'{1}')", "a blob")]
    [InlineData("INSERT INTO t VALUES({2})", "a number")]
    [InlineData("INSERT INTO t VALUES(replace('{3}','a','{3}'))", "a replace() value")]
    public void A_value_longer_than_the_limit_is_rejected_naming_the_key(string template, string what)
    {
        var limits = ExportLimits.Default with { MaxValueBytes = 1024 };
        var sql = string.Format(template, new string('x', 1025), new string('a', 2050), new string('9', 1025), new string('a', 100));

        var error = Assert.Throws<ExportRejectedException>(() => Parse(sql, limits, line: 4));

        Assert.Equal(4, error.Line);
        Assert.Contains(what, error.Reason);
        Assert.Contains("(Ingestion:MaxValueBytes)", error.Reason);
        Assert.True(error.Message.Length < 200, "the reason does not carry the value");
    }

    [Fact]
    public void Values_at_the_limit_are_accepted()
    {
        var limits = ExportLimits.Default with { MaxValueBytes = 1024 };

        var insert = Assert.IsType<InsertStatement>(Parse($"INSERT INTO t VALUES('{new string('x', 1024)}', X'{new string('a', 2048)}')", limits));

        Assert.Equal(1024, ((string)insert.Rows[0][0]!).Length);
        Assert.Equal(1024, ((byte[])insert.Rows[0][1]!).Length);
    }

    [Theory]
    [InlineData("CREATE TABLE {0} (a)")]
    [InlineData("CREATE TABLE t (\"{0}\" TEXT)")]
    [InlineData("INSERT INTO [{0}] VALUES(1)")]
    [InlineData("INSERT INTO t (a, `{0}`) VALUES(1, 2)")]
    public void A_name_longer_than_the_limit_is_rejected_naming_the_key(string template)
    {
        var error = Assert.Throws<ExportRejectedException>(() => Parse(string.Format(template, new string('n', 257)), line: 3));

        Assert.Equal(3, error.Line);
        Assert.Contains("longer than 256 characters (Ingestion:MaxIdentifierLength)", error.Reason);
    }

    [Theory]
    [InlineData("CREATE TABLE t ({0})", "table t declares")]
    [InlineData("INSERT INTO t ({0}) VALUES(1)", "names")]
    [InlineData("INSERT INTO t VALUES({1})", "a row of INSERT into t holds")]
    [InlineData("CREATE VIEW v ({0}) AS SELECT 1", "view v names")]
    public void More_columns_than_the_limit_are_rejected_naming_the_key(string template, string what)
    {
        var limits = ExportLimits.Default with { MaxColumns = 10 };
        var names = string.Join(", ", Enumerable.Range(1, 11).Select(i => $"c{i}"));
        var values = string.Join(", ", Enumerable.Range(1, 11));

        var error = Assert.Throws<ExportRejectedException>(() => Parse(string.Format(template, names, values), limits, line: 5));

        Assert.Equal(5, error.Line);
        Assert.Contains(what, error.Reason);
        Assert.Contains("more than 10 columns (Ingestion:MaxColumns)", error.Reason);
    }

    [Fact]
    public void A_lone_surrogate_code_point_becomes_a_string_holding_it_for_the_row_validation_to_judge()
    {
        var insert = Assert.IsType<InsertStatement>(Parse("INSERT INTO t VALUES(char(55296), char(97,56319,98), char(128512))"));

        Assert.Equal("\uD800", insert.Rows[0][0]);
        Assert.Equal("a\uDBFFb", insert.Rows[0][1]);
        Assert.Equal("😀", insert.Rows[0][2]);
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES(char(1114112))")]
    [InlineData("INSERT INTO t VALUES(char(-1))")]
    [InlineData("INSERT INTO t VALUES(char(-9223372036854775808))")]
    [InlineData("INSERT INTO t VALUES(char(99999999999999999999))")]
    [InlineData("INSERT INTO t VALUES(char(1e999))")]
    public void Char_beyond_unicode_is_rejected(string sql)
    {
        var error = Assert.Throws<ExportRejectedException>(() => Parse(sql, line: 2));

        Assert.Contains("code points", error.Reason);
    }

    [Theory]
    [InlineData("CREATE VIEW v ATTACH DATABASE '/tmp/evil.db' AS evil", "AS SELECT")]
    [InlineData("CREATE VIEW v AS ATTACH DATABASE '/tmp/evil.db' AS evil", "not AS SELECT")]
    [InlineData("CREATE VIEW v", "AS SELECT")]
    [InlineData("CREATE VIEW v AS", "not AS SELECT")]
    [InlineData("CREATE VIEW v AS SELECT 1; ATTACH DATABASE 'x' AS y", "one statement")]
    [InlineData("CREATE VIEW v AS SELECT (1", "parenthesis")]
    [InlineData("CREATE VIEW v AS SELECT 1)", "unbalanced")]
    [InlineData("CREATE VIEW main.v AS SELECT 1", "schema-qualified")]
    [InlineData("CREATE VIEW v AS SELECT 1 ATTACH DATABASE '/tmp/e.db' AS e", "ATTACH is not allowed in the SELECT of view v")]
    [InlineData("CREATE VIEW v AS SELECT 1 PRAGMA writable_schema=ON", "PRAGMA is not allowed in the SELECT of view v")]
    [InlineData("CREATE VIEW v AS SELECT * FROM t detach DATABASE main", "detach is not allowed")]
    [InlineData("CREATE VIEW v AS SELECT 1 VACUUM INTO '/tmp/copy.db'", "VACUUM is not allowed")]
    [InlineData("CREATE VIEW v AS SELECT a FROM t WHERE a IN (SELECT b FROM u) DROP TABLE users", "DROP is not allowed")]
    [InlineData("CREATE INDEX i ON t (a) ATTACH DATABASE '/tmp/evil.db' AS evil", "only a WHERE")]
    [InlineData("CREATE INDEX i ON t (a) garbage", "only a WHERE")]
    [InlineData("CREATE INDEX i ON t (a) WHERE b = 0 ATTACH DATABASE '/tmp/evil.db' AS evil", "ATTACH is not allowed")]
    [InlineData("CREATE INDEX i ON t (a) WHERE b = 0; PRAGMA writable_schema=ON", "one statement")]
    [InlineData("CREATE INDEX i ON t (a) WHERE b = 0 PRAGMA writable_schema=ON", "PRAGMA is not allowed")]
    [InlineData("CREATE INDEX i ON t (a) WHERE b IN (SELECT x FROM u)", "SELECT is not allowed")]
    [InlineData("CREATE INDEX i ON t (a) WHERE", "empty")]
    [InlineData("CREATE INDEX i ON t (a) WHERE (b = 0", "parenthesis")]
    [InlineData("CREATE INDEX i ON t (a) WHERE b = 'open", "not closed")]
    public void Text_after_a_view_or_index_that_is_not_its_select_or_where_is_rejected(string sql, string reason)
    {
        var error = Assert.Throws<ExportRejectedException>(() => Parse(sql, line: 8));

        Assert.Equal(8, error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("CREATE VIEW IF NOT EXISTS \"v\" (a, b) AS SELECT x, y FROM t WHERE z = ';' ORDER BY 1")]
    [InlineData("CREATE VIEW v AS WITH w AS (SELECT 1 AS a) SELECT a FROM w")]
    [InlineData("CREATE VIEW v AS select * from t")]
    [InlineData("CREATE VIEW v AS SELECT \"pragma\", [vacuum], `attach`, t.detach, 'ATTACH DATABASE x' FROM t WHERE a IN (SELECT b FROM u UNION VALUES (1))")]
    [InlineData("CREATE INDEX i ON t (a COLLATE NOCASE DESC, b)")]
    [InlineData("CREATE INDEX i ON t (a) WHERE b IS NOT NULL AND (c = 'x;y' OR CASE d WHEN 1 THEN 1 ELSE 0 END = 1)")]
    public void Views_and_indexes_in_their_real_shapes_are_accepted(string sql)
    {
        Assert.IsType<IgnoredSchemaStatement>(Parse(sql));
    }

    [Fact]
    public void Bare_unicode_identifiers_are_accepted_like_in_sqlite()
    {
        var create = Assert.IsType<CreateTableStatement>(Parse("CREATE TABLE café (naïve TEXT, 名前 TEXT, x$1 INTEGER)"));
        var insert = Assert.IsType<InsertStatement>(Parse("INSERT INTO café (naïve, 名前) VALUES('a', 'b')"));

        Assert.Equal("café", create.Table);
        Assert.Equal(["naïve", "名前", "x$1"], create.Columns);
        Assert.Equal("café", insert.Table);
        Assert.Equal(["naïve", "名前"], insert.Columns);
    }

    [Theory]
    [InlineData("İNSERT INTO t VALUES(1)")]
    [InlineData("INSERT ınto t VALUES(1)")]
    public void Keywords_are_matched_in_ascii_only(string sql)
    {
        Assert.Throws<ExportRejectedException>(() => Parse(sql));
    }

    [Fact]
    public void The_sqlite_schema_path_applies_the_same_limits()
    {
        var limits = ExportLimits.Default with { MaxColumns = 2 };

        var error = Assert.Throws<ExportRejectedException>(() => StatementParser.ParseCreateTable("CREATE TABLE t (a, b, c)", "t", limits));

        Assert.Contains("Ingestion:MaxColumns", error.Reason);
    }
}
