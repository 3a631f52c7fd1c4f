using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hosting;

/// <summary>
/// What a browser's first visit fetches before Blazor starts: at most six files (its connections per host over
/// HTTP/1.1, so one round of requests), each compressed and, fingerprinted, cacheable for a year; MudBlazor's 627 KB
/// stylesheet among them, which its package's fingerprinted URL sent at full size.
/// </summary>
public sealed partial class StaticAssetsTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_pages_start_waits_for_six_files_each_compressed_and_cacheable()
    {
        using var client = await _app.CreateClientAsAsync(DashboardRole.Viewer);
        var document = await client.GetStringAsync("/");

        // Stylesheets and classic scripts hold up the start; module scripts and the dynamic theme are not static files.
        var stylesheets = Stylesheet().Matches(document).Select(m => m.Groups[1].Value).ToList();
        var scripts = ClassicScript().Matches(document).Select(m => m.Groups[1].Value).ToList();
        Assert.DoesNotMatch(ModuleScript(), document);
        Assert.True(stylesheets.Count + scripts.Count <= 6, $"{stylesheets.Count + scripts.Count} files: {string.Join(", ", stylesheets.Concat(scripts))}");
        Assert.Contains(stylesheets, s => s.Contains("MudBlazor.min", StringComparison.Ordinal));
        Assert.Contains(".vd-svg-icon", document, StringComparison.Ordinal); // app.css, inline

        foreach (var file in stylesheets.Concat(scripts).Where(f => f != "theme.css"))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/" + file);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Content.Headers.ContentEncoding.Contains("gzip"), $"{file} went out uncompressed");
            Assert.Contains("immutable", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
            if (file.Contains("MudBlazor.min", StringComparison.Ordinal) && file.EndsWith(".css", StringComparison.Ordinal))
            {
                var bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
                Assert.True(bytes < 100_000, $"{file}: {bytes} bytes on the wire");
            }
        }
    }

    [GeneratedRegex(""""<link rel="stylesheet" href="([^"]+)"""")]
    private static partial Regex Stylesheet();

    [GeneratedRegex("""<script src="([^"]+)"(?: autostart="false")?></script>""")]
    private static partial Regex ClassicScript();

    [GeneratedRegex("<script type=\"module")]
    private static partial Regex ModuleScript();
}
