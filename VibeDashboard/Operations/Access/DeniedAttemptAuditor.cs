using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// A mutating route refused by authorization (401 without credentials, 403 for a role too low) never becomes a
/// command, but it is audited all the same, with outcome denied, under the route's <see cref="AuditedRoute"/>; then
/// the framework answers as usual. "Rejected commands are audited too" covers forged calls, not only page clicks.
/// </summary>
public sealed class DeniedAttemptAuditor(ICommandPipeline pipeline, ILogger<DeniedAttemptAuditor> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && context.GetEndpoint()?.Metadata.GetMetadata<AuditedRoute>() is { } route)
        {
            var target = route.TargetRouteValue is { } key ? context.GetRouteValue(key)?.ToString() ?? "" : "";
            var actor = DashboardPrincipal.ActorOf(context);
            var reason = authorizeResult.Challenged
                ? "no valid credentials"
                : $"role {DashboardPrincipal.RoleOf(context.User)?.Name() ?? "none"} may not {route.Action}";
            try
            {
                await pipeline.RecordRejectedAsync(route.Action, route.TargetType, target, actor, CommandOutcome.Denied, reason, context.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The refusal stands whether or not it could be written down.
                logger.LogError(e, "Could not audit a refused {Action} by {Actor}", route.Action, actor.Name);
            }
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
