using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Hosting;
using VibeDashboard.Operations.Access;
using VibeDashboard.Tests.Infrastructure;
using VibeDashboard.Tests.Operations.Access;

namespace VibeDashboard.Tests.Hosting;

public sealed class TokensCliTests : IAsyncLifetime
{
    private readonly TempStore _temp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await DashboardCli.RunAsync(["tokens", .. args, "--store", _temp.StorePath], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Create_prints_only_the_token_on_stdout_and_it_signs_in()
    {
        var (exit, output, error) = await RunAsync("create", "--name", "wall", "--role", "viewer");

        Assert.Equal(0, exit);
        var token = output.TrimEnd('\r', '\n');
        Assert.DoesNotContain('\n', token);
        Assert.Matches("^vd_[a-z2-7]{10}_[A-Za-z0-9_-]{43}$", token);
        Assert.Contains("created token wall (viewer, " + token[..13] + ")", error);
        Assert.Contains("(the default, 90d)", error);
        Assert.Contains("shown only this once", error);

        await using var dashboard = await new AccessHost(_temp.StorePath, new FakeTimeProvider(DateTimeOffset.UtcNow)).StartAsync();
        Assert.Equal("wall", dashboard.Directory.Authenticate(token)?.Name);
    }

    [Fact]
    public async Task List_shows_a_table_without_secrets_and_revoke_revokes()
    {
        var (_, token, _) = await RunAsync("create", "--name", "wall", "--role", "viewer", "--expires", "12h");
        await RunAsync("create", "--name", "platform", "--role", "admin", "--expires", "never");

        var (exit, list, _) = await RunAsync("list");

        Assert.Equal(0, exit);
        var lines = list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^NAME\s+ROLE\s+PREFIX\s+CREATED\s+LAST USED\s+EXPIRES\s+STATE$", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("wall ") && l.Contains(token[..13]) && l.EndsWith("active"));
        Assert.Contains(lines, l => l.StartsWith("platform ") && l.Contains(" admin ") && l.Contains("never"));
        Assert.DoesNotContain(token.Trim()[14..], list);

        var (revokeExit, revoked, _) = await RunAsync("revoke", "wall");
        Assert.Equal(0, revokeExit);
        Assert.Equal($"revoked wall ({token[..13]})", revoked.Trim());
        var (_, after, _) = await RunAsync("list");
        Assert.Contains(after.Split('\n'), l => l.StartsWith("wall ") && l.TrimEnd().EndsWith("revoked"));
    }

    [Fact]
    public async Task A_duplicate_name_fails_with_exit_1_and_a_clear_message()
    {
        await RunAsync("create", "--name", "wall", "--role", "viewer");

        var (exit, output, error) = await RunAsync("create", "--name", "wall", "--role", "admin");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains("a token named wall already exists", error);
    }

    [Fact]
    public async Task List_and_revoke_on_a_mistyped_store_fail_instead_of_creating_it()
    {
        var missing = Path.Combine(_temp.Directory, "typo.db");
        foreach (var args in new[] { new[] { "tokens", "list", "--store", missing }, ["tokens", "revoke", "wall", "--store", missing] })
        {
            var stderr = new StringWriter();
            Assert.Equal(1, await DashboardCli.RunAsync(args, new StringWriter(), stderr));
            Assert.Contains("no store at", stderr.ToString());
        }

        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task Revoking_an_unknown_name_fails_with_exit_1()
    {
        await RunAsync("create", "--name", "somebody", "--role", "viewer");

        var (exit, _, error) = await RunAsync("revoke", "nobody");

        Assert.Equal(1, exit);
        Assert.Contains("no token named nobody", error);
    }

    [Theory]
    [InlineData("create", "--name", "wall")]
    [InlineData("create", "--name", "wall", "--role", "root")]
    [InlineData("create", "--name", "bad name", "--role", "viewer")]
    [InlineData("create", "--name", "wall", "--role", "viewer", "--expires", "1y")]
    [InlineData("revoke")]
    [InlineData("rotate")]
    [InlineData]
    public async Task Usage_errors_exit_64(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(64, exit);
        Assert.Empty(output);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task The_cli_is_audited_as_the_system_acting_for_the_user_at_the_host()
    {
        await RunAsync("create", "--name", "wall", "--role", "viewer");

        var actor = (string)(await _temp.ScalarAsync("SELECT actor_name FROM _vd_audit WHERE action = 'token.create'"))!;
        Assert.Equal($"cli:{Environment.UserName}@{Environment.MachineName}", actor);
        Assert.Equal("system", await _temp.ScalarAsync("SELECT actor_kind FROM _vd_audit WHERE action = 'token.create'"));
    }
}
