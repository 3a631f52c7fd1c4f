using System.Globalization;
using System.Text;

namespace VibeDashboard.Tests.Ingestion.Fuzz;

/// <summary>What a mutation did to a real export; the names are printed per kind by the test and the benchmark.</summary>
internal enum MutationKind
{
    HostileValue,
    HostileEventValue,
    HostileColumn,
    DeepNesting,
    LongString,
    DropStatement,
    DuplicateStatement,
    TruncateAtByte,
    TruncateAtStatement,
    ForbiddenStatement,
    FlipQuoteOrParen,
    RandomBytes,
    CrOnlyLineEndings,
    ByteOrderMark,
    Utf16,
    ColumnCountMismatch,
    WideTable,
    ManyTiers,
    RemoveRequiredColumn,
    EmptyFile,
    UnicodeIdentifier,
    ControlCharIdentifier,
    MixedTypes,
    SqliteInput,
    Stacked,
}

/// <summary>
/// One mutated export: the bytes to import and how to reproduce it. <see cref="CertainlyBad"/> says why, when the
/// mutation made an export the contract must refuse (rejected, held, or imported with the bad rows quarantined);
/// null when the mutated export may well be fine.
/// </summary>
internal sealed record MutatedExport(int Seed, int Iteration, string Fixture, MutationKind Kind, string Detail, byte[] Bytes, string? CertainlyBad = null)
{
    public string Reproduction =>
        $"seed {Seed} iteration {Iteration} ({Kind} of {Fixture}: {Detail}); rerun with `fuzz --seed {Seed} --only {Iteration} --write DIR`";
}

/// <summary>
/// A grammar-aware mutator over real <c>wrangler d1 export</c> dumps. Each fixture is split into statements
/// (quotes and comments tracked, like a dump reader would) and its INSERT values and CREATE TABLE columns are
/// located, so a mutation can hit exactly one value, one column or one statement — the places where a parser,
/// a validator or the aggregator has to decide something — instead of flipping bits a tokenizer rejects at once.
/// Deterministic per (seed, iteration): the same pair always yields the same bytes.
/// </summary>
internal sealed class ExportMutator
{
    /// <summary>How large a mutated export may grow: a run of thousands must stay fast.</summary>
    public const int MaxFileChars = 1_000_000;

    private static readonly MutationKind[] Kinds = Enum.GetValues<MutationKind>();

    private static readonly MutationKind[] Stackable = Kinds
        .Where(k => k is not (MutationKind.Stacked or MutationKind.SqliteInput or MutationKind.EmptyFile or MutationKind.Utf16 or MutationKind.TruncateAtByte or MutationKind.RandomBytes or MutationKind.ByteOrderMark))
        .ToArray();

    // Numbers and texts a contract validator must refuse or a fold must survive.
    private static readonly string[] HostileScalars =
    [
        "1e999", "-1e999", "1e308", "-1e308", "4.9e-324", "-0.0", "0", "-1", "-5000.5",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "99999999999999999999", "-99999999999999999999",
        "253402300800000", "253402300799999", "-62135596800001", "4102444800", "946684799999",
        "'NaN'", "'Infinity'", "'-Infinity'", "'nan'", "'1e999'", "'10:00'", "'1/2/3'", "'2026-13-45 25:61:61'", "'9999-12-31 23:59:59'",
        "'0000-00-00 00:00:00'", "'2025-11-25T10:00:00+14:00'", "'2025-11-25 10:00:00.9999999999'", "'  1764000000  '", "'1764000000abc'",
        "char(55296)", "char(56320)", "char(55296,56320)", "char(1114112)", "char(1114111)", "char(0)", "char(-1)", "char()", "char(9223372036854775807)",
        "replace('a','a',char(55296))", "replace('x','','y')", "replace('x')", "replace()",
        "X'00ff'", "X''", "X'C0AF'", "X'EDA080'", "X'0'", "X'GG'", "x'68656c6c6f'",
        "NULL", "''", "'   '", "TRUE", "CURRENT_TIMESTAMP", "(1)", "+5", "- 5", ".5", "5.", "1e", "0x7fffffffffffffff", "1_000",
        "'{\"limiter\":5}'", "'{\"limiter\":[\"a\"]}'", "'{\"limiter\":null}'", "'{\"bytes\":1e999}'", "'{\"bytes\":-1}'", "'{'", "'[]'", "'null'",
        "'\u001b[31mred\u001b[0m'", "'\u001b]0;title\u0007'", "'\u202Eevil'", "'\u0000nul'", "'tab\tand\u0008backspace'", "'𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚀'", "'\uFEFFbom'",
        "randomblob(1000000000)", "zeroblob(300000000)", "unhex('ff')", "(SELECT 1)", "1); DROP TABLE ops_events; --",
    ];

    private static readonly string[] HostileTimestamps =
    [
        "99999999999999999999", "253402300800000", "-9223372036854775808", "9223372036854775807", "1e999", "-1", "0", "1",
        "'10:00'", "'1/2/3'", "'2025-11-25'", "'yesterday'", "'1764000000'", "1764000000.5", "4102444800000", "1764115200000", "1864115200000",
        "'2025-11-25 10:00:00'", "'2025-02-30 10:00:00'", "char(55296)", "X'00'", "NULL", "''",
    ];

    // Values the contract refuses in every row whatever the event: outside the sane range, not finite, negative,
    // over the maxima (IngestionOptions defaults), of the wrong type, or text that is not valid UTF-8.
    private static readonly Dictionary<string, string[]> BadEventValues = new(StringComparer.Ordinal)
    {
        ["occurred_at"] = ["99999999999999999999", "253402300800000", "-9223372036854775808", "9223372036854775807", "1e999", "-1", "0", "1", "'10:00'", "'1/2/3'", "'yesterday'", "4102444800000", "1864115200000", "char(55296)", "X'00'", "''", "NULL"],
        ["duration_ms"] = ["1e999", "-1e999", "-1", "-5000.5", "'NaN'", "'Infinity'", "1e308", "char(55296)", "X'00ff'"],
        ["cost_usd"] = ["1e999", "-1e999", "-1", "1e308", "'NaN'", "'-Infinity'", "char(55296)", "X'00ff'"],
        ["tokens_in"] = ["-1", "1e999", "99999999999999999999", "'many'", "X'00'"],
        ["tokens_out"] = ["-1", "1e999", "99999999999999999999", "'many'"],
        ["policy_tier"] = ["char(55296)", "char(56320)", "replace('a','a',char(55296))"],
        ["status"] = ["char(55296)", "char(56320)"],
        ["event_type"] = ["char(55296)", "NULL"],
        ["id"] = ["char(55296)", "NULL"],
        ["message"] = ["char(55296)", "replace('x','x',char(56320))"],
    };

