using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Utils;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// <c>Auth:Mode=OpenIdConnect</c>: the code flow with PKCE against the configured provider. The provider's identity
/// is not kept: once its tokens validate, the person's role-claim values are mapped to a dashboard role and the
/// browser gets the dashboard's own cookie (<see cref="AccessSchemes.Cookie"/>) with the dashboard's claims — or,
/// when no value maps, no session at all and <c>/login?error=no_role</c>.
/// </summary>
public static class OpenIdConnectSignIn
{
    /// <summary>Claim types kept from the provider's id token, beside the dashboard's own.</summary>
    public const string SubjectClaim = "sub";

    public const string IssuerClaim = "iss";

    private const string Method = "oidc";

    /// <summary>
    /// Adds the <see cref="AccessSchemes.OpenIdConnect"/> scheme, configured from <see cref="AuthOptions"/> (bound by
    /// the caller; <see cref="OpenIdConnectOptionsValidation"/> is registered here too, so a missing authority stops the start).
    /// </summary>
    public static AuthenticationBuilder AddDashboardOpenIdConnect(this AuthenticationBuilder builder)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, OpenIdConnectOptionsValidation>());
        builder.Services.AddOptions<OpenIdConnectOptions>(AccessSchemes.OpenIdConnect)
            .Configure<IOptions<AuthOptions>>((options, auth) => Configure(options, auth.Value.OpenIdConnect));
        return builder.AddOpenIdConnect(AccessSchemes.OpenIdConnect, "OpenID Connect", _ => { });
    }

    /// <summary>
    /// The values of <paramref name="roleClaim"/>: one per claim (a JSON array in the token arrives as one claim per
    /// element), and a value that is itself a JSON array string (<c>["a","b"]</c>, as some providers send custom
    /// claims) is split into its elements. None when the claim is <c>email</c> and <c>email_verified</c> is false.
    /// </summary>
    public static IReadOnlyList<string> ProviderRoleValues(ClaimsPrincipal principal, string roleClaim)
    {
        var values = new List<string>();

        // Mapping by address: an address the provider says it has not verified is anyone's to type in.
        if (roleClaim == "email" && principal.FindFirst("email_verified")?.Value is { } verified
            && string.Equals(verified, "false", StringComparison.OrdinalIgnoreCase))
        {
            return values;
        }

        foreach (var claim in principal.FindAll(roleClaim))
        {
            var value = claim.Value.Trim();
            if (value.StartsWith('[') && TryReadJsonArray(value, values))
            {
                continue;
            }

            if (value.Length > 0)
            {
                values.Add(value);
            }
        }

        return values.Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool TryReadJsonArray(string value, List<string> into)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var element in document.RootElement.EnumerateArray())
            {
                var item = element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
                if (!string.IsNullOrWhiteSpace(item))
                {
                    into.Add(item.Trim());
                }
            }

            return true;
        }
        catch (JsonException)
        {
            // A group literally named "[…": keep it as it is.
            return false;
        }
    }

    /// <summary>The name the audit log shows: the configured claim, then the usual ones, then the subject.</summary>
    public static string NameOf(ClaimsPrincipal principal, string nameClaim)
    {
        foreach (var type in new[] { nameClaim, "name", "preferred_username", "email", SubjectClaim })
        {
            if (principal.FindFirst(type)?.Value is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return "unknown";
    }

    private static void Configure(OpenIdConnectOptions options, OpenIdConnectAuthOptions settings)
    {
        options.SignInScheme = AccessSchemes.Cookie;
        options.Authority = settings.Authority;
        options.ClientId = settings.ClientId;
        options.ClientSecret = string.IsNullOrEmpty(settings.ClientSecret) ? null : settings.ClientSecret;
        options.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        options.CallbackPath = settings.CallbackPath;

        options.ResponseType = OpenIdConnectResponseType.Code;

        // The code comes back in the query: every provider supports it for the code flow (form_post is not universal),
        // and with PKCE a code seen in a log is useless without this browser's verifier.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.DisableTelemetry = true;
        options.Scope.Clear();
        options.Scope.Add(OpenIdConnectScope.OpenId);
        options.Scope.Add("profile");
        options.Scope.Add(OpenIdConnectScope.Email);
        foreach (var scope in settings.Scopes.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal).Where(s => !options.Scope.Contains(s)))
        {
            options.Scope.Add(scope);
        }

        options.GetClaimsFromUserInfoEndpoint = settings.GetClaimsFromUserInfoEndpoint;
        if (settings.GetClaimsFromUserInfoEndpoint)
        {
            // Userinfo claims are copied only through claim actions; a JSON array becomes one claim per element.
            options.ClaimActions.MapJsonKey(settings.RoleClaim, settings.RoleClaim);
            options.ClaimActions.MapJsonKey(settings.NameClaim, settings.NameClaim);
        }

        options.TokenValidationParameters.NameClaimType = settings.NameClaim;
        options.Events = new OpenIdConnectEvents
        {
            // After the id token and (when asked) the userinfo are in: the one place that sees every claim.
            OnTicketReceived = context => SignInAsync(context, settings),
            OnAccessDenied = context =>
            {
                Logger(context.HttpContext).LogInformation("OpenID Connect sign-in declined at the provider (access_denied)");
                context.Response.Redirect(LoginError(OpenIdConnectErrors.AccessDenied));
                context.HandleResponse();
                return Task.CompletedTask;
            },
            OnRemoteFailure = context =>
            {
                var code = ErrorCodeFor(context.Failure);
                Logger(context.HttpContext).LogWarning(context.Failure, "OpenID Connect sign-in failed ({Code})", code);
                context.Response.Redirect(LoginError(code));
                context.HandleResponse();
                return Task.CompletedTask;
            },
        };
    }

    private static async Task SignInAsync(TicketReceivedContext context, OpenIdConnectAuthOptions settings)
    {
        var provider = context.Principal!;
        var values = ProviderRoleValues(provider, settings.RoleClaim);
        var role = context.HttpContext.RequestServices.GetRequiredService<IAccessDirectory>().RoleForProviderClaims(values);
        var name = NameOf(provider, settings.NameClaim);
        var subject = provider.FindFirst(SubjectClaim);
        if (role is null)
        {
            // Refused: no cookie is written. The person sees why; the log says which claim was read.
            Logger(context.HttpContext).LogWarning(
                "OpenID Connect sign-in of {Name} refused: none of the {Count} value(s) of claim {Claim} maps to a role",
                name, values.Count, settings.RoleClaim);
            context.Response.Redirect(LoginError(OpenIdConnectErrors.NoRole));
            context.HandleResponse();
            return;
        }

        var extra = values.Select(value => new Claim(DashboardClaims.ProviderRole, value)).ToList();
        if (subject is not null)
        {
            extra.Add(new Claim(SubjectClaim, subject.Value));
            extra.Add(new Claim(IssuerClaim, subject.Issuer));
        }

        var principal = DashboardPrincipal.Create(name, ActorKind.User, role.Value, Method, extra);
        await context.HttpContext.SignInAsync(context.Options.SignInScheme ?? AccessSchemes.Cookie, principal, context.Properties);
        Logger(context.HttpContext).LogInformation("{Name} signed in through OpenID Connect as {Role}", name, role.Value.Name());

        // Not a 302: the session cookie is SameSite=Strict, and a browser does not send it on a redirect chain that
        // began at the provider (cross-site), so a redirect would land signed-out and start the sign-in again.
        // A page that navigates on its own is a same-site navigation, which carries the cookie.
        await WriteContinuePageAsync(context.Response, SignInService.SafeReturnUrl(context.ReturnUri));
        context.HandleResponse();
    }

    private static async Task WriteContinuePageAsync(HttpResponse response, string returnUrl)
    {
        var url = HtmlEncoder.Default.Encode(returnUrl);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        await response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={url}"><title>Signed in</title></head>
            <body><p>Signed in. <a href="{url}">Continue</a></p></body></html>
            """);
    }

    private static string ErrorCodeFor(Exception? failure) => failure switch
    {
        // Correlation cookie missing (stale, other browser, replayed callback) or state that does not unprotect.
        AuthenticationFailureException => OpenIdConnectErrors.State,
        OpenIdConnectProtocolException or SecurityTokenException => OpenIdConnectErrors.Provider,
        _ => OpenIdConnectErrors.Failed,
    };

    private static string LoginError(string code) => DashboardUrls.Login(error: code);

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OpenIdConnectSignIn).FullName!);
}
