using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;
using static VibeDashboard.Tests.Components.IncidentBoardFake;
using static VibeDashboard.Tests.Infrastructure.Snapshots;

namespace VibeDashboard.Tests.Components.Controls;

public sealed class RolloutMarkerTests
{
    // 60 one-minute points ending at At: the chart covers At − 59 min … At.
    private static readonly ApexChartConfig Chart = ChartConfigs.BurnRate(SloPoints(60, At));

    private static readonly RolloutDefinition Definition = new(
        "vibesdk 2026.12", "2026.12.1", TimeSpan.FromMinutes(1), AutoPromote: false,
        [new WaveDefinition(["internal"], TimeSpan.FromMinutes(30), 50), new WaveDefinition(["pro"], TimeSpan.FromHours(2), 200)],
        []);

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static RolloutLine Line(DateTimeOffset at, int wave, RolloutEventKind? kind, bool forced = false) =>
        new(at, wave, $"{kind}", kind, Automatic: false, forced, []);

    private static RolloutView Rollout(string id, params RolloutLine[] timeline) =>
        new(id, Definition, RolloutStatus.Draft(Definition) with { State = RolloutState.Running }, [], timeline, At.AddHours(-2), "olivia@example.com");

    [Fact]
    public void Each_transition_in_range_is_a_labelled_marker_and_checks_and_plain_lines_are_not()
    {
        var rollout = Rollout("ro-1",
            Line(At.AddHours(-2), 0, RolloutEventKind.Started), // before the chart
            Line(At.AddMinutes(-50), 0, RolloutEventKind.WavePromoted),
            Line(At.AddMinutes(-50), 1, null), // "wave 2 exposed": no event
            Line(At.AddMinutes(-30), 1, RolloutEventKind.GateFailed),
            Line(At.AddMinutes(-29), 1, RolloutEventKind.RolledBack),
            Line(At.AddMinutes(-20), 1, RolloutEventKind.Started), // a retry
            Line(At.AddMinutes(-15), 1, RolloutEventKind.Paused),
            Line(At.AddMinutes(-10), 1, RolloutEventKind.Resumed),
            Line(At.AddMinutes(-5), 1, RolloutEventKind.WavePromoted, forced: true));

        var markers = ChartConfigs.RolloutMarkers(Chart, [rollout]);

        Assert.Equal(
        [
            new ChartMarker(Ms(At.AddMinutes(-50)), "ro-1 wave 1 promoted", ChartTone.Ok),
            new ChartMarker(Ms(At.AddMinutes(-29)), "ro-1 wave 2 rolled back", ChartTone.Critical),
            new ChartMarker(Ms(At.AddMinutes(-20)), "ro-1 wave 2 retried", ChartTone.Info),
            new ChartMarker(Ms(At.AddMinutes(-15)), "ro-1 paused", ChartTone.Warning),
            new ChartMarker(Ms(At.AddMinutes(-10)), "ro-1 resumed", ChartTone.Info),
            new ChartMarker(Ms(At.AddMinutes(-5)), "ro-1 wave 2 force-promoted", ChartTone.Ok),
        ], markers);
    }

    [Fact]
    public void Transitions_of_one_rollout_at_one_instant_share_a_line_in_the_worst_tone_and_rollouts_are_ordered_by_time()
    {
        var first = Rollout("ro-1", Line(At.AddMinutes(-40), 0, RolloutEventKind.Started), Line(At.AddMinutes(-8), 0, RolloutEventKind.RolledBack), Line(At.AddMinutes(-8), 0, RolloutEventKind.Paused));
        var second = Rollout("ro-2", Line(At.AddMinutes(-45), 1, RolloutEventKind.WavePromoted), Line(At.AddMinutes(-45), 1, RolloutEventKind.Completed),
            Line(At.AddMinutes(-8), 0, RolloutEventKind.Aborted));

        var markers = ChartConfigs.RolloutMarkers(Chart, [first, second]);

        Assert.Equal(
        [
            new ChartMarker(Ms(At.AddMinutes(-45)), "ro-2 wave 2 promoted · completed", ChartTone.Ok),
            new ChartMarker(Ms(At.AddMinutes(-40)), "ro-1 started", ChartTone.Info),
            new ChartMarker(Ms(At.AddMinutes(-8)), "ro-1 wave 1 rolled back · paused", ChartTone.Critical),
            new ChartMarker(Ms(At.AddMinutes(-8)), "ro-2 aborted", ChartTone.Critical),
        ], markers);
    }

    [Fact]
    public void Bars_over_tiers_have_no_time_to_mark_and_nothing_in_range_leaves_the_chart_as_it_was()
    {
        var rollout = Rollout("ro-1", Line(At.AddMinutes(-10), 0, RolloutEventKind.Started));

        Assert.Empty(ChartConfigs.RolloutMarkers(new ApexChartConfig { Type = ChartType.Bar, Categories = ["pro"], Series = [new ChartSeries("x", [0], [1])] }, [rollout]));
        Assert.Same(Chart, ChartConfigs.WithEvents(Chart, [], [Rollout("ro-2", Line(At.AddHours(-3), 0, RolloutEventKind.Started))], At));
    }

    [Fact]
    public void Markers_sit_beside_the_incident_spans_and_the_config_on_screen_is_kept_when_neither_changes()
    {
        var incident = Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-40), IncidentStatus.Resolved, Severity.Sev1, resolvedAt: At.AddMinutes(-10));
        var rollout = Rollout("ro-1", Line(At.AddMinutes(-30), 0, RolloutEventKind.RolledBack));

        var shown = ChartConfigs.WithEvents(Chart, [incident], [rollout], At);

        Assert.Equal([new ChartSpan(Ms(At.AddMinutes(-40)), Ms(At.AddMinutes(-10)), "#7 provider_outage", ChartTone.Critical)], shown.Spans);
        Assert.Equal([new ChartMarker(Ms(At.AddMinutes(-30)), "ro-1 wave 1 rolled back", ChartTone.Critical)], shown.Markers);
        Assert.Same(shown, ChartConfigs.WithEvents(Chart, [incident], [rollout], At.AddMinutes(1), shown));
        // The same spans with a new marker is a new config; so is the marker gone.
        var promoted = rollout with { Timeline = [.. rollout.Timeline, Line(At.AddMinutes(-2), 0, RolloutEventKind.Resumed)] };
        Assert.Equal(2, ChartConfigs.WithEvents(Chart, [incident], [promoted], At, shown).Markers.Count);
        var without = ChartConfigs.WithEvents(Chart, [incident], [], At, shown);
        Assert.Empty(without.Markers);
        Assert.Equal(shown.Spans, without.Spans);
        // The incidents-only overload keeps the chart's own markers.
        Assert.Equal(shown.Markers, ChartConfigs.WithIncidents(shown, [], At).Markers);
    }

    [Fact]
    public void The_payload_carries_markers_as_x_label_and_tone()
    {
        var chart = ChartConfigs.WithEvents(Chart, [], [Rollout("ro-1", Line(At.AddMinutes(-30), 1, RolloutEventKind.WavePromoted))], At);

        var marker = Assert.Single(ApexChart.ToPayload(chart, dark: true).GetProperty("markers").EnumerateArray());
        Assert.Equal(Ms(At.AddMinutes(-30)), marker.GetProperty("x").GetInt64());
        Assert.Equal("ro-1 wave 2 promoted", marker.GetProperty("label").GetString());
        Assert.Equal("ok", marker.GetProperty("tone").GetString());
        Assert.False(ApexChart.ToPayload(Chart, dark: true).TryGetProperty("markers", out _));
    }
}
