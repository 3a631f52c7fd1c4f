namespace VibeDashboard.Hosting;

/// <summary><c>tokens create --name N --role R [--expires 90d]</c>, <c>tokens list</c>, <c>tokens revoke NAME</c> (all with <c>[--store PATH]</c>).</summary>
internal static class TokensCli
{
    public const string Usage = "tokens create --name <name> --role viewer|operator|admin [--expires 90d] | tokens list | tokens revoke <name> [--store <path>]";

    /// <summary>The switches this command reads itself (each takes a value); the rest are configuration.</summary>
    public static readonly string[] OwnSwitches = ["--name", "--role", "--expires"];

    /// <param name="args">The words after <c>tokens</c>, with the own switches and their values, without <c>--store</c>.</param>
    public static Task<int> RunAsync(IServiceProvider provider, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        stderr.WriteLine("usage: " + Usage);
        return Task.FromResult(DashboardCli.Usage);
    }
}
