using VibeDashboard.Model;

namespace VibeDashboard.Tests.Model;

public sealed class WallRotationTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("30", 30)]
    [InlineData("10s", 10)]
    [InlineData("2m", 120)]
    [InlineData("2min", 120)]
    [InlineData("1h", 3600)]
    [InlineData("45S", 45)]
    public void Parses_the_interval_in_seconds_minutes_or_hours(string rotate, int seconds)
    {
        var rotation = WallRotation.Parse(rotate, "wall,incidents");

        Assert.Equal(TimeSpan.FromSeconds(seconds), rotation.Interval);
        Assert.True(rotation.Active);
        Assert.Empty(rotation.Notes);
    }

    [Theory]
    [InlineData("5s", "rotate=5s ignored: the minimum is 10 s")]
    [InlineData("0", "rotate=0 ignored: the minimum is 10 s")]
    [InlineData("fast", "rotate=\"fast\" ignored: give a duration such as 30s, 2m or 1h")]
    [InlineData("-30s", "rotate=\"-30s\" ignored: give a duration such as 30s, 2m or 1h")]
    [InlineData("30 s", "rotate=\"30 s\" ignored: give a duration such as 30s, 2m or 1h")]
    [InlineData("2d", "rotate=\"2d\" ignored: give a duration such as 30s, 2m or 1h")]
    [InlineData("25h", "rotate=25h ignored: the maximum is 24 h")]
    public void A_bad_interval_is_ignored_with_a_note_and_nothing_rotates(string rotate, string note)
    {
        var rotation = WallRotation.Parse(rotate, "wall,incidents");

        Assert.Null(rotation.Interval);
        Assert.False(rotation.Active);
        Assert.Equal([note], rotation.Notes);
    }

    [Fact]
    public void Pages_that_are_not_this_dashboards_are_ignored_with_a_note_and_the_rest_rotate()
    {
        var rotation = WallRotation.Parse("30s", "wall, slo/availability ,//evil.example,https://evil.example,../admin,incidents,,/");

        Assert.Equal(["/wall", "/slo/availability", "/incidents", "/"], rotation.Pages);
        Assert.True(rotation.Active);
        Assert.Equal(
        [
            "page \"//evil.example\" ignored: not a page of this dashboard",
            "page \"https://evil.example\" ignored: not a page of this dashboard",
            "page \"../admin\" ignored: not a page of this dashboard",
        ], rotation.Notes);
    }

    [Theory]
    [InlineData("30s", null, "rotate= needs pages=, e.g. pages=wall,incidents")]
    [InlineData(null, "wall,incidents", "pages= without rotate= does nothing: add rotate=30s to cycle them")]
    [InlineData("30s", "wall", "fewer than two valid pages: nothing to rotate")]
    public void Half_a_rotation_does_not_rotate_and_says_why(string? rotate, string? pages, string note)
    {
        var rotation = WallRotation.Parse(rotate, pages);

        Assert.False(rotation.Active);
        Assert.Equal([note], rotation.Notes);
    }

    [Fact]
    public void No_query_is_no_rotation_and_no_note()
    {
        Assert.Same(WallRotation.None, WallRotation.Parse(null, null));
    }

    [Theory]
    [InlineData("/wall", "/slo/availability")]
    [InlineData("/slo/availability", "/incidents")]
    [InlineData("/incidents", "/wall")]
    [InlineData("/INCIDENTS/", "/wall")]
    [InlineData("/rollouts", "/wall")]
    public void The_next_page_follows_the_list_and_wraps_and_a_page_off_the_list_starts_it(string current, string next)
    {
        Assert.Equal(next, WallRotation.Parse("30s", "wall,slo/availability,incidents").Next(current));
    }

    [Fact]
    public void The_next_address_keeps_the_query_so_the_next_page_rotates_on()
    {
        Assert.Equal("/incidents?rotate=30s&pages=wall,incidents", WallRotation.Url("/incidents", "?rotate=30s&pages=wall,incidents"));
    }

    [Fact]
    public void Only_the_first_twenty_pages_rotate()
    {
        var rotation = WallRotation.Parse("30s", string.Join(',', Enumerable.Range(0, 25).Select(i => $"p{i}")));

        Assert.Equal(WallRotation.MaxPages, rotation.Pages.Count);
        Assert.Equal(["only the first 20 pages rotate"], rotation.Notes);
    }
}
