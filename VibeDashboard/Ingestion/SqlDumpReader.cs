using System.Text;

namespace VibeDashboard.Ingestion;

/// <summary>One complete statement of a dump (without its terminating semicolon) and the line it starts on.</summary>
public readonly record struct SqlStatement(string Text, long Line);

/// <summary>
/// Splits a SQL dump into statements while streaming: quotes, identifiers and comments are tracked so a
/// semicolon inside a string does not end a statement. Memory stays flat (one statement at a time); a
/// statement longer than the limit, or one still open at end of file (a half-written export), is rejected.
/// </summary>
public sealed class SqlDumpReader(TextReader reader, int maxStatementChars)
{
    private enum State { Normal, SingleQuote, DoubleQuote, Backtick, Bracket, LineComment, BlockComment }

    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _statement = new(1024);
    private int _length;
    private int _position;
    private long _line = 1;

    public IEnumerable<SqlStatement> ReadAll()
    {
        var state = State.Normal;
        long startLine = 0;
        var pendingStar = false; // '*' seen inside a block comment
        var pendingDash = false; // '-' seen in normal state, could start a line comment
        var pendingSlash = false; // '/' seen in normal state, could start a block comment

        while (true)
        {
            if (_position == _length)
            {
                _length = reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length == 0)
                {
                    break;
                }
            }

            var c = _buffer[_position++];
            if (c == '\n')
            {
                _line++;
            }

            if (state == State.Normal)
            {
                if (pendingDash)
                {
                    pendingDash = false;
                    if (c == '-')
                    {
                        state = State.LineComment;
                        DropCommentOpener(ref startLine);
                        continue;
                    }
                }
                else if (pendingSlash)
                {
                    pendingSlash = false;
                    if (c == '*')
                    {
                        state = State.BlockComment;
                        DropCommentOpener(ref startLine);
                        continue;
                    }
                }

                switch (c)
                {
                    case ';':
                        var text = _statement.ToString().Trim();
                        _statement.Clear();
                        if (text.Length > 0)
                        {
                            yield return new SqlStatement(text, startLine);
                        }

                        startLine = 0;
                        continue;
                    case '\'':
                        state = State.SingleQuote;
                        break;
                    case '"':
                        state = State.DoubleQuote;
                        break;
                    case '`':
                        state = State.Backtick;
                        break;
                    case '[':
                        state = State.Bracket;
                        break;
                    case '-':
                        pendingDash = true;
                        break;
                    case '/':
                        pendingSlash = true;
                        break;
                }

                if (startLine == 0 && !char.IsWhiteSpace(c))
                {
                    startLine = _line;
                }

                if (startLine != 0)
                {
                    _statement.Append(c);
                }
            }
            else
            {
                switch (state)
                {
                    case State.LineComment:
                        if (c == '\n')
                        {
                            state = State.Normal;
                            if (startLine != 0)
                            {
                                _statement.Append(' ');
                            }
                        }

                        continue;
                    case State.BlockComment:
                        if (pendingStar && c == '/')
                        {
                            state = State.Normal;
                            if (startLine != 0)
                            {
                                _statement.Append(' ');
                            }
                        }

                        pendingStar = c == '*';
                        continue;
                    case State.SingleQuote when c == '\'':
                    case State.DoubleQuote when c == '"':
                    case State.Backtick when c == '`':
                    case State.Bracket when c == ']':
                        // A doubled quote ('') re-enters the string on the next character, which is harmless.
                        state = State.Normal;
                        break;
                }

                _statement.Append(c);
            }

            if (_statement.Length > maxStatementChars)
            {
                throw new ExportRejectedException(startLine,
                    $"statement is longer than {maxStatementChars:N0} characters (Ingestion:MaxStatementBytes); it never ends or is not an export statement");
            }
        }

        if (state is State.SingleQuote or State.DoubleQuote or State.Backtick or State.Bracket)
        {
            throw new ExportRejectedException(startLine, "a quoted string or name is still open at end of file: the export is truncated or malformed");
        }

        if (state == State.BlockComment)
        {
            throw new ExportRejectedException(_line, "a /* comment */ is still open at end of file: the export is truncated or malformed");
        }

        if (_statement.ToString().Trim().Length > 0)
        {
            throw new ExportRejectedException(startLine, "the last statement has no terminating ';': the export is truncated (half-written?)");
        }
    }

    // The first character of '--' or '/*' was already appended; comments are not part of statements.
    private void DropCommentOpener(ref long startLine)
    {
        _statement.Length--;
        if (_statement.Length == 0)
        {
            startLine = 0;
        }
    }
}
