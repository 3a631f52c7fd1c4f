namespace VibeDashboard.Hosting;

/// <summary>API tokens and role mappings: the access directory, their commands and <c>/api/tokens</c>.</summary>
public static class TokenHosting
{
    public static IServiceCollection AddVibeDashboardTokens(this IServiceCollection services)
    {
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardTokens(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
