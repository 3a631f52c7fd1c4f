using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// <c>Auth:Mode</c> must be spelled out: configuration binds enums from numbers too, and <c>2</c> must not turn
/// sign-in off without the word <c>Unsecured</c> appearing anywhere, nor <c>3</c> start a server nobody can sign in to.
/// </summary>
public sealed class AuthOptionsValidation(IConfiguration configuration) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var raw = configuration[$"{AuthOptions.Section}:{nameof(AuthOptions.Mode)}"];
        if (raw is not null && !Enum.GetNames<AuthMode>().Contains(raw.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail($"Auth:Mode is '{raw}': it must be one of {string.Join(", ", Enum.GetNames<AuthMode>())}");
        }

        return ValidateOptionsResult.Success;
    }
}
