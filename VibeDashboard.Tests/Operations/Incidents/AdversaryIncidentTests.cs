using System.Text.Json;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Tests.Operations.Incidents;

/// <summary>What an adversarial tester of the board found, kept as tests: each is refused with a reason now.</summary>
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

    [Fact]
    public async Task A_postmortem_is_reviewed_before_it_is_published()
    {
        var incident = await _h.DeclareAsync(Severity.Sev2);

        var straight = await _h.SendAsync(new SavePostmortemCommand(incident.Number, "s", "i", "r", null, PostmortemStatus.Published) { ExpectedVersion = incident.Version });
        Assert.Equal(CommandOutcome.Invalid, straight.Outcome);
        Assert.Contains("in_review first", straight.Error);

        incident = await _h.OkAsync(new SavePostmortemCommand(incident.Number, "s", "i", "r", null, PostmortemStatus.InReview) { ExpectedVersion = incident.Version });
        await _h.OkAsync(new SavePostmortemCommand(incident.Number, "s", "i", "r", null, PostmortemStatus.Published) { ExpectedVersion = incident.Version });
        Assert.Equal(PostmortemStatus.Published, (await _h.DetailAsync(incident.Number)).Postmortem!.Status);
    }

    [Fact]
    public async Task A_title_with_an_escape_sequence_is_refused()
    {
        var result = await _h.SendAsync(new DeclareIncidentCommand(IncidentClass.Unclassified, "pay\u001b[31mments", Severity.Sev4));

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.Equal("title: control characters are not allowed", result.Error);
    }
}
