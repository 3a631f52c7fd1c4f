using VibeDashboard.Aggregation;

namespace VibeDashboard.Model;

/// <summary>Which snapshot window stands for a page's range in headline values (the snapshot has no 7-day window).</summary>
public static class WindowChoice
{
    /// <summary>The longest snapshot window not longer than the range: 1h, 6h, 1d, 3d (for 7d), 30d.</summary>
    public static string ForRange(DashboardRange range)
    {
        var length = range.Length();
        return VibeDashboard.Aggregation.Windows.All.Where(w => w.Length <= length).MaxBy(w => w.Length).Name;
    }

    public static string Label(string window) => window switch
    {
        "5m" => "last 5 min",
        "30m" => "last 30 min",
        "1h" => "last hour",
        "2h" => "last 2 h",
        "6h" => "last 6 h",
        "1d" => "last 24 h",
        "3d" => "last 3 days",
        "30d" => "last 30 days",
        _ => window,
    };

    public static string RangeLabel(DashboardRange range) => range switch
    {
        DashboardRange.OneHour => "1 hour",
        DashboardRange.SixHours => "6 hours",
        DashboardRange.Day => "24 hours",
        DashboardRange.Week => "7 days",
        _ => "30 days",
    };
}
