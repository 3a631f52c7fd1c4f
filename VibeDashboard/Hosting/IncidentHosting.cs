using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VibeDashboard.Configuration;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Hosting;

/// <summary>
/// The incident board (Operations/Incidents): options and runbooks, the store and its read model
/// (<see cref="IIncidentBoard"/>), the incident commands, the reconciler that turns detected episodes into incidents
/// (<see cref="IIncidentSignalSink"/>), detection (<see cref="DetectionHosting"/>), <c>/api/incidents…</c>,
/// <c>/api/follow-ups</c> and the hub's incident pushes. Web host only; needs the store, the command pipeline,
/// notifications (the outbox) and the metrics feed registered.
/// </summary>
public static class IncidentHosting
{
    public const string IncidentsPath = "/api/incidents";
    public const string FollowUpsPath = "/api/follow-ups";

    /// <summary>A request body larger than this is refused before it is parsed (each text field's own limit is 20,000 characters).</summary>
    public const int MaxBodyBytes = JsonBodies.DefaultMaxBytes;

    public static IServiceCollection AddVibeDashboardIncidents(this IServiceCollection services, IConfiguration configuration)
    {
        VibeDashboardHosting.AddOptions<IncidentOptions>(services, configuration, IncidentOptions.Section);
        services.AddSingleton<IncidentRunbooks>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IncidentWriter>();
        services.AddSingleton<IncidentBoard>();
        services.AddSingleton<IIncidentBoard>(sp => sp.GetRequiredService<IncidentBoard>());
        services.AddSingleton<IncidentReconciler>();
        services.AddSingleton<IIncidentSignalSink>(sp => sp.GetRequiredService<IncidentReconciler>());
        services.AddCommandHandler<DeclareIncidentCommand, IncidentSummary, DeclareIncidentHandler>();
        services.AddCommandHandler<IncidentActionCommand, IncidentSummary, IncidentActionHandler>();
        services.AddCommandHandler<CheckChecklistItemCommand, IncidentSummary, CheckChecklistItemHandler>();
        services.AddCommandHandler<SavePostmortemCommand, IncidentSummary, SavePostmortemHandler>();
        services.AddCommandHandler<AddFollowUpCommand, IncidentSummary, AddFollowUpHandler>();
        services.AddCommandHandler<CloseFollowUpCommand, IncidentSummary, CloseFollowUpHandler>();
        services.AddCommandHandler<DetectIncidentCommand, IncidentSummary, DetectIncidentHandler>();
        services.AddCommandHandler<UpdateIncidentSignalCommand, IncidentSummary, UpdateIncidentSignalHandler>();
        services.AddHostedService<IncidentBroadcaster>();
        services.AddVibeDashboardDetection();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardIncidents(this IEndpointRouteBuilder endpoints)
    {
        // Bearer callers carry no antiforgery token, and a cookie alone cannot send this JSON cross-site
        // (SameSite=Strict), so these routes opt out of the form antiforgery check.
        endpoints.MapGet(IncidentsPath, ListAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet(IncidentsPath + "/{number:long}", GetAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet(FollowUpsPath, FollowUpsAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapPost(IncidentsPath, DeclareAsync).RequireAuthorization(AccessPolicies.Operator)
            .WithMetadata(new AuditedRoute("incident.declare", "incident")).DisableAntiforgery();
        foreach (var action in IncidentRequests.Actions)
        {
            endpoints.MapPost($"{IncidentsPath}/{{number:long}}/{action}", (long number, HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken) =>
                    ActAsync(action, number, context, pipeline, cancellationToken))
                .RequireAuthorization(AccessPolicies.Operator)
                .WithMetadata(new AuditedRoute("incident." + action, "incident", "number")).DisableAntiforgery();
        }

        endpoints.MapPost(IncidentsPath + "/{number:long}/follow-ups", (long number, HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken) =>
                ActAsync("follow-up", number, context, pipeline, cancellationToken))
            .RequireAuthorization(AccessPolicies.Operator)
            .WithMetadata(new AuditedRoute("incident.follow_up", "incident", "number")).DisableAntiforgery();
        endpoints.MapPost(IncidentsPath + "/{number:long}/follow-ups/{id:long}/close", CloseFollowUpAsync)
            .RequireAuthorization(AccessPolicies.Operator)
            .WithMetadata(new AuditedRoute("incident.follow_up_close", "incident", "number")).DisableAntiforgery();
        endpoints.MapVibeDashboardDeliveries();
        return endpoints;
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IIncidentBoard board, CancellationToken cancellationToken)
    {
        var q = request.Query;
        if (!IncidentRequests.TryQuery(q["status"], q["class"], q["severity"], q["from"], q["to"], out var query, out var error))
        {
            return CommandHttp.BadRequest(error!);
        }

        return Results.Json(await board.ListAsync(query, cancellationToken), CommandJson.Options);
    }

    private static async Task<IResult> GetAsync(long number, IIncidentBoard board, CancellationToken cancellationToken)
    {
        var detail = await board.GetAsync(number, cancellationToken);
        return detail is null
            ? TypedResults.Problem(detail: $"no incident {number}", statusCode: StatusCodes.Status404NotFound, title: "Not found")
            : Results.Json(DetailBody(detail), CommandJson.Options);
    }

    private static async Task<IResult> FollowUpsAsync(HttpRequest request, IIncidentBoard board, CancellationToken cancellationToken)
    {
        var open = request.Query["open"].ToString();
        if (open is not ("" or "true" or "false"))
        {
            return CommandHttp.BadRequest($"open: '{open}' is not true or false");
        }

        return Results.Json(await board.FollowUpsAsync(open != "false", cancellationToken), CommandJson.Options);
    }

    /// <summary>The summary's fields with the page's lists beside them (one flat object, as the README shows).</summary>
    private static JsonObject DetailBody(IncidentDetail detail)
    {
        var body = JsonSerializer.SerializeToNode(detail.Incident, CommandJson.Options)!.AsObject();
        body["timeline"] = JsonSerializer.SerializeToNode(detail.Timeline, CommandJson.Options);
        body["checklist"] = JsonSerializer.SerializeToNode(detail.Checklist, CommandJson.Options);
        body["updates"] = JsonSerializer.SerializeToNode(detail.Updates, CommandJson.Options);
        body["postmortem"] = JsonSerializer.SerializeToNode(detail.Postmortem, CommandJson.Options);
        body["followUps"] = JsonSerializer.SerializeToNode(detail.FollowUps, CommandJson.Options);
        body["firstAction"] = detail.FirstAction;
        return body;
    }

    private static async Task<IResult> DeclareAsync(HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken)
    {
        var body = await JsonBodies.ReadObjectAsync(context.Request, cancellationToken);
        if (body.Error is not null)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, body.Error);
        }

        if (!IncidentRequests.TryDeclare(body.Value, out var command, out var error))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, error!);
        }

        var result = await pipeline.SendAsync(command! with { IdempotencyKey = CommandHttp.IdempotencyKey(context.Request) }, DashboardPrincipal.ActorOf(context), cancellationToken);
        return CommandHttp.ToHttp(result, createdLocation: result.Value is { } created ? $"{IncidentsPath}/{created.Number}" : IncidentsPath);
    }

