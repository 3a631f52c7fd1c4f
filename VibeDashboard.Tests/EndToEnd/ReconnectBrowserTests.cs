using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using VibeDashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>
/// The circuit's connection drops (a proxy between browser and app cuts every socket and refuses new ones),
/// the reconnect dialog shows, and when the network comes back the same page resumes and catches up.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ReconnectBrowserTests(BrowserFixture browser)
{
    static ReconnectBrowserTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    private static IEnumerable<DumpEvent> Probes(string prefix, bool ok) =>
        Enumerable.Range(0, 20).Select(i => WranglerDump.Probe($"{prefix}-{i}", DateTimeOffset.UtcNow.AddSeconds(-10 * i), ok));

    [Fact]
    public async Task The_reconnect_dialog_shows_while_the_connection_is_down_and_the_page_resumes_after()
    {
        await using var host = await LiveDashboardHost.StartAsync();
        await host.ImportAsync(Probes("ok", ok: true));
        await using var proxy = DroppableProxy.Start(new Uri(host.BaseUrl));
        var page = await browser.NewPageAsync();
        await BrowserFixture.SignInAsync(page, host);
        await BrowserFixture.GotoInteractiveAsync(page, proxy.BaseUrl + "/?range=1h");
        var value = page.Locator("[data-testid=metric-value-availability]");
        await Expect(value).ToHaveTextAsync("100.0 %");
        await page.EvaluateAsync("() => window.__vdNoReload = true");
        var dialog = page.Locator("#components-reconnect-modal");
        await Expect(dialog).Not.ToBeVisibleAsync();

        proxy.Drop();
        await Expect(dialog).ToBeVisibleAsync();
        await host.ImportAsync(Probes("bad", ok: false)); // the platform moves on while the screen is cut off

        proxy.Restore();
        await Expect(dialog).Not.ToBeVisibleAsync();
        await Expect(value).Not.ToHaveTextAsync("100.0 %");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__vdNoReload === true"), "the page was reloaded instead of resumed");
    }

    /// <summary>A loopback TCP proxy whose connections can be cut and refused, like a network drop.</summary>
    private sealed class DroppableProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Uri _target;
        private readonly List<TcpClient> _open = [];
        private readonly CancellationTokenSource _stop = new();
        private volatile bool _down;

        private DroppableProxy(Uri target) => _target = target;

        public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public static DroppableProxy Start(Uri target)
        {
            var proxy = new DroppableProxy(target);
            proxy._listener.Start();
            _ = proxy.AcceptLoopAsync();
            return proxy;
        }

        public void Drop()
        {
            _down = true;
            lock (_open)
            {
                foreach (var client in _open)
                {
                    client.Client.LingerState = new LingerOption(true, 0); // reset, not a polite close
                    client.Dispose();
                }

                _open.Clear();
            }
        }

        public void Restore() => _down = false;

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient inbound;
                try
                {
                    inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                if (_down)
                {
                    inbound.Client.LingerState = new LingerOption(true, 0);
                    inbound.Dispose();
                    continue;
                }

                _ = PumpAsync(inbound);
            }
        }

        private async Task PumpAsync(TcpClient inbound)
        {
            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_target.Host, _target.Port, _stop.Token);
                lock (_open)
                {
                    _open.Add(inbound);
                    _open.Add(outbound);
                }

                var a = inbound.GetStream().CopyToAsync(outbound.GetStream(), _stop.Token);
                var b = outbound.GetStream().CopyToAsync(inbound.GetStream(), _stop.Token);
                await Task.WhenAny(a, b);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
            finally
            {
                lock (_open)
                {
                    _open.Remove(inbound);
                    _open.Remove(outbound);
                }

                inbound.Dispose();
                outbound.Dispose();
            }
        }

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            Drop();
            _stop.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
