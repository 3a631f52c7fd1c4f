using System.ComponentModel.DataAnnotations;

namespace VibeDashboard.Configuration;

/// <summary>Embedded demo data (section <c>Demo</c>), used when no source is configured and the store holds no imported data.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Set to false to start on an empty store instead of demo data.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The same seed (and start time) always builds the same demo store.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Days of history generated.</summary>
    [Range(1, 90)]
    public int Days { get; set; } = 30;

    /// <summary>Interval of the live appender that keeps the demo moving.</summary>
    [Range(100, 60_000)]
    public int LiveIntervalMs { get; set; } = 1000;

    /// <summary>
    /// Live demo events written per generated event (1 = the demo's own rate). The wall's soak benchmark sets 20:
    /// each event is also written again 1 … N − 1 s later under a new id (<c>DemoReplay</c>), so the data path
    /// carries N times the events with the demo's ratios and latencies.
    /// </summary>
    [Range(1, 100)]
    public int RateMultiplier { get; set; } = 1;
}
