using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// An open page's principal is checked every <c>Auth:RevalidationInterval</c> (2 s): when its token was revoked, its
/// provider role no longer maps, or its role was lowered, the circuit's user becomes anonymous, the router's
/// NotAuthorized branch sends the browser to /login with a full reload, and the circuit closes. The framework's
/// revalidating provider does the loop; this says what "still valid" means.
/// </summary>
public sealed class CircuitRevalidation(ILoggerFactory loggerFactory, AccessRevalidator revalidator, IOptions<AuthOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        Task.FromResult(authenticationState.User.Identity?.IsAuthenticated != true || revalidator.StillHolds(authenticationState.User));
}
