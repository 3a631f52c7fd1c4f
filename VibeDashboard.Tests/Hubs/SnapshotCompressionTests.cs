using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hubs;

/// <summary><c>GET /api/snapshot</c>: compressed for a client that accepts br or gzip, plain for one that does not, with its version as ETag.</summary>
public sealed class SnapshotCompressionTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task A_client_that_accepts_compression_gets_the_same_snapshot_compressed(string encoding)
    {
        await HubTopicFixtures.ProbesAsync(_app, 3);
        using var client = await _app.CreateClientAsAsync(DashboardRole.Viewer);
        var plain = await client.GetByteArrayAsync("/api/snapshot");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/snapshot");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        var compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < plain.Length / 2, $"{compressed.Length} bytes compressed of {plain.Length}");
        await using Stream decompressing = encoding == "br"
            ? new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var json = await JsonDocument.ParseAsync(decompressing);
        Assert.Equal(_app.Services.GetRequiredService<IMetricsFeed>().Current.Version, json.RootElement.GetProperty("version").GetInt64());
        Assert.Equal(JsonDocument.Parse(plain).RootElement.GetRawText(), json.RootElement.GetRawText());
    }

    [Fact]
    public async Task A_client_that_asks_for_no_compression_gets_plain_json_and_its_etag_answers_304_until_the_version_moves()
    {
        await HubTopicFixtures.ProbesAsync(_app);
        using var client = await _app.CreateClientAsAsync(DashboardRole.Viewer);

        using var response = await client.GetAsync("/api/snapshot");

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var version = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetInt64();
        Assert.Equal($"W/\"{version}\"", response.Headers.ETag!.ToString());

        using var unchanged = new HttpRequestMessage(HttpMethod.Get, "/api/snapshot");
        unchanged.Headers.IfNoneMatch.Add(response.Headers.ETag);
        using var notModified = await client.SendAsync(unchanged);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        await HubTopicFixtures.ProbesAsync(_app);
        using var moved = new HttpRequestMessage(HttpMethod.Get, "/api/snapshot");
        moved.Headers.IfNoneMatch.Add(response.Headers.ETag);
        using var newer = await client.SendAsync(moved);
        Assert.Equal(HttpStatusCode.OK, newer.StatusCode);

        using var anonymous = await _app.CreateAnonymousClient().GetAsync("/api/snapshot");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
