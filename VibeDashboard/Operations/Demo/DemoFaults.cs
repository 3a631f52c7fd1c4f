using Dapper;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Demo;

/// <summary>
/// Degrades one tier of the live demo for a while (operator): its generations start failing, so a rollout's gates,
/// the SLOs and incident detection can be watched reacting — the demo's way to show an automatic rollback. Refused
/// unless the store holds the demo; a new fault replaces the current one.
/// </summary>
public sealed record InjectDemoFaultCommand(string Tier, TimeSpan Duration, string? Reason = null, string? IdempotencyKey = null) : ICommand<DemoFault>
{
    public string Action => "demo.fault_inject";

    public DashboardRole RequiredRole => DashboardRole.Operator;

    public string TargetType => "demo";

    public string TargetId => Tier;

    public long? ExpectedVersion => null;
}

/// <summary>Ends the current demo fault now (operator); refused when none is active.</summary>
public sealed record EndDemoFaultCommand(string? Reason = null, string? IdempotencyKey = null) : ICommand<DemoFault>
{
    public string Action => "demo.fault_end";

    public DashboardRole RequiredRole => DashboardRole.Operator;

    public string TargetType => "demo";

    public string TargetId => "fault";

    public long? ExpectedVersion => null;
}

/// <summary>The demo's state for the pages and <c>GET /api/demo/fault</c>: whether the demo is live, and its active fault.</summary>
public sealed record DemoFaultState(bool IsDemo, DemoFault? Fault, IReadOnlyList<string> Tiers);

public interface IDemoFaults
{
    Task<DemoFaultState> ReadAsync(CancellationToken cancellationToken);
}

public sealed class DemoFaults(SqliteConnectionFactory connections, StoreSchema schema, TimeProvider time) : IDemoFaults
{
    public static readonly TimeSpan MinDuration = TimeSpan.FromMinutes(1);

    internal const string GetSql = "SELECT key, value FROM _vd_meta WHERE key IN ('demo', 'demo_fault')";

    public async Task<DemoFaultState> ReadAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var meta = (await connection.QueryAsync<(string Key, string Value)>(new CommandDefinition(GetSql, cancellationToken: cancellationToken)))
            .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var isDemo = meta.GetValueOrDefault(MetaKeys.Demo) == "1";
        var fault = isDemo ? DemoFault.Parse(meta.GetValueOrDefault(DemoFault.MetaKey)) : null;
        return new DemoFaultState(isDemo, fault is not null && fault.Until > time.GetUtcNow() ? fault : null, DemoDataGenerator.Tiers);
    }

    internal static async Task<(bool IsDemo, DemoFault? Fault)> ReadAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var meta = (await context.Connection.QueryAsync<(string Key, string Value)>(new CommandDefinition(GetSql, transaction: context.Transaction, cancellationToken: cancellationToken)))
            .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        var isDemo = meta.GetValueOrDefault(MetaKeys.Demo) == "1";
        var fault = DemoFault.Parse(meta.GetValueOrDefault(DemoFault.MetaKey));
        return (isDemo, fault is not null && fault.Until > context.Now ? fault : null);
    }

    internal static Task WriteAsync(CommandContext context, DemoFault fault, CancellationToken cancellationToken) =>
        context.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT OR REPLACE INTO _vd_meta (key, value) VALUES (@key, @value)", new { key = DemoFault.MetaKey, value = fault.ToJson() }, context.Transaction, cancellationToken: cancellationToken));

    internal const string NotDemo = "the store holds imported data, not the demo: demo faults apply only to the embedded demo";
}

public sealed class InjectDemoFaultHandler : ICommandHandler<InjectDemoFaultCommand, DemoFault>
{
    public string? Validate(InjectDemoFaultCommand command)
    {
        if (!DemoDataGenerator.Tiers.Contains(command.Tier, StringComparer.Ordinal))
        {
            return $"tier: '{Printable(command.Tier)}' is not a demo tier ({string.Join(", ", DemoDataGenerator.Tiers)})";
        }

        if (command.Duration < DemoFaults.MinDuration || command.Duration > DemoFault.MaxDuration)
        {
            return $"minutes: a fault lasts from {DemoFaults.MinDuration.TotalMinutes:0} to {DemoFault.MaxDuration.TotalMinutes:0} minutes";
        }

        return command.Reason is { Length: > MaxReasonLength } ? $"reason: at most {MaxReasonLength} characters" : null;
    }

    public const int MaxReasonLength = 500;

    public async Task<CommandEffect<DemoFault>> ApplyAsync(InjectDemoFaultCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (isDemo, current) = await DemoFaults.ReadAsync(context, cancellationToken);
        if (!isDemo)
        {
            return CommandEffect<DemoFault>.Invalid(DemoFaults.NotDemo);
        }

        // From the current whole second: the live appender works in whole seconds.
        var from = DateTimeOffset.FromUnixTimeMilliseconds(context.Now.ToUnixTimeMilliseconds() / 1000 * 1000);
        var fault = new DemoFault(command.Tier, from, from + command.Duration, context.Actor.Name);
        await DemoFaults.WriteAsync(context, fault, cancellationToken);
        return CommandEffect<DemoFault>.Ok(fault, current, fault, null, command.Tier);
    }

    private static string Printable(string text) =>
        new(text.Take(40).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c).ToArray());
}

public sealed class EndDemoFaultHandler : ICommandHandler<EndDemoFaultCommand, DemoFault>
{
    public string? Validate(EndDemoFaultCommand command) => null;

    public async Task<CommandEffect<DemoFault>> ApplyAsync(EndDemoFaultCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var (isDemo, current) = await DemoFaults.ReadAsync(context, cancellationToken);
        if (!isDemo)
        {
            return CommandEffect<DemoFault>.Invalid(DemoFaults.NotDemo);
        }

        if (current is null)
        {
            return CommandEffect<DemoFault>.Invalid("no demo fault is active");
        }

        // Ends now: what it already added stays (events are history); a fault ended before it began leaves nothing.
        var ended = current with { Until = context.Now > current.From ? context.Now : current.From };
        await DemoFaults.WriteAsync(context, ended, cancellationToken);
        return CommandEffect<DemoFault>.Ok(ended, current, ended, null, current.Tier);
    }
}
