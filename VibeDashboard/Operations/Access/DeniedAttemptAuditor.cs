using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// A mutating route refused by authorization (401 without credentials, 403 for a role too low) never becomes a
/// command, but it is audited all the same, with outcome denied, under the route's <see cref="AuditedRoute"/>; then
/// the framework answers as usual. "Rejected commands are audited too" covers forged calls, not only page clicks.
/// </summary>
/// <remarks>
/// Refusals of callers without credentials are audited up to <see cref="MaxAnonymousPerMinute"/> a minute per client
/// IP: anyone who can reach the port could otherwise fill the disk through the log. Past that they are still refused,
/// and counted in a log line instead.
/// </remarks>
public sealed class DeniedAttemptAuditor(ICommandPipeline pipeline, ILogger<DeniedAttemptAuditor> logger) : IAuthorizationMiddlewareResultHandler, IDisposable
{
    public const int MaxAnonymousPerMinute = 30;

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    private readonly System.Threading.RateLimiting.PartitionedRateLimiter<string> _anonymous =
        System.Threading.RateLimiting.PartitionedRateLimiter.Create<string, string>(ip => System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(ip, _ =>
            new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = MaxAnonymousPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && context.GetEndpoint()?.Metadata.GetMetadata<AuditedRoute>() is { } route)
        {
            var target = route.TargetRouteValue is { } key ? context.GetRouteValue(key)?.ToString() ?? "" : "";
            target = target.Length > 256 ? target[..256] : target; // a refused request's path is not a payload to keep
            var actor = DashboardPrincipal.ActorOf(context);
            if (authorizeResult.Challenged && actor.Role is null)
            {
                using var lease = _anonymous.AttemptAcquire(actor.ClientIp ?? "unknown");
                if (!lease.IsAcquired)
                {
                    logger.LogWarning("Refused {Action} without credentials from {ClientIp}, not audited: more than {Max} such refusals from that address this minute",
                        route.Action, actor.ClientIp, MaxAnonymousPerMinute);
                    await _default.HandleAsync(next, context, policy, authorizeResult);
                    return;
                }
            }

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

    public void Dispose() => _anonymous.Dispose();
}
