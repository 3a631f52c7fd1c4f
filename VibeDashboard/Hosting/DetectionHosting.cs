using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Incidents.Detection;

namespace VibeDashboard.Hosting;

/// <summary>
/// Incident detection (Operations/Incidents/Detection): the rules, the options' validation, and the hosted loop that
/// runs them after each aggregator tick and hands the episodes to <c>IIncidentSignalSink</c>.
/// </summary>
public static class DetectionHosting
{
    public static IServiceCollection AddVibeDashboardDetection(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IncidentOptions>, IncidentOptionsValidation>());
        services.TryAddSingleton<IncidentDetector>();
        services.TryAddSingleton<IIncidentDetector>(sp => sp.GetRequiredService<IncidentDetector>());
        services.TryAddSingleton<DetectionCoordinator>();
        services.AddHostedService(sp => sp.GetRequiredService<DetectionCoordinator>());
        // The reconciler's "signal no longer in the data" change (IncidentReconciler, registered with the incident backend).
        services.AddCommandHandler<SignalGoneCommand, IncidentSummary, SignalGoneHandler>();
        return services;
    }
}
