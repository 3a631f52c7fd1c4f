using System.Buffers;
using System.Text;

namespace VibeDashboard.Ingestion;

/// <summary>One complete statement of a dump (without its terminating semicolon) and the line it starts on.</summary>
public readonly record struct SqlStatement(string Text, long Line);

/// <summary>
/// Splits a SQL dump into statements while streaming: quotes, identifiers and comments are tracked so a
/// semicolon inside a string does not end a statement. Memory stays flat (one statement at a time); a
/// statement longer than the limit, or one still open at end of file (a half-written export), is rejected.
/// Runs of ordinary characters are copied in bulk (vectorised search for the next special character):
/// on a million-row export this is the difference between the reader costing more than SQLite or less.
/// Lines end at "\r\n", "\n" or a lone "\r". Text that is not a dump — a NUL byte (binary data, UTF-16 without
/// a byte-order mark) or bytes that are not UTF-8 (read through <see cref="OpenText"/>) — is rejected with its line.
/// </summary>
public sealed class SqlDumpReader(TextReader reader, int maxStatementChars)
{
    private enum State { Normal, SingleQuote, DoubleQuote, Backtick, Bracket, LineComment, BlockComment }

    /// <summary>What <see cref="OpenText"/> decodes undecodable bytes to (a noncharacter, never in a real export).</summary>
    private const char InvalidMarker = '\uFFFF';

    private static readonly SearchValues<char> NormalSpecials = SearchValues.Create(";'\"`[-/\n\r\0\uFFFF");
    private static readonly SearchValues<char> SingleQuoteSpecials = SearchValues.Create("'\n\r\0\uFFFF");
    private static readonly SearchValues<char> DoubleQuoteSpecials = SearchValues.Create("\"\n\r\0\uFFFF");
    private static readonly SearchValues<char> BacktickSpecials = SearchValues.Create("`\n\r\0\uFFFF");
    private static readonly SearchValues<char> BracketSpecials = SearchValues.Create("]\n\r\0\uFFFF");
    private static readonly SearchValues<char> LineCommentSpecials = SearchValues.Create("\n\r\0\uFFFF");

    private readonly char[] _buffer = new char[1 << 16];
    private readonly StringBuilder _statement = new(1024);
    private readonly char[] _head = new char[4];
    private int _headLength;
    private int _length;
    private int _position;
    private char _previousBufferLast;
    private long _line = 1;
    private long _startLine;

