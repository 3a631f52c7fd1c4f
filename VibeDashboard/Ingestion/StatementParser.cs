using System.Globalization;
using System.Text;

namespace VibeDashboard.Ingestion;

/// <summary>
/// Recognises the statement kinds of a D1 export and evaluates their literal values. The dump is never
/// executed: the store writes rows through its own prepared statements, so an export can only ever add
/// data. Anything outside the export grammar (ATTACH, PRAGMA writable_schema, triggers, UPDATE, functions
/// other than the <c>replace(…, char(n))</c> newline encoding…) is rejected with the statement's line.
/// </summary>
public static class StatementParser
{
    // Words that end a partial index's WHERE expression and start another statement: an index is never
    // evaluated here, but text after its column list must still be an expression and nothing else.
    private static readonly HashSet<string> StatementKeywords = new(StringComparer.Ordinal)
    {
        "ALTER", "ANALYZE", "ATTACH", "BEGIN", "COMMIT", "CREATE", "DELETE", "DETACH", "DROP", "INSERT", "PRAGMA",
        "REINDEX", "RELEASE", "ROLLBACK", "SAVEPOINT", "SELECT", "UPDATE", "VACUUM", "VALUES", "WITH",
    };

    // The same words less those a SELECT is made of (subqueries, VALUES rows, common table expressions): in a
    // SELECT the others are never keywords, so bare in a view's body they start a second statement behind the view
    // (CREATE VIEW v AS SELECT 1 ATTACH DATABASE …). SQLite would take a few of them (ATTACH, PRAGMA, VACUUM…) as
    // bare column names too; such a name passes here quoted ("pragma") or after a table (t.pragma), not bare.
    private static readonly HashSet<string> ViewStatementKeywords = new(StatementKeywords.Except(["SELECT", "VALUES", "WITH"]), StringComparer.Ordinal);

    public static ExportStatement Parse(SqlStatement statement) => Parse(statement, ExportLimits.Default);

    public static ExportStatement Parse(SqlStatement statement, ExportLimits limits)
    {
        var lexer = new Lexer(statement.Text, statement.Line, limits);
        var word = lexer.ReadWord();
        return Keyword(word) switch
        {
            "PRAGMA" => ParsePragma(ref lexer),
            "CREATE" => ParseCreate(ref lexer, statement.Text),
            "INSERT" => ParseInsert(ref lexer),
            "DELETE" => ParseDelete(ref lexer),
            null => throw lexer.Reject("statement does not start with a keyword"),
            _ => throw lexer.Reject($"{Lexer.Short(word!)} statements are not part of a D1 export"),
        };
    }

    /// <summary>Parses a <c>CREATE TABLE</c> read from a SQLite file's schema (same rules as in a dump).</summary>
    public static CreateTableStatement ParseCreateTable(string sql, string table) => ParseCreateTable(sql, table, ExportLimits.Default);

    /// <inheritdoc cref="ParseCreateTable(string, string)"/>
    public static CreateTableStatement ParseCreateTable(string sql, string table, ExportLimits limits)
    {
        var parsed = Parse(new SqlStatement(sql, 0), limits);
        return parsed as CreateTableStatement ?? throw new ExportRejectedException(0, $"table {table}: its schema is not a plain CREATE TABLE");
    }

    /// <summary>
    /// SQL keywords are ASCII: a word holding any other character is an identifier in SQLite, never a keyword,
    /// so it is not upper-cased with Unicode rules (where 'ı' would become 'I').
    /// </summary>
    private static string? Keyword(string? word) => word is null ? null : Ascii.IsValid(word) ? word.ToUpperInvariant() : word;

    /// <summary>Names an export may not write: the store's own tables and SQLite's internal ones.</summary>
    public static void CheckWritableTable(string table, long line)
    {
        if (table.StartsWith(Storage.StoreSchema.InternalPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new ExportRejectedException(line, $"table name \"{table}\" is reserved for VibeDashboard's own tables");
        }

        if (table.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase))
        {
            throw new ExportRejectedException(line, $"table \"{table}\" is internal to SQLite and cannot be written by an export");
        }
    }

