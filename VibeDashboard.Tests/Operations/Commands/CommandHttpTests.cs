using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Tests.Operations.Commands;

public sealed class CommandHttpTests
{
    private static async Task<(int Status, IHeaderDictionary Headers, JsonElement? Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        var text = System.Text.Encoding.UTF8.GetString(body.ToArray());
        return (context.Response.StatusCode, context.Response.Headers, text.Length == 0 ? null : JsonDocument.Parse(text).RootElement);
    }

    private static HttpRequest WithIfMatch(string? value)
    {
        var context = new DefaultHttpContext();
        if (value is not null)
        {
            context.Request.Headers.IfMatch = value;
        }

        return context.Request;
    }

    [Theory]
    [InlineData("\"3\"", 3L)]
    [InlineData("W/\"4\"", 4L)]
    [InlineData("5", 5L)]
    public void If_match_carries_the_expected_version(string header, long expected)
    {
        Assert.True(CommandHttp.TryExpectedVersion(WithIfMatch(header), out var version, out _));
        Assert.Equal(expected, version);
    }

    [Fact]
    public void No_if_match_means_no_version_check_and_a_malformed_one_is_named()
    {
        Assert.True(CommandHttp.TryExpectedVersion(WithIfMatch(null), out var none, out _));
        Assert.Null(none);
        Assert.False(CommandHttp.TryExpectedVersion(WithIfMatch("\"abc\""), out _, out var error));
        Assert.StartsWith("If-Match:", error);
    }

    [Fact]
    public void The_idempotency_key_header_is_read_trimmed()
    {
        var context = new DefaultHttpContext();
        Assert.Null(CommandHttp.IdempotencyKey(context.Request));
        context.Request.Headers[CommandHttp.IdempotencyKeyHeader] = " abc ";
        Assert.Equal("abc", CommandHttp.IdempotencyKey(context.Request));
    }

    [Fact]
    public async Task Ok_is_200_with_the_value_and_its_version_as_etag()
    {
        var (status, headers, body) = await ExecuteAsync(CommandHttp.ToHttp(new CommandResult<Note>(CommandOutcome.Ok, new Note("a", "x", 2), null, 2, 7)));

        Assert.Equal(200, status);
        Assert.Equal("\"2\"", headers.ETag.ToString());
        Assert.Equal("x", body!.Value.GetProperty("text").GetString());
        Assert.False(headers.ContainsKey(CommandHttp.ReplayedHeader));
    }

    [Fact]
    public async Task A_create_is_201_at_its_location_and_a_replay_says_so()
    {
        var (status, headers, body) = await ExecuteAsync(CommandHttp.ToHttp(
            new CommandResult<Note>(CommandOutcome.Ok, new Note("a", "x", 1), null, 1, 7, Replayed: true), v => new { id = v!.Id }, createdLocation: "/api/notes/a"));

        Assert.Equal(201, status);
        Assert.Equal("/api/notes/a", headers.Location.ToString());
        Assert.Equal("true", headers[CommandHttp.ReplayedHeader].ToString());
        Assert.Equal("a", body!.Value.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_conflict_is_409_with_the_error_and_the_current_version()
    {
        var (status, _, body) = await ExecuteAsync(CommandHttp.ToHttp(new CommandResult<Note>(CommandOutcome.Conflict, null, "note a is at version 3, not 2", 3, 8)));

        Assert.Equal(409, status);
        Assert.Equal("note a is at version 3, not 2", body!.Value.GetProperty("error").GetString());
        Assert.Equal(3, body.Value.GetProperty("currentVersion").GetInt64());
    }

    [Theory]
    [InlineData(CommandOutcome.Denied, true, false, 401)]
    [InlineData(CommandOutcome.Denied, false, false, 403)]
    [InlineData(CommandOutcome.Invalid, false, true, 404)]
    [InlineData(CommandOutcome.Invalid, false, false, 400)]
    public async Task Refusals_are_problem_json_naming_what_was_wrong(CommandOutcome outcome, bool unauthenticated, bool notFound, int expected)
    {
        var (status, _, body) = await ExecuteAsync(CommandHttp.ToHttp(
            new CommandResult<Note>(outcome, null, "text: must not be empty", null, 9, NotFound: notFound, Unauthenticated: unauthenticated)));

        Assert.Equal(expected, status);
        Assert.Equal("text: must not be empty", body!.Value.GetProperty("detail").GetString());
    }
}
