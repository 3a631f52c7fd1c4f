using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Model;
using VibeDashboard.Operations.Access;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// <c>/login</c>: <c>?t=</c> redeems the start-up link or an API token and redirects (so the secret leaves the
/// address bar); the form takes a pasted token; in OpenID Connect mode a button starts the provider's sign-in.
/// Refusals answer 401 and, past the per-IP limit, 429 — with what went wrong, never which secret was close.
/// </summary>
public sealed partial class Login
{
    [CascadingParameter] public HttpContext HttpContext { get; set; } = default!;

    [Inject] public required SignInService SignIn { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [Inject] public required IOptions<AuthOptions> Options { get; init; }

    [SupplyParameterFromQuery(Name = "t")] public string? Token { get; set; }

    [SupplyParameterFromQuery(Name = "returnUrl")] public string? ReturnUrl { get; set; }

    [SupplyParameterFromQuery(Name = "error")] public string? Error { get; set; }

    [SupplyParameterFromQuery(Name = "signedOut")] public string? SignedOut { get; set; }

    // No initializer (BL0008): a form post binds it, and OnInitialized supplies an empty one otherwise.
    [SupplyParameterFromForm(FormName = "signin")] public SignInForm? Form { get; set; }

    private AuthMode _mode;
    private string? _message;
    private bool _error;
    private string _linkLifetime = "";

    private string OidcChallengeUrl => DashboardUrls.LoginWithProvider(SignInService.SafeReturnUrl(ReturnUrl));

    protected override async Task OnInitializedAsync()
    {
        Form ??= new SignInForm();
        _mode = Options.Value.Mode;
        _linkLifetime = ValueFormat.Duration(Options.Value.SignInLinkLifetime.TotalMilliseconds);
        if (_mode == AuthMode.Unsecured)
        {
            Navigation.NavigateTo(SignInService.SafeReturnUrl(ReturnUrl));
            return;
        }

        if (HttpMethods.IsPost(HttpContext.Request.Method))
        {
            return; // the form's handler decides
        }

        if (!string.IsNullOrEmpty(Token))
        {
            await SignInWithAsync(Token, ReturnUrl);
            return;
        }

        _message = string.IsNullOrEmpty(Error)
            ? SignedOut == "1" ? "You are signed out." : null
            : OpenIdConnectErrors.Describe(Error) ?? "The sign-in did not complete. Try again; if it keeps failing, the dashboard's log says why.";
        _error = !string.IsNullOrEmpty(Error);
        if (_error)
        {
            HttpContext.Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
        else if (HttpContext.User.Identity?.IsAuthenticated == true && SignedOut != "1")
        {
            Navigation.NavigateTo(SignInService.SafeReturnUrl(ReturnUrl));
        }
    }

    private Task SubmitAsync() => SignInWithAsync(Form?.Token, Form?.ReturnUrl);

    private async Task SignInWithAsync(string? presented, string? returnUrl)
    {
        switch (await SignIn.SignInAsync(HttpContext, presented, returnUrl))
        {
            case SignInOutcome.SignedIn:
                // A redirect: the secret leaves the address bar and the history, and the next page is a fresh GET.
                Navigation.NavigateTo(SignInService.SafeReturnUrl(returnUrl));
                return;
            case SignInOutcome.Throttled:
                HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                HttpContext.Response.Headers.RetryAfter = "60";
                _message = "Too many failed sign-in attempts from your address. Wait a minute and try again.";
                break;
            default:
                HttpContext.Response.StatusCode = StatusCodes.Status401Unauthorized;
                _message = _mode == AuthMode.Token
                    ? "That sign-in link or token does not work: the start-up link works once and expires (restart the dashboard for a new one), and an API token may have been revoked or have expired."
                    : "That token does not work: it may have been revoked or have expired.";
                break;
        }

        _error = true;
    }

    public sealed class SignInForm
    {
        public string? Token { get; set; }

        public string? ReturnUrl { get; set; }
    }
}
