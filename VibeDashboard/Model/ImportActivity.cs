using VibeDashboard.Ingestion;
using VibeDashboard.Storage;

namespace VibeDashboard.Model;

/// <summary>What the Imports page and the overview's quarantine flag read.</summary>
/// <remarks>
/// Pages go through this rather than the repositories (STYLE.md), and see views, never Storage's rows. Applying a
/// held import is a forced action: the <c>import.apply_held</c> command (Operations/Imports), admins only, audited.
/// </remarks>
public sealed class ImportActivity(ImportHistoryRepository history, QuarantineRepository quarantine, StoreRepository store)
{
    /// <summary>How many quarantined rows of one import the page lists (all are counted and stored, up to the writer's cap).</summary>
    public const int MaxListedQuarantineRows = 500;

    public async Task<IReadOnlyList<ImportView>> HistoryAsync(int limit = 200, CancellationToken cancellationToken = default) =>
        [.. (await history.ListAsync(limit, cancellationToken)).Select(ImportView.From)];

    public async Task<IReadOnlyList<QuarantinedRowView>> QuarantinedAsync(long importId, CancellationToken cancellationToken = default) =>
        [.. (await quarantine.ListAsync(importId, MaxListedQuarantineRows, cancellationToken)).Select(QuarantinedRowView.From)];

    /// <summary>Row counts of the store's tables, for the Imports page.</summary>
    public async Task<IReadOnlyList<StoredTable>> TablesAsync(CancellationToken cancellationToken = default) =>
        [.. (await store.CountRowsAsync(cancellationToken)).Select(t => new StoredTable(t.Table, t.Rows))];

    /// <summary>The newest successful import when it quarantined rows (for the overview's flag), else null.</summary>
    public async Task<ImportView?> LastImportWithQuarantineAsync(CancellationToken cancellationToken = default) =>
        await history.LastSuccessfulAsync(cancellationToken) is { QuarantinedRows: > 0 } last ? ImportView.From(last) : null;
}
