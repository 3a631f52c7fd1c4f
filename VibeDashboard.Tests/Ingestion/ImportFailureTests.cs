using VibeDashboard.Ingestion;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Ingestion;

public sealed class ImportFailureTests : IAsyncLifetime
{
    private readonly TempStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_subscriber_that_throws_after_the_commit_neither_fails_the_import_nor_silences_the_others()
    {
        var heard = new List<long>();
        _store.Importer.Imported += _ => throw new InvalidOperationException("a subscriber's bug");
        _store.Importer.Imported += record => heard.Add(record.Id);

        var result = await _store.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));

        Assert.True(result.Succeeded, result.Record.Error);
        var only = Assert.Single(await _store.History.ListAsync());
        Assert.Equal(nameof(ImportOutcome.Succeeded), only.Outcome);
        Assert.Equal([only.Id], heard);
        Assert.Equal(60, await _store.CountAsync("ops_events"));
    }
}
