using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Hubs;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Hosting;

/// <summary>
/// Wave rollouts (Operations/Rollouts): options and their validation (templates parsed at start), the readiness
/// judge's inputs, the rollout commands, the read model (<see cref="IRolloutBoard"/>), the check loop,
/// <c>/api/rollouts…</c>, the hub's rollout pushes and the rollouts' lines on incident timelines. Web host only;
/// needs the store, the command pipeline, notifications (the outbox), the incidents (<c>IIncidentBoard</c>) and the
/// metrics feed registered.
/// </summary>
public static class RolloutHosting
{
    public const string RolloutsPath = "/api/rollouts";

    /// <summary>A request body larger than this is refused before it is parsed (a definition of 20 waves and 30 gates is a few KB).</summary>
    public const int MaxBodyBytes = JsonBodies.DefaultMaxBytes;

    /// <summary>The checks <c>GET /api/rollouts/{id}/checks</c> returns without <c>?limit=</c>.</summary>
    public const int DefaultChecks = 100;

    public static IServiceCollection AddVibeDashboardRollouts(this IServiceCollection services, IConfiguration configuration)
    {
        VibeDashboardHosting.AddOptions<RolloutOptions>(services, configuration, RolloutOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RolloutOptions>, RolloutOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RolloutReadiness>();
        services.AddSingleton<IRolloutTemplates, RolloutTemplates>();
        services.AddSingleton<RolloutWriter>();
        services.AddSingleton<StoredRolloutBoard>();
        services.AddSingleton<IRolloutBoard>(sp => sp.GetRequiredService<StoredRolloutBoard>());
        // Rollbacks, pauses and aborts on the timelines of the incidents open at the time (read by the incident board).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIncidentTimelineSource, RolloutIncidentLines>());
        services.AddCommandHandler<CreateRolloutCommand, RolloutView, CreateRolloutHandler>();
        services.AddCommandHandler<RolloutControlCommand, RolloutView, RolloutControlHandler>();
        services.AddCommandHandler<AttestReadinessCommand, RolloutView, AttestReadinessHandler>();
        services.AddCommandHandler<RolloutCheckRoundCommand, RolloutView, RolloutCheckRoundHandler>();
        services.AddSingleton<RolloutCheckLoop>();
        // Check rounds judge the metrics: they begin once the demo store (when one is being built) is there.
        services.AddHostedService(sp => ActivatorUtilities.CreateInstance<AfterDemoBuild<RolloutCheckLoop>>(sp, sp.GetRequiredService<RolloutCheckLoop>()));
        services.AddHostedService<RolloutBroadcaster>();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardRollouts(this IEndpointRouteBuilder endpoints)
    {
        // Bearer callers carry no antiforgery token, and a cookie alone cannot send this JSON cross-site
        // (SameSite=Strict), so these routes opt out of the form antiforgery check.
        endpoints.MapGet(RolloutsPath, ListAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet(RolloutsPath + "/exposure", ExposureAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet(RolloutsPath + "/{id}", GetAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet(RolloutsPath + "/{id}/checks", ChecksAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapPost(RolloutsPath, CreateAsync).RequireAuthorization(AccessPolicies.Operator)
            .WithMetadata(new AuditedRoute("rollout.create", "rollout")).DisableAntiforgery();
        foreach (var action in RolloutRequests.Actions)
        {
            // Force-promote and a readiness override need an admin: the command says so and the pipeline checks it (403, audited).
            endpoints.MapPost($"{RolloutsPath}/{{id}}/{action}", (string id, HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken) =>
                    ControlAsync(action, id, context, pipeline, cancellationToken))
                .RequireAuthorization(AccessPolicies.Operator)
                .WithMetadata(new AuditedRoute("rollout." + action.Replace('-', '_'), "rollout", "id")).DisableAntiforgery();
        }

        endpoints.MapPost(RolloutsPath + "/{id}/attest", AttestAsync).RequireAuthorization(AccessPolicies.Operator)
            .WithMetadata(new AuditedRoute("rollout.attest", "rollout", "id")).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> ListAsync(IRolloutBoard board, CancellationToken cancellationToken) =>
        Results.Json((await board.ListAsync(cancellationToken)).Select(RolloutRequests.Body).ToList(), CommandJson.Options);

    private static async Task<IResult> GetAsync(string id, IRolloutBoard board, CancellationToken cancellationToken) =>
        await board.GetAsync(CommandHttp.RouteValue(id), cancellationToken) is { } view
            ? new Tagged(Results.Json(RolloutRequests.Body(view), CommandJson.Options), Quoted(view.Version))
            : NotFound(id);

    private static async Task<IResult> ChecksAsync(string id, HttpRequest request, IRolloutBoard board, CancellationToken cancellationToken)
    {
        var text = request.Query["limit"].ToString();
        var limit = DefaultChecks;
        if (text.Length > 0 && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > StoredRolloutBoard.MaxChecks))
        {
            return CommandHttp.BadRequest($"limit: '{text}' is not a whole number from 1 to {StoredRolloutBoard.MaxChecks}");
        }

        id = CommandHttp.RouteValue(id);
        return await board.GetAsync(id, cancellationToken) is null
            ? NotFound(id)
            : Results.Json(await board.ChecksAsync(id, limit, cancellationToken), CommandJson.Options);
    }

    /// <summary>The Worker's poll: <c>If-None-Match</c> with the last ETag answers 304 until a tier or a state moves.</summary>
    private static async Task<IResult> ExposureAsync(HttpRequest request, IRolloutBoard board, CancellationToken cancellationToken)
    {
        var (rollouts, etag) = await board.ExposureAsync(cancellationToken);
        var sent = request.Headers.IfNoneMatch.ToString();
        if (sent.Length > 0 && sent.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == etag || t == "W/" + etag))
        {
            return new Tagged(Results.StatusCode(StatusCodes.Status304NotModified), etag);
        }

        return new Tagged(Results.Json(new { rollouts }, CommandJson.Options), etag);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ICommandPipeline pipeline, IRolloutTemplates templates, CancellationToken cancellationToken)
    {
        var body = await JsonBodies.ReadObjectAsync(context.Request, cancellationToken, maxDepth: 16);
        if (body.Error is not null)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, body.Error);
        }

        if (!RolloutRequests.TryCreate(body.Value, await templates.ListAsync(cancellationToken), templates.Context, out var command, out var error))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, error!);
        }

        var result = await pipeline.SendAsync(command! with { IdempotencyKey = CommandHttp.IdempotencyKey(context.Request) }, DashboardPrincipal.ActorOf(context), cancellationToken);
        return CommandHttp.ToHttp(result, RolloutBody, result.Value is { } created ? $"{RolloutsPath}/{created.Id}" : RolloutsPath);
    }

    private static async Task<IResult> ControlAsync(string action, string id, HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken)
    {
        var body = await JsonBodies.ReadObjectAsync(context.Request, cancellationToken, maxDepth: 16);
        if (body.Error is not null)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, body.Error);
        }

