using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Ingestion;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hosting;

public sealed class HealthEndpointTests
{
    // The newest event of vibesdk-full.sql is evt_0060; the clock starts a minute after the fixture's events.
    private static async Task<DateTimeOffset> NewestFixtureEventAsync()
    {
        await using var temp = new TempStore();
        await temp.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        return (await temp.Store.NewestEventAsync())!.Value;
    }

    [Fact]
    public async Task Healthz_answers_while_the_process_is_up()
    {
        await using var app = new DashboardAppFactory();
        using var client = app.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_follows_data_freshness_and_the_last_import()
    {
        var newest = await NewestFixtureEventAsync();
        var time = new FakeTimeProvider(newest.AddMinutes(1));
        await using var app = new DashboardAppFactory(new Dictionary<string, string?> { ["Health:MaxDataAge"] = "00:30:00" }, time);
        using var client = app.CreateClient();
        var importer = app.Services.GetRequiredService<Importer>();

        var empty = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, empty.StatusCode);

        await importer.ImportFileAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using (var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()))
        {
            Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
            Assert.Equal(60, body.RootElement.GetProperty("checks").GetProperty("freshness").GetProperty("ageSeconds").GetDouble());
        }

        var hostile = Path.Combine(app.Directory, "hostile.sql");
        await File.WriteAllTextAsync(hostile, "PRAGMA defer_foreign_keys=TRUE;\nPRAGMA writable_schema=ON;");
        await importer.ImportFileAsync(hostile);
        var rejected = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.StatusCode);
        using (var body = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync()))
        {
            var lastImport = body.RootElement.GetProperty("checks").GetProperty("lastImport");
            Assert.False(lastImport.GetProperty("ok").GetBoolean());
            Assert.Contains("line 2", lastImport.GetProperty("error").GetString());
            // Anyone may read /readyz: where the export was rejected, never what it holds.
            Assert.DoesNotContain("writable_schema", lastImport.GetProperty("error").GetString());
        }

        await importer.ImportFileAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        time.Advance(TimeSpan.FromMinutes(45));
        var stale = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stale.StatusCode);
        using (var body = JsonDocument.Parse(await stale.Content.ReadAsStringAsync()))
        {
            Assert.False(body.RootElement.GetProperty("checks").GetProperty("freshness").GetProperty("ok").GetBoolean());
        }
    }
}
