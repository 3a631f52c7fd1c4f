using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Access;
using VibeDashboard.Utils;

namespace VibeDashboard.Hosting;

/// <summary>
/// Who may do what, for the web host: the configured sign-in mode plus API tokens, the three role policies (and a
/// fallback that makes every endpoint need a viewer unless it says otherwise), revalidation of open circuits and hub
/// connections, auditing of refused mutating calls, and the security headers.
/// </summary>
public static class AccessHosting
{
    public static IServiceCollection AddVibeDashboardAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = ReadForWiring(configuration);

        services.AddSingleton<SignInLinks>();
        services.AddSingleton(sp => new SignInThrottle(sp.GetRequiredService<IOptions<AuthOptions>>().Value.MaxSignInFailuresPerMinute));
        services.AddSingleton<SignInService>();
        services.AddSingleton<AccessRevalidator>();
        services.AddHostedService<SignInLinkAnnouncer>();
        services.AddSingleton<HubConnectionGuard>();
        services.AddHostedService(sp => sp.GetRequiredService<HubConnectionGuard>());
        services.Configure<HubOptions>(o => o.AddFilter<HubConnectionGuard>());
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, DeniedAttemptAuditor>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, CircuitRevalidation>();

        var authentication = services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, "VibeDashboard", o => o.ForwardDefaultSelector = context =>
                auth.Mode == AuthMode.Unsecured ? AccessSchemes.Unsecured
                : ApiTokenAuthenticationHandler.PresentedToken(context.Request) is not null ? AccessSchemes.Bearer
                : AccessSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AccessSchemes.Bearer, null)
            .AddScheme<AuthenticationSchemeOptions, UnsecuredAuthenticationHandler>(AccessSchemes.Unsecured, null)
            .AddCookie(AccessSchemes.Cookie, o =>
            {
                o.Cookie.Name = "vd_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = auth.SessionLifetime;
                o.SlidingExpiration = true;
                o.LoginPath = auth.Mode == AuthMode.OpenIdConnect ? DashboardUrls.LoginWithProviderPath : DashboardUrls.Login();
                o.AccessDeniedPath = DashboardUrls.Forbidden;
                o.ReturnUrlParameter = "returnUrl";
                o.Events = new CookieAuthenticationEvents
                {
                    // Programs get status codes; people get the sign-in page.
                    OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden),
                    OnValidatePrincipal = ValidatePrincipalAsync,
                };
            });

        // Only in that mode: the handler is created per request, and without an authority its options do not validate.
        if (auth.Mode == AuthMode.OpenIdConnect)
        {
            authentication.AddDashboardOpenIdConnect();
        }

        // Validated in every mode (it skips the others), so a half-configured OpenIdConnect mode stops the start.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, OpenIdConnectOptionsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>>(new AuthOptionsValidation(configuration)));

        services.AddAuthorization(options =>
        {
            foreach (var role in Enum.GetValues<DashboardRole>())
            {
                options.AddPolicy(AccessPolicies.For(role), policy => policy
                    .RequireAuthenticatedUser()
                    .RequireAssertion(context => DashboardPrincipal.RoleOf(context.User) is { } held && held.Includes(role)));
            }

            // Default deny: an endpoint that forgets to say who may use it needs a viewer, not nobody.
            options.FallbackPolicy = options.GetPolicy(AccessPolicies.Viewer);
        });
        return services;
    }

    /// <summary>
    /// The mode and lifetimes the schemes are built with, read before the options exist. A value that does not bind
    /// falls back to the defaults here; <see cref="AuthOptionsValidation"/> then stops the start naming the key.
    /// </summary>
    private static AuthOptions ReadForWiring(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        }
        catch (InvalidOperationException)
        {
            return new AuthOptions();
        }
    }

    public static WebApplication UseVibeDashboardAccess(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapVibeDashboardAccess(this IEndpointRouteBuilder endpoints)
    {
        // A plain GET: the session cookie is SameSite=Strict, so another site cannot make a browser send it here.
        endpoints.MapGet(DashboardUrls.Logout, async (HttpContext context) =>
        {
            await context.SignOutAsync(AccessSchemes.Cookie);
            return Results.Redirect(DashboardUrls.Login(signedOut: true));
        }).AllowAnonymous();

        // OpenID Connect mode: where pages send a browser without a session, straight on to the provider.
        endpoints.MapGet(DashboardUrls.LoginWithProviderPath, (string? returnUrl, IOptions<AuthOptions> options) =>
            options.Value.Mode == AuthMode.OpenIdConnect
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = SignInService.SafeReturnUrl(returnUrl) }, [AccessSchemes.OpenIdConnect])
                : Results.Redirect(DashboardUrls.Login(returnUrl))).AllowAnonymous();
        return endpoints;
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var path = context.Request.Path;
        // A HEAD, or a method the sign-in page does not answer, gets the status: redirecting it to /login, which would
        // refuse it again, only loops.
        if (HttpMethods.IsHead(context.Request.Method) || path.StartsWithSegments(DashboardUrls.Login())
            || path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor")
            || context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Every request with a session: a revoked token or an unmapped role ends it; a changed role is rewritten.</summary>
    private static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null)
        {
            return;
        }

        var now = context.HttpContext.RequestServices.GetRequiredService<AccessRevalidator>().Revalidate(context.Principal);
        if (now is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AccessSchemes.Cookie);
        }
        else if (!ReferenceEquals(now, context.Principal))
        {
            context.ReplacePrincipal(now);
            context.ShouldRenew = true;
        }
    }
}
