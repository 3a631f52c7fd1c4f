using VibeDashboard.Hosting;
using VibeDashboard.Tests.Operations.Commands;

namespace VibeDashboard.Tests.Hosting;

public sealed class AuditCliTests : IAsyncLifetime
{
    private CommandHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await new CommandHarness().InitializeAsync();
        await _harness.SendAsync(new SetNote("a", "one"));
        await _harness.SendAsync(new SetNote("a", "two", ExpectedVersion: 1));
        await _harness.SendAsync(new SetNote("b", "three"));
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await DashboardCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Verify_exits_0_with_the_count_and_the_head_hash_prefix()
    {
        var head = (await _harness.EntriesAsync())[^1].Hash;

        var (exit, output, error) = await RunAsync("audit", "verify", "--store", _harness.StorePath);

        Assert.Equal(0, exit);
        Assert.Equal($"audit chain holds: 3 entries, head {head[..16]}", output.Trim());
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Verify_exits_1_naming_an_edited_entry()
    {
        await _harness.ExecuteAsync("UPDATE _vd_audit SET actor_name = 'mallory' WHERE seq = 2");

        var (exit, output, _) = await RunAsync("audit", "verify", "--store", _harness.StorePath);

        Assert.Equal(DashboardCli.Failed, exit);
        Assert.Equal("audit chain broken at seq 2: hash mismatch: the entry was edited after it was written", output.Trim());
    }

    [Fact]
    public async Task Verify_exits_1_naming_a_deleted_middle_entry()
    {
        await _harness.ExecuteAsync("DELETE FROM _vd_audit WHERE seq = 2");

        var (exit, output, _) = await RunAsync("audit", "verify", $"--store={_harness.StorePath}");

        Assert.Equal(DashboardCli.Failed, exit);
        Assert.StartsWith("audit chain broken at seq 2: entry 2 is missing (deleted)", output.Trim());
    }

    [Fact]
    public async Task Verify_exits_1_naming_a_deleted_newest_entry()
    {
        await _harness.ExecuteAsync("DELETE FROM _vd_audit WHERE seq = 3");

        var (exit, output, _) = await RunAsync("audit", "verify", "--store", _harness.StorePath);

        Assert.Equal(DashboardCli.Failed, exit);
        Assert.StartsWith("audit chain broken at seq 3: entry 3 is missing (deleted)", output.Trim());
    }

    [Fact]
    public async Task Verify_of_a_mistyped_store_fails_instead_of_creating_an_empty_one_that_holds()
    {
        var path = Path.Combine(Path.GetDirectoryName(_harness.StorePath)!, "typo.db");

        var (exit, output, error) = await RunAsync("audit", "verify", "--store", path);

        Assert.Equal(DashboardCli.Failed, exit);
        Assert.Equal("", output);
        Assert.StartsWith("failed: no store at ", error);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("audit")]
    [InlineData("audit", "check")]
    [InlineData("audit", "verify", "extra")]
    public async Task Anything_else_is_a_usage_error(params string[] args)
    {
        var (exit, _, error) = await RunAsync([.. args, "--store", _harness.StorePath]);

        Assert.Equal(DashboardCli.Usage, exit);
        Assert.Contains("audit verify [--store <path>]", error);
    }
}
