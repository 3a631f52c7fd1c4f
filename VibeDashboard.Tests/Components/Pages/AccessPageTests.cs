using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Components;
using VibeDashboard.Components.Pages;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Tests.Operations.Access;

namespace VibeDashboard.Tests.Components.Pages;

public sealed class AccessPageTests : DashboardComponentTest
{
    private readonly AccessHost _access;

    public AccessPageTests()
    {
        // Registered before the base renders anything (bUnit locks the container then); started in InitializeAsync.
        _access = new AccessHost(Store.StorePath, Time, new Dictionary<string, string?>
        {
            ["Auth:OpenIdConnect:Roles:Operator:0"] = "oncall",
        });
        // Created by a factory so the bUnit container disposes it (before the base deletes the store).
        var access = _access;
        Services.AddSingleton(_ => access);
        Services.AddSingleton(sp => sp.GetRequiredService<AccessHost>().Pipeline);
        Services.AddSingleton<IAccessFeed>(sp => sp.GetRequiredService<AccessHost>().Directory);
        Services.AddScoped<CircuitClient>();
        Services.AddScoped<CommandSender>();
        AddAuthorization().SetAuthorized("alice@example.com").SetClaims(
            new Claim(DashboardClaims.Role, "admin"),
            new Claim(DashboardClaims.ActorKind, "user"));
    }

    public override async Task InitializeAsync()
    {
        await _access.StartAsync();
        await base.InitializeAsync();
        _ = Services.GetRequiredService<AccessHost>();
    }

    private IReadOnlyList<string> TokenNames(IRenderedComponent<Access> page) =>
        page.FindAll("[data-testid=token-row-name]").Select(e => e.TextContent.Trim()).ToList();

    private static AngleSharp.Dom.IElement RoleButton(IRenderedComponent<Access> page, string group, string role) =>
        page.FindAll($"[data-testid={group}] .mud-toggle-item").Single(b => b.TextContent.Trim() == role);

    // MudTextField puts its attributes on the input itself.
    private static AngleSharp.Dom.IElement Input(IRenderedComponent<Access> page, string id) =>
        page.Find($"input[data-testid={id}], [data-testid={id}] input");

    [Fact]
    public async Task Lists_tokens_with_role_prefix_and_state_and_never_a_secret()
    {
        var wall = await _access.CreateTokenAsync("wall");
        await _access.CreateTokenAsync("platform", DashboardRole.Admin, "never");

        var page = Render<Access>();

        Assert.Equal(["platform", "wall"], TokenNames(page).Order().ToList());
        Assert.Contains(wall[..13], page.Markup);
        Assert.DoesNotContain(wall[14..], page.Markup);
        Assert.All(page.FindAll("[data-testid=token-state]"), s => Assert.Equal("active", s.TextContent.Trim()));
    }

    [Fact]
    public async Task Create_shows_the_token_once_and_it_authenticates()
    {
        var page = Render<Access>();

        Input(page, "token-name").Change("wall");
        await RoleButton(page, "token-role", "operator").ClickAsync(new());
        await page.Find("[data-testid=create-token]").ClickAsync(new());

        var shown = page.WaitForElement("[data-testid=new-token]").TextContent.Trim();
        Assert.Equal(DashboardRole.Operator, _access.Directory.Authenticate(shown)?.Role);
        Assert.Contains("will not be shown again", page.Find("[data-testid=created-token]").TextContent);
        Assert.Equal(["wall"], TokenNames(page));

        await page.Find("[data-testid=copy-token]").ClickAsync(new());
        Assert.Equal(shown, JSInterop.Invocations["navigator.clipboard.writeText"].Single().Arguments[0]);

        await page.Find("[data-testid=dismiss-token]").ClickAsync(new());
        Assert.DoesNotContain(shown, page.Markup);
        // A fresh render (another visit) never shows it either.
        Assert.DoesNotContain(shown[14..], Render<Access>().Markup);
    }

    [Fact]
    public async Task A_refused_copy_says_so_and_keeps_the_token_shown()
    {
        JSInterop.SetupVoid("navigator.clipboard.writeText", _ => true).SetException(new Microsoft.JSInterop.JSException("NotAllowedError"));
        var page = Render<Access>();
        Input(page, "token-name").Change("wall");
        await page.Find("[data-testid=create-token]").ClickAsync(new());

        await page.Find("[data-testid=copy-token]").ClickAsync(new());

        Assert.Contains("select the token and copy it by hand", page.Find("[data-testid=copy-failed]").TextContent);
        Assert.NotEmpty(page.Find("[data-testid=new-token]").TextContent.Trim());
    }