    private static ExportStatement ParsePragma(ref Lexer lexer)
    {
        var name = lexer.ReadName();
        if (!Ascii.EqualsIgnoreCase(name, "defer_foreign_keys"))
        {
            throw lexer.Reject($"PRAGMA {Lexer.Short(name)} is not allowed in an export (only PRAGMA defer_foreign_keys)");
        }

        lexer.Expect('=');
        var value = Keyword(lexer.ReadWord()) ?? lexer.ReadNumberText();
        if (value is not ("TRUE" or "ON" or "1" or "FALSE" or "OFF" or "0"))
        {
            throw lexer.Reject("PRAGMA defer_foreign_keys takes TRUE or FALSE");
        }

        lexer.ExpectEnd();
        return new DeferForeignKeysStatement(lexer.Line);
    }

    private static ExportStatement ParseCreate(ref Lexer lexer, string sql)
    {
        var word = lexer.ReadWord();
        switch (Keyword(word))
        {
            case "TABLE":
                return ParseCreateTable(ref lexer, sql);
            case "UNIQUE":
                lexer.ExpectKeyword("INDEX");
                return ParseCreateIndex(ref lexer);
            case "INDEX":
                return ParseCreateIndex(ref lexer);
            case "VIEW":
                return ParseCreateView(ref lexer);
            case "TRIGGER":
                throw lexer.Reject("CREATE TRIGGER is not allowed in an export: triggers run code on every write");
            case "TEMP" or "TEMPORARY":
                throw lexer.Reject("temporary tables are not part of a D1 export");
            case "VIRTUAL":
                throw lexer.Reject("virtual tables are not supported: they load modules");
            default:
                throw lexer.Reject($"CREATE {(word is null ? "" : Lexer.Short(word))} is not part of a D1 export");
        }
    }

    private static void SkipIfNotExists(ref Lexer lexer)
    {
        if (lexer.TryKeyword("IF"))
        {
            lexer.ExpectKeyword("NOT");
            lexer.ExpectKeyword("EXISTS");
        }
    }

    private static CreateTableStatement ParseCreateTable(ref Lexer lexer, string sql)
    {
        SkipIfNotExists(ref lexer);
        var table = lexer.ReadTableName();
        CheckWritableTable(table, lexer.Line);
        if (lexer.TryKeyword("AS"))
        {
            throw lexer.Reject("CREATE TABLE … AS SELECT is not part of a D1 export");
        }

        lexer.Expect('(');
        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            var first = Keyword(lexer.PeekWord());
            if (first is not ("CONSTRAINT" or "PRIMARY" or "UNIQUE" or "CHECK" or "FOREIGN"))
            {
                var column = lexer.ReadName();
                if (!seen.Add(column))
                {
                    throw lexer.Reject($"table {table} declares column {column} twice");
                }

                lexer.CheckColumnCount(columns.Count + 1, $"table {table} declares");
                columns.Add(column);
            }

            // The rest of a column or constraint definition (type, DEFAULT, REFERENCES, CHECK (…)) is not
            // used: the store creates its own untyped columns.
            if (lexer.SkipToTopLevelCommaOrClose() == ')')
            {
                break;
            }
        }

        // Table options after the closing parenthesis: WITHOUT ROWID, STRICT.
        while (!lexer.AtEnd)
        {
            var option = Keyword(lexer.ReadWord());
            if (option is "WITHOUT")
            {
                lexer.ExpectKeyword("ROWID");
            }
            else if (option is not "STRICT")
            {
                throw lexer.Reject($"unexpected text after the column list of table {table}");
            }

            lexer.TryPunct(',');
        }

        if (columns.Count == 0)
        {
            throw lexer.Reject($"table {table} has no columns");
        }

