using System.Globalization;
using System.Text.RegularExpressions;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion;

/// <summary>
/// The ops_events contract (README) checked row by row. A row that breaks it is quarantined, never imported
/// or guessed: every value the aggregator folds is then an instant in range, a finite non-negative number or
/// valid text of bounded size, so no row can make a tick, the snapshot's JSON or a page fail.
/// </summary>
/// <remarks>
/// Per column: <c>id</c> non-empty text or an integer (stored as its text); <c>occurred_at</c> unix seconds, unix
/// ms or a datetime with a date, inside [MinOccurredAt, now + MaxFutureSkew]; <c>event_type</c> non-empty text;
/// <c>status</c> exactly <c>ok</c>, <c>error</c> or NULL (the metrics only know these two, a third value would
/// count as neither); <c>duration_ms</c>/<c>cost_usd</c> numbers (or numeric text), finite, 0..max;
/// <c>tokens_in</c>/<c>tokens_out</c> integers 0..MaxTokens; every other column text (an integer is kept as its
/// text), valid UTF-16 (no lone surrogate), at most MaxEventTextBytes in UTF-8. A real or a blob in a text column
/// is quarantined.
/// </remarks>
internal sealed partial class OpsEventContract
{
    private const int Id = 0, OccurredAt = 1, EventType = 3, Status = 8, DurationMs = 9, CostUsd = 10, TokensIn = 11, TokensOut = 12;

    private readonly long _minMs;
    private readonly long _maxMs;
    private readonly DateTimeOffset _min;
    private readonly DateTimeOffset _max;
    private readonly double _maxDurationMs;
    private readonly double _maxCostUsd;
    private readonly long _maxTokens;
    private readonly int _maxTextBytes;
    private readonly int _maxLabelBytes;

    public OpsEventContract(IngestionOptions options, DateTimeOffset now)
    {
        _min = options.MinOccurredAt;
        _max = now + options.MaxFutureSkew;
        _minMs = _min.ToUnixTimeMilliseconds();
        _maxMs = _max.ToUnixTimeMilliseconds();
        _maxDurationMs = options.MaxDurationMs;
        _maxCostUsd = options.MaxCostUsd;
        _maxTokens = options.MaxTokens;
        _maxTextBytes = options.MaxEventTextBytes;
        _maxLabelBytes = Math.Min(options.MaxLabelBytes, options.MaxEventTextBytes);
    }

    /// <summary>
    /// Checks one row in contract order (<see cref="StoreSchema.OpsEventColumns"/>) and normalises it in place
    /// (occurred_at to unix ms, numbers to REAL/INTEGER, integer text columns to text). Null when the row is good,
    /// else the reason it is quarantined.
    /// </summary>
    public string? Check(object?[] values)
    {
        switch (values[Id])
        {
            case string s:
                if (s.Length == 0)
                {
                    return "id is empty";
                }

                if (TextReason(StoreSchema.OpsEventColumns[Id], s, _maxLabelBytes) is { } idReason)
                {
                    return idReason;
                }

                break;
            case long l:
                values[Id] = l.ToString(CultureInfo.InvariantCulture);
                break;
            case null:
                return "id is missing";
            default:
                return $"id is {Kind(values[Id])}, not text or an integer";
        }

        if (OccurredAtReason(values) is { } timeReason)
        {
            return timeReason;
        }

        if (values[EventType] is not string { Length: > 0 } eventType)
        {
            return values[EventType] is null or "" ? "event_type is missing" : $"event_type is {Kind(values[EventType])}, not text";
        }

        if (TextReason("event_type", eventType, _maxLabelBytes) is { } eventReason)
        {
            return eventReason;
        }

        if (values[Status] is not (null or "ok" or "error"))
        {
            return values[Status] is string status && TextReason("status", status) is null
                ? $"status '{Short(status)}' is not ok, error or NULL"
                : $"status is {Kind(values[Status])}, not ok, error or NULL";
        }

        if ((NumberReason(values, DurationMs, _maxDurationMs) ?? NumberReason(values, CostUsd, _maxCostUsd)) is { } numberReason)
        {
            return numberReason;
        }

        if ((TokensReason(values, TokensIn) ?? TokensReason(values, TokensOut)) is { } tokensReason)
        {
            return tokensReason;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (i is Id or OccurredAt or EventType or Status or DurationMs or CostUsd or TokensIn or TokensOut)
            {
                continue;
            }

            var column = StoreSchema.OpsEventColumns[i];
            switch (values[i])
            {
                case null:
                    break;
                case string s when TextReason(column, s, IsLabel(i) ? _maxLabelBytes : _maxTextBytes) is { } reason:
                    return reason;
                case string:
                    break;
                case long l:
                    values[i] = l.ToString(CultureInfo.InvariantCulture);
                    break;
                default:
                    return $"{column} is {Kind(values[i])}, not text";
            }
        }

        return null;
    }

