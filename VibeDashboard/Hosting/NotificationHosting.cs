using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Notifications;

namespace VibeDashboard.Hosting;

/// <summary>
/// Notifications (Operations/Notifications): the outbox commands write to, the webhook dispatcher that delivers it
/// (a hosted service), the deliveries' read model and the admin's <c>delivery.retry</c> command. Needs the store
/// and the command pipeline registered (<c>AddVibeDashboardStore</c>, <c>AddVibeDashboardOperations</c>). Its endpoints,
/// admins only: <c>GET /api/deliveries</c> and <c>POST /api/deliveries/{id}/retry</c>.
/// </summary>
public static class NotificationHosting
{
    public const string DeliveriesPath = "/api/deliveries";

    public static IServiceCollection AddVibeDashboardNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        VibeDashboardHosting.AddOptions<NotificationOptions>(services, configuration, NotificationOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidation>());
        // Redirects are not followed: HttpClient would repeat the POST as a bodiless, unsigned GET and count its 200
        // as delivered. A 3xx is a failed attempt like any other non-2xx answer.
        services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.DefaultRequestHeaders.UserAgent.ParseAdd("VibeDashboard-Webhooks/1"))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Outbox>();
        services.TryAddSingleton<DeliveryLog>();
        services.TryAddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddCommandHandler<RetryDeliveryCommand, DeliveryView, RetryDeliveryHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardDeliveries(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(DeliveriesPath, ListDeliveriesAsync).RequireAuthorization(AccessPolicies.Admin);
        // Bearer callers carry no antiforgery token, and a cookie alone cannot send this cross-site (SameSite=Strict).
        endpoints.MapPost(DeliveriesPath + "/{id}/retry", RetryAsync).RequireAuthorization(AccessPolicies.Admin)
            .WithMetadata(new AuditedRoute("delivery.retry", "delivery", "id")).DisableAntiforgery();
        return endpoints;
    }

    /// <summary><c>?status=pending|delivered|dead&amp;webhook=&amp;limit=</c>, newest first.</summary>
    private static async Task<IResult> ListDeliveriesAsync(HttpRequest request, DeliveryLog log, CancellationToken cancellationToken)
    {
        var status = request.Query["status"].ToString();
        var webhook = request.Query["webhook"].ToString();
        var limitText = request.Query["limit"].ToString();
        DeliveryStatus? parsedStatus = null;
        if (status.Length > 0)
        {
            if (status is not ("pending" or "delivered" or "dead"))
            {
                return CommandHttp.BadRequest($"status: '{status}' is not pending, delivered or dead");
            }

            parsedStatus = DeliveryLog.ParseStatus(status);
        }

        var limit = 200;
        if (limitText.Length > 0 && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 10_000))
        {
            return CommandHttp.BadRequest($"limit: '{limitText}' is not a number from 1 to 10000");
        }

        var deliveries = await log.ListAsync(new DeliveryQuery(parsedStatus, webhook.Length == 0 ? null : webhook, limit), cancellationToken);
        return Results.Json(deliveries, CommandJson.Options);
    }

    private static async Task<IResult> RetryAsync(string id, HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken)
    {
        var command = new RetryDeliveryCommand(CommandHttp.RouteValue(id), IdempotencyKey: CommandHttp.IdempotencyKey(context.Request));
        var result = await pipeline.SendAsync(command, DashboardPrincipal.ActorOf(context), cancellationToken);
        return CommandHttp.ToHttp(result);
    }
}
