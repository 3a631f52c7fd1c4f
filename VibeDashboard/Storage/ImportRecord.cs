namespace VibeDashboard.Storage;

public enum ImportOutcome
{
    Succeeded,
    Rejected,
    Failed,

    /// <summary>Read completely but not applied: it would empty a VibeSDK table or shrink it by more than half (the reason says which).</summary>
    Held,
}

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
    public string Outcome { get; set; } = nameof(ImportOutcome.Succeeded);
    public string? Error { get; set; }
    public long? ErrorLine { get; set; }

    /// <summary>ops_events rows of this import that broke the contract and were kept in <c>_vd_quarantine</c> instead.</summary>
    public long QuarantinedRows { get; set; }

    public DateTimeOffset StartedAtUtc => DateTimeOffset.FromUnixTimeMilliseconds(StartedAt);

    public bool Succeeded => Outcome == nameof(ImportOutcome.Succeeded);

    public bool Held => Outcome == nameof(ImportOutcome.Held);

    public IReadOnlyDictionary<string, long> Rows =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(RowsJson) ?? [];
}

/// <summary>Row count of one table in the store.</summary>
public sealed record TableCount(string Table, long Rows);
