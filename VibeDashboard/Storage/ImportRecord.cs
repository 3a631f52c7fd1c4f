namespace VibeDashboard.Storage;

/// <summary>One row of the import history. Settable properties: Dapper maps SQLite's Int64 into them.</summary>
public sealed class ImportRecord
{
    public long Id { get; set; }
    public string Source { get; set; } = "";
    public string? ContentHash { get; set; }
    public long StartedAt { get; set; }
    public long DurationMs { get; set; }
    public string RowsJson { get; set; } = "{}";
    public long TotalRows { get; set; }
    public long NewEvents { get; set; }

    /// <summary>
    /// The name of an <c>ImportOutcome</c> (Ingestion's vocabulary: the importer decides it); stored as text, read
    /// typed through Ingestion's <c>ImportRecordOutcome</c>.
    /// </summary>
    public string Outcome { get; set; } = "Succeeded";

    public string? Error { get; set; }
    public long? ErrorLine { get; set; }

    /// <summary>ops_events rows of this import that broke the contract and were kept in <c>_vd_quarantine</c> instead.</summary>
    public long QuarantinedRows { get; set; }

    public DateTimeOffset StartedAtUtc => DateTimeOffset.FromUnixTimeMilliseconds(StartedAt);

    public IReadOnlyDictionary<string, long> Rows =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(RowsJson) ?? [];
}

/// <summary>Row count of one table in the store.</summary>
public sealed record TableCount(string Table, long Rows);
