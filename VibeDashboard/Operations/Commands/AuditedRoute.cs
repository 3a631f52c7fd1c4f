namespace VibeDashboard.Operations.Commands;

/// <summary>
/// Endpoint metadata on every mutating route: when authorization refuses a call before it becomes a command (401,
/// 403), the refusal is still audited under this action and target type. <see cref="TargetRouteValue"/> names the
/// route value holding the target id (<c>name</c> for <c>DELETE /api/tokens/{name}</c>), if any.
/// </summary>
public sealed record AuditedRoute(string Action, string TargetType, string? TargetRouteValue = null);
