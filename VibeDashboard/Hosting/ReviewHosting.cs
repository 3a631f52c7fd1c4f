using Microsoft.Extensions.DependencyInjection.Extensions;
using VibeDashboard.Model;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Review;

namespace VibeDashboard.Hosting;

/// <summary>
/// The monthly review (Operations/Review): the builder, cached per closed month, and its exports for viewers.
/// <c>GET /api/review</c> is the default month (the last complete one); <c>GET /api/review/{yyyy-MM}</c> the JSON
/// (<see cref="ReviewJson.Options"/>), <c>…/{yyyy-MM}.md</c> the Markdown report and
/// <c>…/{yyyy-MM}/{section}.csv</c> one section as CSV. A month that is not <c>yyyy-MM</c> is a 400 naming the value;
/// an unknown section or format a 404 naming what there is. A month without data is still a 200: its coverage says
/// why (the Markdown gives the reason, a CSV only its header). Needs the store and the SLO options registered.
/// </summary>
public static class ReviewHosting
{
    public const string ReviewPath = ReviewFormat.ApiPath;

    public static IServiceCollection AddVibeDashboardReview(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MonthlyReviewBuilder>();
        services.AddSingleton<IMonthlyReviews, StoredMonthlyReviews>();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardReview(this IEndpointRouteBuilder endpoints)
    {
        // One route per depth, each parsing its own suffix: "2026-10.md" and "2026-10" are the same segment to the
        // router, and a handler that reads the suffix cannot lose a precedence contest or 404 a typo silently.
        endpoints.MapGet(ReviewPath, DefaultAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet(ReviewPath + "/{month}", MonthAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet(ReviewPath + "/{month}/{file}", SectionAsync).RequireAuthorization(AccessPolicies.Viewer);
        return endpoints;
    }

    /// <summary>The default month's JSON, with <c>Content-Location</c> naming the month it is (a bookmarkable address).</summary>
    private static async Task<IResult> DefaultAsync(HttpContext context, IMonthlyReviews reviews, CancellationToken cancellationToken)
    {
        var month = reviews.DefaultMonth;
        var review = await reviews.BuildAsync(month, cancellationToken);
        context.Response.Headers.ContentLocation = ReviewFormat.Json(month);
        return Results.Json(review, ReviewJson.Options);
    }

    private static async Task<IResult> MonthAsync(string month, HttpContext context, IMonthlyReviews reviews, CancellationToken cancellationToken)
    {
        var text = CommandHttp.RouteValue(month);
        var dot = text.LastIndexOf('.');
        var format = dot < 0 ? "json" : text[(dot + 1)..];
        if (!ReviewMonth.TryParse(dot < 0 ? text : text[..dot], out var parsed, out var error))
        {
            return CommandHttp.BadRequest(error);
        }

        switch (format)
        {
            case "json":
                return Results.Json(await reviews.BuildAsync(parsed, cancellationToken), ReviewJson.Options);
            case "md":
                var markdown = ReviewExport.Markdown(await reviews.BuildAsync(parsed, cancellationToken));
                // Inline: it reads in the browser and pastes into a wiki; the name is for "Save as".
                context.Response.Headers.ContentDisposition = $"inline; filename=\"{ReviewFormat.MarkdownFileName(parsed)}\"";
                return Results.Text(markdown, "text/markdown; charset=utf-8");
            default:
                return NotFound($"no format '{Printable(format)}' for a month: {ReviewFormat.Json(parsed)} is JSON, {ReviewFormat.Markdown(parsed)} Markdown, " +
                    $"{ReviewFormat.ApiPath}/{parsed}/{{section}}.csv one section as CSV ({SectionNames})");
        }
    }

    private static async Task<IResult> SectionAsync(string month, string file, HttpContext context, IMonthlyReviews reviews, CancellationToken cancellationToken)
    {
        if (!ReviewMonth.TryParse(CommandHttp.RouteValue(month), out var parsed, out var error))
        {
            return CommandHttp.BadRequest(error);
        }

        var name = CommandHttp.RouteValue(file);
        if (!name.EndsWith(".csv", StringComparison.Ordinal) || !ReviewSections.TryParse(name[..^4], out var section))
        {
            return NotFound($"no section '{Printable(name)}': the sections are {SectionNames}, each at {ReviewFormat.ApiPath}/{parsed}/{{section}}.csv");
        }

        var review = await reviews.BuildAsync(parsed, cancellationToken);
        var csv = await ReviewExport.CsvAsync(review, section, cancellationToken);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{ReviewFormat.CsvFileName(parsed, section)}\"";
        return Results.Text(csv, "text/csv; charset=utf-8");
    }

    private static string SectionNames => string.Join(", ", ReviewSections.All.Select(s => s.Name()));

    private static IResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    // The segment is quoted back: no control characters, and not an endless one.
    private static string Printable(string text)
    {
        var clean = new string(text.Where(c => !char.IsControl(c)).Take(40).ToArray());
        return text.Length > 40 ? clean + "…" : clean;
    }
}
