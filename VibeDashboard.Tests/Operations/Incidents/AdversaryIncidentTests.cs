using System.Text.Json;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Tests.Operations.Incidents;

/// <summary>Issue 10 adversary findings (expected to fail until fixed).</summary>
public sealed class AdversaryIncidentTests : IAsyncLifetime
{
    private readonly IncidentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData("""{"class":"unclassified","title":"a\ud800b","severity":"SEV4"}""")]
    [InlineData("""{"class":"unclassified","title":"t","severity":"SEV4","message":"\udfff"}""")]
    public void A_lone_surrogate_escape_is_a_reason_not_an_exception(string json)
    {
        using var body = JsonDocument.Parse(json);
        var ok = IncidentRequests.TryDeclare(body.RootElement, out _, out var error);
        Assert.False(ok);
        Assert.NotNull(error);
    }

    [Fact]
    public async Task A_duplicate_of_an_incident_that_does_not_exist_is_refused()
    {
        var incident = await _h.DeclareAsync(Severity.Sev1);
        var result = await _h.SendAsync(new IncidentActionCommand(incident.Number, new IncidentAction.MarkDuplicate(99_999)) { ExpectedVersion = incident.Version });
        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
    }

    [Fact]
    public async Task Two_incidents_cannot_be_duplicates_of_each_other()
    {
        var a = await _h.DeclareAsync(Severity.Sev2, title: "a");
        var b = await _h.DeclareAsync(Severity.Sev2, title: "b");
        await _h.OkAsync(new IncidentActionCommand(a.Number, new IncidentAction.MarkDuplicate(b.Number)) { ExpectedVersion = a.Version });
        var cycle = await _h.SendAsync(new IncidentActionCommand(b.Number, new IncidentAction.MarkDuplicate(a.Number)) { ExpectedVersion = b.Version });
        Assert.Equal(CommandOutcome.Invalid, cycle.Outcome);
    }
}
