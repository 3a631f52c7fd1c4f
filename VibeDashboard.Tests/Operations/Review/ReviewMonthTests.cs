using System.Text.Json;
using VibeDashboard.Operations.Review;

namespace VibeDashboard.Tests.Operations.Review;

public sealed class ReviewMonthTests
{
    [Theory]
    [InlineData("2026-11", 2026, 11)]
    [InlineData("2026-01", 2026, 1)]
    [InlineData("2000-12", 2000, 12)]
    public void Parses_yyyy_MM(string text, int year, int month)
    {
        var parsed = ReviewMonth.Parse(text);
        Assert.Equal((year, month), (parsed.Year, parsed.Month));
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData("2026-13", "the month must be 01–12")]
    [InlineData("2026-00", "the month must be 01–12")]
    [InlineData("2026-1", "expected yyyy-MM")]
    [InlineData("26-11", "expected yyyy-MM")]
    [InlineData(" 2026-11", "expected yyyy-MM")]
    [InlineData("2026-11-01", "expected yyyy-MM")]
    [InlineData("2026/11", "expected yyyy-MM")]
    [InlineData("２０２６-11", "expected yyyy-MM")]
    [InlineData("+026-11", "expected yyyy-MM")]
    [InlineData("", "expected yyyy-MM")]
    [InlineData("1999-12", "the year must be 2000–2199")]
    public void Refuses_anything_else_naming_the_value(string text, string why)
    {
        Assert.False(ReviewMonth.TryParse(text, out _, out var error));
        Assert.Contains($"'{text}'", error);
        Assert.Contains(why, error);
        Assert.Equal(error, Assert.Throws<FormatException>(() => ReviewMonth.Parse(text)).Message);
    }

    [Fact]
    public void A_value_quoted_in_an_error_is_printable_and_short()
    {
        Assert.False(ReviewMonth.TryParse("2026\n11" + new string('x', 100), out _, out var error));
        Assert.DoesNotContain("\n", error);
        Assert.Contains("…", error);
        Assert.False(ReviewMonth.TryParse(null, out _, out error));
        Assert.Contains("''", error);
    }

    [Fact]
    public void Edges_are_utc_and_half_open()
    {
        var october = new ReviewMonth(2026, 10);
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), october.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), october.End);
        Assert.True(october.Contains(new DateTimeOffset(2026, 10, 31, 23, 59, 59, 999, TimeSpan.Zero)));
        Assert.False(october.Contains(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)));
        // An instant given with an offset is placed by its UTC time: 1 November 00:30 at +01:00 is October in UTC.
        Assert.Equal(october, ReviewMonth.Of(new DateTimeOffset(2026, 11, 1, 0, 30, 0, TimeSpan.FromHours(1))));
        Assert.Equal(31, october.Days);
        Assert.Equal(new ReviewMonth(2025, 12), new ReviewMonth(2026, 1).Previous);
        Assert.Equal(new ReviewMonth(2027, 1), new ReviewMonth(2026, 12).Next);
        Assert.Equal(29, new ReviewMonth(2028, 2).Days);
    }

    [Fact]
    public void The_default_is_the_last_complete_month()
    {
        Assert.Equal(new ReviewMonth(2026, 11), ReviewMonth.LastComplete(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new ReviewMonth(2026, 10), ReviewMonth.LastComplete(new DateTimeOffset(2026, 11, 30, 23, 59, 59, 999, TimeSpan.Zero)));
        Assert.Equal(new ReviewMonth(2025, 12), ReviewMonth.LastComplete(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new ReviewMonth(2026, 11), ReviewMonth.Current(new DateTimeOffset(2026, 11, 30, 23, 59, 59, 999, TimeSpan.Zero)));
    }

    [Fact]
    public void Is_its_text_on_the_wire()
    {
        Assert.Equal("\"2026-10\"", JsonSerializer.Serialize(new ReviewMonth(2026, 10)));
        Assert.Equal(new ReviewMonth(2026, 10), JsonSerializer.Deserialize<ReviewMonth>("\"2026-10\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ReviewMonth>("\"2026-1\""));
    }
}
