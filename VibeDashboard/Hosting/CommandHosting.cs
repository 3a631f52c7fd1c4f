using Microsoft.Extensions.DependencyInjection.Extensions;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Hosting;

/// <summary>The command pipeline, the audit log and their endpoints (<c>/api/audit</c>, <c>/api/audit.csv</c>).</summary>
public static class CommandHosting
{
    public const string AuditPath = "/api/audit";
    public const string AuditCsvPath = "/api/audit.csv";

    public static IServiceCollection AddVibeDashboardCommands(this IServiceCollection services)
    {
        services.TryAddSingleton<CommandPipeline>();
        services.TryAddSingleton<ICommandPipeline>(sp => sp.GetRequiredService<CommandPipeline>());
        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<AuditVerifier>();
        return services;
    }

    /// <summary>
    /// Registers the handler of one command type; the pipeline resolves it (in a scope per command) for every
    /// command of that runtime type. Handlers are transient: state lives in the store, not in them.
    /// </summary>
    public static IServiceCollection AddCommandHandler<TCommand, TResult, THandler>(this IServiceCollection services)
        where TCommand : ICommand<TResult>
        where THandler : class, ICommandHandler<TCommand, TResult>
    {
        services.AddTransient<ICommandHandler<TCommand, TResult>, THandler>();
        return services;
    }

    /// <summary>Registers the handler of a command whose change commits in another component's transaction.</summary>
    public static IServiceCollection AddExternalCommandHandler<TCommand, TResult, THandler>(this IServiceCollection services)
        where TCommand : ICommand<TResult>
        where THandler : class, IExternalCommandHandler<TCommand, TResult>
    {
        services.AddTransient<IExternalCommandHandler<TCommand, TResult>, THandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardAudit(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AuditPath, QueryAsync).RequireAuthorization(AccessPolicies.Viewer);
        endpoints.MapGet(AuditCsvPath, CsvAsync).RequireAuthorization(AccessPolicies.Viewer);
        return endpoints;
    }

    private static async Task<IResult> QueryAsync(HttpRequest request, AuditLog log, CancellationToken cancellationToken)
    {
        if (!TryQuery(request, out var query, out var error))
        {
            return CommandHttp.BadRequest(error!);
        }

        var page = await log.QueryAsync(query, cancellationToken);
        return Results.Json(new { entries = page.Entries.Select(AuditApiEntry.From), more = page.More, limit = query.Limit }, CommandJson.Options);
    }

    private static async Task<IResult> CsvAsync(HttpContext context, AuditLog log, CancellationToken cancellationToken)
    {
        if (!TryQuery(context.Request, out var query, out var error))
        {
            return CommandHttp.BadRequest(error!);
        }

        var page = await log.QueryAsync(query, cancellationToken);
        var text = new StringWriter();
        await AuditCsv.WriteAsync(text, page.Entries, cancellationToken);
        context.Response.Headers.ContentDisposition = "attachment; filename=\"audit.csv\"";
        return Results.Text(text.ToString(), "text/csv; charset=utf-8");
    }

    private static bool TryQuery(HttpRequest request, out AuditQuery query, out string? error)
    {
        var q = request.Query;
        return AuditQuery.TryParse(
            q[AuditQuery.FromParameter], q[AuditQuery.ToParameter], q[AuditQuery.ActorParameter],
            q[AuditQuery.ActionParameter], q[AuditQuery.TargetParameter], q[AuditQuery.LimitParameter], out query, out error);
    }
}