    private static async Task<IResult> ActAsync(string action, long number, HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken)
    {
        var body = await JsonBodies.ReadObjectAsync(context.Request, cancellationToken);
        if (body.Error is not null)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, body.Error);
        }

        if (!CommandHttp.TryExpectedVersion(context.Request, out var header, out var error)
            || !IncidentRequests.TryAction(action, number, body.Value, header, DashboardPrincipal.ActorOf(context).Name, out var command, out error))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, error!);
        }

        return await SendAsync(command!, context, pipeline, cancellationToken);
    }

    private static async Task<IResult> CloseFollowUpAsync(long number, long id, HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken)
    {
        var body = await JsonBodies.ReadObjectAsync(context.Request, cancellationToken);
        if (body.Error is not null)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, body.Error);
        }

        if (!CommandHttp.TryExpectedVersion(context.Request, out var header, out var error)
            || !IncidentRequests.TryCloseFollowUp(number, id, body.Value, header, out var command, out error))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, error!);
        }

        return await SendAsync(command!, context, pipeline, cancellationToken);
    }

    private static async Task<IResult> SendAsync(IncidentCommand command, HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken)
    {
        var result = await pipeline.SendAsync(command with { IdempotencyKey = CommandHttp.IdempotencyKey(context.Request) }, DashboardPrincipal.ActorOf(context), cancellationToken);
        return CommandHttp.ToHttp(result);
    }

}
