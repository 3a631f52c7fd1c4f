using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Commands;

/// <summary>An idempotency key names one request: a retry replays it, the same key with another body is refused.</summary>
public sealed class IdempotencyKeyReuseTests : IAsyncLifetime
{
    private static readonly Actor Admin = new("alice", ActorKind.User, DashboardRole.Admin);

    private readonly TempStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task The_same_key_with_another_body_is_invalid_and_creates_nothing()
    {
        var pipeline = _store.Services.GetRequiredService<ICommandPipeline>();
        var first = await pipeline.SendAsync(new CreateTokenCommand("one", DashboardRole.Viewer) { IdempotencyKey = "q1" }, Admin);
        var retry = await pipeline.SendAsync(new CreateTokenCommand("one", DashboardRole.Viewer) { IdempotencyKey = "q1" }, Admin);
        var other = await pipeline.SendAsync(new CreateTokenCommand("two", DashboardRole.Admin) { IdempotencyKey = "q1" }, Admin);

        Assert.True(first.Succeeded);
        Assert.True(retry.Replayed);
        Assert.Equal(CommandOutcome.Invalid, other.Outcome);
        Assert.Contains("already used for another request", other.Error);
        var tokens = _store.Services.GetRequiredService<IAccessFeed>();
        await tokens.RefreshAsync();
        Assert.DoesNotContain(tokens.Tokens(), t => t.Name == "two");
    }
}
