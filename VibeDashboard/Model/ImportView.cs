using VibeDashboard.Ingestion;
using VibeDashboard.Storage;

namespace VibeDashboard.Model;

/// <summary>One import as the pages show it: the history row with its outcome typed, and no Storage type.</summary>
public sealed record ImportView(
    long Id,
    string Source,
    string? ContentHash,
    DateTimeOffset StartedAtUtc,
    long DurationMs,
    IReadOnlyDictionary<string, long> Rows,
    long TotalRows,
    long NewEvents,
    ImportOutcome Outcome,
    string? Error,
    long QuarantinedRows)
{
    public bool Succeeded => Outcome == ImportOutcome.Succeeded;

    public bool Held => Outcome == ImportOutcome.Held;

    public static ImportView From(ImportRecord record) => new(
        record.Id, record.Source, record.ContentHash, record.StartedAtUtc, record.DurationMs, record.Rows,
        record.TotalRows, record.NewEvents, record.OutcomeKind, record.Error, record.QuarantinedRows);
}

/// <summary>A quarantined row as the Imports page lists it.</summary>
public sealed record QuarantinedRowView(long Line, string Table, string Reason, string Excerpt)
{
    public static QuarantinedRowView From(QuarantinedRow row) => new(row.Line, row.Table, row.Reason, row.Excerpt);
}

/// <summary>How many rows one table of the store holds.</summary>
public sealed record StoredTable(string Table, long Rows);
