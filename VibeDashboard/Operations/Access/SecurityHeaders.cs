namespace VibeDashboard.Operations.Access;

/// <summary>
/// Headers on every response. The policy is the one the pages actually run under: scripts only from this origin
/// (no inline script anywhere — App.razor starts Blazor from a file), inline styles allowed (MudBlazor and ApexCharts
/// set style attributes), WebSockets to this origin (the circuit and the hub), and no framing by anyone.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        return next(context);
    });
}
