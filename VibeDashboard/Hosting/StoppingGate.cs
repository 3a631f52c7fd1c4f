namespace VibeDashboard.Hosting;

/// <summary>
/// Refuses requests that arrive once the host has begun to stop, with 503 and <c>Connection: close</c>.
/// <para>
/// On stopping, SignalR closes every hub connection it has (Blazor circuits and the live hub alike), and an open page
/// reconnects at once — while Kestrel is still listening. That new connection is one SignalR no longer closes, so
/// Kestrel waited out the whole <c>HostOptions.ShutdownTimeout</c> (30 s) for it: Ctrl+C, a deploy or a restart hung
/// for 30 s whenever a browser was open. Requests already running are untouched; a refused page reconnects to the
/// next instance or once this one is back.
/// </para>
/// </summary>
public static class StoppingGate
{
    public static IApplicationBuilder UseStoppingGate(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use(async (context, next) =>
        {
            if (stopping.IsCancellationRequested)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.Connection = "close";
                context.Response.Headers.RetryAfter = "5";
                await context.Response.WriteAsync("the dashboard is shutting down");
                return;
            }

            await next(context);
        });
    }
}
