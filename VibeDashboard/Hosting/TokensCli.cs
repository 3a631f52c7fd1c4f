using System.Globalization;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Utils;

namespace VibeDashboard.Hosting;

/// <summary>
/// <c>tokens create --name N --role R [--expires 90d]</c>, <c>tokens list</c>, <c>tokens revoke NAME</c> (all with
/// <c>[--store PATH]</c>). Changes go through the command pipeline as a system actor naming the user and host, so
/// they are audited like any other; a running dashboard on the same store notices within a second or two.
/// </summary>
internal static class TokensCli
{
    public const string Usage = "tokens create --name <name> --role viewer|operator|admin [--expires 90d|12h|30m|never] (default 90d) | tokens list | tokens revoke <name> [--store <path>]";

    /// <summary>The switches this command reads itself (each takes a value); the rest are configuration.</summary>
    public static readonly string[] OwnSwitches = ["--name", "--role", "--expires"];

    /// <param name="args">The words after <c>tokens</c>, with the own switches and their values, without <c>--store</c>.</param>
    public static async Task<int> RunAsync(IServiceProvider provider, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var words = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            if (OwnSwitches.Contains(args[i]) && i + 1 < args.Count)
            {
                values[args[i]] = args[++i];
            }
            else
            {
                words.Add(args[i]);
            }
        }

        // Listing or revoking on a mistyped path would create an empty store and report nothing there; a create may
        // well come before the dashboard's first start, so it creates the store.
        var store = provider.GetRequiredService<Storage.SqliteConnectionFactory>().StorePath;
        if (words is ["list"] or ["revoke", _] && !File.Exists(store))
        {
            await stderr.WriteLineAsync($"failed: no store at {ConsoleText.Escape(store)} (--store / Storage:Path)");
            return DashboardCli.Failed;
        }

        if (words is ["create"] && !File.Exists(store))
        {
            // Said out loud: a token in a new store is useless to a dashboard running on another one (a typo in --store).
            await stderr.WriteLineAsync($"note: no store at {ConsoleText.Escape(store)} yet: creating it; the dashboard must run with this Storage:Path for the token to work");
        }

        try
        {
            return words switch
            {
                ["create"] => await CreateAsync(provider, values, stdout, stderr, cancellationToken),
                ["list"] when values.Count == 0 => await ListAsync(provider, stdout, cancellationToken),
                ["revoke", var name] when values.Count == 0 => await RevokeAsync(provider, name, stdout, stderr, cancellationToken),
                ["revoke"] => UsageError(stderr, "tokens revoke needs the token's name: tokens revoke <name>"),
                _ => UsageError(stderr, "usage: " + Usage),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store failing (locked past the busy timeout, unreadable): one line, no stack trace.
            await stderr.WriteLineAsync($"failed: {ConsoleText.Escape(e.Message)}");
            return DashboardCli.Failed;
        }
    }

    /// <summary>The CLI acts as the system, on behalf of whoever runs it where: that is what the audit log records.</summary>
    internal static Actor CliActor() => Actor.System($"cli:{Environment.UserName}@{Environment.MachineName}");

    private static async Task<int> CreateAsync(IServiceProvider provider, Dictionary<string, string> values, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!values.TryGetValue("--name", out var name))
        {
            return UsageError(stderr, "tokens create needs --name <name>; usage: " + Usage);
        }

        if (!values.TryGetValue("--role", out var roleText) || !DashboardRoles.TryParse(roleText, out var role))
        {
            return UsageError(stderr, "tokens create needs --role viewer, operator or admin");
        }

        values.TryGetValue("--expires", out var expires);
        var pipeline = provider.GetRequiredService<ICommandPipeline>();
        var result = await pipeline.SendAsync(new CreateTokenCommand(name, role, expires), CliActor(), cancellationToken);
        if (!result.Succeeded)
        {
            return await FailAsync(result, stderr);
        }

        var created = result.Value!;
        // stdout holds the token alone, so `TOKEN=$(… tokens create …)` works; everything else goes to stderr.
        await stdout.WriteLineAsync(created.Token);
        var expiry = created.ExpiresAt is { } at
            ? $"expires {Format(at)}{(string.IsNullOrWhiteSpace(expires) ? $" (the default, {TokenExpiry.Default})" : "")}"
            : "never expires";
        await stderr.WriteLineAsync($"created token {ConsoleText.Escape(created.Name)} ({created.Role.Name()}, {created.Prefix}); {expiry}. It is shown only this once: store it now.");
        return DashboardCli.Ok;
    }

    private static async Task<int> RevokeAsync(IServiceProvider provider, string name, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var pipeline = provider.GetRequiredService<ICommandPipeline>();
        var result = await pipeline.SendAsync(new RevokeTokenCommand(name), CliActor(), cancellationToken);
        if (!result.Succeeded)
        {
            return await FailAsync(result, stderr);
        }

        await stdout.WriteLineAsync($"revoked {ConsoleText.Escape(result.Value!.Name)} ({result.Value.Prefix})");
        return DashboardCli.Ok;
    }

    private static async Task<int> ListAsync(IServiceProvider provider, TextWriter stdout, CancellationToken cancellationToken)
    {
        var feed = provider.GetRequiredService<IAccessFeed>();
        await feed.RefreshAsync(cancellationToken);
        string[] header = ["NAME", "ROLE", "PREFIX", "CREATED", "LAST USED", "EXPIRES", "STATE"];
        var rows = feed.Tokens()
            .Select(t => new[]
            {
                ConsoleText.Escape(t.Name), t.Role.Name(), t.Prefix, Format(t.CreatedAt),
                t.LastUsedAt is { } used ? Format(used) : "-",
                t.ExpiresAt is { } expires ? Format(expires) : "never",
                t.State.ToString().ToLowerInvariant(),
            })
            .ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            await stdout.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }

        return DashboardCli.Ok;
    }

    private static async Task<int> FailAsync<T>(CommandResult<T> result, TextWriter stderr)
    {
        await stderr.WriteLineAsync($"failed: {ConsoleText.Escape(result.Error)}");
        // A name or expiry the command refuses is a usage error; a duplicate or unknown name is a failed command.
        return result.Outcome == CommandOutcome.Invalid && !result.NotFound ? DashboardCli.Usage : DashboardCli.Failed;
    }

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine(ConsoleText.Escape(message));
        return DashboardCli.Usage;
    }
}
