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

    public bool HasSources => Files.Count > 0 || !string.IsNullOrWhiteSpace(WatchFolder);
}
