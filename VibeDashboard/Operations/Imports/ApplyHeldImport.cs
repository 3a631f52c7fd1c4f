using VibeDashboard.Ingestion;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Imports;

/// <summary>
/// <c>import.apply_held</c>: applies an export the shrink guard held (it would empty or halve a VibeSDK table).
/// A forced action — it makes the store riskier, not safer — so it needs an admin and a reason.
/// </summary>
public sealed record ApplyHeldImportCommand(long ImportId, string Reason) : ICommand<AppliedImport>
{
    public string Action => "import.apply_held";

    public DashboardRole RequiredRole => DashboardRole.Admin;

    public string TargetType => "import";

    public string TargetId => ImportId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public long? ExpectedVersion => null;

    public string? IdempotencyKey => null;

    string? ICommand.Reason => Reason;
}

/// <summary>The import that applied the held one: its history row and the rows it stored.</summary>
public sealed record AppliedImport(long HeldImportId, long ImportId, string File, long Rows);

/// <summary>
/// Runs the held export again through the importer with shrinking allowed, only while it is still the export that
/// was held (same file, same SHA-256) and nothing newer was imported since; the audit entry is written inside the
/// import's own transaction, so the applied data and the record of who forced it commit together.
/// </summary>
public sealed class ApplyHeldImportHandler(ImportHistoryRepository history, Importer importer) : IExternalCommandHandler<ApplyHeldImportCommand, AppliedImport>
{
    public const int MaxReasonLength = 1000;

    public string? Validate(ApplyHeldImportCommand command) =>
        string.IsNullOrWhiteSpace(command.Reason) ? "reason: applying a held import is a forced action and needs a reason (why may this export empty or halve tables?)"
        : command.Reason.Length > MaxReasonLength ? $"reason: at most {MaxReasonLength} characters"
        : command.ImportId <= 0 ? "importId: not an import"
        : null;

    public async Task<CommandEffect<AppliedImport>> RunAsync(ApplyHeldImportCommand command, Actor actor, ExternalAudit audit, CancellationToken cancellationToken)
    {
        if (await history.GetAsync(command.ImportId, cancellationToken) is not { } held)
        {
            return CommandEffect<AppliedImport>.Invalid($"import {command.ImportId} does not exist", notFound: true);
        }

        var file = Path.GetFileName(held.Source);
        if (!held.Held)
        {
            return CommandEffect<AppliedImport>.Invalid($"import {command.ImportId} ({file}) is not held");
        }

        if (await history.LastSuccessfulIdAsync(cancellationToken) > held.Id)
        {
            return CommandEffect<AppliedImport>.Invalid($"a newer export was imported after {file} was held; applying the held one would replace newer data");
        }

        if (!File.Exists(held.Source))
        {
            return CommandEffect<AppliedImport>.Invalid($"{file} no longer exists");
        }

        if (held.ContentHash is null || await Importer.HashFileAsync(held.Source, cancellationToken) != held.ContentHash)
        {
            return CommandEffect<AppliedImport>.Invalid($"{file} changed since it was held; its new content is imported (and checked) as a new export");
        }

        var before = new { import_id = held.Id, file, held_because = held.Error };
        var result = await importer.ImportFileAsync(held.Source, new ImportRequest
        {
            AllowShrink = true,
            BeforeCommit = async (commit, ct) =>
                await audit(commit.Connection, commit.Transaction, before, new { import_id = commit.Record.Id, file, rows = commit.Record.TotalRows, new_events = commit.Record.NewEvents }, null, ct),
        }, cancellationToken);

        return result.Succeeded
            ? CommandEffect<AppliedImport>.Ok(new AppliedImport(held.Id, result.Record.Id, file, result.Record.TotalRows), before, null, null)
            : CommandEffect<AppliedImport>.Invalid($"{file} could not be applied: {result.Record.Error}");
    }
}
