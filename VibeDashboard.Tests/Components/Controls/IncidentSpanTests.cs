using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Operations.Incidents;
using static VibeDashboard.Tests.Components.IncidentBoardFake;
using static VibeDashboard.Tests.Infrastructure.Snapshots;

namespace VibeDashboard.Tests.Components.Controls;

public sealed class IncidentSpanTests
{
    // 60 one-minute points ending at At: the chart covers At − 59 min … At.
    private static readonly ApexChartConfig Chart = ChartConfigs.BurnRate(SloPoints(60, At));

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    [Fact]
    public void An_incident_in_range_becomes_a_labelled_span_from_start_to_resolution()
    {
        var incident = Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-40), IncidentStatus.Resolved, Severity.Sev1, resolvedAt: At.AddMinutes(-10));

        var chart = ChartConfigs.WithIncidents(Chart, [incident], At);

        var span = Assert.Single(chart.Spans);
        Assert.Equal(new ChartSpan(Ms(At.AddMinutes(-40)), Ms(At.AddMinutes(-10)), "#7 provider_outage", ChartTone.Critical), span);
    }

    [Fact]
    public void Spans_are_clipped_to_the_chart_and_an_open_one_runs_to_its_last_point()
    {
        var incidents = new[]
        {
            Incident(1, IncidentClass.SandboxInstability, At.AddHours(-3), IncidentStatus.Closed, Severity.Sev3, endedAt: At.AddMinutes(-50)),
            Incident(2, IncidentClass.MigrationRegression, At.AddMinutes(-5), IncidentStatus.Investigating, Severity.Sev4),
        };

        var spans = ChartConfigs.IncidentSpans(Chart, incidents, At.AddMinutes(3));

        Assert.Equal(
        [
            new ChartSpan(Ms(At.AddMinutes(-59)), Ms(At.AddMinutes(-50)), "#1 sandbox_instability", ChartTone.Warning),
            new ChartSpan(Ms(At.AddMinutes(-5)), Ms(At), "#2 migration_regression", ChartTone.Neutral),
        ], spans);
    }

    [Fact]
    public void Incidents_outside_the_range_declined_or_merged_are_not_drawn()
    {
        var incidents = new[]
        {
            Incident(1, IncidentClass.ProviderOutage, At.AddHours(-5), IncidentStatus.Closed, resolvedAt: At.AddHours(-4)),
            Incident(2, IncidentClass.ProviderOutage, At.AddMinutes(-20), IncidentStatus.Declined),
            Incident(3, IncidentClass.ProviderOutage, At.AddMinutes(-20), IncidentStatus.Duplicate),
        };

        Assert.Empty(ChartConfigs.IncidentSpans(Chart, incidents, At));
        Assert.Same(Chart, ChartConfigs.WithIncidents(Chart, incidents, At));
        // Bars over tiers have no time axis to shade.
        Assert.Empty(ChartConfigs.IncidentSpans(new ApexChartConfig { Type = ChartType.Bar, Categories = ["pro"], Series = [new ChartSeries("x", [0], [1])] },
            [Incident(4, IncidentClass.ProviderOutage, At.AddMinutes(-20))], At));
    }

    [Fact]
    public void The_config_on_screen_is_kept_when_its_spans_would_not_change()
    {
        var incident = Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-40));
        var shown = ChartConfigs.WithIncidents(Chart, [incident], At);

        Assert.Same(shown, ChartConfigs.WithIncidents(Chart, [incident], At.AddMinutes(1), shown));
        Assert.NotSame(shown, ChartConfigs.WithIncidents(Chart, [incident, Incident(8, IncidentClass.ProviderOutage, At.AddMinutes(-2))], At, shown));
        // New data is a new chart, spans or not.
        var fresh = ChartConfigs.BurnRate(SloPoints(60, At));
        Assert.NotSame(shown, ChartConfigs.WithIncidents(fresh, [incident], At, shown));
    }

    [Fact]
    public void The_payload_carries_spans_as_x_and_x2()
    {
        var chart = ChartConfigs.WithIncidents(Chart, [Incident(7, IncidentClass.ProviderOutage, At.AddMinutes(-40), resolvedAt: At.AddMinutes(-10))], At);

        var span = Assert.Single(ApexChart.ToPayload(chart, dark: true).GetProperty("spans").EnumerateArray());

        Assert.Equal(Ms(At.AddMinutes(-40)), span.GetProperty("x").GetInt64());
        Assert.Equal(Ms(At.AddMinutes(-10)), span.GetProperty("x2").GetInt64());
        Assert.Equal("#7 provider_outage", span.GetProperty("label").GetString());
        Assert.Equal("critical", span.GetProperty("tone").GetString());
        Assert.False(ApexChart.ToPayload(Chart, dark: true).TryGetProperty("spans", out _));
    }
}
