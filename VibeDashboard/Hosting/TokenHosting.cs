using System.Text.Json;
using System.Text.Json.Serialization;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Hosting;

/// <summary>
/// API tokens and role mappings: the access directory, their commands, <c>/api/tokens</c> and
/// <c>/api/role-mappings</c> (admins only; every change through the command pipeline, so it is audited).
/// </summary>
public static class TokenHosting
{
    public const string TokensPath = "/api/tokens";
    public const string RoleMappingsPath = "/api/role-mappings";

    public static IServiceCollection AddVibeDashboardTokens(this IServiceCollection services)
    {
        services.AddSingleton<AccessDirectory>();
        services.AddSingleton<IAccessDirectory>(sp => sp.GetRequiredService<AccessDirectory>());
        services.AddSingleton<IAccessFeed>(sp => sp.GetRequiredService<AccessDirectory>());
        services.AddHostedService(sp => sp.GetRequiredService<AccessDirectory>());
        services.AddCommandHandler<CreateTokenCommand, CreatedToken, CreateTokenHandler>();
        services.AddCommandHandler<RevokeTokenCommand, RevokedToken, RevokeTokenHandler>();
        services.AddCommandHandler<SetRoleMappingCommand, RoleMappingChange, SetRoleMappingHandler>();
        services.AddCommandHandler<RemoveRoleMappingCommand, RoleMappingChange, RemoveRoleMappingHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapVibeDashboardTokens(this IEndpointRouteBuilder endpoints)
    {
        // Bearer callers carry no antiforgery token, and a cookie alone cannot send this JSON cross-site
        // (SameSite=Strict), so these routes opt out of the form antiforgery check.
        endpoints.MapGet(TokensPath, ListTokens).RequireAuthorization(AccessPolicies.Admin);
        endpoints.MapPost(TokensPath, CreateTokenAsync).RequireAuthorization(AccessPolicies.Admin)
            .WithMetadata(new AuditedRoute("token.create", "token")).DisableAntiforgery();
        endpoints.MapDelete(TokensPath + "/{name}", RevokeTokenAsync).RequireAuthorization(AccessPolicies.Admin)
            .WithMetadata(new AuditedRoute("token.revoke", "token", "name")).DisableAntiforgery();
        endpoints.MapGet(RoleMappingsPath, ListRoleMappings).RequireAuthorization(AccessPolicies.Admin);
        endpoints.MapPut(RoleMappingsPath + "/{value}", SetRoleMappingAsync).RequireAuthorization(AccessPolicies.Admin)
            .WithMetadata(new AuditedRoute("role_mapping.set", "role_mapping", "value")).DisableAntiforgery();
        endpoints.MapDelete(RoleMappingsPath + "/{value}", RemoveRoleMappingAsync).RequireAuthorization(AccessPolicies.Admin)
            .WithMetadata(new AuditedRoute("role_mapping.remove", "role_mapping", "value")).DisableAntiforgery();
        return endpoints;
    }

    // ---- the wire: camelCase properties, as in /api/snapshot, /api/audit and the 409 body ----

    public sealed record TokenBody(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("role")] DashboardRole Role,
        [property: JsonPropertyName("prefix")] string Prefix,
        [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
        [property: JsonPropertyName("createdBy")] string CreatedBy,
        [property: JsonPropertyName("lastUsedAt")] DateTimeOffset? LastUsedAt,
        [property: JsonPropertyName("expiresAt")] DateTimeOffset? ExpiresAt,
        [property: JsonPropertyName("revokedAt")] DateTimeOffset? RevokedAt,
        [property: JsonPropertyName("state")] TokenState State);

    /// <summary>201's body. <see cref="Token"/> is null on an idempotent replay: the secret is never stored.</summary>
    public sealed record CreatedTokenBody(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("role")] DashboardRole Role,
        [property: JsonPropertyName("prefix")] string Prefix,
        [property: JsonPropertyName("token")] string? Token,
        [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
        [property: JsonPropertyName("expiresAt")] DateTimeOffset? ExpiresAt);

    public sealed record RevokedTokenBody(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("prefix")] string Prefix,
        [property: JsonPropertyName("revokedAt")] DateTimeOffset RevokedAt);

    public sealed record RoleMappingBody(
        [property: JsonPropertyName("claimValue")] string ClaimValue,
        [property: JsonPropertyName("role")] DashboardRole? Role,
        [property: JsonPropertyName("source")] RoleMappingSource Source,
        [property: JsonPropertyName("version")] long? Version,
        [property: JsonPropertyName("updatedAt")] DateTimeOffset? UpdatedAt,
        [property: JsonPropertyName("updatedBy")] string? UpdatedBy,
        [property: JsonPropertyName("overridden")] bool Overridden);

    private static IResult ListTokens(IAccessFeed feed) =>
        Results.Json(feed.Tokens().Select(t => new TokenBody(t.Name, t.Role, t.Prefix, t.CreatedAt, t.CreatedBy, t.LastUsedAt, t.ExpiresAt, t.RevokedAt, t.State)), CommandJson.Options);

    private static IResult ListRoleMappings(IAccessFeed feed) =>
        Results.Json(feed.RoleMappings().Select(m => new RoleMappingBody(m.ClaimValue, m.Role, m.Source, m.Version, m.UpdatedAt, m.UpdatedBy, m.Overridden)), CommandJson.Options);

