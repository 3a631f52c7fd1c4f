using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// In <c>Auth:Mode=OpenIdConnect</c>, stops the start with a message naming the key when the provider settings
/// cannot work, instead of failing at the first person's sign-in. Other modes ignore the section.
/// </summary>
public sealed class OpenIdConnectOptionsValidation : IValidateOptions<AuthOptions>
{
    private const string Prefix = AuthOptions.Section + ":OpenIdConnect:";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (options.Mode != AuthMode.OpenIdConnect)
        {
            return ValidateOptionsResult.Skip;
        }

        var oidc = options.OpenIdConnect;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(oidc.Authority))
        {
            failures.Add($"{Prefix}Authority is required when Auth:Mode is OpenIdConnect (the provider's issuer URL, e.g. https://login.example.com).");
        }
        else if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            failures.Add($"{Prefix}Authority must be an absolute http(s) URL; got '{oidc.Authority}'.");
        }
        else if (authority.Scheme == "http" && oidc.RequireHttpsMetadata)
        {
            failures.Add($"{Prefix}Authority is plain http; use https, or set {Prefix}RequireHttpsMetadata=false for a development provider.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            failures.Add($"{Prefix}ClientId is required when Auth:Mode is OpenIdConnect (the client id registered with the provider).");
        }

        if (string.IsNullOrWhiteSpace(oidc.RoleClaim))
        {
            failures.Add($"{Prefix}RoleClaim must name the claim whose values map to roles (groups, roles, email, …).");
        }

        if (string.IsNullOrWhiteSpace(oidc.CallbackPath) || !oidc.CallbackPath.StartsWith('/'))
        {
            failures.Add($"{Prefix}CallbackPath must be a path starting with '/' (default /signin-oidc); got '{oidc.CallbackPath}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
