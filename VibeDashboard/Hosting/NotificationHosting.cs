using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Notifications;

namespace VibeDashboard.Hosting;

/// <summary>
/// Notifications (Operations/Notifications): the outbox commands write to, the webhook dispatcher that delivers it
/// (a hosted service), the deliveries' read model and the admin's <c>delivery.retry</c> command. Needs the store
/// and the command pipeline registered (<c>AddVibeDashboardStore</c>, <c>AddVibeDashboardOperations</c>).
/// </summary>
public static class NotificationHosting
{
    public static IServiceCollection AddVibeDashboardNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        VibeDashboardHosting.AddOptions<NotificationOptions>(services, configuration, NotificationOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidation>());
        services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.DefaultRequestHeaders.UserAgent.ParseAdd("VibeDashboard-Webhooks/1"));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Outbox>();
        services.TryAddSingleton<DeliveryLog>();
        services.TryAddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddCommandHandler<RetryDeliveryCommand, DeliveryView, RetryDeliveryHandler>();
        return services;
    }
}
