using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion;

/// <summary>What the Imports page and the overview's quarantine flag read, and the one thing they may do: re-run a held import.</summary>
/// <remarks>
/// Pages go through this rather than the repositories (STYLE.md). "Apply anyway" has no authorization yet:
/// issue 9 must restrict <see cref="ApplyHeldAsync"/> to the admin role, here and on the page.
/// </remarks>
public sealed class ImportActivity(ImportHistoryRepository history, QuarantineRepository quarantine, Importer importer)
{
    /// <summary>How many quarantined rows of one import the page lists (all are counted and stored, up to the writer's cap).</summary>
    public const int MaxListedQuarantineRows = 500;

    public Task<IReadOnlyList<ImportRecord>> HistoryAsync(int limit = 200, CancellationToken cancellationToken = default) =>
        history.ListAsync(limit, cancellationToken);

    public Task<IReadOnlyList<QuarantinedRow>> QuarantinedAsync(long importId, CancellationToken cancellationToken = default) =>
        quarantine.ListAsync(importId, MaxListedQuarantineRows, cancellationToken);

    /// <summary>The newest successful import when it quarantined rows (for the overview's flag), else null.</summary>
    public async Task<ImportRecord?> LastImportWithQuarantineAsync(CancellationToken cancellationToken = default) =>
        await history.LastSuccessfulAsync(cancellationToken) is { QuarantinedRows: > 0 } last ? last : null;

    /// <summary>
    /// Re-runs a held import through the importer with shrinking allowed — only when the file is still the one
    /// that was held (same SHA-256); a changed file is a new export and goes through the guard again.
    /// </summary>
    public async Task<ApplyHeldResult> ApplyHeldAsync(long importId, CancellationToken cancellationToken = default)
    {
        if (await history.GetAsync(importId, cancellationToken) is not { Held: true } held)
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
        return new ApplyHeldResult(result.Record, result.Succeeded ? null : result.Record.Error);
    }
}

/// <summary>The new history row of an "Apply anyway" (null when it did not run) and, if it did not succeed, why.</summary>
public sealed record ApplyHeldResult(ImportRecord? Record, string? Error)
{
    public bool Succeeded => Record is { Succeeded: true };
}
