using MudBlazor;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Model;

namespace VibeDashboard.Components.Controls;

/// <summary>Maps the model's tones to the theme (MudBlazor colours, CSS classes, chart tones) in one place.</summary>
public static class ToneStyles
{
    public static Color Color(StateTone tone) => tone switch
    {
        StateTone.Critical => MudBlazor.Color.Error,
        StateTone.Warning => MudBlazor.Color.Warning,
        StateTone.Ok => MudBlazor.Color.Success,
        _ => MudBlazor.Color.Default,
    };

    public static Severity Severity(StateTone tone) => tone switch
    {
        StateTone.Critical => MudBlazor.Severity.Error,
        StateTone.Warning => MudBlazor.Severity.Warning,
        StateTone.Ok => MudBlazor.Severity.Success,
        _ => MudBlazor.Severity.Normal,
    };

    /// <summary>A CSS class (defined in app.css) giving a card its state-coloured edge in both themes.</summary>
    public static string EdgeClass(StateTone tone) => tone switch
    {
        StateTone.Critical => "vd-tone-critical",
        StateTone.Warning => "vd-tone-warning",
        StateTone.Ok => "vd-tone-ok",
        _ => "vd-tone-unknown",
    };

    /// <summary>A small state-coloured label (app.css), e.g. an SLO's OK / TICKET / PAGE.</summary>
    public static string ChipClass(StateTone tone) => "vd-chip vd-chip-" + Name(tone);

    /// <summary>A full-width state-coloured notice (app.css): alert strip entries, the stale-data banner.</summary>
    public static string AlertClass(StateTone tone) => "vd-alert vd-alert-" + Name(tone);

    private static string Name(StateTone tone) => tone switch
    {
        StateTone.Critical => "critical",
        StateTone.Warning => "warning",
        StateTone.Ok => "ok",
        _ => "unknown",
    };

    public static ChartTone Chart(StateTone tone) => tone switch
    {
        StateTone.Critical => ChartTone.Critical,
        StateTone.Warning => ChartTone.Warning,
        StateTone.Ok => ChartTone.Ok,
        _ => ChartTone.Neutral,
    };

    public static string AreaIcon(string areaKey) => areaKey switch
    {
        "generation" => Icons.Material.Filled.AutoAwesome,
        "runtime" => Icons.Material.Filled.Memory,
        "data" => Icons.Material.Filled.Storage,
        "spend" => Icons.Material.Filled.Payments,
        "security" => Icons.Material.Filled.Shield,
        _ => Icons.Material.Filled.Insights,
    };
}