    /// <summary>
    /// Opens a dump's bytes as strict UTF-8 text (a UTF-8 byte-order mark is skipped; a UTF-16 one is honoured).
    /// Undecodable bytes do not throw from inside the decoder, where their line is unknown: they become a
    /// marker that <see cref="ReadAll"/> rejects at the line it is on.
    /// </summary>
    public static StreamReader OpenText(Stream stream, int bufferSize = 1 << 16)
    {
        // With the UTF-8 preamble declared, StreamReader consumes a BOM and keeps this encoding (and its fallback).
        var encoding = (Encoding)new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).Clone();
        encoding.DecoderFallback = new InvalidBytesFallback();
        return new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize);
    }

    public IEnumerable<SqlStatement> ReadAll()
    {
        var state = State.Normal;
        var pendingDash = false; // '-' just appended: a second one starts a line comment
        var pendingSlash = false; // '/' just appended: a '*' starts a block comment
        var pendingStar = false; // '*' seen inside a block comment: a '/' ends it

        while (true)
        {
            if (_position == _length)
            {
                if (_length > 0)
                {
                    _previousBufferLast = _buffer[_length - 1];
                }

                _length = reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length == 0)
                {
                    break;
                }

                KeepHead();
            }

            var span = _buffer.AsSpan(_position, _length - _position);
            switch (state)
            {
                case State.Normal:
                {
                    if (pendingDash || pendingSlash)
                    {
                        var next = span[0];
                        var opensComment = (pendingDash && next == '-') || (pendingSlash && next == '*');
                        pendingDash = pendingSlash = false;
                        if (opensComment)
                        {
                            _position++;
                            state = next == '-' ? State.LineComment : State.BlockComment;
                            pendingStar = false;
                            DropCommentOpener();
                            continue;
                        }
                    }

                    if (_startLine == 0)
                    {
                        var skip = 0;
                        while (skip < span.Length && char.IsWhiteSpace(span[skip]))
                        {
                            CountLineEnd(span[skip], _position + skip);
                            skip++;
                        }

                        _position += skip;
                        if (skip == span.Length)
                        {
                            continue;
                        }

                        _startLine = _line;
                        span = span[skip..];
                    }

                    var index = span.IndexOfAny(NormalSpecials);
                    if (index < 0)
                    {
                        Append(span);
                        _position += span.Length;
                        continue;
                    }

                    Append(span[..index]);
                    var at = _position + index;
                    _position += index + 1;
                    var c = span[index];
                    if (c == ';')
                    {
                        var text = _statement.ToString().TrimEnd();
                        var line = _startLine;
                        _statement.Clear();
                        _startLine = 0;
                        if (text.Length > 0)
                        {
                            yield return new SqlStatement(text, line);
                        }

                        continue;
                    }

                    if (c is '\0' or InvalidMarker)
                    {
                        CheckText(c);
                    }

                    Append(c);
                    switch (c)
                    {
                        case '\n' or '\r':
                            CountLineEnd(c, at);
                            break;
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

                    break;
                }

                case State.SingleQuote or State.DoubleQuote or State.Backtick or State.Bracket:
                {
                    var specials = state switch
                    {
                        State.SingleQuote => SingleQuoteSpecials,
                        State.DoubleQuote => DoubleQuoteSpecials,
                        State.Backtick => BacktickSpecials,
                        _ => BracketSpecials,
                    };
                    var index = span.IndexOfAny(specials);
                    if (index < 0)
                    {
                        Append(span);
                        _position += span.Length;
                        continue;
                    }

                    var c = span[index];
                    if (c is '\0' or InvalidMarker)
                    {
                        Append(span[..index]);
                        _position += index;
                        CheckText(c);
                        Append(c);
                        _position++;
                        continue;
                    }

                    Append(span[..(index + 1)]);
                    var at = _position + index;
                    _position += index + 1;
                    if (c is '\n' or '\r')
                    {
                        CountLineEnd(c, at);
                    }
                    else
                    {
                        // A doubled quote ('') re-enters the string on the next character, which is harmless.
                        state = State.Normal;
                    }

                    break;
                }

                case State.LineComment:
                {
                    // Ends at \n, or at a lone \r in a file with old Mac line endings.
                    var index = span.IndexOfAny(LineCommentSpecials);
                    if (index < 0)
                    {
                        _position += span.Length;
                        continue;
                    }

                    var c = span[index];
                    var at = _position + index;
                    _position += index + 1;
                    if (c is '\0' or InvalidMarker)
                    {
                        CheckText(c);
                        continue;
                    }

                    CountLineEnd(c, at);
                    state = State.Normal;
                    if (_startLine != 0)
                    {
                        Append(' ');
                    }

                    break;
                }

                case State.BlockComment:
                {
                    var c = span[0];
                    var at = _position;
                    _position++;
                    if (c is '\n' or '\r')
                    {
                        CountLineEnd(c, at);
                    }
                    else if (c is '\0' or InvalidMarker)
                    {
                        CheckText(c);
                    }
                    else if (pendingStar && c == '/')
                    {
                        state = State.Normal;
                        if (_startLine != 0)
                        {
                            Append(' ');
                        }
                    }

                    pendingStar = c == '*';
                    break;
                }
            }
        }

        if (state is State.SingleQuote or State.DoubleQuote or State.Backtick or State.Bracket)
        {
            throw new ExportRejectedException(_startLine, "a quoted string or name is still open at end of file: the export is truncated or malformed");
        }

        if (state == State.BlockComment)
        {
            throw new ExportRejectedException(_line, "a /* comment */ is still open at end of file: the export is truncated or malformed");
        }

        if (_statement.ToString().Trim().Length > 0)
        {
            throw new ExportRejectedException(_startLine, "the last statement has no terminating ';': the export is truncated (half-written?)");
        }
    }

    /// <summary>Counts a line end at buffer index <paramref name="at"/>: "\r\n" is one, a lone '\r' or '\n' one each.</summary>
    private void CountLineEnd(char c, int at)
    {
        if (c == '\r' || (c == '\n' && (at > 0 ? _buffer[at - 1] : _previousBufferLast) != '\r'))
        {
            _line++;
        }
    }

    private void KeepHead()
    {
        while (_headLength < _head.Length && _headLength < _length)
        {
            _head[_headLength] = _buffer[_headLength];
            _headLength++;
        }
    }

    /// <summary>A NUL or an undecodable byte: not a SQL dump. U+FFFF is only refused where the decoder put it.</summary>
    private void CheckText(char c)
    {
        if (c == InvalidMarker)
        {
            if (reader is StreamReader { CurrentEncoding.DecoderFallback: InvalidBytesFallback { Seen: true } })
            {
                throw new ExportRejectedException(_line, "bytes that are not valid UTF-8: the export must be UTF-8 text (is it binary, or in another encoding?)");
            }

            return;
        }

        if (LooksLikeUtf16())
        {
            throw new ExportRejectedException(1, "the file is UTF-16 (no byte-order mark): export it as UTF-8");
        }

        throw new ExportRejectedException(_line, "binary data (a NUL byte): this is not a SQL dump");
    }

    // ASCII text in UTF-16 read as UTF-8 alternates NULs with characters: "P\0R\0" (LE) or "\0P\0R" (BE).
    private bool LooksLikeUtf16()
    {
        if (_headLength < 2)
        {
            return false;
        }

        var pairs = _headLength / 2;
        bool little = true, big = true;
        for (var i = 0; i < pairs; i++)
        {
            little &= _head[2 * i] != '\0' && _head[(2 * i) + 1] == '\0';
            big &= _head[2 * i] == '\0' && _head[(2 * i) + 1] != '\0';
        }

        return little || big;
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        _statement.Append(chars);
        CheckLength();
    }

    private void Append(char c)
    {
        _statement.Append(c);
        CheckLength();
    }

    private void CheckLength()
    {
        if (_statement.Length > maxStatementChars)
        {
            throw new ExportRejectedException(_startLine,
                $"statement is longer than {maxStatementChars:N0} characters (Ingestion:MaxStatementBytes); it never ends or is not an export statement");
        }
    }

    // The first character of '--' or '/*' was already appended; comments are not part of statements.
    private void DropCommentOpener()
    {
        _statement.Length--;
        if (_statement.Length == 0)
        {
            _startLine = 0;
        }
    }
}

/// <summary>Decodes each invalid UTF-8 sequence to U+FFFF and remembers that it did (see <see cref="SqlDumpReader.OpenText"/>).</summary>
internal sealed class InvalidBytesFallback : DecoderFallback
{
    public bool Seen { get; private set; }

    public override int MaxCharCount => 1;

    public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer(this);

    private sealed class Buffer(InvalidBytesFallback owner) : DecoderFallbackBuffer
    {
        private int _remaining;

        public override int Remaining => _remaining;

        public override bool Fallback(byte[] bytesUnknown, int index)
        {
            owner.Seen = true;
            _remaining = 1;
            return true;
        }

        public override char GetNextChar()
        {
            if (_remaining == 0)
            {
                return '\0';
            }

            _remaining--;
            return '\uFFFF';
        }

        public override bool MovePrevious()
        {
            if (_remaining == 1)
            {
                return false;
            }

            _remaining = 1;
            return true;
        }

        public override void Reset() => _remaining = 0;
    }
}
