using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;

namespace VibeDashboard.Hosting;

/// <summary>The metrics aggregator, its SignalR hub and <c>GET /api/snapshot</c>.</summary>
public static class AggregationHosting
{
    public static IServiceCollection AddVibeDashboardAggregation(this IServiceCollection services, IConfiguration configuration)
    {
        VibeDashboardHosting.AddOptions<AggregationOptions>(services, configuration, AggregationOptions.Section);
        // The Slos section is a bare list; an absent section means the five default SLOs.
        services.AddOptions<SloOptions>().Configure(o => configuration.GetSection(SloOptions.Section).Bind(o.Items)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SloOptions>, SloOptionsValidator>();
        services.AddSingleton<AlertHistoryRepository>();
        services.AddSingleton<MetricsAggregator>();
        services.AddSingleton<IMetricsFeed>(sp => sp.GetRequiredService<MetricsAggregator>());
        services.AddHostedService(sp => sp.GetRequiredService<MetricsAggregator>());
        services.AddHostedService<MetricsBroadcaster>();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardAggregation(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<MetricsHub>(MetricsHub.Path).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet("/api/snapshot", (IMetricsFeed feed) => Results.Json(feed.Current)).RequireAuthorization(AccessPolicies.Viewer);
        return endpoints;
    }
}
