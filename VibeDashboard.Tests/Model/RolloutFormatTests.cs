using VibeDashboard.Model;

namespace VibeDashboard.Tests.Model;

public sealed class RolloutFormatTests
{
    [Theory]
    [InlineData(10000, "10000")]
    [InlineData(12345.6, "12346")]
    [InlineData(0.95, "0.95")]
    [InlineData(0.95123, "0.9512")]
    [InlineData(0.00012346, "0.0001235")]
    [InlineData(2.5, "2.5")]
    [InlineData(0, "0")]
    [InlineData(-0.5, "-0.5")]
    public void A_gate_value_is_written_without_exponents(double value, string text) =>
        Assert.Equal(text, RolloutFormat.Number(value));
}
