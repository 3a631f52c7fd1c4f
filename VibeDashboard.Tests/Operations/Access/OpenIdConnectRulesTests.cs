using System.Security.Claims;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Access;

namespace VibeDashboard.Tests.Operations.Access;

/// <summary>The pure parts of the OpenID Connect sign-in: role-claim values, names, start-up validation.</summary>
public sealed class OpenIdConnectRulesTests
{
    [Fact]
    public void Role_values_come_from_repeated_claims_and_from_json_array_strings()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim("groups", "vd-viewers"),
            new Claim("groups", """["vd-admins", "staff", 42]"""),
            new Claim("groups", "vd-viewers"),
            new Claim("groups", "[not json"),
            new Claim("groups", "  "),
            new Claim("roles", "ignored"),
        ], "test"));

        Assert.Equal(["vd-viewers", "vd-admins", "staff", "42", "[not json"], OpenIdConnectSignIn.ProviderRoleValues(principal, "groups"));
    }

    [Fact]
    public void An_unverified_email_maps_to_nothing_when_roles_are_mapped_by_email()
    {
        ClaimsPrincipal With(string verified) => new(new ClaimsIdentity([new Claim("email", "ada@example.com"), new Claim("email_verified", verified)], "test"));

        Assert.Empty(OpenIdConnectSignIn.ProviderRoleValues(With("false"), "email"));
        Assert.Equal(["ada@example.com"], OpenIdConnectSignIn.ProviderRoleValues(With("true"), "email"));
    }

    [Fact]
    public void The_name_falls_back_from_the_configured_claim_to_the_usual_ones()
    {
        ClaimsPrincipal With(params Claim[] claims) => new(new ClaimsIdentity(claims, "test"));

        Assert.Equal("ada@example.com", OpenIdConnectSignIn.NameOf(With(new("email", "ada@example.com"), new("name", "Ada")), "email"));
        Assert.Equal("Ada", OpenIdConnectSignIn.NameOf(With(new("name", "Ada"), new("sub", "u1")), "email"));
        Assert.Equal("ada", OpenIdConnectSignIn.NameOf(With(new("preferred_username", "ada"), new("sub", "u1")), "email"));
        Assert.Equal("u1", OpenIdConnectSignIn.NameOf(With(new Claim("sub", "u1")), "upn"));
    }

    [Fact]
    public void Open_id_connect_mode_without_authority_or_client_id_fails_naming_the_keys()
    {
        var result = new OpenIdConnectOptionsValidation().Validate(null, new AuthOptions { Mode = AuthMode.OpenIdConnect });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Auth:OpenIdConnect:Authority is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Auth:OpenIdConnect:ClientId is required", StringComparison.Ordinal));
    }

    [Fact]
    public void A_plain_http_authority_needs_require_https_metadata_off()
    {
        var options = new AuthOptions { Mode = AuthMode.OpenIdConnect, OpenIdConnect = { Authority = "http://idp.local/", ClientId = "vd" } };
        var validation = new OpenIdConnectOptionsValidation();

        Assert.Contains(validation.Validate(null, options).Failures!, f => f.Contains("RequireHttpsMetadata=false", StringComparison.Ordinal));
        options.OpenIdConnect.RequireHttpsMetadata = false;
        Assert.True(validation.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Other_modes_ignore_the_open_id_connect_section() =>
        Assert.True(new OpenIdConnectOptionsValidation().Validate(null, new AuthOptions { Mode = AuthMode.Token }).Skipped);
}
