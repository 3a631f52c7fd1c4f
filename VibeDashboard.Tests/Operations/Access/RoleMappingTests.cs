using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Access;

public sealed class RoleMappingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly TempStore _temp = new();
    private AccessHost _host = null!;

    public async Task InitializeAsync() => _host = await new AccessHost(_temp.StorePath, _time, new Dictionary<string, string?>
    {
        ["Auth:OpenIdConnect:Roles:Viewer:0"] = "staff",
        ["Auth:OpenIdConnect:Roles:Viewer:1"] = "contractors",
        ["Auth:OpenIdConnect:Roles:Operator:0"] = "oncall",
        ["Auth:OpenIdConnect:Roles:Admin:0"] = "platform-admins",
    }).StartAsync();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _temp.DisposeAsync();
    }

    private DashboardRole? RoleFor(params string[] values) => _host.Directory.RoleForProviderClaims(values);

    [Fact]
    public void Configured_mappings_apply_and_the_highest_role_wins()
    {
        Assert.Equal(DashboardRole.Viewer, RoleFor("staff"));
        Assert.Equal(DashboardRole.Operator, RoleFor("staff", "oncall"));
        Assert.Equal(DashboardRole.Admin, RoleFor("oncall", "platform-admins", "staff"));
        Assert.Null(RoleFor("strangers"));
        Assert.Null(RoleFor());
        Assert.Null(RoleFor("STAFF")); // claim values are compared exactly
    }

    [Fact]
    public async Task A_stored_mapping_overrides_the_configured_one_for_its_value_only()
    {
        var lowered = await _host.SendAsync(new SetRoleMappingCommand("contractors", DashboardRole.Operator, 0));
        var added = await _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Admin, 0));

        Assert.True(lowered.Succeeded && added.Succeeded);
        Assert.Equal(DashboardRole.Operator, RoleFor("contractors"));
        Assert.Equal(DashboardRole.Admin, RoleFor("sre", "staff"));
        Assert.Equal(DashboardRole.Viewer, RoleFor("staff"));

        var views = _host.Directory.RoleMappings();
        Assert.Contains(views, v => v is { ClaimValue: "contractors", Source: RoleMappingSource.Config, Role: DashboardRole.Viewer, Overridden: true });
        Assert.Contains(views, v => v is { ClaimValue: "contractors", Source: RoleMappingSource.Store, Role: DashboardRole.Operator } && v.Version == lowered.CurrentVersion);
        Assert.Contains(views, v => v is { ClaimValue: "staff", Source: RoleMappingSource.Config, Overridden: false });
    }

    [Fact]
    public async Task Lowering_a_role_takes_effect_when_the_stored_mapping_says_so_and_removing_it_restores_the_configuration()
    {
        var set = await _host.SendAsync(new SetRoleMappingCommand("platform-admins", DashboardRole.Viewer, 0));
        Assert.Equal(DashboardRole.Viewer, RoleFor("platform-admins"));

        var removed = await _host.SendAsync(new RemoveRoleMappingCommand("platform-admins", set.CurrentVersion));

        Assert.True(removed.Succeeded, removed.Error);
        Assert.Equal(DashboardRole.Admin, RoleFor("platform-admins"));
    }

    [Fact]
    public async Task A_stale_expected_version_is_a_conflict_with_the_current_version()
    {
        var first = await _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Operator, 0));
        var second = await _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Admin, first.CurrentVersion));

        // Someone who read the first version, after the second write:
        var stale = await _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Viewer, first.CurrentVersion));

        Assert.Equal(CommandOutcome.Conflict, stale.Outcome);
        Assert.Equal(second.CurrentVersion, stale.CurrentVersion);
        Assert.Contains("changed by someone else", stale.Error);
        Assert.Equal(DashboardRole.Admin, RoleFor("sre"));
        // Creating one that already exists with "expect none" (0) conflicts too.
        Assert.Equal(CommandOutcome.Conflict, (await _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Viewer, 0))).Outcome);
    }

    [Fact]
    public async Task Two_admins_with_the_same_expected_version_exactly_one_wins()
    {
        var seen = (await _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Viewer, 0))).CurrentVersion;

        var results = await Task.WhenAll(
            _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Operator, seen)),
            _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Admin, seen)));

        Assert.Single(results, r => r.Succeeded);
        Assert.Single(results, r => r.Outcome == CommandOutcome.Conflict);
    }

    [Fact]
    public async Task A_removed_and_re_added_mapping_never_repeats_a_version()
    {
        var first = await _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Viewer, 0));
        await _host.SendAsync(new RemoveRoleMappingCommand("sre", first.CurrentVersion));
        await _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Admin, 0));

        var stale = await _host.SendAsync(new SetRoleMappingCommand("sre", DashboardRole.Viewer, first.CurrentVersion));

        Assert.Equal(CommandOutcome.Conflict, stale.Outcome);
    }

    [Fact]
    public async Task Removing_a_value_with_no_stored_mapping_is_not_found()
    {
        var result = await _host.SendAsync(new RemoveRoleMappingCommand("staff", null));

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.True(result.NotFound);
    }

    [Fact]
    public async Task Another_process_lowering_a_role_is_seen_within_the_poll_and_raises_subscribers()
    {
        await using var cli = new AccessHost(_temp.StorePath, _time);
        await cli.SendAsync(new SetRoleMappingCommand("platform-admins", DashboardRole.Viewer, 0));
        Assert.Equal(DashboardRole.Admin, RoleFor("platform-admins"));

        var changed = _host.NextChangeAsync();
        _time.Advance(AccessDirectory.PollInterval);
        await changed;

        Assert.Equal(DashboardRole.Viewer, RoleFor("platform-admins"));
    }
}
