namespace VibeDashboard.Hosting;

/// <summary>
/// Incident detection (Operations/Incidents/Detection): the rules, the options' validation, and the hosted loop that
/// runs them after each aggregator tick and hands the episodes to <c>IIncidentSignalSink</c>.
/// </summary>
public static class DetectionHosting
{
    public static IServiceCollection AddVibeDashboardDetection(this IServiceCollection services) => services;
}
