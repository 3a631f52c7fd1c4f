using System.Text.Json;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Demo;

namespace VibeDashboard.Hosting;

/// <summary>
/// The live demo's fault injection (<see cref="InjectDemoFaultCommand"/>): <c>GET /api/demo/fault</c> (viewer) says
/// whether the demo is live and which fault is active; <c>POST</c> <c>{"tier": "pro", "minutes": 10}</c> degrades a
/// tier and <c>DELETE</c> ends it early (operator, audited). On a store of imported data both answer 400.
/// </summary>
public static class DemoHosting
{
    public const string FaultPath = "/api/demo/fault";

    public static IServiceCollection AddVibeDashboardDemoFaults(this IServiceCollection services)
    {
        services.AddSingleton<IDemoFaults, DemoFaults>();
        services.AddCommandHandler<InjectDemoFaultCommand, DemoFault, InjectDemoFaultHandler>();
        services.AddCommandHandler<EndDemoFaultCommand, DemoFault, EndDemoFaultHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardDemoFaults(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(FaultPath, async (IDemoFaults faults, CancellationToken cancellationToken) =>
            Results.Json(await faults.ReadAsync(cancellationToken), CommandJson.Options)).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapPost(FaultPath, InjectAsync).RequireAuthorization(AccessPolicies.Operator)
            .WithMetadata(new AuditedRoute("demo.fault_inject", "demo")).DisableAntiforgery();
        endpoints.MapDelete(FaultPath, async (HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken) =>
                CommandHttp.ToHttp(await pipeline.SendAsync(new EndDemoFaultCommand(IdempotencyKey: CommandHttp.IdempotencyKey(context.Request)), DashboardPrincipal.ActorOf(context), cancellationToken)))
            .RequireAuthorization(AccessPolicies.Operator)
            .WithMetadata(new AuditedRoute("demo.fault_end", "demo")).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> InjectAsync(HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken)
    {
        var body = await JsonBodies.ReadObjectAsync(context.Request, cancellationToken);
        if (body.Error is not null)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, body.Error);
        }

        var unknown = body.Value.EnumerateObject().Select(p => p.Name).Where(n => n is not ("tier" or "minutes" or "reason")).ToList();
        if (unknown.Count > 0)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, $"unknown field {unknown[0]}: send tier, minutes and an optional reason");
        }

        if (!body.Value.TryGetProperty("tier", out var tierElement) || tierElement.ValueKind != JsonValueKind.String || JsonBodies.Text(tierElement) is not { } tier)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, "tier: required, a policy tier's name");
        }

        var minutes = 10;
        if (body.Value.TryGetProperty("minutes", out var m) && (m.ValueKind != JsonValueKind.Number || !m.TryGetInt32(out minutes)))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, "minutes: must be a whole number of minutes");
        }

        if (minutes is < 1 or > 60)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, "minutes: a fault lasts from 1 to 60 minutes");
        }

        string? reason = null;
        if (body.Value.TryGetProperty("reason", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            reason = r.ValueKind == JsonValueKind.String ? JsonBodies.Text(r) : null;
            if (reason is null)
            {
                return await CommandHttp.RefusedAsync(context, pipeline, "reason: must be text");
            }
        }

        var command = new InjectDemoFaultCommand(tier, TimeSpan.FromMinutes(minutes), reason, CommandHttp.IdempotencyKey(context.Request));
        return CommandHttp.ToHttp(await pipeline.SendAsync(command, DashboardPrincipal.ActorOf(context), cancellationToken));
    }
}
