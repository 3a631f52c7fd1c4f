using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VibeDashboard.Tests.EndToEnd;

namespace VibeDashboard.Tests.Hosting;

/// <summary>
/// A page open while the dashboard stops reconnects at once, while Kestrel still listens; that connection used to
/// hold the stop for the whole 30 s shutdown timeout. On the real app on Kestrel: what arrives once the host is
/// stopping is refused at once, so nothing new is left for the stop to wait for.
/// </summary>
public sealed class StoppingGateTests
{
    [Fact]
    public async Task Requests_arriving_once_the_host_is_stopping_get_503_with_connection_close_and_a_circuit_cannot_reconnect()
    {
        var host = await LiveDashboardHost.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        var seen = new List<(string Path, HttpStatusCode Status, bool Close, string Body)>();
        // Runs inside the stop, after SignalR has closed its connections and before Kestrel stops listening: exactly
        // when a browser's reconnect arrives.
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() =>
        {
            foreach (var (method, path) in new[] { (HttpMethod.Get, "/healthz"), (HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1") })
            {
                using var response = http.Send(new HttpRequestMessage(method, path));
                using var reader = new StreamReader(response.Content.ReadAsStream());
                seen.Add((path, response.StatusCode, response.Headers.ConnectionClose == true, reader.ReadToEnd()));
            }
        });

        await host.DisposeAsync();

        Assert.Equal(2, seen.Count);
        Assert.All(seen, s =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, s.Status);
            Assert.True(s.Close, $"{s.Path}: no Connection: close");
            Assert.Equal("the dashboard is shutting down", s.Body);
        });
    }
}
