using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Hosting;

/// <summary>
/// Wave rollouts (Operations/Rollouts): options and their validation (templates parsed at start), the readiness
/// judge's inputs, the rollout commands, the read model (<see cref="IRolloutBoard"/>), the check loop and
/// <c>/api/rollouts…</c>. Web host only; needs the store, the command pipeline, notifications (the outbox), the
/// incidents (<c>IIncidentBoard</c>) and the metrics feed registered.
/// </summary>
public static partial class RolloutHosting
{
    public static IServiceCollection AddVibeDashboardRollouts(this IServiceCollection services, IConfiguration configuration)
    {
        VibeDashboardHosting.AddOptions<RolloutOptions>(services, configuration, RolloutOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RolloutOptions>, RolloutOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RolloutReadiness>();
        services.AddSingleton<RolloutWriter>();
        services.AddSingleton<StoredRolloutBoard>();
        services.AddSingleton<IRolloutBoard>(sp => sp.GetRequiredService<StoredRolloutBoard>());
        services.AddCommandHandler<CreateRolloutCommand, RolloutView, CreateRolloutHandler>();
        services.AddCommandHandler<RolloutControlCommand, RolloutView, RolloutControlHandler>();
        services.AddCommandHandler<AttestReadinessCommand, RolloutView, AttestReadinessHandler>();
        services.AddCommandHandler<RolloutCheckRoundCommand, RolloutView, RolloutCheckRoundHandler>();
        services.AddSingleton<RolloutCheckLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<RolloutCheckLoop>());
        return services;
    }
}
