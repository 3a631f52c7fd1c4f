using System.Globalization;

namespace VibeDashboard.Model;

/// <summary>How old the newest data is, worded for people ("42 s", "3 min", "2 h 5 min", "4 d").</summary>
public static class Freshness
{
    public static string FormatAge(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds < 60 ? $"{(int)age.TotalSeconds} s"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} min"
            : age.TotalHours < 24 ? (age.Minutes == 0 ? $"{(int)age.TotalHours} h" : $"{(int)age.TotalHours} h {age.Minutes} min")
            : $"{(int)age.TotalDays} d";
    }

    public static string FormatAge(DateTimeOffset? newest, DateTimeOffset now) =>
        newest is null ? "no data" : FormatAge(now - newest.Value);

    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
