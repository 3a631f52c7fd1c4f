using Microsoft.AspNetCore.TestHost;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary>A dashboard in OpenID Connect mode that cannot reach a provider does not start half-configured.</summary>
public sealed class OpenIdConnectStartupTests
{
    [Fact]
    public async Task Open_id_connect_mode_without_an_authority_stops_the_start_naming_the_key()
    {
        await using var factory = new DashboardAppFactory(new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "OpenIdConnect",
            ["Auth:OpenIdConnect:ClientId"] = "vibedashboard",
        });
        await using var app = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(OidcTestHost.Register));

        var failure = Record.Exception(() => app.Server);

        Assert.NotNull(failure);
        Assert.Contains("Auth:OpenIdConnect:Authority is required", failure.ToString(), StringComparison.Ordinal);
    }
}
