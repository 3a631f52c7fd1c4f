using System.Security.Claims;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary>
/// What "still valid" means for an open page, hub connection or session (the cookie, the circuit and the hub guard
/// all ask this): a revoked token ends it, a lowered provider mapping lowers it — and a lowered role no longer holds.
/// </summary>
public sealed class AccessRevalidatorTests
{
    private sealed class Directory : IAccessDirectory
    {
        public Dictionary<string, DashboardRole> Mappings { get; } = [];

        public ApiTokenIdentity? Token { get; set; }

        public long Version => 1;

        public ApiTokenIdentity? Authenticate(string presented) => null;

        public ApiTokenIdentity? FindValid(string tokenId) => Token?.Id == tokenId ? Token : null;

        public DashboardRole? RoleForProviderClaims(IReadOnlyCollection<string> values) =>
            values.Where(Mappings.ContainsKey).Select(v => (DashboardRole?)Mappings[v]).Max();

        public IDisposable Subscribe(Func<Task> changed) => new NoSubscription();

        private sealed class NoSubscription : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }

    private static ClaimsPrincipal OidcAdmin() =>
        DashboardPrincipal.Create("alice@example.com", ActorKind.User, DashboardRole.Admin, "oidc", [new Claim(DashboardClaims.ProviderRole, "sre")]);

    [Fact]
    public void A_lowered_mapping_lowers_the_role_and_the_principal_no_longer_holds()
    {
        var directory = new Directory();
        directory.Mappings["sre"] = DashboardRole.Admin;
        var revalidator = new AccessRevalidator(directory);
        var principal = OidcAdmin();
        Assert.True(revalidator.StillHolds(principal));

        directory.Mappings["sre"] = DashboardRole.Viewer;

        Assert.False(revalidator.StillHolds(principal)); // an open hub connection is aborted, a circuit sent to sign-in
        Assert.Equal(DashboardRole.Viewer, DashboardPrincipal.RoleOf(revalidator.Revalidate(principal)));
    }

    [Fact]
    public void A_removed_mapping_ends_the_session()
    {
        var directory = new Directory();
        var revalidator = new AccessRevalidator(directory);

        Assert.Null(revalidator.Revalidate(OidcAdmin()));
    }

    [Fact]
    public void A_revoked_token_ends_its_session_and_a_valid_one_keeps_it()
    {
        var directory = new Directory { Token = new ApiTokenIdentity("abc", "wall", DashboardRole.Viewer, "vd_abc", null) };
        var revalidator = new AccessRevalidator(directory);
        var principal = ApiTokenAuthenticationHandler.PrincipalFor(directory.Token);
        Assert.Same(principal, revalidator.Revalidate(principal));

        directory.Token = null;

        Assert.Null(revalidator.Revalidate(principal));
    }
}