    private static async Task<IResult> CreateTokenAsync(HttpContext context, ICommandPipeline pipeline, IAccessFeed feed, CancellationToken cancellationToken)
    {
        var body = await JsonBodies.ReadObjectAsync(context.Request, cancellationToken);
        if (body.Error is not null)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, body.Error);
        }

        if (!TryString(body.Value, "name", required: true, out var name, out var error)
            || !TryRole(body.Value, out var role, out error)
            || !TryString(body.Value, "expires", required: false, out var expires, out error))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, error!);
        }

        var command = new CreateTokenCommand(name!, role, expires) { IdempotencyKey = CommandHttp.IdempotencyKey(context.Request) };
        var result = await pipeline.SendAsync(command, DashboardPrincipal.ActorOf(context), cancellationToken);
        // A script typically uses its new token at once: make sure this process's directory has it.
        await feed.RefreshAsync(cancellationToken);
        return CommandHttp.ToHttp(result,
            v => new CreatedTokenBody(v!.Name, v.Role, v.Prefix, v.Token, v.CreatedAt, v.ExpiresAt),
            createdLocation: $"{TokensPath}/{Uri.EscapeDataString(name!)}");
    }

    private static async Task<IResult> RevokeTokenAsync(string name, HttpContext context, ICommandPipeline pipeline, IAccessFeed feed, CancellationToken cancellationToken)
    {
        var command = new RevokeTokenCommand(name) { IdempotencyKey = CommandHttp.IdempotencyKey(context.Request) };
        var result = await pipeline.SendAsync(command, DashboardPrincipal.ActorOf(context), cancellationToken);
        await feed.RefreshAsync(cancellationToken);
        return CommandHttp.ToHttp(result, v => new RevokedTokenBody(v!.Name, v.Prefix, v.RevokedAt));
    }

    private static async Task<IResult> SetRoleMappingAsync(string value, HttpContext context, ICommandPipeline pipeline, IAccessFeed feed, CancellationToken cancellationToken)
    {
        value = CommandHttp.RouteValue(value);
        var body = await JsonBodies.ReadObjectAsync(context.Request, cancellationToken);
        if (body.Error is not null)
        {
            return await CommandHttp.RefusedAsync(context, pipeline, body.Error);
        }

        if (!TryRole(body.Value, out var role, out var error) || !TryExpectedVersion(context.Request, body.Value, out var expected, out error))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, error!);
        }

        var command = new SetRoleMappingCommand(value, role, expected) { IdempotencyKey = CommandHttp.IdempotencyKey(context.Request) };
        var result = await pipeline.SendAsync(command, DashboardPrincipal.ActorOf(context), cancellationToken);
        await feed.RefreshAsync(cancellationToken);
        return CommandHttp.ToHttp(result, MappingBody);
    }

    private static async Task<IResult> RemoveRoleMappingAsync(string value, HttpContext context, ICommandPipeline pipeline, IAccessFeed feed, CancellationToken cancellationToken)
    {
        value = CommandHttp.RouteValue(value);
        if (!CommandHttp.TryExpectedVersion(context.Request, out var expected, out var error))
        {
            return await CommandHttp.RefusedAsync(context, pipeline, error!);
        }

        var command = new RemoveRoleMappingCommand(value, expected) { IdempotencyKey = CommandHttp.IdempotencyKey(context.Request) };
        var result = await pipeline.SendAsync(command, DashboardPrincipal.ActorOf(context), cancellationToken);
        await feed.RefreshAsync(cancellationToken);
        return CommandHttp.ToHttp(result, MappingBody);
    }

    private static RoleMappingBody MappingBody(RoleMappingChange? change) =>
        new(change!.ClaimValue, change.Role, RoleMappingSource.Store, change.Version, null, null, false);

    private static bool TryString(JsonElement body, string field, bool required, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!body.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            error = required ? $"{field}: required" : null;
            return !required;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"{field}: must be a string";
            return false;
        }

        value = JsonBodies.Text(element);
        if (value is null)
        {
            error = $"{field}: is not valid text (it holds a lone UTF-16 surrogate)";
            return false;
        }

        return true;
    }

    private static bool TryRole(JsonElement body, out DashboardRole role, out string? error)
    {
        role = default;
        if (!TryString(body, "role", required: true, out var text, out error))
        {
            return false;
        }

        if (!DashboardRoles.TryParse(text, out role))
        {
            error = "role: use viewer, operator or admin";
            return false;
        }

        return true;
    }

    /// <summary><c>expectedVersion</c> in the body or <c>If-Match</c>; both given must agree.</summary>
    private static bool TryExpectedVersion(HttpRequest request, JsonElement body, out long? version, out string? error)
    {
        if (!CommandHttp.TryExpectedVersion(request, out var header, out error))
        {
            version = null;
            return false;
        }

        version = header;
        if (!body.TryGetProperty("expectedVersion", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var fromBody))
        {
            error = "expectedVersion: must be a whole number (0: no stored mapping yet)";
            return false;
        }

        if (header is { } h && h != fromBody)
        {
            error = $"expectedVersion ({fromBody}) and If-Match ({h}) disagree: send one";
            return false;
        }

        version = fromBody;
        return true;
    }
}
