using VibeDashboard.Aggregation;
using VibeDashboard.Model;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Tests.Model;

public sealed class IncidentFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static IncidentSummary Incident(IncidentStatus status = IncidentStatus.Investigating, DateTimeOffset? next = null, DateTimeOffset? eta = null, DateTimeOffset? ended = null) =>
        new("inc-4", 4, IncidentClass.ProviderOutage, "anthropic", "t", Severity.Sev2, status, IncidentSource.Detected, Now.AddMinutes(-90), Now.AddMinutes(-88),
            null, null, null, ended, null, eta, next, null, null, 1);

    [Fact]
    public void The_next_update_is_due_in_then_overdue_and_nothing_once_resolved()
    {
        Assert.Equal("due in 5 min", IncidentFormat.NextUpdate(Incident(next: Now.AddMinutes(5)), Now));
        Assert.Equal("overdue 3 min", IncidentFormat.NextUpdate(Incident(next: Now.AddMinutes(-3)), Now));
        Assert.Equal("overdue 10 s", IncidentFormat.NextUpdate(Incident(next: Now.AddSeconds(-10)), Now));
        Assert.Null(IncidentFormat.NextUpdate(Incident(IncidentStatus.Resolved, next: Now.AddMinutes(-3)), Now));
        Assert.Null(IncidentFormat.NextUpdate(Incident(), Now));
    }

    [Fact]
    public void Age_eta_and_signal_are_worded_for_people()
    {
        Assert.Equal("1 h 30 min", IncidentFormat.Age(Incident(), Now));
        Assert.Equal("lasted 1 h 20 min", IncidentFormat.Age(Incident(IncidentStatus.Closed, ended: Now.AddMinutes(-10)), Now));
        Assert.Equal("in 40 min (12:40 UTC)", IncidentFormat.Eta(Incident(eta: Now.AddMinutes(40)), Now));
        Assert.Equal("passed 5 min ago (11:55 UTC)", IncidentFormat.Eta(Incident(eta: Now.AddMinutes(-5)), Now));
        Assert.Equal("2026-03-01 23:00 UTC", IncidentFormat.Clock(Now.AddHours(-13), Now));
        Assert.Equal("no signal (declared by hand)", IncidentFormat.Signal(null, Now));
        var evidence = new SignalEvidence("", [], [], [], 0);
        Assert.Equal("signal cleared at 11:40 UTC", IncidentFormat.Signal(new IncidentSignalView("r", false, Now.AddHours(-1), Now.AddMinutes(-20), evidence), Now));
        Assert.Equal("error_ratio 0.833 ≥ 0.25", IncidentFormat.Evidence(new EvidenceValue("error_ratio", 0.83333, "≥", 0.25)));
    }

    [Fact]
    public void The_board_filter_round_trips_through_its_url_and_leaves_defaults_out()
    {
        var filter = new IncidentBoardFilter(IncidentListStatus.All, Severity.Sev1, IncidentClass.MigrationRegression, DashboardRange.Week);

        Assert.Equal("/incidents?status=all&severity=SEV1&class=migration_regression&range=7d", filter.ToUrl());
        Assert.Equal(filter, IncidentBoardFilter.Parse("all", "sev1", "migration_regression", "7d"));
        Assert.Equal("/incidents", new IncidentBoardFilter().ToUrl());
        Assert.Equal(new IncidentBoardFilter(), IncidentBoardFilter.Parse(null, null, null, null));
        Assert.Equal(new IncidentQuery(IncidentListStatus.All, IncidentClass.MigrationRegression, Severity.Sev1, Now.AddDays(-7)), filter.ToQuery(Now));
    }
}