    [Fact]
    public async Task A_duplicate_or_bad_name_is_shown_inline_naming_the_problem()
    {
        await _access.CreateTokenAsync("wall");
        var page = Render<Access>();

        Input(page, "token-name").Change("wall");
        await page.Find("[data-testid=create-token]").ClickAsync(new());
        Assert.Contains("a token named wall already exists", page.Find("[data-testid=access-error]").TextContent);

        Input(page, "token-name").Change("no spaces");
        await page.Find("[data-testid=create-token]").ClickAsync(new());
        Assert.Contains("name:", page.Find("[data-testid=access-error]").TextContent);

        Input(page, "token-name").Change("ok");
        Input(page, "token-expires").Change("1y");
        await page.Find("[data-testid=create-token]").ClickAsync(new());
        Assert.Contains("expires:", page.Find("[data-testid=access-error]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=new-token]"));
    }

    [Fact]
    public async Task Revoke_asks_first_then_revokes()
    {
        var token = await _access.CreateTokenAsync("wall");
        var page = Render<Access>();

        await page.Find("[data-testid=revoke]").ClickAsync(new());
        Assert.Contains("Revoke wall?", page.Find("[data-testid=confirm-revoke]").TextContent);
        await page.Find("[data-testid=confirm-revoke-no]").ClickAsync(new());
        Assert.Empty(page.FindAll("[data-testid=confirm-revoke]"));
        Assert.NotNull(_access.Directory.Authenticate(token));

        await page.Find("[data-testid=revoke]").ClickAsync(new());
        await page.Find("[data-testid=confirm-revoke-yes]").ClickAsync(new());

        Assert.Null(_access.Directory.Authenticate(token));
        Assert.Equal("revoked", page.Find("[data-testid=token-state]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=revoke]"));
    }

    [Fact]
    public async Task Refreshes_when_another_process_changes_tokens()
    {
        var page = Render<Access>();
        Assert.Empty(TokenNames(page));
        await using var cli = new AccessHost(Store.StorePath, Time);
        await cli.CreateTokenAsync("from-cli");

        var changed = _access.NextChangeAsync();
        Time.Advance(AccessDirectory.PollInterval);
        await changed;

        page.WaitForAssertion(() => Assert.Equal(["from-cli"], TokenNames(page)));
    }

    [Fact]
    public async Task Role_mappings_show_config_rows_read_only_and_store_rows_editable_with_a_conflict_named()
    {
        var set = await _access.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Viewer, 0));
        var page = Render<Access>();

        var values = page.FindAll("[data-testid=mapping-value]").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(["oncall", "sre"], values);
        Assert.Single(page.FindAll("[data-testid=save-mapping]"));

        // Someone else changes it after this page read it.
        await using var other = new AccessHost(Store.StorePath, Time);
        await other.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Admin, set.CurrentVersion));

        await RoleButton(page, "mapping-role", "operator").ClickAsync(new());
        await page.Find("[data-testid=save-mapping]").ClickAsync(new());

        var error = page.Find("[data-testid=access-error]").TextContent;
        Assert.Contains("Changed by someone else, reload", error);
        await page.Find("[data-testid=reload]").ClickAsync(new());
        Assert.Empty(page.FindAll("[data-testid=access-error]"));
        Assert.Contains("stored · v" + (set.CurrentVersion + 1), page.Markup);
    }

    [Fact]
    public async Task Add_mapping_stores_it()
    {
        var page = Render<Access>();

        Input(page, "new-mapping-value").Change("platform-admins");
        await RoleButton(page, "new-mapping-role", "admin").ClickAsync(new());
        await page.Find("[data-testid=add-mapping]").ClickAsync(new());

        Assert.Equal(DashboardRole.Admin, _access.Directory.RoleForProviderClaims(["platform-admins"]));
        Assert.Contains("platform-admins", page.FindAll("[data-testid=mapping-value]").Select(e => e.TextContent.Trim()));
    }
}
