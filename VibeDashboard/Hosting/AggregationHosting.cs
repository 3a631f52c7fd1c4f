using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;

namespace VibeDashboard.Hosting;

/// <summary>The metrics aggregator, its SignalR hub and <c>GET /api/snapshot</c>.</summary>
public static class AggregationHosting
{
    /// <summary>
    /// What a hub connection may have waiting to go out before its writes wait (and, past
    /// <see cref="TopicFanout.MaxPendingWrites"/>, its messages are dropped): a few whole snapshots.
    /// </summary>
    public const long HubSendBufferBytes = 256 * 1024;

    /// <summary>What a client may send unread: topic lists and method calls are small.</summary>
    public const long HubReceiveBufferBytes = 32 * 1024;

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
        services.AddSignalR().AddMessagePackProtocol();
        services.AddSingleton<TopicFanout>();
        services.AddSingleton<HubLifetimeManager<MetricsHub>>(sp => sp.GetRequiredService<TopicFanout>());
        services.AddSingleton<TopicBook>();
        services.AddHostedService<MetricsBroadcaster>();
        services.AddResponseCompression(o =>
        {
            // The snapshot holds no secret next to text a requester chose, so compressing it over HTTPS is safe.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardAggregation(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<MetricsHub>(MetricsHub.Path, o =>
        {
            o.TransportMaxBufferSize = HubSendBufferBytes;
            o.ApplicationMaxBufferSize = HubReceiveBufferBytes;
        }).RequireAuthorization(AccessPolicies.Viewer);

        // The whole snapshot (about 77 KB of JSON with the demo data) is compressed for clients that accept br or gzip;
        // only this route, so no other response changes.
        var snapshot = endpoints.CreateApplicationBuilder();
        snapshot.UseResponseCompression();
        snapshot.Run(WriteSnapshotAsync);
        endpoints.MapGet("/api/snapshot", snapshot.Build()).RequireAuthorization(AccessPolicies.Viewer);
        return endpoints;
    }

    /// <summary>
    /// The current snapshot with its version as the ETag (<c>If-None-Match</c> → 304). Weak, because the bytes differ
    /// with the compression the client accepts while the content is the same.
    /// </summary>
    private static Task WriteSnapshotAsync(HttpContext context)
    {
        var current = context.RequestServices.GetRequiredService<IMetricsFeed>().Current;
        var etag = new EntityTagHeaderValue($"\"{current.Version}\"", isWeak: true);
        context.Response.Headers.ETag = etag.ToString();
        if (context.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } match && match.Any(m => m.Compare(etag, useStrongComparison: false)))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        return Results.Json(current).ExecuteAsync(context);
    }
}