        if (!CommandHttp.TryExpectedVersion(context.Request, out var header, out var error)
            || !RolloutRequests.TryControl(action, CommandHttp.RouteValue(id), body.Value, header, out var command, out error))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, error!);
        }

        var result = await pipeline.SendAsync(command! with { IdempotencyKey = CommandHttp.IdempotencyKey(context.Request) }, DashboardPrincipal.ActorOf(context), cancellationToken);
        return CommandHttp.ToHttp(result, RolloutBody);
    }

    private static async Task<IResult> AttestAsync(string id, HttpContext context, ICommandPipeline pipeline, CancellationToken cancellationToken)
    {
        var body = await JsonBodies.ReadObjectAsync(context.Request, cancellationToken, maxDepth: 16);
        if (body.Error is not null)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, body.Error);
        }

        if (!CommandHttp.TryExpectedVersion(context.Request, out var header, out var error)
            || !RolloutRequests.TryAttest(CommandHttp.RouteValue(id), body.Value, header, out var command, out error))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, error!);
        }

        var result = await pipeline.SendAsync(command! with { IdempotencyKey = CommandHttp.IdempotencyKey(context.Request) }, DashboardPrincipal.ActorOf(context), cancellationToken);
        return CommandHttp.ToHttp(result, RolloutBody);
    }

    private static object? RolloutBody(RolloutView? view) => view is null ? null : RolloutRequests.Body(view);

    private static IResult NotFound(string id) =>
        TypedResults.Problem(detail: $"no rollout {id}", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static string Quoted(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>An answer with its ETag.</summary>
    private sealed class Tagged(IResult inner, string etag) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ETag = etag;
            return inner.ExecuteAsync(httpContext);
        }
    }

}