    // Statements a D1 export never holds; the grammar must refuse each (the others in the list above may be benign).
    private static readonly HashSet<string> MustReject =
    [
        "ATTACH DATABASE '/nonexistent/vd-fuzz.db' AS evil;", "ATTACH '/nonexistent/vd-fuzz.db' AS evil;", "DETACH DATABASE main;",
        "PRAGMA writable_schema=ON;", "PRAGMA writable_schema=1;",
        "CREATE TRIGGER t AFTER INSERT ON ops_events BEGIN DELETE FROM ops_events; END;",
        "CREATE TEMP TRIGGER t BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'x'); END;",
        "UPDATE ops_events SET cost_usd = 1e308;", "DROP TABLE ops_events;", "DROP TABLE _vd_imports;", "ALTER TABLE ops_events ADD COLUMN evil TEXT;",
        "CREATE VIEW v ATTACH DATABASE '/nonexistent/vd-fuzz.db' AS evil;",
        "CREATE VIEW v AS SELECT 1; ATTACH DATABASE '/nonexistent/vd-fuzz.db' AS evil;",
        "CREATE INDEX i ON ops_events(id) ATTACH DATABASE '/nonexistent/vd-fuzz.db' AS evil;",
        "CREATE INDEX i ON ops_events(id); DROP TABLE users;",
        "CREATE TABLE _vd_meta(key TEXT, value TEXT);",
        "INSERT INTO _vd_imports VALUES(1,'x',NULL,0,0,'{}',0,0,'Succeeded',NULL,NULL);",
        "INSERT INTO sqlite_master VALUES('table','t','t',0,'CREATE TABLE t(x)');",
        "INSERT INTO ops_events SELECT * FROM users;", "WITH x AS (SELECT 1) INSERT INTO ops_events SELECT * FROM x;",
        "SELECT load_extension('/nonexistent/evil.so');", "VACUUM INTO '/nonexistent/vd-fuzz.db';",
    ];

    private static readonly string[] ForbiddenStatements =
    [
        "ATTACH DATABASE '/nonexistent/vd-fuzz.db' AS evil;",
        "ATTACH '/nonexistent/vd-fuzz.db' AS evil;",
        "DETACH DATABASE main;",
        "PRAGMA writable_schema=ON;",
        "PRAGMA writable_schema=1;",
        "PRAGMA journal_mode=DELETE;",
        "PRAGMA foreign_keys=OFF;",
        "PRAGMA main.page_size=512;",
        "CREATE TRIGGER t AFTER INSERT ON ops_events BEGIN DELETE FROM ops_events; END;",
        "CREATE TEMP TRIGGER t BEFORE INSERT ON users BEGIN SELECT RAISE(ABORT, 'x'); END;",
        "UPDATE ops_events SET cost_usd = 1e308;",
        "DELETE FROM ops_events;",
        "DROP TABLE ops_events;",
        "DROP TABLE _vd_imports;",
        "ALTER TABLE ops_events ADD COLUMN evil TEXT;",
        "CREATE VIEW v ATTACH DATABASE '/nonexistent/vd-fuzz.db' AS evil;",
        "CREATE VIEW v AS SELECT * FROM ops_events;",
        "CREATE VIEW v AS SELECT 1; ATTACH DATABASE '/nonexistent/vd-fuzz.db' AS evil;",
        "CREATE INDEX i ON ops_events(id) ATTACH DATABASE '/nonexistent/vd-fuzz.db' AS evil;",
        "CREATE INDEX i ON ops_events(id); DROP TABLE users;",
        "CREATE UNIQUE INDEX i2 ON users(email) WHERE randomblob(1000000000);",
        "CREATE VIRTUAL TABLE t USING fts5(x);",
        "CREATE TEMP TABLE t(x);",
        "CREATE TABLE _vd_meta(key TEXT, value TEXT);",
        "CREATE TABLE sqlite_evil(x);",
        "INSERT INTO _vd_imports VALUES(1,'x',NULL,0,0,'{}',0,0,'Succeeded',NULL,NULL);",
        "INSERT INTO sqlite_master VALUES('table','t','t',0,'CREATE TABLE t(x)');",
        "INSERT INTO ops_events SELECT * FROM users;",
        "REPLACE INTO \"ops_events\" VALUES('evt_0001',1,'a','b',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);",
        "INSERT OR REPLACE INTO \"users\" VALUES('usr_admin');",
        "WITH x AS (SELECT 1) INSERT INTO ops_events SELECT * FROM x;",
        "SELECT load_extension('/nonexistent/evil.so');",
        "VACUUM INTO '/nonexistent/vd-fuzz.db';",
        "BEGIN TRANSACTION;",
        "COMMIT;",
        "ROLLBACK;",
        "SAVEPOINT s;",
        "ANALYZE;",
        ";",
        ";;;",
        "INSERT INTO \"ops_events\" DEFAULT VALUES;",
        "INSERT INTO \"ops_events\" VALUES('evt_x',1764000000,'agent','probe',NULL,NULL,NULL,NULL,'ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL),('evt_y',1764000001,'agent','probe',NULL,NULL,NULL,NULL,'ok',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);",
    ];

    private static readonly (string Table, string Column)[] RequiredColumns =
    [
        ("auth_attempts", "attempted_at"), ("auth_attempts", "success"), ("auth_attempts", "ip_address"),
        ("apps", "created_at"), ("d1_migrations", "name"), ("ops_events", "occurred_at"),
        ("ops_events", "event_type"), ("ops_events", "id"), ("ops_events", "duration_ms"), ("ops_events", "policy_tier"),
    ];

    private static readonly string[] EventColumns =
        ["id", "occurred_at", "source", "event_type", "app_id", "user_id", "instance_id", "policy_tier", "status", "duration_ms", "cost_usd", "tokens_in", "tokens_out", "provider", "model", "error_code", "message", "attrs_json"];

    /// <summary>The export the fuzz stores hold before each mutated import (see <see cref="FuzzHarness"/>).</summary>
    public const string BaselineFixture = "wrangler/vibesdk-full.sql";

