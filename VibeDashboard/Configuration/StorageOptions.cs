using System.ComponentModel.DataAnnotations;

namespace VibeDashboard.Configuration;

/// <summary>The dashboard's own SQLite store (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Path of the store file; relative paths resolve against the working directory.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data/vibedashboard.db";

    /// <summary>How long a writer waits for another writer (an import in another process) before failing.</summary>
    [Range(100, 600_000)]
    public int BusyTimeoutMs { get; set; } = 30_000;
}
