using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Storage;

namespace VibeDashboard.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is up. <c>/readyz</c>: the store opens, the last import succeeded, the data is
/// fresh and the aggregator's last tick succeeded.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // HEAD too: load balancers probe with it, and an unmatched method would fall to the sign-in redirect.
        endpoints.MapMethods("/healthz", [HttpMethods.Get, HttpMethods.Head], (TimeProvider time) => Results.Json(new { status = "ok", time = time.GetUtcNow() })).AllowAnonymous();
        endpoints.MapMethods("/readyz", [HttpMethods.Get, HttpMethods.Head], ReadyAsync).AllowAnonymous();
        return endpoints;
    }

    private static async Task<IResult> ReadyAsync(HttpContext context, StoreRepository store, ImportHistoryRepository history, IOptions<HealthOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, object?>();
        var ready = true;
        var now = time.GetUtcNow();
        try
        {
            // An event dated after now has not happened yet (the aggregator waits for its time too): it must not pass
            // for fresh data, or a row a month ahead would silence the stale warning for a month.
            var newest = await store.NewestEventAsync(cancellationToken, now);
            var last = (await history.ListAsync(1, cancellationToken)).FirstOrDefault();
            checks["store"] = new { ok = true };

            // A held export (it would empty or halve a table) waits for an operator; the data served is still whole.
            var importOk = last is null || last.Succeeded || last.Held;
            checks["lastImport"] = last is null
                ? new { ok = true, outcome = (string?)null, error = (string?)null, at = (DateTimeOffset?)null }
                : new { ok = importOk, outcome = (string?)last.Outcome, error = PublicError(last), at = (DateTimeOffset?)last.StartedAtUtc };
            ready &= importOk;

            var age = newest is null ? (TimeSpan?)null : now - newest.Value;
            var fresh = age is not null && age <= options.Value.MaxDataAge;
            checks["freshness"] = new { ok = fresh, newestEvent = newest, ageSeconds = age?.TotalSeconds, maxAgeSeconds = options.Value.MaxDataAge.TotalSeconds };
            ready &= fresh;
            checks["demo"] = await store.IsDemoAsync(cancellationToken);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            checks["store"] = new { ok = false, error = e.Message };
            ready = false;
        }

        // The aggregator (absent in hosts without it): a failing tick means the pages show old numbers.
        if (context.RequestServices.GetService<IMetricsFeed>() is { } feed)
        {
            var snapshot = feed.Current;
            var failure = snapshot.Failure;
            checks["aggregation"] = new
            {
                ok = failure is null,
                error = failure?.Error,
                since = failure?.Since,
                snapshotAt = snapshot.Version > 0 ? snapshot.GeneratedAt : (DateTimeOffset?)null,
                skippedValues = snapshot.SkippedValues,
            };
            ready &= failure is null;
        }

        return Results.Json(new { status = ready ? "ready" : "not_ready", checks }, statusCode: ready ? 200 : 503);
    }

    /// <summary>
    /// /readyz answers anyone: a rejection's reason quotes the export (a few characters at the error), so only where
    /// it was is published here; the reason itself is on the Imports page. A failure's reason is about the store.
    /// </summary>
    private static string? PublicError(ImportRecord record) => record.Outcome switch
    {
        nameof(ImportOutcome.Rejected) => record.ErrorLine is { } line
            ? $"rejected at line {line.ToString(System.Globalization.CultureInfo.InvariantCulture)} (the reason is on the Imports page)"
            : "rejected (the reason is on the Imports page)",
        nameof(ImportOutcome.Held) => "held: it would empty or halve a table (see the Imports page)",
        _ => record.Error,
    };
}
