using VibeDashboard.Ingestion;

namespace VibeDashboard.Tests.Ingestion;

public sealed class TimestampNormalizerTests
{
    private const long Expected = 1795723200000; // 2026-11-26 20:00:00 UTC

    [Theory]
    [InlineData(1795723200L)]
    [InlineData(1795723200000L)]
    [InlineData(1795723200.0)]
    [InlineData("1795723200")]
    [InlineData("1795723200000")]
    [InlineData("2026-11-26 20:00:00")]
    [InlineData("2026-11-26T20:00:00Z")]
    [InlineData("2026-11-26T21:00:00+01:00")]
    [InlineData("2026-11-26 20:00:00.000")]
    public void Seconds_milliseconds_and_text_all_become_utc_milliseconds(object value)
    {
        Assert.Equal(Expected, TimestampNormalizer.ToUnixMs(value));
    }

    [Fact]
    public void Empty_and_null_are_null()
    {
        Assert.Null(TimestampNormalizer.ToUnixMs(null));
        Assert.Null(TimestampNormalizer.ToUnixMs(""));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-45 99:00:00")]
    public void Text_that_is_no_instant_is_an_error(string value)
    {
        Assert.Throws<FormatException>(() => TimestampNormalizer.ToUnixMs(value));
    }

    [Theory]
    [InlineData("created_at", true)]
    [InlineData("attempted_at", true)]
    [InlineData("last_activity", true)]
    [InlineData("expires", true)]
    [InlineData("success", false)]
    [InlineData("last_used", false)]
    public void Timestamp_columns_are_recognised_by_name(string column, bool expected)
    {
        Assert.Equal(expected, TimestampNormalizer.IsTimestampColumn(column));
    }

    public static TheoryData<object> OutOfRange() => new()
    {
        long.MinValue,
        long.MaxValue,
        -9_000_000_000_000_000L,
        253402300800000L, // 10000-01-01T00:00:00Z in milliseconds
        -99_999_999_999L, // seconds before the year 1
        99999999999999999999d, // what a too-long integer literal becomes: a REAL of 2^63 and more
        -1e300,
        double.PositiveInfinity,
        double.NegativeInfinity,
        double.NaN,
        "-9223372036854775808",
        "99999999999999999999",
        "1e999",
        "253402300800000",
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Numbers_outside_the_representable_instants_are_a_format_error_never_saturated(object value)
    {
        var error = Assert.Throws<FormatException>(() => TimestampNormalizer.ToUnixMs(value));

        Assert.Contains("outside the range of timestamps", error.Message);
    }

    [Fact]
    public void The_last_representable_millisecond_is_exact()
    {
        Assert.Equal(253402300799999L, TimestampNormalizer.ToUnixMs(253402300799999L));
        Assert.Equal(253402300799999L, TimestampNormalizer.ToUnixMs("253402300799999"));
        Assert.Equal(-62135596800000L, TimestampNormalizer.ToUnixMs(-62135596800000L));
    }

    [Theory]
    [InlineData("10:00")]
    [InlineData("1/2/3")]
    [InlineData("Nov 26 2026")]
    [InlineData("26.11.2026")]
    [InlineData("2026-11-26 8pm")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    [InlineData("1,795,723,200")]
    public void Ambiguous_text_is_not_guessed(string value)
    {
        var error = Assert.Throws<FormatException>(() => TimestampNormalizer.ToUnixMs(value));

        Assert.Contains("ambiguous or not a timestamp", error.Message);
    }

    [Theory]
    [InlineData("2026-11-26 20:00")]
    [InlineData("2026-11-26T20:00:00.000Z")]
    [InlineData("2026-11-26 20:00:00Z")]
    [InlineData("2026-11-26T15:00:00-05:00")]
    [InlineData("2026-11-26T20:00")]
    public void Sqlite_datetimes_and_iso_with_a_zone_are_exact(string value)
    {
        Assert.Equal(Expected, TimestampNormalizer.ToUnixMs(value));
    }

    [Fact]
    public void Values_of_other_types_are_a_format_error()
    {
        Assert.Throws<FormatException>(() => TimestampNormalizer.ToUnixMs(new byte[] { 1, 2 }));
    }

    [Theory]
    [InlineData("2026-11-30T00:00:00.123456789Z", 1_795_996_800_123L)]
    [InlineData("2026-11-30T00:00:00.12345678Z", 1_795_996_800_123L)]
    [InlineData("2026-11-30T01:00:00.5+0100", 1_795_996_800_500L)]
    [InlineData("2026-11-30T00:00:00+0000", 1_795_996_800_000L)]
    public void Rfc3339_nanoseconds_and_basic_offsets_are_exact(string text, long expected) =>
        Assert.Equal(expected, TimestampNormalizer.ToUnixMs(text));
}
