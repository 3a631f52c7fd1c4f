using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Audit;

/// <summary>Edits by hand that the plain hash check cannot see on its own: a deleted head row, a value of another type.</summary>
public sealed class AuditHeadRestoredTests : IAsyncLifetime
{
    private readonly TempStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_deleted_head_stays_evident_after_the_next_entry_restores_it()
    {
        var pipeline = _store.Services.GetRequiredService<ICommandPipeline>();
        for (var i = 0; i < 3; i++)
        {
            await pipeline.RecordRejectedAsync("token.create", "token", $"t{i}", Actor.Anonymous("10.0.0.1", null), CommandOutcome.Denied, "no credentials");
        }

        await using (var db = new SqliteConnection($"Data Source={_store.StorePath};Pooling=False"))
        {
            await db.ExecuteAsync("DELETE FROM _vd_audit WHERE seq = 3; DELETE FROM _vd_audit_head;");
        }

        await pipeline.RecordRejectedAsync("token.create", "token", "after", Actor.Anonymous("10.0.0.1", null), CommandOutcome.Denied, "no credentials");
        var verification = await _store.Services.GetRequiredService<AuditVerifier>().VerifyAsync();

        Assert.False(verification.Holds);
        Assert.Equal(3, verification.BrokenSeq);
        Assert.Contains("head row was missing", verification.Reason);
        Assert.Contains("ended at seq 2", verification.Reason);
    }

    [Fact]
    public async Task A_value_edited_to_another_type_is_named_by_its_seq()
    {
        var pipeline = _store.Services.GetRequiredService<ICommandPipeline>();
        for (var i = 0; i < 3; i++)
        {
            await pipeline.RecordRejectedAsync("token.create", "token", $"t{i}", Actor.Anonymous("10.0.0.1", null), CommandOutcome.Denied, "no credentials");
        }

        await using (var db = new SqliteConnection($"Data Source={_store.StorePath};Pooling=False"))
        {
            await db.ExecuteAsync("UPDATE _vd_audit SET at = 1.5 WHERE seq = 2");
        }

        var verification = await _store.Services.GetRequiredService<AuditVerifier>().VerifyAsync();

        Assert.False(verification.Holds);
        Assert.Equal(2, verification.BrokenSeq);
        Assert.Contains("wrong type", verification.Reason);
    }
}
