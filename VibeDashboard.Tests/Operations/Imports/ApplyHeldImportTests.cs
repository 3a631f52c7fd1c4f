using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Imports;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Tests.Ingestion;

namespace VibeDashboard.Tests.Operations.Imports;

/// <summary>
/// "Apply anyway" on a held export is a forced action: an admin with a reason, through the command pipeline, the
/// held file unchanged and nothing newer imported — and the audit entry commits with the data, in the import's transaction.
/// </summary>
public sealed class ApplyHeldImportTests : IAsyncLifetime
{
    private static readonly Actor Admin = new("alice", ActorKind.User, DashboardRole.Admin, "127.0.0.1", "tests");

    private readonly TempStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private ICommandPipeline Pipeline => _store.Services.GetRequiredService<ICommandPipeline>();

    private async Task<long> HoldAsync(string name = "cut.sql")
    {
        await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var held = await _store.ImportAsync(_store.WriteFile(name, ImportValidationTests.CutAfterAuthAttempts(Fixtures.Wrangler("vibesdk-full-2.sql"), keep: 10)));
        Assert.True(held.Held, held.Record.Error);
        return held.Record.Id;
    }

    private async Task<IReadOnlyList<AuditEntry>> AuditAsync() =>
        (await _store.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Action: "import.apply_held"))).Entries;

    [Fact]
    public async Task An_admin_with_a_reason_applies_it_once_and_the_audit_entry_names_who_why_and_what()
    {
        var heldId = await HoldAsync();

        var applied = await Pipeline.SendAsync(new ApplyHeldImportCommand(heldId, "the platform really deleted those attempts"), Admin);
        var again = await Pipeline.SendAsync(new ApplyHeldImportCommand((await _store.History.ListAsync())[0].Id, "twice"), Admin);

        Assert.True(applied.Succeeded, applied.Error);
        Assert.Equal(10, await _store.CountAsync("auth_attempts"));
        Assert.False(again.Succeeded);
        Assert.Contains("is not held", again.Error);
        var entries = await AuditAsync();
        var ok = Assert.Single(entries, e => e.Outcome == CommandOutcome.Ok);
        Assert.Equal("alice", ok.ActorName);
        Assert.Equal(heldId.ToString(System.Globalization.CultureInfo.InvariantCulture), ok.TargetId);
        Assert.Equal("the platform really deleted those attempts", ok.Reason);
        Assert.Contains("auth_attempts would shrink from 40 to 10 rows", ok.BeforeJson);
        Assert.Contains($"\"import_id\":{applied.Value!.ImportId}", ok.AfterJson);
        Assert.Single(entries, e => e.Outcome == CommandOutcome.Invalid);
        Assert.True((await _store.Services.GetRequiredService<AuditVerifier>().VerifyAsync()).Holds);
    }

    [Theory]
    [InlineData(DashboardRole.Viewer)]
    [InlineData(DashboardRole.Operator)]
    public async Task A_lower_role_is_denied_and_nothing_is_applied(DashboardRole role)
    {
        var heldId = await HoldAsync();

        var result = await Pipeline.SendAsync(new ApplyHeldImportCommand(heldId, "trust me"), new Actor("mallory", ActorKind.User, role));

        Assert.Equal(CommandOutcome.Denied, result.Outcome);
        Assert.Equal(40, await _store.CountAsync("auth_attempts"));
        Assert.Equal(CommandOutcome.Denied, Assert.Single(await AuditAsync()).Outcome);
    }

    [Fact]
    public async Task Without_a_reason_it_is_invalid_and_nothing_is_applied()
    {
        var heldId = await HoldAsync();

        var result = await Pipeline.SendAsync(new ApplyHeldImportCommand(heldId, "  "), Admin);

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.StartsWith("reason:", result.Error);
        Assert.Equal(40, await _store.CountAsync("auth_attempts"));
    }

    [Fact]
    public async Task It_refuses_when_the_held_file_changed()
    {
        var heldId = await HoldAsync();
        await File.AppendAllTextAsync(Path.Combine(_store.Directory, "cut.sql"), "-- touched\n");

        var result = await Pipeline.SendAsync(new ApplyHeldImportCommand(heldId, "ok"), Admin);

        Assert.False(result.Succeeded);
        Assert.Contains("changed since it was held", result.Error);
        Assert.Equal(40, await _store.CountAsync("auth_attempts"));
    }

    [Fact]
    public async Task It_refuses_once_a_newer_export_under_another_name_was_imported()
    {
        var heldId = await HoldAsync();
        // The next day's export lands under its own name.
        Assert.True((await _store.ImportAsync(_store.WriteFile("vibesdk-2026-12-01.sql", File.ReadAllText(Fixtures.Wrangler("vibesdk-full-2.sql"))))).Succeeded);

        var result = await Pipeline.SendAsync(new ApplyHeldImportCommand(heldId, "ok"), Admin);

        Assert.False(result.Succeeded);
        Assert.Contains("a newer export was imported", result.Error);
        Assert.Equal(41, await _store.CountAsync("auth_attempts")); // the newer export's rows
    }

    [Fact]
    public async Task A_failing_audit_write_leaves_the_held_data_unapplied()
    {
        var heldId = await HoldAsync();
        var history = _store.Services.GetRequiredService<VibeDashboard.Storage.ImportHistoryRepository>();
        var handler = new ApplyHeldImportHandler(history, _store.Importer);

        var effect = await handler.RunAsync(new ApplyHeldImportCommand(heldId, "ok"), Admin,
            (_, _, _, _, _, _) => throw new IOException("disk full while auditing"), CancellationToken.None);

        Assert.Equal(CommandOutcome.Invalid, effect.Outcome);
        Assert.Contains("disk full while auditing", effect.Error);
        Assert.Equal(40, await _store.CountAsync("auth_attempts")); // state and audit never disagree
    }
}
