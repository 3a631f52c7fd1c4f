using Microsoft.Extensions.DependencyInjection.Extensions;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Hosting;

/// <summary>
/// The incident board (Operations/Incidents): options and runbooks, the store and its read model
/// (<see cref="IIncidentBoard"/>), the incident commands, the reconciler that turns detected episodes into incidents
/// (<see cref="IIncidentSignalSink"/>), detection (<see cref="DetectionHosting"/>), <c>/api/incidents…</c> and the
/// hub's incident pushes. Web host only; needs the store, the command pipeline, notifications (the outbox) and the
/// metrics feed registered.
/// </summary>
public static partial class IncidentHosting
{
    public static IServiceCollection AddVibeDashboardIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        VibeDashboardHosting.AddOptions<IncidentOptions>(services, configuration, IncidentOptions.Section);
        services.AddSingleton<IncidentRunbooks>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IncidentChanges>();
        services.AddSingleton<IncidentWriter>();
        services.AddSingleton<IncidentBoard>();
        services.AddSingleton<IIncidentBoard>(sp => sp.GetRequiredService<IncidentBoard>());
        services.AddSingleton<IncidentReconciler>();
        services.AddSingleton<IIncidentSignalSink>(sp => sp.GetRequiredService<IncidentReconciler>());
        services.AddCommandHandler<DeclareIncidentCommand, IncidentSummary, DeclareIncidentHandler>();
        services.AddCommandHandler<IncidentActionCommand, IncidentSummary, IncidentActionHandler>();
        services.AddCommandHandler<CheckChecklistItemCommand, IncidentSummary, CheckChecklistItemHandler>();
        services.AddCommandHandler<SavePostmortemCommand, IncidentSummary, SavePostmortemHandler>();
        services.AddCommandHandler<AddFollowUpCommand, IncidentSummary, AddFollowUpHandler>();
        services.AddCommandHandler<CloseFollowUpCommand, IncidentSummary, CloseFollowUpHandler>();
        services.AddCommandHandler<DetectIncidentCommand, IncidentSummary, DetectIncidentHandler>();
        services.AddCommandHandler<UpdateIncidentSignalCommand, IncidentSummary, UpdateIncidentSignalHandler>();
        services.AddVibeDashboardDetection();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardIncidents(this IEndpointRouteBuilder endpoints) => endpoints;
}
