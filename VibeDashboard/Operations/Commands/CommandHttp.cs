using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace VibeDashboard.Operations.Commands;

/// <summary>
/// The HTTP face of a command, shared by every mutating endpoint: the version it expects from <c>If-Match: "n"</c>,
/// its <c>Idempotency-Key</c>, and the answer for its <see cref="CommandResult{TResult}"/>:
/// 200 (201 for a create) with the value and <c>ETag: "version"</c>; 400 problem JSON naming what was wrong; 401; 403;
/// 404 when the target does not exist; 409 <c>{"error": …, "currentVersion": n}</c>. A replayed result carries
/// <c>Idempotent-Replayed: true</c>.
/// </summary>
public static class CommandHttp
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The request's <c>Idempotency-Key</c>, or null when it sent none (the pipeline checks its length).</summary>
    public static string? IdempotencyKey(HttpRequest request) =>
        request.Headers.TryGetValue(IdempotencyKeyHeader, out var values) && values.Count > 0 ? values.ToString().Trim() : null;

    /// <summary>
    /// The version the caller saw, from <c>If-Match: "n"</c> (a weak <c>W/"n"</c> and a bare <c>n</c> are taken too).
    /// No header: <paramref name="version"/> is null (no check). False with <paramref name="error"/> when it is not a version.
    /// </summary>
    public static bool TryExpectedVersion(HttpRequest request, out long? version, out string? error)
    {
        version = null;
        error = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return true;
        }

        var text = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            version = n;
            return true;
        }

        error = $"If-Match: '{header}' is not a version; send the version you read, in quotes: If-Match: \"3\"";
        return false;
    }

    /// <summary>The 400 for a request that never became a command (a malformed header or body).</summary>
    /// <summary>
    /// A 400 for a request refused before it became a command (a body that is not JSON, a field of the wrong type):
    /// audited like any refused command, under the route's <see cref="AuditedRoute"/>, then answered.
    /// </summary>
    public static async Task<IResult> RefusedAsync(HttpContext context, ICommandPipeline pipeline, string detail)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AuditedRoute>() is { } route)
        {
            var target = route.TargetRouteValue is { } key ? RouteValue(context.GetRouteValue(key)?.ToString()) : "";
            await pipeline.RecordRejectedAsync(route.Action, route.TargetType, target, Access.DashboardPrincipal.ActorOf(context), CommandOutcome.Invalid, detail, context.RequestAborted);
        }

        return BadRequest(detail);
    }

    /// <summary>
    /// A route value as sent: routing decodes every escape in a path segment except <c>%2F</c>, which would otherwise
    /// stay literal (a provider group named <c>/admins</c> is sent as <c>%2Fadmins</c>).
    /// </summary>
    public static string RouteValue(string? value) => (value ?? "").Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    /// <summary>
    /// The answer for a command's result. <paramref name="body"/> shapes the success value (default: the value
    /// itself); <paramref name="createdLocation"/> makes a success 201 Created at that location.
    /// </summary>
    public static IResult ToHttp<TResult>(CommandResult<TResult> result, Func<TResult?, object?>? body = null, string? createdLocation = null)
    {
        IResult inner = result.Outcome switch
        {
            CommandOutcome.Ok when createdLocation is not null => TypedResults.Json(body is null ? result.Value : body(result.Value), CommandJson.Options, statusCode: StatusCodes.Status201Created),
            CommandOutcome.Ok => TypedResults.Json(body is null ? result.Value : body(result.Value), CommandJson.Options),
            CommandOutcome.Denied when result.Unauthenticated => TypedResults.Problem(detail: result.Error, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized"),
            CommandOutcome.Denied => TypedResults.Problem(detail: result.Error, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
            CommandOutcome.Invalid when result.NotFound => TypedResults.Problem(detail: result.Error, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            CommandOutcome.Invalid => TypedResults.Problem(detail: result.Error, statusCode: StatusCodes.Status400BadRequest, title: "Bad request"),
            CommandOutcome.Conflict => TypedResults.Json(new ConflictBody(result.Error ?? "conflict", result.CurrentVersion), CommandJson.Options, statusCode: StatusCodes.Status409Conflict),
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Outcome, null),
        };

        var headers = new List<KeyValuePair<string, string>>();
        if (result.Outcome is CommandOutcome.Ok or CommandOutcome.Conflict && result.CurrentVersion is { } version)
        {
            headers.Add(new(HeaderNames.ETag, $"\"{version.ToString(CultureInfo.InvariantCulture)}\""));
        }

        if (result.Succeeded && createdLocation is not null)
        {
            headers.Add(new(HeaderNames.Location, createdLocation));
        }

        if (result.Replayed)
        {
            headers.Add(new(ReplayedHeader, "true"));
        }

        return headers.Count == 0 ? inner : new WithHeaders(inner, headers);
    }

    /// <summary>409's body: what changed and the version to read again.</summary>
    public sealed record ConflictBody(string Error, long? CurrentVersion);

    private sealed class WithHeaders(IResult inner, IReadOnlyList<KeyValuePair<string, string>> headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            foreach (var (name, value) in headers)
            {
                httpContext.Response.Headers[name] = value;
            }

            return inner.ExecuteAsync(httpContext);
        }
    }
}
