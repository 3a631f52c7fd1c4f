using VibeDashboard.Operations.Audit;
using VibeDashboard.Utils;

namespace VibeDashboard.Hosting;

/// <summary><c>audit verify [--store PATH]</c>: exit 0 when the hash chain holds, 1 naming the first broken sequence number.</summary>
internal static class AuditCli
{
    public const string Usage = "audit verify [--store <path>]";

    /// <summary>How much of the head hash <c>verify</c> prints: enough to compare by eye with an earlier run.</summary>
    public const int HashPrefixLength = 16;

    public static async Task<int> RunAsync(IServiceProvider provider, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args is not ["verify"])
        {
            await stderr.WriteLineAsync("usage: " + Usage);
            return DashboardCli.Usage;
        }

        // Verifying a mistyped path would create an empty store and report that it holds.
        var store = provider.GetRequiredService<Storage.SqliteConnectionFactory>().StorePath;
        if (!File.Exists(store))
        {
            await stderr.WriteLineAsync($"failed: no store at {ConsoleText.Escape(store)} (--store / Storage:Path)");
            return DashboardCli.Failed;
        }

        AuditVerification result;
        try
        {
            result = await provider.GetRequiredService<AuditVerifier>().VerifyAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"failed: {ConsoleText.Escape(Ingestion.ImportFailures.Describe(e))}");
            return DashboardCli.Failed;
        }

        if (result.Holds)
        {
            await stdout.WriteLineAsync($"audit chain holds: {N(result.Entries)} entries, head {result.HeadHash[..HashPrefixLength]}");
            return DashboardCli.Ok;
        }

        // The verdict, like the passing one, goes to stdout; stderr is for the command itself failing.
        await stdout.WriteLineAsync(ConsoleText.Escape($"audit chain broken at seq {N(result.BrokenSeq!.Value)}: {result.Reason}"));
        return DashboardCli.Failed;
    }

    private static string N(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
