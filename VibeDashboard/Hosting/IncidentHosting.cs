using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Hosting;

/// <summary>
/// The incident board (Operations/Incidents): options and runbooks, the store and its read model
/// (<see cref="IIncidentBoard"/>), the incident commands, the reconciler that turns detected episodes into incidents
/// (<see cref="IIncidentSignalSink"/>), detection (<see cref="DetectionHosting"/>), <c>/api/incidents…</c> and the
/// hub's incident pushes. Web host only.
/// </summary>
public static class IncidentHosting
{
    public static IServiceCollection AddVibeDashboardIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        VibeDashboardHosting.AddOptions<IncidentOptions>(services, configuration, IncidentOptions.Section);
        services.AddSingleton<IncidentRunbooks>();
        services.AddVibeDashboardDetection();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardIncidents(this IEndpointRouteBuilder endpoints) => endpoints;
}
