using VibeDashboard.Ingestion;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Imports;

/// <summary>
/// <c>import.allow_shrink</c>: imports an export even if it would empty or halve a VibeSDK table — the command
/// line's <c>import FILE --allow-shrink --reason TEXT</c>. Like "Apply anyway" on the Imports page it is a forced
/// action, so it needs an admin (the command line acts as the system) and a reason, and it is audited whether or
/// not the export turned out to shrink anything: the operator chose to switch the guard off.
/// </summary>
public sealed record ForceImportCommand(string File, string Reason) : ICommand<ImportResult>
{
    public string Action => "import.allow_shrink";

    public DashboardRole RequiredRole => DashboardRole.Admin;

    public string TargetType => "import";

    /// <summary>The file until the import has a history row; the audit entry of a done import names the row.</summary>
    public string TargetId => Path.GetFileName(File);

    public long? ExpectedVersion => null;

    public string? IdempotencyKey => null;

    string? ICommand.Reason => Reason;
}

/// <summary>
/// Runs the import with the shrink guard off. The audit entry is written inside the import's own transaction (what
/// would have been held, what was stored), so the data and the record of who forced it commit together. An import
/// that is rejected or fails is refused with the importer's reason, and its <see cref="ImportResult"/> is still
/// handed back: the command line reports it as it reports any import.
/// </summary>
public sealed class ForceImportHandler(Importer importer) : IExternalCommandHandler<ForceImportCommand, ImportResult>
{
    public string? Validate(ForceImportCommand command) =>
        string.IsNullOrWhiteSpace(command.Reason) ? "reason: --allow-shrink is a forced action and needs --reason (why may this export empty or halve tables?)"
        : command.Reason.Length > ApplyHeldImportHandler.MaxReasonLength ? $"reason: at most {ApplyHeldImportHandler.MaxReasonLength} characters"
        : string.IsNullOrWhiteSpace(command.File) ? "file: no export named"
        : null;

    public async Task<CommandEffect<ImportResult>> RunAsync(ForceImportCommand command, Actor actor, ExternalAudit audit, CancellationToken cancellationToken)
    {
        var file = Path.GetFileName(command.File);
        var result = await importer.ImportFileAsync(command.File, new ImportRequest
        {
            AllowShrink = true,
            BeforeCommit = async (commit, ct) => await audit(
                commit.Connection,
                commit.Transaction,
                new { file, would_have_held = commit.Shrinks.Select(s => s.ToString()).ToList() },
                new { import_id = commit.Record.Id, file, rows = commit.Record.TotalRows, new_events = commit.Record.NewEvents, quarantined = commit.Record.QuarantinedRows },
                commit.Record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ct),
        }, cancellationToken);

        return result.Succeeded
            ? CommandEffect<ImportResult>.Ok(result, null, null, null)
            : new CommandEffect<ImportResult>(CommandOutcome.Invalid, result, null, null, null, $"{file}: {result.Record.Outcome.ToLowerInvariant()}: {result.Record.Error}");
    }
}