        return new CreateTableStatement(lexer.Line, table, columns, sql);
    }

    private static IgnoredSchemaStatement ParseCreateIndex(ref Lexer lexer)
    {
        SkipIfNotExists(ref lexer);
        var name = lexer.ReadTableName();
        lexer.ExpectKeyword("ON");
        lexer.ReadTableName();
        lexer.Expect('(');
        if (lexer.SkipToTopLevelCommaOrClose(untilClose: true) != ')')
        {
            throw lexer.Reject("index column list is not closed");
        }

        // An optional partial-index WHERE clause may follow; it is never evaluated, but it must be one
        // expression: no second statement (ATTACH, PRAGMA…) hides behind an index.
        if (!lexer.AtEnd)
        {
            if (!lexer.TryKeyword("WHERE"))
            {
                throw lexer.Reject($"unexpected text '{lexer.Excerpt()}' after the column list of index {name} (only a WHERE clause may follow)");
            }

            lexer.SkipToEndBalanced($"the WHERE clause of index {name}", StatementKeywords);
        }

        return new IgnoredSchemaStatement(lexer.Line, "index", name);
    }

    /// <summary>
    /// <c>CREATE VIEW [IF NOT EXISTS] v [(c1,…)] AS SELECT|WITH …</c>. A view is a stored SELECT; the store does
    /// not need it and never runs it, but anything that is not one SELECT is not a view and is refused.
    /// </summary>
    private static IgnoredSchemaStatement ParseCreateView(ref Lexer lexer)
    {
        SkipIfNotExists(ref lexer);
        var view = lexer.ReadTableName();
        if (lexer.TryPunct('('))
        {
            var count = 0;
            do
            {
                lexer.ReadName();
                lexer.CheckColumnCount(++count, $"view {view} names");
            }
            while (lexer.TryPunct(','));
            lexer.Expect(')');
        }

        if (!lexer.TryKeyword("AS"))
        {
            throw lexer.Reject($"a view must be CREATE VIEW {view} AS SELECT …, found '{lexer.Excerpt()}'");
        }

        if (Keyword(lexer.PeekWord()) is not ("SELECT" or "WITH"))
        {
            throw lexer.Reject($"view {view} is not AS SELECT …: found '{lexer.Excerpt()}'");
        }

        lexer.SkipToEndBalanced($"the SELECT of view {view}", ViewStatementKeywords);
        return new IgnoredSchemaStatement(lexer.Line, "view", view);
    }

    private static ExportStatement ParseDelete(ref Lexer lexer)
    {
        lexer.ExpectKeyword("FROM");
        var table = lexer.ReadTableName();
        if (!string.Equals(table, "sqlite_sequence", StringComparison.OrdinalIgnoreCase))
        {
            throw lexer.Reject($"DELETE is not part of a D1 export (only DELETE FROM sqlite_sequence), found DELETE FROM {table}");
        }

        lexer.ExpectEnd();
        return new SqliteSequenceStatement(lexer.Line);
    }

    private static ExportStatement ParseInsert(ref Lexer lexer)
    {
        if (!lexer.TryKeyword("INTO"))
        {
            throw lexer.Reject("only plain INSERT INTO … VALUES statements are part of a D1 export");
        }

        var table = lexer.ReadTableName();
        var isSequence = string.Equals(table, "sqlite_sequence", StringComparison.OrdinalIgnoreCase);
        if (!isSequence)
        {
            CheckWritableTable(table, lexer.Line);
        }

        List<string>? columns = null;
        if (lexer.TryPunct('('))
        {
            columns = [];
            do
            {
                lexer.CheckColumnCount(columns.Count + 1, $"INSERT into {table} names");
                columns.Add(lexer.ReadName());
            }
            while (lexer.TryPunct(','));
            lexer.Expect(')');
        }

        if (!lexer.TryKeyword("VALUES"))
        {
            throw lexer.Reject("INSERT must be INSERT INTO … VALUES(…) with literal values");
        }

        var rows = new List<object?[]>(1);
        var width = columns?.Count ?? -1;
        var values = new List<object?>(width > 0 ? width : 16);
        do
        {
            lexer.Expect('(');
            values.Clear();
            do
            {
                lexer.CheckColumnCount(values.Count + 1, $"a row of INSERT into {table} holds");
                values.Add(lexer.ReadValue(depth: 0));
            }
            while (lexer.TryPunct(','));
            lexer.Expect(')');
            if (width >= 0 && values.Count != width)
            {
                throw lexer.Reject($"INSERT into {table} names {width} columns but gives {values.Count} values");
            }

            width = values.Count;
            rows.Add(values.ToArray());
        }
        while (lexer.TryPunct(','));

        lexer.ExpectEnd();
        return isSequence ? new SqliteSequenceStatement(lexer.Line) : new InsertStatement(lexer.Line, table, columns, rows);
    }

    /// <summary>
    /// A tiny hand-written lexer over one statement; value parsing is the import's hot path. Nothing in it
    /// recurses except <see cref="ReadValue"/> into <c>replace(…)</c>, and that only to
    /// <see cref="ExportLimits.MaxNestingDepth"/> levels, so no input can exhaust the stack.
    /// </summary>
    private ref struct Lexer(string text, long line, ExportLimits limits)
    {
        private readonly string _text = text;
        private readonly ExportLimits _limits = limits;
        private int _pos;

        public readonly long Line { get; } = line;

        public bool AtEnd
        {
            get
            {
                SkipSpace();
                return _pos >= _text.Length;
            }
        }

        public readonly ExportRejectedException Reject(string reason) => new(Line, reason);

        public void ExpectEnd()
        {
            if (!AtEnd)
            {
                throw Reject($"unexpected text '{Excerpt()}' at the end of the statement");
            }
        }

        public readonly string Excerpt() => Short(_text.Substring(_pos, Math.Min(40, _text.Length - _pos)));

        /// <summary>At most 40 characters of input for a message: a reason never carries a whole value.</summary>
        public static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";

        // SQLite's whitespace is ASCII only (space, \t \n \v \f \r); U+00A0 and the like are identifier characters.
        private static bool IsSpace(char c) => c == ' ' || c is >= '\t' and <= '\r';

        public void SkipSpace()
        {
            while (_pos < _text.Length)
            {
                var c = _text[_pos];
                if (IsSpace(c))
                {
                    _pos++;
                }
                else if (c == '-' && _pos + 1 < _text.Length && _text[_pos + 1] == '-')
                {
                    // A line comment ends at \n, or at \r alone in a file with old Mac line endings.
                    var end = _text.AsSpan(_pos).IndexOfAny('\n', '\r');
                    _pos = end < 0 ? _text.Length : _pos + end + 1;
                }
                else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '*')
                {
                    var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                    _pos = end < 0 ? _text.Length : end + 2;
                }
                else
                {
                    return;
                }
            }
        }

        // Like SQLite: ASCII letters, '_' and every character from U+0080 up start a bare identifier.
        private static bool IsWordStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= '\u0080';

        private static bool IsWordPart(char c) => IsWordStart(c) || char.IsAsciiDigit(c) || c == '$';

        public string? PeekWord()
        {
            var save = _pos;
            var word = ReadWord();
            _pos = save;
            return word;
        }

        public string? ReadWord()
        {
            SkipSpace();
            if (_pos >= _text.Length || !IsWordStart(_text[_pos]))
            {
                return null;
            }

            var start = _pos;
            while (_pos < _text.Length && IsWordPart(_text[_pos]))
            {
                _pos++;
            }

            return _text[start.._pos];
        }

        public bool TryKeyword(string keyword)
        {
            var save = _pos;
            var word = ReadWord();
            if (word is not null && Ascii.EqualsIgnoreCase(word, keyword))
            {
                return true;
            }

            _pos = save;
            return false;
        }

        public void ExpectKeyword(string keyword)
        {
            if (!TryKeyword(keyword))
            {
                throw Reject($"expected {keyword} at '{Excerpt()}'");
            }
        }

        public bool TryPunct(char c)
        {
            SkipSpace();
            if (_pos < _text.Length && _text[_pos] == c)
            {
                _pos++;
                return true;
            }

            return false;
        }

        public void Expect(char c)
        {
            if (!TryPunct(c))
            {
                throw Reject($"expected '{c}' at '{Excerpt()}'");
            }
        }

        public readonly void CheckColumnCount(int count, string what)
        {
            if (count > _limits.MaxColumns)
            {
                throw Reject($"{what} more than {_limits.MaxColumns:N0} columns (Ingestion:MaxColumns)");
            }
        }

        private readonly void CheckValueLength(long length, string what)
        {
            if (length > _limits.MaxValueBytes)
            {
                throw Reject($"{what} is longer than {_limits.MaxValueBytes:N0} characters (Ingestion:MaxValueBytes)");
            }
        }

        /// <summary>A bare, "double-quoted", `backticked` or [bracketed] identifier.</summary>
        public string ReadName()
        {
            SkipSpace();
            if (_pos >= _text.Length)
            {
                throw Reject("expected a name at the end of the statement");
            }

            var c = _text[_pos];
            var close = c switch { '"' => '"', '`' => '`', '[' => ']', _ => '\0' };
            string name;
            if (close == '\0')
            {
                name = ReadWord() ?? throw Reject($"expected a name at '{Excerpt()}'");
            }
            else
            {
                var sb = new StringBuilder();
                _pos++;
                while (true)
                {
                    var end = _text.IndexOf(close, _pos);
                    if (end < 0)
                    {
                        throw Reject("a quoted name is not closed");
                    }

                    sb.Append(_text, _pos, end - _pos);
                    _pos = end + 1;
                    if (close != ']' && _pos < _text.Length && _text[_pos] == close)
                    {
                        sb.Append(close);
                        _pos++;
                        continue;
                    }

                    break;
                }

                if (sb.Length == 0)
                {
                    throw Reject("empty name");
                }

                name = sb.ToString();
            }

            if (name.Length > _limits.MaxIdentifierLength)
            {
                throw Reject($"a name is longer than {_limits.MaxIdentifierLength:N0} characters (Ingestion:MaxIdentifierLength): '{Short(name)}'");
            }

            return name;
        }

        /// <summary>A table name; schema-qualified names (main.t, other.t) are refused: an export writes only its own tables.</summary>
        public string ReadTableName()
        {
            var name = ReadName();
            if (TryPunct('.'))
            {
                throw Reject($"schema-qualified name {Short(name)}.… is not allowed in an export");
            }

            return name;
        }

        /// <summary>Skips a definition up to the next ',' or ')' at nesting level 0, honouring quotes; returns which one ended it.</summary>
        public char SkipToTopLevelCommaOrClose(bool untilClose = false)
        {
            var depth = 0;
            while (_pos < _text.Length)
            {
                var c = _text[_pos++];
                switch (c)
                {
                    case '(':
                        depth++;
                        break;
                    case ')' when depth == 0:
                        return ')';
                    case ')':
                        depth--;
                        break;
                    case ',' when depth == 0 && !untilClose:
                        return ',';
                    case '\'' or '"' or '`':
                        SkipQuoted(c);
                        break;
                    case '[':
                        var close = _text.IndexOf(']', _pos);
                        _pos = close < 0 ? throw Reject("a [name] is not closed") : close + 1;
                        break;
                }
            }

            throw Reject("a parenthesis is not closed");
        }

        // _pos is just past the opening quote; a doubled quote is part of the text.
        private void SkipQuoted(char quote)
        {
            var end = _text.IndexOf(quote, _pos);
            while (end >= 0 && end + 1 < _text.Length && _text[end + 1] == quote)
            {
                end = _text.IndexOf(quote, end + 2);
            }

            if (end < 0)
            {
                throw Reject("a quoted string is not closed");
            }

            _pos = end + 1;
        }

        /// <summary>
        /// Skips the rest of the statement as one expression or query that is never run: quotes closed,
        /// parentheses balanced, no ';' (a second statement) and none of the <paramref name="forbidden"/> words.
        /// </summary>
        public void SkipToEndBalanced(string what, HashSet<string> forbidden)
        {
            var depth = 0;
            var empty = true;
            while (!AtEnd)
            {
                empty = false;
                var c = _text[_pos];
                if (IsWordStart(c))
                {
                    // After a '.' a word is a column of a table (t.pragma), a name whatever it spells.
                    var qualified = _pos > 0 && _text[_pos - 1] == '.';
                    var word = ReadWord()!;
                    if (!qualified && Ascii.IsValid(word) && forbidden.Contains(word.ToUpperInvariant()))
                    {
                        throw Reject($"{word} is not allowed in {what}");
                    }

                    continue;
                }

                _pos++;
                switch (c)
                {
                    case '(':
                        depth++;
                        break;
                    case ')' when depth == 0:
                        throw Reject($"unbalanced ')' in {what}");
                    case ')':
                        depth--;
                        break;
                    case ';':
                        throw Reject($"';' in {what}: one statement only");
                    case '\'' or '"' or '`':
                        SkipQuoted(c);
                        break;
                    case '[':
                        var close = _text.IndexOf(']', _pos);
                        _pos = close < 0 ? throw Reject("a [name] is not closed") : close + 1;
                        break;
                }
            }

            if (empty)
            {
                throw Reject($"{what} is empty");
            }

            if (depth != 0)
            {
                throw Reject($"a parenthesis is not closed in {what}");
            }
        }

        public string ReadNumberText()
        {
            SkipSpace();
            var start = _pos;
            if (_pos < _text.Length && _text[_pos] is '-' or '+')
            {
                _pos++;
            }

            while (_pos < _text.Length && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '.'))
            {
                _pos++;
            }

            if (_pos < _text.Length && _text[_pos] is 'e' or 'E')
            {
                _pos++;
                if (_pos < _text.Length && _text[_pos] is '-' or '+')
                {
                    _pos++;
                }

                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    _pos++;
                }
            }

            CheckValueLength(_pos - start, "a number");
            return _text[start.._pos];
        }

        /// <summary>
        /// One literal: NULL, a number, a 'string', X'blob', or the replace(…, char(n)) newline encoding.
        /// <paramref name="depth"/> is the number of replace( calls around this value.
        /// </summary>
        public object? ReadValue(int depth)
        {
            SkipSpace();
            if (_pos >= _text.Length)
            {
                throw Reject("expected a value at the end of the statement");
            }

            var c = _text[_pos];
            if (c == '\'')
            {
                return ReadString();
            }

            if (char.IsAsciiDigit(c) || c is '-' or '+' or '.')
            {
                return ReadNumber();
            }

            if ((c is 'X' or 'x') && _pos + 1 < _text.Length && _text[_pos + 1] == '\'')
            {
                _pos++;
                return ReadBlob();
            }

            var word = ReadWord();
            switch (Keyword(word))
            {
                case "NULL":
                    return null;
                case "TRUE":
                    return 1L;
                case "FALSE":
                    return 0L;
                case "REPLACE":
                    // wrangler writes strings holding newlines as replace('a\nb','\n',char(10)), nested for \r.
                    if (depth >= _limits.MaxNestingDepth)
                    {
                        throw Reject($"values nest deeper than {_limits.MaxNestingDepth} (Ingestion:MaxNestingDepth)");
                    }

                    Expect('(');
                    var subject = ReadValue(depth + 1);
                    Expect(',');
                    var pattern = ReadValue(depth + 1);
                    Expect(',');
                    var replacement = ReadValue(depth + 1);
                    Expect(')');
                    if (subject is null || pattern is null || replacement is null)
                    {
                        return null;
                    }

                    if (subject is not string s || pattern is not string p || replacement is not string r)
                    {
                        throw Reject("replace() in an export only takes strings");
                    }

                    return Replace(s, p, r);
                case "CHAR":
                    Expect('(');
                    var sb = new StringBuilder();
                    do
                    {
                        if (ReadNumber() is not long code || code is < 0 or > 0x10FFFF)
                        {
                            throw Reject("char() takes code points from 0 to 0x10FFFF");
                        }

                        if (code is >= 0xD800 and <= 0xDFFF)
                        {
                            // A lone surrogate is kept as it is: the row's text validation decides (a quarantine
                            // for ops_events, "invalid text" elsewhere), rather than the parser crashing on it.
                            sb.Append((char)code);
                        }
                        else
                        {
                            sb.Append(char.ConvertFromUtf32((int)code));
                        }

                        CheckValueLength(sb.Length, "a char() value");
                    }
                    while (TryPunct(','));
                    Expect(')');
                    return sb.ToString();
                case null:
                    throw Reject($"unexpected '{Excerpt()}' where a value was expected");
                default:
                    throw Reject($"{Short(word!)}(…) is not allowed in an export: values must be literals");
            }
        }

        // replace('a','a',<4 MB>) nested a few times would multiply a value's size: the result is measured first.
        private readonly string Replace(string s, string p, string r)
        {
            if (p.Length == 0)
            {
                return s;
            }

            if (r.Length > p.Length)
            {
                long count = 0;
                for (var at = s.IndexOf(p, StringComparison.Ordinal); at >= 0; at = s.IndexOf(p, at + p.Length, StringComparison.Ordinal))
                {
                    count++;
                }

                CheckValueLength(s.Length + (count * (r.Length - p.Length)), "a replace() value");
            }

            return s.Replace(p, r, StringComparison.Ordinal);
        }

        private string ReadString()
        {
            _pos++; // opening quote
            var end = _text.IndexOf('\'', _pos);
            if (end < 0)
            {
                throw Reject("a string is not closed");
            }

            if (end + 1 >= _text.Length || _text[end + 1] != '\'')
            {
                CheckValueLength(end - _pos, "a string");
                var simple = _text[_pos..end];
                _pos = end + 1;
                return simple;
            }

            var sb = new StringBuilder();
            while (true)
            {
                sb.Append(_text, _pos, end - _pos);
                CheckValueLength(sb.Length, "a string");
                _pos = end + 1;
                if (_pos < _text.Length && _text[_pos] == '\'')
                {
                    sb.Append('\'');
                    _pos++;
                    end = _text.IndexOf('\'', _pos);
                    if (end < 0)
                    {
                        throw Reject("a string is not closed");
                    }

                    continue;
                }

                return sb.ToString();
            }
        }

        private byte[] ReadBlob()
        {
            _pos++; // opening quote
            var end = _text.IndexOf('\'', _pos);
            if (end < 0 || (end - _pos) % 2 != 0)
            {
                throw Reject("a X'…' blob is not closed or has an odd number of hex digits");
            }

            CheckValueLength((end - _pos) / 2, "a blob");
            try
            {
                var bytes = Convert.FromHexString(_text.AsSpan(_pos, end - _pos));
                _pos = end + 1;
                return bytes;
            }
            catch (FormatException)
            {
                throw Reject("a X'…' blob holds characters that are not hex digits");
            }
        }

        private object ReadNumber()
        {
            var start = _pos;
            var textNumber = ReadNumberText();
            var span = textNumber.AsSpan();
            if (span.Length == 0 || span is "-" or "+" or ".")
            {
                _pos = start;
                throw Reject($"malformed number at '{Excerpt()}'");
            }

            if (_pos < _text.Length && IsWordPart(_text[_pos]))
            {
                throw Reject($"malformed number '{Short(textNumber)}{_text[_pos]}…'");
            }

            var isInteger = span.IndexOfAny('.', 'e', 'E') < 0;
            if (isInteger && long.TryParse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                return integer;
            }

            // Like SQLite: an integer literal too large for 64 bits becomes a REAL (and 1e999 is Infinity,
            // which the row validation refuses where a finite number is required).
            if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
            {
                return real;
            }

            throw Reject($"malformed number '{Short(textNumber)}'");
        }
    }
}