    private string? OccurredAtReason(object?[] values)
    {
        var raw = values[OccurredAt];
        switch (raw)
        {
            case null or "":
                return "occurred_at is missing";
            case byte[]:
                return "occurred_at is a blob, not a timestamp";
            case string text when TextReason("occurred_at", text) is { } reason:
                return reason;
            case string text when !IsNumericText(text) && !DatedText().IsMatch(text):
                // '10:00' or '1/2/3' would be read as some date; a timestamp must say which one.
                return $"occurred_at '{Short(text)}' is ambiguous: not unix seconds, unix milliseconds or a datetime starting with yyyy-MM-dd";
        }

        long? ms;
        try
        {
            ms = TimestampNormalizer.ToUnixMs(raw);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return $"occurred_at {Show(raw)} is not a timestamp";
        }

        if (ms is not { } at)
        {
            return "occurred_at is missing";
        }

        if (at < _minMs || at > _maxMs)
        {
            var shown = at >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && at <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
                ? DateTimeOffset.FromUnixTimeMilliseconds(at).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                : $"{at} ms";
            return $"occurred_at {Show(raw)} ({shown}) is outside {_min:yyyy-MM-dd} .. {_max:yyyy-MM-dd HH:mm}Z (Ingestion:MinOccurredAt, Ingestion:MaxFutureSkew)";
        }

        values[OccurredAt] = at;
        return null;
    }

    private static bool IsNumericText(string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    [GeneratedRegex(@"^\s*\d{4}-\d{2}-\d{2}", RegexOptions.CultureInvariant)]
    private static partial Regex DatedText();

    private static string? NumberReason(object?[] values, int index, double max)
    {
        var column = StoreSchema.OpsEventColumns[index];
        double number;
        switch (values[index])
        {
            case null:
                return null;
            case long l:
                number = l;
                break;
            case double d:
                number = d;
                break;
            case string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                number = parsed;
                break;
            case string s:
                return $"{column} '{Short(s)}' is not a number";
            default:
                return $"{column} is {Kind(values[index])}, not a number";
        }

        if (!double.IsFinite(number))
        {
            return $"{column} {Show(values[index])} is not a finite number";
        }

        if (number < 0 || number > max)
        {
            return $"{column} {Show(values[index])} is outside 0 .. {max.ToString(CultureInfo.InvariantCulture)} (Ingestion:Max{(index == DurationMs ? "DurationMs" : "CostUsd")})";
        }

        values[index] = number;
        return null;
    }

    private string? TokensReason(object?[] values, int index)
    {
        var column = StoreSchema.OpsEventColumns[index];
        long tokens;
        switch (values[index])
        {
            case null:
                return null;
            case long l:
                tokens = l;
                break;
            case double d when double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9e15:
                tokens = (long)d;
                break;
            case string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                tokens = parsed;
                break;
            default:
                return $"{column} {Show(values[index])} is not an integer";
        }

        if (tokens < 0 || tokens > _maxTokens)
        {
            return $"{column} {tokens.ToString(CultureInfo.InvariantCulture)} is outside 0 .. {_maxTokens.ToString(CultureInfo.InvariantCulture)} (Ingestion:MaxTokens)";
        }

        values[index] = tokens;
        return null;
    }

    // Every column but message and attrs_json is an id or a label the metrics group by (a policy_tier is a name in
    // the snapshot): a 64 KB tier would make a megabyte of snapshot on its own.
    private static bool IsLabel(int column) => StoreSchema.OpsEventColumns[column] is not ("message" or "attrs_json");

    private string? TextReason(string column, string text) => TextReason(column, text, _maxTextBytes);

    private static string? TextReason(string column, string text, int maxBytes)
    {
        var bytes = Utf8Length(text);
        if (bytes < 0)
        {
            return $"{column} is not valid text (a lone UTF-16 surrogate)";
        }

        return bytes > maxBytes
            ? $"{column} is {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes, more than {maxBytes.ToString("N0", CultureInfo.InvariantCulture)} ({(column is "message" or "attrs_json" ? "Ingestion:MaxEventTextBytes" : "Ingestion:MaxLabelBytes")})"
            : null;
    }

    /// <summary>UTF-8 length of a string, or -1 when it holds an unpaired surrogate (which has no UTF-8 form).</summary>
    public static long Utf8Length(string text)
    {
        long bytes = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                bytes += 1;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                bytes += 4;
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return -1;
            }
            else
            {
                bytes += 3;
            }
        }

        return bytes;
    }

    private static string Kind(object? value) => value switch
    {
        null => "NULL",
        byte[] => "a blob",
        double => "a real",
        long => "an integer",
        string => "text",
        _ => value.GetType().Name,
    };

    private static string Show(object? value) => value switch
    {
        string s => $"'{Short(s)}'",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => Kind(value),
    };

    /// <summary>At most 40 characters, lone surrogates and control characters made visible (a reason is printed and shown).</summary>
    private static string Short(string s)
    {
        var cut = s.Length <= 40 ? s : s[..40] + "…";
        return Utils.ConsoleText.Escape(cut);
    }
}
