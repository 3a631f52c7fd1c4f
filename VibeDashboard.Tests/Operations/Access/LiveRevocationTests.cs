using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.EndToEnd;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary>
/// Revoking a token takes effect on connections already open: a wall screen's hub connection over a real WebSocket
/// (the token in the access_token query, as browsers must send it) is closed within 5 s, and cannot come back.
/// </summary>
public sealed class LiveRevocationTests
{
    [Fact]
    public async Task Revoking_a_token_closes_its_open_hub_connection_within_five_seconds()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        var token = await host.CreateTokenAsync(DashboardRole.Viewer, "wall");
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = Connect(host, token);
        connection.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        Assert.Equal(HubConnectionState.Connected, connection.State);

        var revoked = await host.Services.GetRequiredService<ICommandPipeline>().SendAsync(new RevokeTokenCommand("wall"), Actor.System("tests"));
        Assert.True(revoked.Succeeded, revoked.Error);
        var clock = Stopwatch.StartNew();

        var finished = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(5)));

        Assert.Same(closed.Task, finished);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"closed after {clock.Elapsed}");
        await using var again = Connect(host, token);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => again.StartAsync());
        Assert.Contains("401", refused.Message);
    }

    /// <summary>A wall screen's connection: WebSockets only, the token in the access_token query.</summary>
    private static HubConnection Connect(LiveDashboardHost host, string token) => new HubConnectionBuilder()
        .WithUrl(host.BaseUrl + MetricsHub.Path, o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        })
        .Build();

    [Fact]
    public async Task A_hub_connection_without_a_token_is_refused()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        using var http = new HttpClient();

        using var response = await http.PostAsync(host.BaseUrl + MetricsHub.Path + "/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
