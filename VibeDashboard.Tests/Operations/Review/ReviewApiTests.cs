using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Ingestion;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Review;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Review;

/// <summary>
/// <c>/api/review…</c> on the real host: a small store with events from mid-September to "now" (10 November), so
/// October is complete, November partial and anything before September before the data. The numbers themselves are
/// the builder's tests'; these are about addresses, status codes, content types and roles.
/// </summary>
public sealed class ReviewApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);

    private readonly DashboardAppFactory _app = new(time: new FakeTimeProvider(Now));
    private HttpClient _viewer = null!;

    public async Task InitializeAsync()
    {
        // Signing the viewer in starts the host, which creates the test's directory for the dump.
        _viewer = await _app.CreateClientAsAsync(DashboardRole.Viewer);
        var start = new DateTimeOffset(2026, 9, 15, 0, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, 56).SelectMany(day =>
        {
            var at = start.AddDays(day).AddHours(9);
            return new[]
            {
                WranglerDump.Probe($"probe-{day}", at, ok: day % 7 != 3),
                WranglerDump.LlmCall($"llm-{day}", at.AddMinutes(5), "anthropic", ok: day % 5 != 0),
                new DumpEvent($"gen-{day}", at.AddMinutes(1), "agent", "generation_started", "ok", AppId: $"app-{day}"),
            };
        });
        var dump = Path.Combine(_app.Directory, "review.sql");
        await File.WriteAllTextAsync(dump, WranglerDump.OpsEvents(events));
        var result = await _app.Services.GetRequiredService<Importer>().ImportFileAsync(dump);
        Assert.True(result.Succeeded, result.Record.Error);
    }

    public async Task DisposeAsync()
    {
        _viewer.Dispose();
        await _app.DisposeAsync();
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text;
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var node = JsonNode.Parse(await BodyAsync(response, status))!;
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        return node["detail"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_month_is_json_with_every_section()
    {
        using var response = await _viewer.GetAsync("/api/review/2026-10");
        var body = JsonNode.Parse(await BodyAsync(response, HttpStatusCode.OK))!.AsObject();

        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("2026-10", body["month"]!.GetValue<string>());
        Assert.Equal("complete", body["coverage"]!["state"]!.GetValue<string>());
        foreach (var section in new[] { "incidents", "slos", "spend", "routing", "rollouts", "followUps", "retire" })
        {
            Assert.True(body[section] is not null, $"{section} missing");
        }

        // 31 days of the daily generation in October, as the builder counts them.
        Assert.Equal(31, body["spend"]!["generations"]!.GetValue<long>());
        var review = JsonSerializer.Deserialize<MonthlyReview>(body.ToJsonString(), ReviewJson.Options)!;
        Assert.Equal(new ReviewMonth(2026, 10), review.Month);
        Assert.True(review.HasData);
    }

    [Fact]
    public async Task The_bare_address_is_the_last_complete_month_and_says_which()
    {
        using var response = await _viewer.GetAsync("/api/review");
        var body = JsonNode.Parse(await BodyAsync(response, HttpStatusCode.OK))!;

        Assert.Equal("2026-10", body["month"]!.GetValue<string>());
        Assert.Equal("/api/review/2026-10", response.Content.Headers.ContentLocation?.ToString());
    }

    [Fact]
    public async Task The_month_in_progress_is_partial_and_one_before_the_data_says_so_without_sections()
    {
        var current = JsonNode.Parse(await BodyAsync(await _viewer.GetAsync("/api/review/2026-11"), HttpStatusCode.OK))!;
        Assert.Equal("partial", current["coverage"]!["state"]!.GetValue<string>());
        Assert.Equal(Now, current["to"]!.GetValue<DateTimeOffset>());

        var before = JsonNode.Parse(await BodyAsync(await _viewer.GetAsync("/api/review/2026-08"), HttpStatusCode.OK))!;
        Assert.Equal("before_data", before["coverage"]!["state"]!.GetValue<string>());
        Assert.Contains("2026-08 ended before it", before["coverage"]!["reason"]!.GetValue<string>());
        Assert.Null(before["incidents"]);
        Assert.Null(before["spend"]);
    }

    [Fact]
    public async Task Markdown_is_text_markdown_in_utf8()
    {
        using var response = await _viewer.GetAsync("/api/review/2026-10.md");
        var text = await BodyAsync(response, HttpStatusCode.OK);

        Assert.Equal("text/markdown; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("review-2026-10.md", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.StartsWith("# Monthly review 2026-10\n", text);
        Assert.Contains("\n## SLO attainment\n", text);
        Assert.Contains("\n## Retire candidates\n", text);
        // The arrow of the period line survives the trip: the body is UTF-8 as the header says.
        Assert.Contains("2026-10-01 00:00 → 2026-11-01 00:00 UTC", text);
    }

    [Fact]
    public async Task Every_section_is_a_csv_attachment_with_its_header()
    {
        foreach (var section in ReviewSections.All)
        {
            using var response = await _viewer.GetAsync($"/api/review/2026-10/{section.Name()}.csv");
            var text = await BodyAsync(response, HttpStatusCode.OK);

            Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal($"review-2026-10-{section.Name()}.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
            Assert.Equal(string.Join(',', ReviewExport.CsvHeaders[section]), text.Split('\n')[0].TrimEnd('\r'));
        }

        var weeks = await BodyAsync(await _viewer.GetAsync("/api/review/2026-10/spend_weeks.csv"), HttpStatusCode.OK);
        Assert.Contains("\n2026-10,2026-W40,", weeks.Replace("\r\n", "\n"));
    }

    [Theory]
    [InlineData("/api/review/2026-13", "'2026-13'")]
    [InlineData("/api/review/garbage", "'garbage'")]
    [InlineData("/api/review/2026-1", "'2026-1'")]
    [InlineData("/api/review/26-10", "'26-10'")]
    [InlineData("/api/review/2026-13.md", "'2026-13'")]
    [InlineData("/api/review/1999-12", "'1999-12'")]
    [InlineData("/api/review/oct/incidents.csv", "'oct'")]
    public async Task A_bad_month_is_a_400_naming_it(string path, string named)
    {
        var detail = await ProblemAsync(await _viewer.GetAsync(path), HttpStatusCode.BadRequest);
        Assert.Contains(named, detail);
    }

    [Theory]
    [InlineData("/api/review/2026-10/bogus.csv", "'bogus.csv'")]
    [InlineData("/api/review/2026-10/incidents", "'incidents'")]
    [InlineData("/api/review/2026-10/Incidents.csv", "'Incidents.csv'")]
    [InlineData("/api/review/2026-10/incidents.json", "'incidents.json'")]
    public async Task An_unknown_section_is_a_404_naming_the_sections(string path, string named)
    {
        var detail = await ProblemAsync(await _viewer.GetAsync(path), HttpStatusCode.NotFound);
        Assert.Contains(named, detail);
        Assert.All(ReviewSections.All, section => Assert.Contains(section.Name(), detail));
    }

    [Fact]
    public async Task An_unknown_format_is_a_404_naming_the_ones_there_are()
    {
        var detail = await ProblemAsync(await _viewer.GetAsync("/api/review/2026-10.xml"), HttpStatusCode.NotFound);
        Assert.Contains("'xml'", detail);
        Assert.Contains("/api/review/2026-10.md", detail);
        Assert.Contains("/api/review/2026-10/{section}.csv", detail);
    }

    [Fact]
    public async Task Without_credentials_the_api_is_401_and_the_page_sends_to_sign_in()
    {
        using var anonymous = _app.CreateAnonymousClient();
        foreach (var path in new[] { "/api/review", "/api/review/2026-10", "/api/review/2026-10.md", "/api/review/2026-10/incidents.csv", "/api/review/garbage" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        }

        using var page = await anonymous.GetAsync("/review/2026-10");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        var location = new Uri(new Uri("http://localhost"), page.Headers.Location!).PathAndQuery;
        Assert.StartsWith("/login?returnUrl=", location);
    }
}
