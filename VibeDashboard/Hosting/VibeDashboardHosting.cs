using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using VibeDashboard.Components;
using VibeDashboard.Components.Layout;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Model;
using VibeDashboard.Storage;

namespace VibeDashboard.Hosting;

/// <summary>The composition root. Program.cs and the tests' hosts call the same two methods.</summary>
public static class VibeDashboardHosting
{
    public static WebApplicationBuilder AddVibeDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Request lines carry query strings, and two of them are secrets (/login?t=…, the hub's access_token):
        // ASP.NET Core's per-request lines stay below Warning whatever the configured default level is.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        services.AddVibeDashboardStore(builder.Configuration);

        services.AddHostedService<StoreStartup>();
        services.AddSingleton<StoreStatusMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreStatusMonitor>());
        services.AddHostedService<ImportWorker>();
        services.AddHostedService<DemoLiveAppender>();
        services.AddVibeDashboardAggregation(builder.Configuration);
        services.AddVibeDashboardOperations(builder.Configuration);
        services.AddVibeDashboardAccess(builder.Configuration);
        // The web host alone delivers webhooks (the CLI writes to the outbox through its commands, never sends).
        services.AddVibeDashboardNotifications(builder.Configuration);
        services.AddVibeDashboardIncidents(builder.Configuration);
        services.AddVibeDashboardRollouts(builder.Configuration);
        services.AddVibeDashboardDemoFaults();
        services.AddVibeDashboardReview();
        AddOptions<WallOptions>(services, builder.Configuration, WallOptions.Section);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton<VibeDashboard.Components.Controls.Charts.SparklineCache>();
        services.AddSingleton<VibeDashboard.Components.Controls.OverviewFragments>();
        services.AddSingleton<VibeDashboard.Components.Layout.AppStylesheet>();
        services.AddScoped<CircuitClient>();
        services.AddScoped<CommandSender>();
        services.AddSignalR();
        return builder;
    }

    /// <summary>
    /// The store's options (validated at start) and services, configured as for the server: the web host, the
    /// command line, tests and benchmarks all build them here. A <see cref="TimeProvider"/> registered before wins.
    /// </summary>
    public static IServiceCollection AddVibeDashboardStore(this IServiceCollection services, IConfiguration configuration)
    {
        AddOptions<StorageOptions>(services, configuration, StorageOptions.Section);
        AddOptions<IngestionOptions>(services, configuration, IngestionOptions.Section);
        AddOptions<DemoOptions>(services, configuration, DemoOptions.Section);
        AddOptions<HealthOptions>(services, configuration, HealthOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        return services.AddVibeDashboardStore();
    }

    /// <summary>Store, ingestion and history services (options registered by the caller).</summary>
    public static IServiceCollection AddVibeDashboardStore(this IServiceCollection services)
    {
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<StoreSchema>();
        services.AddSingleton<StoreRepository>();
        services.AddSingleton<ImportHistoryRepository>();
        services.AddSingleton<QuarantineRepository>();
        services.AddSingleton<ImportActivity>();
        services.AddSingleton<Importer>();
        services.AddSingleton<DemoSeeder>();
        services.TryAddSingleton<DemoBuild>();
        return services;
    }

    public static WebApplication MapVibeDashboard(this WebApplication app)
    {
        app.UseStoppingGate();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        // Static files, the theme and the health probes are for everyone (the sign-in page needs its CSS).
        app.MapStaticAssets().AllowAnonymous();
        app.UseVibeDashboardAccess();
        app.UseAntiforgery();
        app.MapThemeStylesheet().AllowAnonymous();
        app.MapHealthEndpoints();
        app.MapVibeDashboardAccess();
        app.MapVibeDashboardAggregation();
        app.MapVibeDashboardOperations();
        app.MapVibeDashboardIncidents();
        app.MapVibeDashboardRollouts();
        app.MapVibeDashboardDemoFaults();
        app.MapVibeDashboardReview();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    internal static void AddOptions<T>(IServiceCollection services, IConfiguration configuration, string section) where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
    }
}