    private readonly IReadOnlyList<Fixture> _fixtures;

    // VibeSDK tables with rows in the baseline: an export that would empty one of them must be held.
    private readonly HashSet<string> _baselineTables;

    public ExportMutator(IEnumerable<(string Name, string Text)> fixtures, int maxNestingDepth)
    {
        _fixtures = fixtures.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => new Fixture(f.Name, Split(f.Text))).ToList();
        if (_fixtures.Count == 0)
        {
            throw new ArgumentException("no fixtures to mutate", nameof(fixtures));
        }

        MaxNestingDepth = maxNestingDepth;
        _baselineTables = _fixtures.Where(f => f.Name == BaselineFixture)
            .SelectMany(f => f.Statements.Where(IsInsert).Select(TableOf))
            .OfType<string>()
            .Where(t => t is not ("ops_events" or "sqlite_sequence"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The deepest <c>replace(</c> nesting a mutation writes (see the test for why the suite caps it).</summary>
    public int MaxNestingDepth { get; }

    /// <summary>The real wrangler exports and handwritten dumps in a TestData folder (copied beside the test and benchmark binaries).</summary>
    public static ExportMutator FromTestData(string testDataDirectory, int maxNestingDepth) =>
        new(new[] { "wrangler", "handwritten" }
            .Select(d => Path.Combine(testDataDirectory, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d, "*.sql"))
            .Select(p => ($"{Path.GetFileName(Path.GetDirectoryName(p))}/{Path.GetFileName(p)}", File.ReadAllText(p))),
            maxNestingDepth);

    /// <summary>A mixing of seed and iteration that, unlike HashCode.Combine, is the same in every process.</summary>
    public static int MixSeed(int seed, int iteration)
    {
        var x = unchecked(((ulong)(uint)seed << 32) | (uint)iteration);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return (int)(x ^ (x >> 31));
    }

    public MutatedExport Mutate(int seed, int iteration)
    {
        var random = new Random(MixSeed(seed, iteration));
        var fixture = _fixtures[random.Next(_fixtures.Count)];
        var kind = Kinds[random.Next(Kinds.Length)];
        var file = new Dump(fixture.Statements.ToList());
        var notes = new Notes();
        string detail;
        byte[] bytes;
        if (kind == MutationKind.Stacked)
        {
            var parts = new List<string>();
            var count = random.Next(2, 5);
            for (var i = 0; i < count; i++)
            {
                var k = Stackable[random.Next(Stackable.Length)];
                parts.Add(k + ": " + ApplyText(k, file, random, new Notes()));
            }

            detail = string.Join(" + ", parts);
            bytes = Encode(file.Text);
            if (random.Next(3) == 0)
            {
                var k = random.Next(2) == 0 ? MutationKind.RandomBytes : MutationKind.TruncateAtByte;
                bytes = ApplyBytes(k, bytes, random, new Notes(), out var more);
                detail += " + " + k + ": " + more;
            }
        }
        else if (kind is MutationKind.TruncateAtByte or MutationKind.RandomBytes or MutationKind.ByteOrderMark or MutationKind.Utf16)
        {
            bytes = ApplyBytes(kind, Encode(file.Text), random, notes, out detail);
        }
        else if (kind == MutationKind.SqliteInput)
        {
            bytes = SqliteDatabase(file, random, notes, out detail);
        }
        else if (kind == MutationKind.EmptyFile)
        {
            bytes = EmptyLike(file, random, out detail);
            // No tables at all is rejected; emptying a VibeSDK table the baseline store has rows in is held. An empty
            // ops_events is no loss (events are merged), nor is an empty table the store never had.
            var tables = Split(Encoding.UTF8.GetString(bytes)).Where(IsCreateTable).Select(TableOf).ToList();
            notes.CertainlyBad = tables.Count == 0 || tables.Any(t => t is not null && _baselineTables.Contains(t)) ? "no rows (" + detail + ")" : null;
        }
        else
        {
            detail = ApplyText(kind, file, random, notes);
            bytes = Encode(file.Text);
        }

        return new MutatedExport(seed, iteration, fixture.Name, kind, detail, bytes, notes.CertainlyBad);
    }

    /// <summary>What a mutation learnt about its result while making it.</summary>
    private sealed class Notes
    {
        public string? CertainlyBad { get; set; }
    }

    private string ApplyText(MutationKind kind, Dump file, Random random, Notes notes)
    {
        switch (kind)
        {
            case MutationKind.HostileValue:
            {
                if (!file.TryPickInsert(random, null, out var index))
                {
                    return "no INSERT";
                }

                var spans = ValueSpans(file.Statements[index]);
                if (spans.Count == 0)
                {
                    return "no values";
                }

                var column = random.Next(spans.Count);
                var value = random.Next(4) == 0 ? GeneratedValue(random) : Pick(random, HostileScalars);
                file.Statements[index] = ReplaceSpan(file.Statements[index], spans[column], value);
                return $"{TableOf(file.Statements[index])} value {column} := {Short(value)} (statement {index + 1})";
            }

            case MutationKind.HostileEventValue:
            {
                // Half the time among 200 more good events: one bad row is then under Ingestion:MaxQuarantinedFraction
                // (1 %), so the quarantine, not the whole-export rejection, is what answers it.
                var padded = random.Next(2) == 0;
                if (padded)
                {
                    AddEvents(file, 200, i => $"'fz_pad_{i}',{1_764_000_000_000L + (i * 60_000L)},'agent','llm_call','pro','ok',{400 + i},0.001,'p','m'");
                }

                if (!file.TryPickInsert(random, "ops_events", out var index))
                {
                    return "no ops_events INSERT";
                }

                var column = Pick(random, EventColumns);
                var bad = BadEventValues.TryGetValue(column, out var values) && random.Next(2) == 0;
                var value = bad ? Pick(random, values!) : column == "occurred_at" || random.Next(4) == 0 ? Pick(random, HostileTimestamps) : Pick(random, HostileScalars);
                if (!file.TrySetValue(index, column, value))
                {
                    return $"ops_events.{column} not found";
                }

                notes.CertainlyBad = bad ? $"ops_events.{column} of {Short(value)}" : null;

                return $"ops_events.{column} := {Short(value)} (statement {index + 1}){(padded ? " among 200 more events" : "")}";
            }

            case MutationKind.HostileColumn:
            {
                // Every row at once: two cost_usd of 1e308 overflow a sum, and more than 1 % bad rows must reject the export.
                var column = Pick(random, ["occurred_at", "duration_ms", "cost_usd", "tokens_in", "policy_tier", "status", "attrs_json", "event_type"]);
                var bad = BadEventValues.TryGetValue(column, out var values) && random.Next(3) > 0;
                var value = bad ? Pick(random, values!) : Pick(random, column == "occurred_at" ? HostileTimestamps : HostileScalars);
                var changed = 0;
                for (var i = 0; i < file.Statements.Count; i++)
                {
                    if (TableOf(file.Statements[i]) == "ops_events" && IsInsert(file.Statements[i]) && file.TrySetValue(i, column, value))
                    {
                        changed++;
                    }
                }

                notes.CertainlyBad = bad && changed > 0 ? $"every ops_events.{column} of {Short(value)}" : null;
                return $"ops_events.{column} := {Short(value)} in {changed} rows";
            }

            case MutationKind.DeepNesting:
            {
                if (!file.TryPickInsert(random, null, out var index))
                {
                    return "no INSERT";
                }

                var spans = ValueSpans(file.Statements[index]);
                if (spans.Count == 0)
                {
                    return "no values";
                }

                var depth = Pick(random, [3, 33, 100, 1000, random.Next(2, MaxNestingDepth + 1), MaxNestingDepth]);
                depth = Math.Min(depth, MaxNestingDepth);
                var style = random.Next(4);
                var value = Nest(depth, style);
                var column = random.Next(spans.Count);
                file.Statements[index] = ReplaceSpan(file.Statements[index], spans[column], value);
                // Past Ingestion:MaxNestingDepth's default (32), or never closed.
                notes.CertainlyBad = depth > 32 || style == 3 ? $"nesting {depth} deep" : null;
                return $"{TableOf(file.Statements[index])} value {column} nested {depth} deep ({(style switch { 0 => "replace", 1 => "parens", 2 => "char", _ => "replace unclosed" })})";
            }

            case MutationKind.LongString:
            {
                if (!file.TryPickInsert(random, random.Next(2) == 0 ? "ops_events" : null, out var index))
                {
                    return "no INSERT";
                }

                var spans = ValueSpans(file.Statements[index]);
                if (spans.Count == 0)
                {
                    return "no values";
                }

                var budget = Math.Max(1000, MaxFileChars - file.Length);
                var length = Math.Min(budget, Pick(random, [65_535, 65_536, 70_000, random.Next(1000, 900_000)]));
                var value = random.Next(3) switch
                {
                    0 => "'" + new string('a', length) + "'",
                    1 => "X'" + new string('f', length / 2 * 2) + "'",
                    _ => "'" + string.Concat(Enumerable.Repeat("é🚀''", length / 5)) + "'",
                };
                var column = random.Next(spans.Count);
                file.Statements[index] = ReplaceSpan(file.Statements[index], spans[column], value);
                return $"{TableOf(file.Statements[index])} value {column} is {length:N0} chars";
            }

            case MutationKind.DropStatement:
            {
                var count = Math.Min(file.Statements.Count, random.Next(1, 4));
                var dropped = new List<int>();
                for (var i = 0; i < count; i++)
                {
                    var index = random.Next(file.Statements.Count);
                    dropped.Add(index + 1);
                    file.Statements.RemoveAt(index);
                }

                return "dropped statements " + string.Join(", ", dropped);
            }

            case MutationKind.DuplicateStatement:
            {
                if (file.Statements.Count == 0)
                {
                    return "empty";
                }

                var index = random.Next(file.Statements.Count);
                var to = random.Next(2) == 0 ? index + 1 : file.Statements.Count;
                file.Statements.Insert(to, file.Statements[index]);
                return $"statement {index + 1} repeated at {to + 1}";
            }

            case MutationKind.TruncateAtStatement:
            {
                var keep = random.Next(file.Statements.Count + 1);
                file.Statements.RemoveRange(keep, file.Statements.Count - keep);
                return $"kept the first {keep} statements";
            }

            case MutationKind.ForbiddenStatement:
            {
                var statement = Pick(random, ForbiddenStatements);
                var at = random.Next(file.Statements.Count + 1);
                file.Statements.Insert(at, statement);
                notes.CertainlyBad = MustReject.Contains(statement) ? Short(statement) : null;
                return $"{Short(statement)} at statement {at + 1}";
            }

            case MutationKind.FlipQuoteOrParen:
            {
                var text = file.Text;
                var positions = new List<int>();
                for (var i = 0; i < text.Length; i++)
                {
                    if (text[i] is '\'' or '"' or '(' or ')' or '`' or '[' or ']')
                    {
                        positions.Add(i);
                    }
                }

                if (positions.Count == 0)
                {
                    return "no quotes";
                }

                var at = positions[random.Next(positions.Count)];
                var c = text[at];
                var action = random.Next(3);
                var replacement = action switch
                {
                    0 => "",
                    1 => new string(c, 2),
                    _ => c switch { '\'' => "\"", '"' => "'", '(' => ")", ')' => "(", _ => "'" },
                };
                file.ReplaceAll(text[..at] + replacement + text[(at + 1)..]);
                return $"{c} at char {at} {(action switch { 0 => "removed", 1 => "doubled", _ => "flipped" })}";
            }

            case MutationKind.CrOnlyLineEndings:
            {
                file.ReplaceAll(file.Text.Replace("\r\n", "\r", StringComparison.Ordinal).Replace('\n', '\r'));
                return "CR-only line endings";
            }

            case MutationKind.ColumnCountMismatch:
            {
                if (!file.TryPickInsert(random, null, out var index))
                {
                    return "no INSERT";
                }

                var statement = file.Statements[index];
                var spans = ValueSpans(statement);
                if (spans.Count == 0)
                {
                    return "no values";
                }

                var mode = random.Next(4);
                var last = spans[^1];
                file.Statements[index] = mode switch
                {
                    0 => spans.Count > 1 ? statement[..spans[^2].End] + statement[last.End..] : ReplaceSpan(statement, last, ""),
                    1 => statement[..last.End] + ",NULL" + statement[last.End..],
                    2 => statement[..last.End] + string.Concat(Enumerable.Repeat(",1", 3000)) + statement[last.End..],
                    _ => ReplaceSpan(statement, new Span(spans[0].Start, last.End - spans[0].Start), ""),
                };
                // sqlite_sequence rows are autoincrement counters the importer rightly skips, whatever their shape.
                notes.CertainlyBad = TableOf(statement) == "sqlite_sequence" ? null : "a row whose values do not match its columns";
                return $"{TableOf(statement)} row {(mode switch { 0 => "lost a value", 1 => "gained a value", 2 => "gained 3,000 values", _ => "has no values" })} (statement {index + 1})";
            }

            case MutationKind.WideTable:
            {
                var columns = Pick(random, [1999, 2000, 2001, 3000, 5000, 32_767]);
                var builder = new StringBuilder("CREATE TABLE fuzz_wide (");
                for (var i = 0; i < columns; i++)
                {
                    builder.Append(i == 0 ? "" : ", ").Append('c').Append(i).Append(" TEXT");
                }

                file.Statements.Add(builder.Append(");").ToString());
                file.Statements.Add("INSERT INTO \"fuzz_wide\" VALUES(" + string.Join(",", Enumerable.Repeat("1", columns)) + ");");
                notes.CertainlyBad = columns > 2000 ? $"{columns:N0} columns, over Ingestion:MaxColumns" : null; // the default 2000
                return $"a table of {columns:N0} columns";
            }

            case MutationKind.ManyTiers:
            {
                // Cardinality: thousands of distinct tiers (and providers, models) must fold into "other", not into a 160 MB snapshot.
                var rows = random.Next(100, 3000);
                AddEvents(file, rows, i => $"'fz_{i}',{1_764_000_000_000L + (i * 9_973L % 86_400_000L)},'agent','llm_call','tier_{i}','ok',{i % 900},0.001,'p{i % 997}','m{i}'");

                return $"{rows:N0} rows with distinct tiers";
            }

            case MutationKind.RemoveRequiredColumn:
            {
                var candidates = RequiredColumns.Where(c => file.CreateIndex(c.Table) >= 0).ToArray();
                if (candidates.Length == 0)
                {
                    return "no table to cut";
                }

                var (table, column) = Pick(random, candidates);
                return file.RemoveColumn(table, column) ? $"{table}.{column} removed from CREATE TABLE and rows" : $"{table}.{column} not found";
            }

            case MutationKind.UnicodeIdentifier:
            case MutationKind.ControlCharIdentifier:
            {
                var names = kind == MutationKind.UnicodeIdentifier
                    ? new[] { "表格", "\"表_ünï\"", "Ångström", "\"🚀\"", "ops_événements", "\"ops_events \"", "\"OPS_EVENTS\"", "\"a\"\"b\"", "[x y]", "`tick`", "\"" + new string('t', 300) + "\"" }
                    : new[] { "\"\u001b[31mred\u001b[0m\"", "\"line\nbreak\"", "\"nul\u0000\"", "\"\u0007bell\"", "\"\u202Eevil\"", "\"tab\there\"", "\"\u001b]8;;http://x\u001b\\\\link\"" };
                var name = Pick(random, names);
                var table = file.PickTable(random);
                if (table is null)
                {
                    return "no table";
                }

                var renamed = file.RenameTable(table, name);
                return $"table {table} renamed to {Short(name)} in {renamed} statements";
            }

            case MutationKind.MixedTypes:
            {
                // A limiter key text in one row and a number in the next; an IP column mixing text and a blob.
                var table = random.Next(2) == 0 ? "ops_events" : random.Next(2) == 0 ? "auth_attempts" : file.PickTable(random) ?? "ops_events";
                var columns = file.ColumnsOf(table);
                if (columns.Count == 0)
                {
                    return $"{table} has no known columns";
                }

                var column = table == "auth_attempts" && random.Next(2) == 0 ? "ip_address" : table == "ops_events" && random.Next(2) == 0 ? "attrs_json" : Pick(random, columns.ToArray());
                string[] cycle = column == "attrs_json"
                    ? ["'{\"limiter\":\"llm\"}'", "'{\"limiter\":5}'", "'{\"limiter\":null}'", "X'7b7d'", "'{\"limiter\":[1]}'", "7"]
                    : ["'text'", "42", "X'00ff'", "4.5", "NULL", "'42'", "-1", "'2025-11-25 10:00:00'"];
                var offset = random.Next(cycle.Length);
                var changed = 0;
                for (var i = 0; i < file.Statements.Count; i++)
                {
                    if (TableOf(file.Statements[i]) == table && IsInsert(file.Statements[i]) && file.TrySetValue(i, column, cycle[(offset + changed) % cycle.Length]))
                    {
                        changed++;
                    }
                }

                return $"{table}.{column} of mixed types in {changed} rows";
            }

            default:
                return "unchanged";
        }
    }

    /// <summary>Appends events with the columns id, occurred_at, source, event_type, policy_tier, status, duration_ms, cost_usd, provider, model.</summary>
    private static void AddEvents(Dump file, int count, Func<int, string> values)
    {
        for (var i = 0; i < count; i++)
        {
            file.Statements.Add(string.Create(CultureInfo.InvariantCulture,
                $"INSERT INTO \"ops_events\" (\"id\",\"occurred_at\",\"source\",\"event_type\",\"policy_tier\",\"status\",\"duration_ms\",\"cost_usd\",\"provider\",\"model\") VALUES({values(i)});"));
        }
    }

    private static byte[] ApplyBytes(MutationKind kind, byte[] bytes, Random random, Notes notes, out string detail)
    {
        switch (kind)
        {
            case MutationKind.TruncateAtByte:
            {
                var at = random.Next(bytes.Length + 1);
                detail = $"cut at byte {at:N0} of {bytes.Length:N0}";
                var cut = bytes[..at];
                // Cut inside a statement (or a character): half-written. Cut on a boundary it may be a valid, smaller export.
                notes.CertainlyBad = !IsUtf8(cut) || !Encoding.UTF8.GetString(cut).TrimEnd().EndsWith(';') ? "cut inside a statement" : null;
                return cut;
            }

            case MutationKind.RandomBytes:
            {
                byte[][] pieces = [[0x00], [0xFF], [0xC0, 0xAF], [0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFE, 0xFF], [0x1B, 0x5B, 0x32, 0x4A], [0x0D], [(byte)random.Next(256)]];
                var list = bytes.ToList();
                var count = random.Next(1, 9);
                var at = random.Next(list.Count + 1);
                var inserted = new List<string>();
                for (var i = 0; i < count; i++)
                {
                    var piece = pieces[random.Next(pieces.Length)];
                    list.InsertRange(Math.Min(at, list.Count), piece);
                    inserted.Add(Convert.ToHexString(piece));
                    at = random.Next(2) == 0 ? at + piece.Length : random.Next(list.Count + 1);
                }

                detail = $"inserted {string.Join(" ", inserted)} near byte {at:N0}";
                var result = list.ToArray();
                notes.CertainlyBad = IsUtf8(result) ? null : "not valid UTF-8";
                return result;
            }

            case MutationKind.ByteOrderMark:
            {
                var boms = random.Next(1, 3);
                detail = boms == 1 ? "UTF-8 BOM" : "two UTF-8 BOMs";
                return Enumerable.Repeat<byte[]>([0xEF, 0xBB, 0xBF], boms).SelectMany(b => b).Concat(bytes).ToArray();
            }

            default:
            {
                var text = Encoding.UTF8.GetString(bytes);
                var variant = random.Next(4);
                detail = variant switch { 0 => "UTF-16LE without BOM", 1 => "UTF-16LE with BOM", 2 => "UTF-16BE without BOM", _ => "UTF-32LE with BOM" };
                var encoding = variant switch
                {
                    0 or 1 => (Encoding)new UnicodeEncoding(false, variant == 1),
                    2 => new UnicodeEncoding(true, false),
                    _ => new UTF32Encoding(false, true),
                };
                var body = encoding.GetBytes(text);
                notes.CertainlyBad = variant is 0 or 2 && text.Length > 0 ? "UTF-16 without a byte order mark" : null;
                return encoding.GetPreamble().Concat(body).Take(MaxFileChars * 2).ToArray();
            }
        }
    }

    /// <summary>
    /// A SQLite database file as the input (issue 8 item 6: such inputs are data too): the fixture's own tables and
    /// rows, executed by SQLite into a scratch database (only the trusted fixture's statements and the fixed hostile
    /// additions below ever run, never a mutated dump), plus one thing the importer must not evaluate or must refuse.
    /// </summary>
    private static byte[] SqliteDatabase(Dump file, Random random, Notes notes, out string detail)
    {
        var path = Path.Combine(Path.GetTempPath(), "vd-fuzz-sqlite-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            var variant = random.Next(8);
            using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
            {
                db.Open();
                Execute(db, "BEGIN");
                // Variant 7 is a database without tables: only what an AUTOINCREMENT table leaves behind once dropped.
                foreach (var statement in file.Statements.Where(s => variant != 7 && (IsCreateTable(s) || IsInsert(s))))
                {
                    Execute(db, statement, ignoreErrors: true);
                }

                // Numeric columns only: SQLite itself turns a lone surrogate in text into U+FFFD on the way out.
                var badColumn = Pick(random, ["occurred_at", "duration_ms", "cost_usd", "tokens_in", "tokens_out"]);
                var badValue = Pick(random, BadEventValues[badColumn]);
                (detail, var sql, notes.CertainlyBad) = variant switch
                {
                    // Evaluated on every read: a small file that expands into megabytes (over Ingestion:MaxValueBytes).
                    0 => ("a generated column of zeroblob(5000000)", "CREATE TABLE fuzz_gen (id INTEGER PRIMARY KEY, g BLOB GENERATED ALWAYS AS (zeroblob(5000000)) VIRTUAL); INSERT INTO fuzz_gen (id) VALUES (1),(2),(3);", (string?)null),
                    1 => ("a view and a trigger", "CREATE TABLE fuzz_tr (x); CREATE VIEW fuzz_v AS SELECT randomblob(1000000) AS x; CREATE TRIGGER fuzz_t AFTER INSERT ON fuzz_tr BEGIN SELECT 1; END;", null),
                    2 => ("WAL journal mode", "PRAGMA user_version = 7;", null),
                    3 => ("a 1.1 MB message", "UPDATE ops_events SET message = (SELECT group_concat('x', '') FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1100000) SELECT i FROM n)) WHERE rowid = (SELECT min(rowid) FROM ops_events);", null),
                    4 => ("a table of 2,001 columns", "CREATE TABLE fuzz_wide (" + string.Join(", ", Enumerable.Range(0, 2001).Select(i => "c" + i.ToString(CultureInfo.InvariantCulture))) + "); INSERT INTO fuzz_wide (c0) VALUES (1);", "2,001 columns"),
                    5 => ($"every ops_events.{badColumn} := {Short(badValue)}", $"UPDATE ops_events SET {badColumn} = {badValue};", $"every ops_events.{badColumn} of {Short(badValue)}"),
                    6 => ("a table name with ANSI escapes", "CREATE TABLE \"\u001b[31mred\u001b[0m\" (x); INSERT INTO \"\u001b[31mred\u001b[0m\" VALUES (1);", null),
                    _ => ("no tables at all", "CREATE TABLE fuzz_gone (id INTEGER PRIMARY KEY AUTOINCREMENT); INSERT INTO fuzz_gone DEFAULT VALUES; DROP TABLE fuzz_gone;", "no tables"),
                };
                if (sql.Length > 0 && !Execute(db, sql, ignoreErrors: true))
                {
                    notes.CertainlyBad = null;
                }

                if (variant == 5 && Scalar(db, "SELECT count(*) FROM ops_events") is not > 0L)
                {
                    notes.CertainlyBad = null;
                }

                Execute(db, "COMMIT");
                if (variant == 2)
                {
                    // A WAL-mode input: opened carelessly, it grows a -shm file beside the user's export.
                    Execute(db, "PRAGMA journal_mode=WAL");
                }
            }

            return File.ReadAllBytes(path);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    private static bool Execute(Microsoft.Data.Sqlite.SqliteConnection db, string sql, bool ignoreErrors = false)
    {
        try
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException) when (ignoreErrors)
        {
            // A fixture statement SQLite cannot run as is (e.g. a column-list INSERT into a table it lacks) is left out.
            return false;
        }
    }

    private static object? Scalar(Microsoft.Data.Sqlite.SqliteConnection db, string sql)
    {
        try
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            return command.ExecuteScalar();
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return null;
        }
    }

    private static byte[] EmptyLike(Dump file, Random random, out string detail)
    {
        var variant = random.Next(7);
        (detail, var text) = variant switch
        {
            0 => ("an empty file", ""),
            1 => ("only a BOM", "\uFEFF"),
            2 => ("only comments", "-- wrangler export\n/* nothing */\n"),
            3 => ("only the PRAGMA", "PRAGMA defer_foreign_keys=TRUE;\n"),
            4 => ("only whitespace", " \n\t\r\n  "),
            5 => ("the schema without rows", string.Concat(file.Statements.Where(s => !IsInsert(s)).Select(s => s + "\n"))),
            _ => ("only the PRAGMA and an empty ops_events", "PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, event_type TEXT);\n"),
        };
        return Encode(text);
    }

    private static string Nest(int depth, int style)
    {
        var builder = new StringBuilder(depth * 16 + 16);
        switch (style)
        {
            case 0:
            case 3:
                builder.Insert(0, "replace(", depth).Append("'x'");
                if (style == 0)
                {
                    builder.Insert(builder.Length, ",'a','b')", depth);
                }

                break;
            case 1:
                builder.Append('(', depth).Append('1').Append(')', depth);
                break;
            default:
                builder.Insert(0, "char(", depth).Append("65").Append(')', depth);
                break;
        }

        return builder.ToString();
    }

    private static string GeneratedValue(Random random) => random.Next(5) switch
    {
        0 => "char(" + Pick(random, [55296, 56319, 57343, 1114112, 0, 65279, 8238, random.Next(0, 0x110000)]).ToString(CultureInfo.InvariantCulture) + ")",
        1 => "X'" + Convert.ToHexString(Enumerable.Range(0, random.Next(0, 64)).Select(_ => (byte)random.Next(256)).ToArray()) + (random.Next(4) == 0 ? "F'" : "'"),
        2 => "'" + new string(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0, 32)).ToArray()).Replace("'", "''", StringComparison.Ordinal) + "'",
        3 => random.NextDouble().ToString("R", CultureInfo.InvariantCulture) + "e" + random.Next(-400, 400).ToString(CultureInfo.InvariantCulture),
        _ => (random.Next(2) == 0 ? "-" : "") + string.Concat(Enumerable.Range(0, random.Next(15, 40)).Select(_ => (char)('0' + random.Next(10)))),
    };

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Short(string value)
    {
        var escaped = new StringBuilder();
        foreach (var c in value.Length > 60 ? value[..60] : value)
        {
            escaped.Append(c < 32 || c is '\u007f' || char.IsSurrogate(c) || c is '\u202E' ? $"\\u{(int)c:x4}" : c);
        }

        return value.Length > 60 ? escaped + $"… ({value.Length:N0} chars)" : escaped.ToString();
    }

    private static byte[] Encode(string text) => new UTF8Encoding(false).GetBytes(text);

    private static bool IsUtf8(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    // ---- a light tokenizer: enough of SQLite's lexical grammar to find statements, values and column names ----

    internal readonly record struct Span(int Start, int End)
    {
        public int Length => End - Start;
    }

    /// <summary>Splits a dump into statements, each with its terminating semicolon (text after the last one is kept as is).</summary>
    internal static List<string> Split(string text)
    {
        var statements = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\'' or '"' or '`' or '[')
            {
                i = SkipQuoted(text, i);
                continue;
            }

            if (c == '-' && i + 1 < text.Length && text[i + 1] == '-')
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? text.Length : end + 1;
                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
                continue;
            }

            if (c == ';')
            {
                statements.Add(text[start..(i + 1)].Trim('\n', '\r'));
                start = i + 1;
            }

            i++;
        }

