using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Storage;

namespace VibeDashboard.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is up (it answers from the first moment the server listens, also while the demo
/// store is still being built). <c>/readyz</c>: no demo store is being built, the store opens, the last import
/// succeeded, the data is fresh and the aggregator has published a snapshot and its last tick succeeded.
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

    private static async Task<IResult> ReadyAsync(HttpContext context, StoreRepository store, ImportHistoryRepository history, DemoBuild demoBuild, IOptions<HealthOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, object?>();
        var ready = true;
        var now = time.GetUtcNow();
        string? reason = null;

        // Start-up builds the demo store in the background: until it commits the store holds nothing to serve.
        var build = demoBuild.Current;
        if (build.Phase is DemoBuildPhase.Building or DemoBuildPhase.Failed)
        {
            checks["demoBuild"] = new { ok = false, phase = build.Phase.ToString().ToLowerInvariant(), eventsWritten = build.EventsWritten, reason = build.Describe() };
            ready = false;
            reason = build.Describe();
        }

        try
        {
            // An event dated after now has not happened yet (the aggregator waits for its time too): it must not pass
            // for fresh data, or a row a month ahead would silence the stale warning for a month.
            var newest = await store.NewestEventAsync(cancellationToken, now);
            var last = (await history.ListAsync(1, cancellationToken)).FirstOrDefault();
            checks["store"] = new { ok = true };

            // A held export (it would empty or halve a table) waits for an operator; the data served is still whole.
            var importOk = last is null || last.Succeeded || last.Held;
            reason ??= importOk ? null : "the last import did not succeed";
            checks["lastImport"] = last is null
                ? new { ok = true, outcome = (string?)null, error = (string?)null, at = (DateTimeOffset?)null }
                : new { ok = importOk, outcome = (string?)last.Outcome, error = PublicError(last), at = (DateTimeOffset?)last.StartedAtUtc };
            ready &= importOk;

            var age = newest is null ? (TimeSpan?)null : now - newest.Value;
            var fresh = age is not null && age <= options.Value.MaxDataAge;
            checks["freshness"] = new { ok = fresh, newestEvent = newest, ageSeconds = age?.TotalSeconds, maxAgeSeconds = options.Value.MaxDataAge.TotalSeconds };
            ready &= fresh;
            reason ??= fresh ? null : newest is null ? "the store holds no events" : "the newest event is older than Health:MaxDataAge";
            checks["demo"] = await store.IsDemoAsync(cancellationToken);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            checks["store"] = new { ok = false, error = e.Message };
            ready = false;
            reason ??= "the store cannot be read";
        }

        // The aggregator (absent in hosts without it): a failing tick means the pages show old numbers.
        if (context.RequestServices.GetService<IMetricsFeed>() is { } feed)
        {
            var snapshot = feed.Current;
            var failure = snapshot.Failure;
            // Before its first snapshot (the first recompute, right after start or the demo's build) pages have no numbers.
            var published = snapshot.Version > 0;
            checks["aggregation"] = new
            {
                ok = failure is null && published,
                error = failure?.Error,
                since = failure?.Since,
                snapshotAt = snapshot.Version > 0 ? snapshot.GeneratedAt : (DateTimeOffset?)null,
                skippedValues = snapshot.SkippedValues,
            };
            ready &= failure is null && published;
            reason ??= failure is not null ? "aggregation fails" : published ? null : "computing the first snapshot";
        }

        return Results.Json(new { status = ready ? "ready" : "not_ready", reason, checks }, statusCode: ready ? 200 : 503);
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
