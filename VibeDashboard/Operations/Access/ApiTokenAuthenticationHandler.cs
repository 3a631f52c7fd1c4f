using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// <c>Authorization: Bearer &lt;api token&gt;</c> — and, for the hub only, the <c>access_token</c> query parameter
/// SignalR's WebSocket transport sends (browsers cannot set headers on a WebSocket). The token itself is never logged.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IAccessDirectory directory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HubPathPrefix = "/hubs/";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedToken(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var token = directory.Authenticate(presented);
        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("the API token is unknown, revoked or expired"));
        }

        var principal = PrincipalFor(token);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    public static ClaimsPrincipal PrincipalFor(ApiTokenIdentity token) =>
        DashboardPrincipal.Create(token.Name, ActorKind.Token, token.Role, "token", [new Claim(DashboardClaims.TokenId, token.Id)]);

    /// <summary>The token a request carries, or null. Also decides which scheme the request is for.</summary>
    public static string? PresentedToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = header["Bearer ".Length..].Trim();
            return value.Length > 0 ? value : null;
        }

        if (request.Path.StartsWithSegments(HubPathPrefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            && request.Query["access_token"].ToString() is { Length: > 0 } query)
        {
            return query;
        }

        return null;
    }
}

/// <summary>Auth:Mode=Unsecured: every request is the anonymous admin (the banner on every page says so).</summary>
public sealed class UnsecuredAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string ActorName = "anonymous (unsecured mode)";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(
            DashboardPrincipal.Create(ActorName, ActorKind.User, DashboardRole.Admin, "unsecured"), Scheme.Name)));
}
