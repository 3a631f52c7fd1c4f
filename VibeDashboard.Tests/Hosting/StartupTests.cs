using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Hosting;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hosting;

/// <summary>
/// The server answers at once: the demo store is built in the background, /healthz answers meanwhile, /readyz says
/// not ready and why, and the aggregator waits for the build rather than publish a half-built store.
/// </summary>
public sealed class StartupTests
{
    private static async Task<(HttpStatusCode Status, JsonDocument Body)> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Healthz_answers_while_the_demo_store_is_built_and_readyz_says_why_it_is_not_ready_until_it_is()
    {
        // The build is held in its Building phase (before it writes) until the test lets it go.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var build = new DemoBuild(NullLogger<DemoBuild>.Instance) { Hold = ct => release.Task.WaitAsync(ct) };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new DashboardAppFactory(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "1" }, time)
        {
            AwaitDemoBuild = false,
            TestServices = services => services.AddSingleton(build),
        };
        using var client = app.CreateAnonymousClient();

        var (health, healthBody) = await GetJsonAsync(client, "/healthz");
        Assert.Equal(HttpStatusCode.OK, health);
        Assert.Equal("ok", healthBody.RootElement.GetProperty("status").GetString());

        var (ready, readyBody) = await GetJsonAsync(client, "/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready);
        Assert.Equal("not_ready", readyBody.RootElement.GetProperty("status").GetString());
        Assert.Equal("building the demo store", readyBody.RootElement.GetProperty("reason").GetString());
        var check = readyBody.RootElement.GetProperty("checks").GetProperty("demoBuild");
        Assert.False(check.GetProperty("ok").GetBoolean());
        Assert.Equal("building", check.GetProperty("phase").GetString());

        // The aggregator has not read the store: no snapshot, no recompute of a store that is not built yet.
        var aggregator = app.Services.GetRequiredService<MetricsAggregator>();
        Assert.Equal(0, aggregator.Current.Version);
        Assert.Equal(0, aggregator.Recomputes);

        release.SetResult();
        await build.WhenSettledAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(DemoBuildPhase.Built, build.Current.Phase);
        Assert.True(build.Current.EventsWritten > 0);
        // The aggregator's own first tick runs now; this one (serialised with it) makes sure a snapshot is there.
        await aggregator.TickAsync();

        var (after, afterBody) = await GetJsonAsync(client, "/readyz");
        Assert.True(after == HttpStatusCode.OK, afterBody.RootElement.GetRawText());
        Assert.Equal(JsonValueKind.Null, afterBody.RootElement.GetProperty("reason").ValueKind);
        Assert.False(afterBody.RootElement.GetProperty("checks").TryGetProperty("demoBuild", out _));
        Assert.True(afterBody.RootElement.GetProperty("checks").GetProperty("demo").GetBoolean());
        Assert.True(aggregator.Current.Demo);
        Assert.NotEqual(0, aggregator.Current.Slo("availability")!.Total);
    }

    [Fact]
    public async Task A_failed_build_is_reported_and_the_aggregator_goes_on_with_the_store_as_it_is()
    {
        var build = new DemoBuild(NullLogger<DemoBuild>.Instance) { Hold = _ => Task.FromException(new IOException("disk full")) };
        await using var app = new DashboardAppFactory(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "1" })
        {
            TestServices = services => services.AddSingleton(build),
        };
        using var client = app.CreateAnonymousClient();

        var (status, body) = await GetJsonAsync(client, "/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("building the demo store failed: disk full", body.RootElement.GetProperty("reason").GetString());
        Assert.Equal("failed", body.RootElement.GetProperty("checks").GetProperty("demoBuild").GetProperty("phase").GetString());
        await app.Services.GetRequiredService<MetricsAggregator>().TickAsync();
        Assert.False(app.Services.GetRequiredService<MetricsAggregator>().Current.Demo);
    }

    [Fact]
    public async Task Stopping_during_the_build_stops_it_without_waiting_for_it()
    {
        var build = new DemoBuild(NullLogger<DemoBuild>.Instance) { Hold = ct => Task.Delay(Timeout.Infinite, ct) };
        var app = new DashboardAppFactory(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "1" })
        {
            AwaitDemoBuild = false,
            TestServices = services => services.AddSingleton(build),
        };
        using (var client = app.CreateAnonymousClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        }

        await app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(DemoBuildPhase.Failed, build.Current.Phase);
        Assert.Equal("stopped before the demo store was built", build.Current.Error);
    }

    [Fact]
    public async Task A_loop_that_acts_on_the_metrics_starts_once_the_build_has_settled()
    {
        var build = new DemoBuild(NullLogger<DemoBuild>.Instance);
        build.Begin();
        var inner = new RecordingService();
        var later = new AfterDemoBuild<RecordingService>(build, inner, NullLogger<AfterDemoBuild<RecordingService>>.Instance);

        await later.StartAsync(CancellationToken.None);
        Assert.False(inner.Started.Task.IsCompleted);

        await build.CompleteAsync(built: true);
        await inner.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await later.StopAsync(CancellationToken.None);
        Assert.True(inner.Stopped);
    }

    private sealed class RecordingService : Microsoft.Extensions.Hosting.IHostedService
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Stopped { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Stopped = true;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Without_demo_data_nothing_is_built_and_nothing_waits()
    {
        await using var app = new DashboardAppFactory();
        using var client = app.CreateAnonymousClient();

        var (status, body) = await GetJsonAsync(client, "/readyz");

        Assert.Equal(DemoBuildPhase.None, app.Services.GetRequiredService<DemoBuild>().Current.Phase);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status); // an empty store: no events, honestly not ready
        Assert.Equal("the store holds no events", body.RootElement.GetProperty("reason").GetString());
        Assert.False(body.RootElement.GetProperty("checks").TryGetProperty("demoBuild", out _));
    }
}
