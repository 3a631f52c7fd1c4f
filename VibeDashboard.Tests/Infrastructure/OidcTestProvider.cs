using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>A person the test provider signs in; <see cref="Groups"/> go into the <c>groups</c> claim.</summary>
public sealed record OidcTestUser(string Subject, string Email, string Name, IReadOnlyList<string> Groups)
{
    /// <summary>Send the groups as one string holding a JSON array (<c>"[\"a\",\"b\"]"</c>) instead of a JSON array.</summary>
    public bool GroupsAsJsonString { get; init; }

    /// <summary>Leave the groups out of the id token; only the userinfo endpoint answers them.</summary>
    public bool GroupsOnlyInUserInfo { get; init; }
}

/// <summary>
/// A real OpenID Connect provider (OpenIddict in degraded mode: no database) on Kestrel at a loopback port in the
/// test process. Its authorize endpoint signs in <see cref="NextUser"/> without a login page and answers with a code;
/// the token endpoint redeems a code once. Clients are checked here, since degraded mode has no application store.
/// </summary>
public sealed class OidcTestProvider : IAsyncLifetime
{
    public const string ClientId = "vibedashboard";

    public const string ClientSecret = "test-secret-4f1c";

    /// <summary>The dashboard under test is reached at https://localhost (TestServer), so this is its callback.</summary>
    public const string RedirectUri = "https://localhost/signin-oidc";

    private readonly ConcurrentDictionary<string, byte> _redeemedCodes = new(StringComparer.Ordinal);
    private WebApplication? _app;

    /// <summary>The issuer URL, e.g. <c>http://127.0.0.1:54321/</c> (known once started).</summary>
    public string Authority { get; private set; } = "";

    /// <summary>
    /// Who the next authorization request signs in; set by the test before it starts a flow. Null: the person
    /// declines, and the provider answers <c>access_denied</c>.
    /// </summary>
    public OidcTestUser? NextUser { get; set; } = new("alice", "alice@example.com", "Alice", []);

    private int _refusedTokenRequests;

    /// <summary>How many token requests were refused (a replayed code, a wrong secret).</summary>
    public int RefusedTokenRequests => Volatile.Read(ref _refusedTokenRequests);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(OidcTestProvider).Assembly.GetName().Name,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");

        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetAuthorizationEndpointUris("connect/authorize")
                .SetTokenEndpointUris("connect/token")
                .SetUserInfoEndpointUris("connect/userinfo");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(Scopes.Email, Scopes.Profile, "groups");
            options.RegisterClaims(Claims.Subject, Claims.Email, Claims.Name, "groups");
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();

            // No application, token or authorization store: the handlers below validate the one client.
            options.EnableDegradedMode();
            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    context.Reject(Errors.InvalidClient, "Unknown client_id.");
                }
                else if (context.RedirectUri != RedirectUri)
                {
                    context.Reject(Errors.InvalidRequest, "The redirect_uri is not registered for this client.");
                }

                return default;
            }));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Request.ClientId != ClientId || context.Request.ClientSecret != ClientSecret)
                {
                    Interlocked.Increment(ref _refusedTokenRequests);
                    context.Reject(Errors.InvalidClient, "Unknown client or wrong secret.");
                }
                else if (context.Request.IsAuthorizationCodeGrantType() && !_redeemedCodes.TryAdd(context.Request.Code ?? "", 0))
                {
                    // Degraded mode keeps no token store, so it cannot see a second redemption by itself.
                    Interlocked.Increment(ref _refusedTokenRequests);
                    context.Reject(Errors.InvalidGrant, "The authorization code was already redeemed.");
                }

                return default;
            }));

            options.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableTokenEndpointPassthrough()
                .EnableUserInfoEndpointPassthrough()
                .DisableTransportSecurityRequirement();
        });

        _app = builder.Build();
        _app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)Authorize);
        _app.MapPost("/connect/token", (Delegate)RedeemAsync);
        _app.MapMethods("/connect/userinfo", ["GET", "POST"], (Delegate)UserInfoAsync);
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Authority = address.TrimEnd('/') + "/";
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private IResult Authorize(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (NextUser is not { } user)
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The person declined the sign-in.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Subject));
        identity.AddClaim(new Claim(Claims.Email, user.Email));
        identity.AddClaim(new Claim(Claims.Name, user.Name));
        if (!user.GroupsOnlyInUserInfo)
        {
            if (user.GroupsAsJsonString)
            {
                identity.AddClaim(new Claim("groups", System.Text.Json.JsonSerializer.Serialize(user.Groups)));
            }
            else
            {
                foreach (var group in user.Groups)
                {
                    identity.AddClaim(new Claim("groups", group));
                }
            }
        }

        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(static _ => [Destinations.AccessToken, Destinations.IdentityToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetClaim("vd_test_user", System.Text.Json.JsonSerializer.Serialize(user));
        principal.FindFirst("vd_test_user")!.SetDestinations(Destinations.AccessToken);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> RedeemAsync(HttpContext context)
    {
        // The code carries the principal the authorize endpoint signed in; the tokens are issued from it.
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        return result.Principal is null
            ? Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme])
            : Results.SignIn(result.Principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal?.GetClaim("vd_test_user") is not { } json)
        {
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var user = System.Text.Json.JsonSerializer.Deserialize<OidcTestUser>(json)!;
        return Results.Json(new Dictionary<string, object>
        {
            [Claims.Subject] = user.Subject,
            [Claims.Email] = user.Email,
            [Claims.Name] = user.Name,
            ["groups"] = user.Groups,
        });
    }
}
