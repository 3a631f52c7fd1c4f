namespace VibeDashboard.Hosting;

/// <summary>The command pipeline, the audit log and their endpoints (<c>/api/audit</c>).</summary>
public static class CommandHosting
{
    public static IServiceCollection AddVibeDashboardCommands(this IServiceCollection services)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardAudit(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
