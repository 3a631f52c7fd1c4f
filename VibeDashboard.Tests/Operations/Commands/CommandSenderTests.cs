using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Data.Sqlite;
using VibeDashboard.Components;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Tests.Operations.Commands;

/// <summary>
/// A page sends its commands through <see cref="CommandSender"/>. While an import holds the store's write lock a
/// command must wait for it — but not on the page's thread, which would freeze the page until the import commits.
/// </summary>
public sealed class CommandSenderTests : IAsyncLifetime
{
    private CommandHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await new CommandHarness().InitializeAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_command_sent_while_an_import_holds_the_write_lock_returns_to_the_page_at_once_and_applies_after_the_import()
    {
        var sender = new CommandSender(
            _harness.Pipeline,
            new SignedIn(DashboardPrincipal.Create("olivia@example.com", ActorKind.User, DashboardRole.Operator, "test")),
            new CircuitClient { ClientIp = "192.0.2.10", UserAgent = "Mozilla/5.0 test" });

        // What an import does for its whole transaction: it holds the store's write lock (another connection, as the
        // importer or the CLI in another process uses).
        await using var import = new SqliteConnection($"Data Source={_harness.StorePath};Pooling=False");
        await import.OpenAsync();
        await using var transaction = import.BeginTransaction(deferred: false);

        var sending = sender.SendAsync(new SetNote("n1", "sent during an import"));

        // The call came back to the page before the store could take the write: the page's thread was never held.
        Assert.False(sending.IsCompleted);

        await transaction.CommitAsync();
        var result = await sending;
        Assert.Equal(CommandOutcome.Ok, result.Outcome);
        Assert.Equal("sent during an import", result.Value!.Text);
        Assert.Equal("olivia@example.com", (await _harness.Log.QueryAsync(new(Limit: 1))).Entries.Single().ActorName);
    }

    private sealed class SignedIn(System.Security.Claims.ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