        if (!string.IsNullOrWhiteSpace(text[start..]))
        {
            statements.Add(text[start..].Trim('\n', '\r'));
        }

        return statements;
    }

    private static int SkipQuoted(string text, int i)
    {
        var close = text[i] == '[' ? ']' : text[i];
        var j = i + 1;
        while (j < text.Length)
        {
            if (text[j] == close)
            {
                if (close != ']' && j + 1 < text.Length && text[j + 1] == close)
                {
                    j += 2;
                    continue;
                }

                return j + 1;
            }

            j++;
        }

        return text.Length;
    }

    internal static bool IsInsert(string statement) =>
        statement.TrimStart().StartsWith("INSERT", StringComparison.OrdinalIgnoreCase);

    private static bool IsCreateTable(string statement) =>
        statement.TrimStart().StartsWith("CREATE TABLE", StringComparison.OrdinalIgnoreCase);

    /// <summary>The table an INSERT or CREATE TABLE names, unquoted, and where its name is.</summary>
    internal static (string? Name, Span At) TableName(string statement)
    {
        var trimmed = statement.Length - statement.TrimStart().Length;
        string[] prefixes = ["INSERT INTO ", "CREATE TABLE IF NOT EXISTS ", "CREATE TABLE "];
        foreach (var prefix in prefixes)
        {
            if (string.Compare(statement, trimmed, prefix, 0, prefix.Length, StringComparison.OrdinalIgnoreCase) != 0)
            {
                continue;
            }

            var i = trimmed + prefix.Length;
            while (i < statement.Length && statement[i] == ' ')
            {
                i++;
            }

            if (i >= statement.Length)
            {
                return (null, default);
            }

            int end;
            string name;
            if (statement[i] is '"' or '`' or '[')
            {
                end = SkipQuoted(statement, i);
                name = statement[(i + 1)..Math.Max(i + 1, end - 1)];
            }
            else
            {
                end = i;
                while (end < statement.Length && (char.IsLetterOrDigit(statement[end]) || statement[end] is '_' or '$'))
                {
                    end++;
                }

                name = statement[i..end];
            }

            return (name, new Span(i, end));
        }

        return (null, default);
    }

    internal static string? TableOf(string statement) => TableName(statement).Name;

    /// <summary>The top-level comma-separated items inside the parentheses that open at <paramref name="open"/>.</summary>
    private static List<Span> Items(string text, int open)
    {
        var items = new List<Span>();
        var depth = 0;
        var start = open + 1;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"' or '`' or '[')
            {
                i = SkipQuoted(text, i) - 1;
                continue;
            }

            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
                if (depth == 0)
                {
                    if (i > start || items.Count > 0)
                    {
                        items.Add(Trimmed(text, start, i));
                    }

                    return items;
                }
            }
            else if (c == ',' && depth == 1)
            {
                items.Add(Trimmed(text, start, i));
                start = i + 1;
            }
        }

        return items;
    }

    private static Span Trimmed(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return new Span(start, end);
    }

    /// <summary>The values of an INSERT's (first) row.</summary>
    internal static List<Span> ValueSpans(string statement)
    {
        var at = KeywordOutsideQuotes(statement, "VALUES");
        if (at < 0)
        {
            return [];
        }

        var open = statement.IndexOf('(', at);
        return open < 0 ? [] : Items(statement, open);
    }

    /// <summary>An INSERT's explicit column list, or null when it has none.</summary>
    private static List<string>? InsertColumns(string statement, out List<Span> spans)
    {
        spans = [];
        var (_, name) = TableName(statement);
        var values = KeywordOutsideQuotes(statement, "VALUES");
        if (name.End == 0 || values < 0)
        {
            return null;
        }

        var open = statement.IndexOf('(', name.End);
        if (open < 0 || open > values)
        {
            return null;
        }

        spans = Items(statement, open);
        return spans.Select(s => Unquote(statement[s.Start..s.End])).ToList();
    }

    /// <summary>A CREATE TABLE's column names (constraints left out) and the spans of their definitions.</summary>
    private static List<(string Name, Span Definition)> CreateColumns(string statement)
    {
        var (_, name) = TableName(statement);
        var open = name.End == 0 ? -1 : statement.IndexOf('(', name.End);
        if (open < 0)
        {
            return [];
        }

        var result = new List<(string, Span)>();
        foreach (var item in Items(statement, open))
        {
            var text = statement[item.Start..item.End];
            var first = text.Split([' ', '\t', '\n', '\r', '('], 2)[0];
            if (first.ToUpperInvariant() is "CONSTRAINT" or "PRIMARY" or "UNIQUE" or "CHECK" or "FOREIGN" or "")
            {
                continue;
            }

            if (text[0] is '"' or '`' or '[')
            {
                var end = SkipQuoted(text, 0);
                first = text[..end];
            }

            result.Add((Unquote(first), item));
        }

        return result;
    }

    private static string Unquote(string name) =>
        name.Length >= 2 && name[0] is '"' or '`' or '[' ? name[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : name;

    private static int KeywordOutsideQuotes(string text, string keyword)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\'' or '"' or '`' or '[')
            {
                i = SkipQuoted(text, i) - 1;
                continue;
            }

            if (string.Compare(text, i, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static string ReplaceSpan(string text, Span span, string value) => text[..span.Start] + value + text[span.End..];

    private sealed record Fixture(string Name, IReadOnlyList<string> Statements);

    /// <summary>A fixture being mutated: its statements, and what is known about its tables.</summary>
    private sealed class Dump(List<string> statements)
    {
        public List<string> Statements { get; private set; } = statements;

        public string Text => string.Concat(Statements.Select(s => s + "\n"));

        public int Length => Statements.Sum(s => s.Length + 1);

        public void ReplaceAll(string text) => Statements = Split(text);

        public bool TryPickInsert(Random random, string? table, out int index)
        {
            var candidates = Enumerable.Range(0, Statements.Count)
                .Where(i => IsInsert(Statements[i]) && (table is null || TableOf(Statements[i]) == table))
                .ToList();
            index = candidates.Count == 0 ? -1 : candidates[random.Next(candidates.Count)];
            return index >= 0;
        }

        public int CreateIndex(string table) =>
            Statements.FindIndex(s => IsCreateTable(s) && TableOf(s) == table);

        public string? PickTable(Random random)
        {
            var tables = Statements.Where(s => IsInsert(s) || IsCreateTable(s)).Select(TableOf).OfType<string>().Distinct().ToList();
            return tables.Count == 0 ? null : tables[random.Next(tables.Count)];
        }

        public List<string> ColumnsOf(string table)
        {
            var create = CreateIndex(table);
            if (create >= 0)
            {
                return CreateColumns(Statements[create]).Select(c => c.Name).ToList();
            }

            return table == "ops_events" ? EventColumns.ToList() : [];
        }

        /// <summary>Sets one column of an INSERT, found through its column list or its table's CREATE TABLE.</summary>
        public bool TrySetValue(int index, string column, string value)
        {
            var statement = Statements[index];
            var values = ValueSpans(statement);
            var position = (InsertColumns(statement, out _) ?? ColumnsOf(TableOf(statement) ?? "")).IndexOf(column);
            if (position < 0 || position >= values.Count)
            {
                return false;
            }

            Statements[index] = ReplaceSpan(statement, values[position], value);
            return true;
        }

        public bool RemoveColumn(string table, string column)
        {
            var create = CreateIndex(table);
            var columns = CreateColumns(Statements[create]);
            var position = columns.FindIndex(c => c.Name == column);
            if (position < 0)
            {
                return false;
            }

            Statements[create] = RemoveItem(Statements[create], columns.Select(c => c.Definition).ToList(), position);
            for (var i = 0; i < Statements.Count; i++)
            {
                var statement = Statements[i];
                if (!IsInsert(statement) || TableOf(statement) != table)
                {
                    continue;
                }

                var listed = InsertColumns(statement, out var names);
                var at = listed?.IndexOf(column) ?? position;
                var values = ValueSpans(statement);
                if (at < 0 || at >= values.Count)
                {
                    continue;
                }

                // Values first: they come after the column list, so removing them keeps the list's spans valid.
                statement = RemoveItem(statement, values, at);
                if (listed is not null)
                {
                    statement = RemoveItem(statement, names, at);
                }

                Statements[i] = statement;
            }

            return true;
        }

        private static string RemoveItem(string text, List<Span> items, int position)
        {
            if (items.Count == 1)
            {
                return ReplaceSpan(text, items[0], "");
            }

            // Remove the item with the comma before it (or after it, for the first).
            var span = position == 0
                ? new Span(items[0].Start, items[1].Start)
                : new Span(items[position - 1].End, items[position].End);
            return ReplaceSpan(text, span, "");
        }

        public int RenameTable(string table, string name)
        {
            var renamed = 0;
            for (var i = 0; i < Statements.Count; i++)
            {
                var (found, at) = TableName(Statements[i]);
                if (found == table)
                {
                    Statements[i] = ReplaceSpan(Statements[i], at, name);
                    renamed++;
                }
            }

            return renamed;
        }
    }
}
