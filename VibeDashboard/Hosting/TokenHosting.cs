using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Hosting;

/// <summary>API tokens and role mappings: the access directory, their commands and <c>/api/tokens</c>.</summary>
public static partial class TokenHosting
{
    public static IServiceCollection AddVibeDashboardTokens(this IServiceCollection services)
    {
        services.AddSingleton<AccessDirectory>();
        services.AddSingleton<IAccessDirectory>(sp => sp.GetRequiredService<AccessDirectory>());
        services.AddSingleton<IAccessFeed>(sp => sp.GetRequiredService<AccessDirectory>());
        services.AddHostedService(sp => sp.GetRequiredService<AccessDirectory>());
        services.AddSingleton<ICommandHandler<CreateTokenCommand, CreatedToken>, CreateTokenHandler>();
        services.AddSingleton<ICommandHandler<RevokeTokenCommand, RevokedToken>, RevokeTokenHandler>();
        services.AddSingleton<ICommandHandler<SetRoleMappingCommand, RoleMappingChange>, SetRoleMappingHandler>();
        services.AddSingleton<ICommandHandler<RemoveRoleMappingCommand, RoleMappingChange>, RemoveRoleMappingHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardTokens(this IEndpointRouteBuilder endpoints)
    {
        return endpoints;
    }
}
