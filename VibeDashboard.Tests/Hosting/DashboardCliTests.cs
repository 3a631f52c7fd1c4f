using System.Diagnostics;
using VibeDashboard.Hosting;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Hosting;

public sealed class DashboardCliTests : IAsyncLifetime
{
    private readonly TempStore _temp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await DashboardCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Import_prints_one_line_per_table_then_the_total_and_exits_0()
    {
        var (exit, output, _) = await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("d1_migrations: 2 rows", lines[0]);
        Assert.Contains("ops_events: 60 rows", lines);
        Assert.Matches(@"^imported 143 rows in \d+\.\d\d s$", lines[^1]);
        Assert.Equal(12, lines.Length);
    }

    [Fact]
    public async Task Stats_prints_what_the_store_holds_now()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full-2.sql"), $"--store={_temp.StorePath}");

        var (exit, output, _) = await RunAsync("stats", "--store", _temp.StorePath);

        Assert.Equal(0, exit);
        Assert.Contains("ops_events: 80 rows", output);
        Assert.Contains("auth_attempts: 41 rows", output);
    }

    [Fact]
    public async Task The_store_can_also_be_chosen_with_the_configuration_key()
    {
        var (exit, _, _) = await RunAsync("import", Fixtures.Wrangler("vibesdk-ops-events-table.sql"), $"--Storage:Path={_temp.StorePath}");

        Assert.Equal(0, exit);
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
    }

    [Fact]
    public async Task A_rejected_export_exits_non_zero_naming_line_and_reason_and_leaves_the_store_unchanged()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        var hostile = _temp.WriteFile("hostile.sql", "PRAGMA defer_foreign_keys=TRUE;\nINSERT INTO \"ops_events\" (\"id\",\"occurred_at\",\"event_type\") VALUES('x',1,'probe');\nATTACH DATABASE 'x.db' AS x;");

        var (exit, output, error) = await RunAsync("import", hostile, "--store", _temp.StorePath);

        Assert.Equal(DashboardCli.Rejected, exit);
        Assert.Equal("", output);
        Assert.Contains("line 3", error);
        Assert.Contains("ATTACH", error);
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
    }

    [Fact]
    public async Task Usage_errors_exit_64()
    {
        Assert.Equal(DashboardCli.Usage, (await RunAsync("import")).Exit);
        Assert.Equal(DashboardCli.Usage, (await RunAsync("import", "a.sql", "--store")).Exit);
        Assert.Equal(DashboardCli.Failed, (await RunAsync("import", "/nonexistent/x.sql", "--store", _temp.StorePath)).Exit);
    }

    [Fact]
    public async Task An_import_killed_halfway_leaves_the_previous_data_and_a_consistent_store()
    {
        await RunAsync("import", Fixtures.Wrangler("vibesdk-full.sql"), "--store", _temp.StorePath);
        var big = _temp.WriteFile("big.sql", Ingestion.ImporterTests.BigOpsDump(1_500_000));
        var wal = _temp.StorePath + "-wal";
        var walBefore = File.Exists(wal) ? new FileInfo(wal).Length : 0;

        // The real command in its own process, killed with SIGKILL once its transaction has spilled
        // pages into the WAL (it is well into the rows then; the whole import takes seconds).
        var app = Path.Combine(AppContext.BaseDirectory, "VibeDashboard.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", app, "import", big, "--store", _temp.StorePath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!process.HasExited && DateTime.UtcNow < deadline && WalLength(wal) < walBefore + 8 * 1024 * 1024)
        {
            await Task.Delay(10);
        }

        Assert.False(process.HasExited, "the import finished before it could be killed");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        Assert.Equal("ok", await _temp.ScalarAsync("PRAGMA integrity_check"));
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
        Assert.Equal(40, await _temp.CountAsync("auth_attempts"));
        var (exit, output, _) = await RunAsync("stats", "--store", _temp.StorePath);
        Assert.Equal(0, exit);
        Assert.Contains("ops_events: 60 rows", output);
    }

    private static long WalLength(string wal) => File.Exists(wal) ? new FileInfo(wal).Length : 0;
}
