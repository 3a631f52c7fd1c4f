using VibeDashboard.Aggregation;

namespace VibeDashboard.Model;

/// <summary>How alarming something is; components map it to the theme's colours (Model holds no UI types).</summary>
public enum StateTone
{
    Unknown,
    Ok,
    Warning,
    Critical,
}

public static class StateTones
{
    /// <summary>The aggregator's alert states; null (no state yet) is unknown.</summary>
    public static StateTone FromAlert(AlertState? alert) => alert switch
    {
        AlertState.Page => StateTone.Critical,
        AlertState.Ticket => StateTone.Warning,
        AlertState.Ok => StateTone.Ok,
        _ => StateTone.Unknown,
    };

    /// <summary>Budget left: spent → critical, under a quarter → warning.</summary>
    public static StateTone FromBudget(double? remaining) => remaining switch
    {
        null => StateTone.Unknown,
        <= 0 => StateTone.Critical,
        < 0.25 => StateTone.Warning,
        _ => StateTone.Ok,
    };

    /// <summary>Burn rate against the multiwindow thresholds: ≥ 6 pages (6 h window), ≥ 1 eats the budget early.</summary>
    public static StateTone FromBurn(double? rate) => rate switch
    {
        null => StateTone.Unknown,
        >= 6 => StateTone.Critical,
        >= 1 => StateTone.Warning,
        _ => StateTone.Ok,
    };

    /// <summary>The worse of two tones (unknown never hides a known state).</summary>
    public static StateTone Worst(StateTone a, StateTone b) => (StateTone)Math.Max((int)a, (int)b);

    public static string Label(StateTone tone) => tone switch
    {
        StateTone.Critical => "critical",
        StateTone.Warning => "warning",
        StateTone.Ok => "ok",
        _ => "no data",
    };

    /// <summary>Alert wording of the playbook.</summary>
    public static string AlertLabel(AlertState? alert) => alert switch
    {
        AlertState.Page => "PAGE",
        AlertState.Ticket => "TICKET",
        AlertState.Ok => "OK",
        _ => "NO DATA",
    };
}
