namespace VibeDashboard.Hosting;

/// <summary>
/// Operator state (Operations/): the command pipeline and audit log, access (tokens, role mappings). Shared by the
/// web host and the command line (<c>tokens</c>, <c>audit verify</c>), which act on the same store.
/// </summary>
public static class OperationsHosting
{
    public static IServiceCollection AddVibeDashboardOperations(this IServiceCollection services, IConfiguration configuration)
    {
        VibeDashboardHosting.AddOptions<Configuration.AuthOptions>(services, configuration, Configuration.AuthOptions.Section);
        services.AddVibeDashboardCommands();
        services.AddVibeDashboardTokens();
        services.AddExternalCommandHandler<Operations.Imports.ApplyHeldImportCommand, Operations.Imports.AppliedImport, Operations.Imports.ApplyHeldImportHandler>();
        services.AddExternalCommandHandler<Operations.Imports.ForceImportCommand, Ingestion.ImportResult, Operations.Imports.ForceImportHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapVibeDashboardAudit();
        endpoints.MapVibeDashboardTokens();
        return endpoints;
    }
}
