using System.Text.Json;
using VibeDashboard.Aggregation;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Aggregation;

public sealed class AlertStateTests
{
    [Theory]
    [InlineData(AlertState.Ok, "ok")]
    [InlineData(AlertState.Ticket, "ticket")]
    [InlineData(AlertState.Page, "page")]
    public void The_snapshot_sends_the_lower_case_name_with_the_web_and_the_default_options(AlertState state, string wire)
    {
        // Web options are what /api/snapshot and SignalR use; the default ones are what any other caller gets.
        foreach (var options in new[] { JsonSerializerOptions.Web, JsonSerializerOptions.Default })
        {
            var json = JsonSerializer.Serialize(Snapshots.Slo("availability", alert: state), options);
            using var document = JsonDocument.Parse(json);
            var alert = document.RootElement.EnumerateObject().Single(p => p.NameEquals("alert") || p.NameEquals("Alert")).Value;
            Assert.Equal(wire, alert.GetString());
            Assert.Equal(state, JsonSerializer.Deserialize<SloStatus>(json, options)!.Alert);
        }
    }

    [Fact]
    public void A_number_or_an_unknown_name_on_the_wire_is_refused()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AlertState>("2"));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AlertState>("\"critical\""));
    }

    [Fact]
    public void Every_state_round_trips_through_its_stored_name()
    {
        Assert.All(Enum.GetValues<AlertState>(), state =>
        {
            Assert.True(AlertStates.TryParse(state.Name(), out var parsed));
            Assert.Equal(state, parsed);
        });
        Assert.False(AlertStates.TryParse("PAGE", out _));
    }
}
