using System.Globalization;

namespace VibeDashboard.Model;

/// <summary>Formats values per unit, always in the invariant culture (a wall screen reads the same everywhere).</summary>
public static class ValueFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public const string None = "—";

    public static string Format(double? value, MetricUnit unit)
    {
        if (value is not { } v || double.IsNaN(v) || double.IsInfinity(v))
        {
            return None;
        }

        return unit switch
        {
            MetricUnit.Ratio => Percent(v),
            MetricUnit.Milliseconds => Duration(v),
            MetricUnit.Usd => Usd(v),
            MetricUnit.PerHour => $"{Number(v)} /h",
            MetricUnit.Bytes => Bytes(v),
            _ => Number(v),
        };
    }

    /// <summary>0.9991 → "99.91 %": two decimals near the top, where SLOs live; one elsewhere.</summary>
    public static string Percent(double fraction)
    {
        var percent = fraction * 100;
        var format = Math.Abs(percent) >= 99 && Math.Abs(percent) < 100 ? "0.00" : "0.0";
        return $"{percent.ToString(format, Invariant)} %";
    }

    /// <summary>Below a second in ms, then seconds, then minutes.</summary>
    public static string Duration(double ms)
    {
        var abs = Math.Abs(ms);
        return abs < 10 ? $"{ms.ToString("0.##", Invariant)} ms"
            : abs < 1000 ? $"{ms.ToString("0", Invariant)} ms"
            : abs < 60_000 ? $"{(ms / 1000).ToString("0.0#", Invariant)} s"
            : abs < 3_600_000 ? $"{(ms / 60_000).ToString("0.0", Invariant)} min"
            : $"{(ms / 3_600_000).ToString("0.0", Invariant)} h";
    }

    /// <summary>Cents matter below a dollar; four places below a cent (per-call LLM spend).</summary>
    public static string Usd(double usd)
    {
        var abs = Math.Abs(usd);
        var format = abs < 0.01 && abs > 0 ? "0.0000" : abs < 100 ? "0.00" : "#,0";
        return $"${usd.ToString(format, Invariant)}";
    }

    public static string Number(double value) =>
        Math.Abs(value) >= 1000 ? value.ToString("#,0", Invariant)
        : value == Math.Floor(value) ? value.ToString("0", Invariant)
        : value.ToString("0.0#", Invariant);

    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        var i = 0;
        var v = bytes;
        while (Math.Abs(v) >= 1024 && i < units.Length - 1)
        {
            v /= 1024;
            i++;
        }

        return i == 0 ? $"{v.ToString("0", Invariant)} B" : $"{v.ToString("0.0", Invariant)} {units[i]}";
    }

    /// <summary>Burn rate: "0.42×", "14.4×"; unknown when the window had no traffic.</summary>
    public static string Burn(double? rate) => rate is { } r && double.IsFinite(r) ? $"{r.ToString(r >= 10 ? "0.0" : "0.00", Invariant)}×" : None;

    public static string Count(long count) => count.ToString("#,0", Invariant);
}
