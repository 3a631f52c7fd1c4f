using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary>"One active token per name": an expired token is not active, so its name can be given to a new one.</summary>
public sealed class ExpiredTokenNameTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TempStore _temp = new();
    private AccessHost _host = null!;

    public async Task InitializeAsync() => _host = await new AccessHost(_temp.StorePath, _time).StartAsync();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _temp.DisposeAsync();
    }

    [Fact]
    public async Task A_new_token_takes_the_name_of_an_expired_one_which_is_kept_as_revoked()
    {
        var old = await _host.CreateTokenAsync("wall", DashboardRole.Viewer, "1d");
        _time.Advance(TimeSpan.FromDays(2));

        var fresh = await _host.CreateTokenAsync("wall", DashboardRole.Viewer, "30d");

        Assert.Null(_host.Directory.Authenticate(old));
        Assert.NotNull(_host.Directory.Authenticate(fresh));
        var rows = _host.Services.GetService(typeof(IAccessFeed)) is IAccessFeed feed ? feed.Tokens().Where(t => t.Name == "wall").ToList() : [];
        Assert.Equal(2, rows.Count);
        Assert.Single(rows, t => t.State == TokenState.Active);
        Assert.Single(rows, t => t.State == TokenState.Revoked);
    }
}
