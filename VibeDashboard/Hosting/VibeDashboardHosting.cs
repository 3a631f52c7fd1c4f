using Microsoft.Extensions.Options;
using MudBlazor.Services;
using VibeDashboard.Components;
using VibeDashboard.Components.Layout;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Storage;

namespace VibeDashboard.Hosting;

/// <summary>The composition root. Program.cs and the tests' hosts call the same two methods.</summary>
public static class VibeDashboardHosting
{
    public static WebApplicationBuilder AddVibeDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        AddOptions<StorageOptions>(services, builder.Configuration, StorageOptions.Section);
        AddOptions<IngestionOptions>(services, builder.Configuration, IngestionOptions.Section);
        AddOptions<DemoOptions>(services, builder.Configuration, DemoOptions.Section);
        AddOptions<HealthOptions>(services, builder.Configuration, HealthOptions.Section);

        services.AddSingleton(TimeProvider.System);
        services.AddVibeDashboardStore();

        services.AddHostedService<StoreStartup>();
        services.AddSingleton<StoreStatusMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreStatusMonitor>());
        services.AddHostedService<ImportWorker>();
        services.AddHostedService<DemoLiveAppender>();
        services.AddVibeDashboardAggregation(builder.Configuration);

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton<VibeDashboard.Components.Controls.Charts.SparklineCache>();
        services.AddSingleton<VibeDashboard.Components.Controls.OverviewFragments>();
        services.AddSignalR();
        return builder;
    }

    /// <summary>Store, ingestion and history services: shared by the web host and the command line.</summary>
    public static IServiceCollection AddVibeDashboardStore(this IServiceCollection services)
    {
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<StoreSchema>();
        services.AddSingleton<StoreRepository>();
        services.AddSingleton<ImportHistoryRepository>();
        services.AddSingleton<Importer>();
        services.AddSingleton<DemoSeeder>();
        return services;
    }

    public static WebApplication MapVibeDashboard(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapThemeStylesheet();
        app.MapHealthEndpoints();
        app.MapVibeDashboardAggregation();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    internal static void AddOptions<T>(IServiceCollection services, IConfiguration configuration, string section) where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
    }
}
