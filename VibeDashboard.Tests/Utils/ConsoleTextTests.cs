using VibeDashboard.Utils;

namespace VibeDashboard.Tests.Utils;

public sealed class ConsoleTextTests
{
    [Theory]
    [InlineData("\u001b[31mred\u001b[0m", "\\u001b[31mred\\u001b[0m")]
    [InlineData("ok\rFAKE", "ok\\u000dFAKE")]
    [InlineData("a\0b\nc\td", "a\\u0000b\\u000ac\\u0009d")]
    [InlineData("\u009b2J", "\\u009b2J")] // C1 CSI
    [InlineData("abc\u202Efdp.exe", "abc\\u202efdp.exe")] // right-to-left override
    [InlineData("\u2066x\u2069", "\\u2066x\\u2069")]
    public void Control_and_bidi_characters_are_shown_as_escapes(string text, string shown)
    {
        Assert.Equal(shown, ConsoleText.Escape(text));
    }

    [Fact]
    public void A_lone_surrogate_is_shown_as_an_escape()
    {
        Assert.Equal("x\\ud800y", ConsoleText.Escape("x" + (char)0xD800 + "y"));
        Assert.Equal("\\udc00", ConsoleText.Escape(((char)0xDC00).ToString()));
    }

    [Theory]
    [InlineData("ops_events: 60 rows")]
    [InlineData("tâble 表 😀 — ok")]
    [InlineData("")]
    public void Ordinary_text_is_printed_as_it_is(string text)
    {
        Assert.Same(text, ConsoleText.Escape(text));
    }
}
