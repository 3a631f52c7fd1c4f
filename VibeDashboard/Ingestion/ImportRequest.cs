using Microsoft.Data.Sqlite;
using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion;

/// <summary>How one import may behave beyond the defaults (<see cref="Importer.ImportFileAsync(string, ImportRequest, CancellationToken)"/>).</summary>
public sealed record ImportRequest
{
    public static readonly ImportRequest Default = new();

    /// <summary>
    /// Apply the export even when it would empty a VibeSDK table or shrink it by more than half (the CLI's
    /// <c>--allow-shrink</c>, the Imports page's "Apply anyway", both audited commands). Without it such an export is held.
    /// </summary>
    public bool AllowShrink { get; init; }

    /// <summary>
    /// Runs inside the import's own transaction just before a successful import commits, with its history row
    /// written: a forced import ("Apply anyway") writes its audit entry here, so the data and the record of who
    /// forced it commit together or not at all. If it throws, the import fails and nothing is applied.
    /// </summary>
    public Func<ImportCommit, CancellationToken, Task>? BeforeCommit { get; init; }
}

/// <summary>
/// A successful import about to commit: its transaction, its history row, and the VibeSDK tables it empties or
/// halves (empty unless <see cref="ImportRequest.AllowShrink"/> let them through).
/// </summary>
public sealed record ImportCommit(SqliteConnection Connection, SqliteTransaction Transaction, ImportRecord Record, IReadOnlyList<TableShrink> Shrinks);

/// <summary>An export read completely but not applied, because it would empty or halve VibeSDK tables.</summary>
public sealed class ImportHeldException(IReadOnlyList<TableShrink> shrinks)
    : Exception(string.Join("; ", shrinks) + ": held; import with --allow-shrink --reason <why> or confirm on the Imports page")
{
    public IReadOnlyList<TableShrink> Shrinks { get; } = shrinks;
}
