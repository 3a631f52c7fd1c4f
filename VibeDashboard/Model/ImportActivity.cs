using VibeDashboard.Ingestion;
using VibeDashboard.Storage;

namespace VibeDashboard.Model;

/// <summary>What the Imports page and the overview's quarantine flag read, and the one thing they may do: re-run a held import.</summary>
/// <remarks>
/// Pages go through this rather than the repositories (STYLE.md), and see views, never Storage's rows. "Apply
/// anyway" has no authorization yet: issue 9 must restrict <see cref="ApplyHeldAsync"/> to the admin role, here and
/// on the page.
/// </remarks>
public sealed class ImportActivity(ImportHistoryRepository history, QuarantineRepository quarantine, StoreRepository store, Importer importer)
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

    /// <summary>
    /// Re-runs a held import through the importer with shrinking allowed — only when the file is still the one
    /// that was held (same SHA-256); a changed file is a new export and goes through the guard again.
    /// </summary>
    public async Task<ApplyHeldResult> ApplyHeldAsync(long importId, CancellationToken cancellationToken = default)
    {
        if (await history.GetAsync(importId, cancellationToken) is not { } held || !held.Held)
        {
            return new ApplyHeldResult(null, $"import {importId} is not held");
        }

        if (await history.LastSuccessfulIdAsync(cancellationToken) > held.Id)
        {
            return new ApplyHeldResult(null, $"a newer export was imported after {Path.GetFileName(held.Source)} was held; applying the held one would replace newer data");
        }

        if (!File.Exists(held.Source))
        {
            return new ApplyHeldResult(null, $"{Path.GetFileName(held.Source)} no longer exists");
        }

        if (held.ContentHash is null || await Importer.HashFileAsync(held.Source, cancellationToken) != held.ContentHash)
        {
            return new ApplyHeldResult(null, $"{Path.GetFileName(held.Source)} changed since it was held; its new content is imported (and checked) as a new export");
        }

        var result = await importer.ImportFileAsync(held.Source, new ImportRequest { AllowShrink = true }, cancellationToken);
        return new ApplyHeldResult(ImportView.From(result.Record), result.Succeeded ? null : result.Record.Error);
    }
}

/// <summary>The new history row of an "Apply anyway" (null when it did not run) and, if it did not succeed, why.</summary>
public sealed record ApplyHeldResult(ImportView? Record, string? Error)
{
    public bool Succeeded => Record is { Succeeded: true };
}
