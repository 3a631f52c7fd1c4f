using System.ComponentModel.DataAnnotations;

namespace VibeDashboard.Configuration;

/// <summary>Where D1 exports come from (section <c>Ingestion</c>).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Export files (a <c>wrangler d1 export</c> dump or a SQLite database file) imported at start and whenever they change.</summary>
    public List<string> Files { get; set; } = [];

    /// <summary>A folder watched for new or changed exports (e.g. written by a cron job running <c>wrangler d1 export --remote</c>).</summary>
    public string? WatchFolder { get; set; }

    /// <summary>How often configured files and the watched folder are checked.</summary>
    [Range(1, 3600)]
    public int PollSeconds { get; set; } = 5;

    /// <summary>A file must keep the same size and time for this long before it is imported, so half-written exports are left alone.</summary>
    [Range(0, 3600)]
    public int SettleSeconds { get; set; } = 2;

    /// <summary>The longest single statement accepted; a statement that never ends is rejected once it passes this.</summary>
    [Range(1024, 1_073_741_824)]
    public int MaxStatementBytes { get; set; } = 16 * 1024 * 1024;

    // Limits of the export grammar. Every one is a rejection with the line and the reason, never a crash.

    /// <summary>How deeply values may nest (<c>replace(replace(…))</c>); wrangler writes at most 2.</summary>
    [Range(2, 1000)]
    public int MaxNestingDepth { get; set; } = 32;

    /// <summary>The longest single value (a string, blob or number) in characters or bytes, in a dump or a SQLite input.</summary>
    [Range(1024, 1_073_741_824)]
    public int MaxValueBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The longest table or column name.</summary>
    [Range(16, 65_536)]
    public int MaxIdentifierLength { get; set; } = 256;

    /// <summary>The most columns a table may declare or a row may hold (SQLite's own default limit is 2000).</summary>
    [Range(1, 32_767)]
    public int MaxColumns { get; set; } = 2000;

    /// <summary>The largest SQLite database file accepted as an input, checked before it is hashed or opened.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxSqliteInputBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    // Row-level validation of ops_events against the contract: a row that fails is quarantined, not imported.

    /// <summary>The earliest accepted <c>occurred_at</c>.</summary>
    public DateTimeOffset MinOccurredAt { get; set; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far past the import's clock an <c>occurred_at</c> may lie before the row is quarantined.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest accepted <c>duration_ms</c> (default 7 days).</summary>
    [Range(0, double.MaxValue)]
    public double MaxDurationMs { get; set; } = 7 * 24 * 3_600_000d;

    /// <summary>The largest accepted <c>cost_usd</c> of one event.</summary>
    [Range(0, double.MaxValue)]
    public double MaxCostUsd { get; set; } = 10_000;

    /// <summary>The largest accepted <c>tokens_in</c> / <c>tokens_out</c> of one event.</summary>
    [Range(0, long.MaxValue)]
    public long MaxTokens { get; set; } = 100_000_000;

    /// <summary>The longest text in one ops_events column (message and attrs_json included), in UTF-8 bytes.</summary>
    [Range(16, 1_073_741_824)]
    public int MaxEventTextBytes { get; set; } = 64 * 1024;

    /// <summary>The longest id or label in an ops_events row (every column but message and attrs_json), in UTF-8 bytes.</summary>
    [Range(16, 1_073_741_824)]
    public int MaxLabelBytes { get; set; } = 256;

    /// <summary>When more than this fraction of an export's ops_events rows is quarantined, the whole export is rejected.</summary>
    [Range(0d, 1d)]
    public double MaxQuarantinedFraction { get; set; } = 0.01;

    public bool HasSources => Files.Count > 0 || !string.IsNullOrWhiteSpace(WatchFolder);
}
