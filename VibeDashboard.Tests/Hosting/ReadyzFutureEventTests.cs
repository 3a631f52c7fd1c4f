using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Ingestion;
using VibeDashboard.Model;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hosting;

/// <summary>An event dated after now has not happened yet: it must not make stale data look fresh on /readyz or the pages.</summary>
public sealed class ReadyzFutureEventTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 17, 12, TimeSpan.Zero);

    [Fact]
    public async Task A_row_dated_ahead_does_not_silence_the_stale_data_warning()
    {
        var time = new FakeTimeProvider(Now);
        await using var app = new DashboardAppFactory(new Dictionary<string, string?> { ["Health:MaxDataAge"] = "00:30:00" }, time);
        using var client = app.CreateClient();
        // 40 minutes old (stale), and one probe 3 minutes ahead: inside Ingestion:MaxFutureSkew, so imported.
        var dump = Path.Combine(app.Directory, "ahead.sql");
        await File.WriteAllTextAsync(dump, WranglerDump.OpsEvents(
        [
            WranglerDump.Probe("old", Now.AddMinutes(-40), ok: true),
            WranglerDump.Probe("ahead", Now.AddMinutes(3), ok: true),
        ]));
        var result = await app.Services.GetRequiredService<Importer>().ImportFileAsync(dump);
        Assert.True(result.Succeeded, result.Record.Error);

        var response = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using (var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            var freshness = body.RootElement.GetProperty("checks").GetProperty("freshness");
            Assert.False(freshness.GetProperty("ok").GetBoolean());
            Assert.Equal(Now.AddMinutes(-40), freshness.GetProperty("newestEvent").GetDateTimeOffset());
        }

        var monitor = app.Services.GetRequiredService<StoreStatusMonitor>();
        await monitor.RefreshAsync();
        Assert.Equal(Now.AddMinutes(-40), monitor.Current.NewestEvent);

        // Once its time has come, the row is the newest event and the data is fresh.
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        await monitor.RefreshAsync();
        Assert.Equal(Now.AddMinutes(3), monitor.Current.NewestEvent);
    }
}
