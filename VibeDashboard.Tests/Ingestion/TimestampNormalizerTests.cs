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
}
