using System.Globalization;
using System.Text.Json;
using VibeDashboard.Aggregation;
using VibeDashboard.Model;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// Everything the checklist is judged from at <see cref="Now"/>. <see cref="Evidence"/> is the store's read
/// (<see cref="ReadinessReader"/>; null when there is nothing to read), taken at <see cref="Now"/>.
/// <see cref="PreviewStartup"/> is the snapshot's SLO (null when not configured) and <see cref="PreviewStartupAlerts"/>
/// its alert history in any order (<see cref="IMetricsFeed.AlertHistory"/>). <see cref="Incidents"/> are the board's
/// incidents (any status; the judge picks the open ones) and <see cref="Runbooks"/> every class's runbook.
/// </summary>
public sealed record ReadinessInput(
    ReadinessEvidence? Evidence,
    RolloutDefinition Definition,
    long ExpectedConcurrency,
    SloStatus? PreviewStartup,
    IReadOnlyList<AlertTransition> PreviewStartupAlerts,
    IReadOnlyList<Runbook> Runbooks,
    IReadOnlyList<IncidentSummary> Incidents,
    IReadOnlyList<ReadinessAttestation> Attestations,
    DateTimeOffset Now);

/// <summary>
/// The readiness checklist, judged: a pure function of <see cref="ReadinessInput"/>. Each item is passed or failed on
/// the evidence where the data can show it, unknown where it cannot (or there is nothing to read); a part that fails
/// outweighs one that is unknown. An item not passed becomes attested when an admin attested it (the newest
/// attestation not dated after now): passed evidence stays passed, as it says more than a statement does.
/// </summary>
public static class ReadinessJudge
{
    /// <summary>The sources whose events show the API, agent and sandbox paths (and the AI gateway between them) are observed.</summary>
    public static readonly IReadOnlyList<string> ObservedSources = ["api", "agent", "sandbox", "ai_gateway"];

    public static readonly TimeSpan ObservabilityWindow = TimeSpan.FromHours(1);

    /// <summary>How recent a migration apply and a rollback drill from CI must be.</summary>
    public static readonly TimeSpan CiWindow = TimeSpan.FromDays(30);

    /// <summary>Over which the preview-startup SLO must not have alerted and the peak concurrency is taken.</summary>
    public static readonly TimeSpan ConcurrencyWindow = TimeSpan.FromDays(1);

    /// <summary>Within which the rate limiters must have been seen refusing requests.</summary>
    public static readonly TimeSpan RefusalWindow = TimeSpan.FromDays(7);

    public static IReadOnlyList<ReadinessItemKey> Items { get; } = [.. Enum.GetValues<ReadinessItemKey>()];

    public static string Title(ReadinessItemKey item) => item switch
    {
        ReadinessItemKey.Observability => "Observability enabled for API, agent and sandbox paths",
        ReadinessItemKey.MigrationRollback => "Migration and rollback procedures tested",
        ReadinessItemKey.PreviewConcurrency => "Preview and deploy paths stable under expected concurrency",
        ReadinessItemKey.RotationOwnership => "Key/token rotation and incident ownership documented",
        ReadinessItemKey.CostQuotaGuardrails => "Cost and quota guardrails defined and enforced",
        _ => throw new ArgumentOutOfRangeException(nameof(item), item, null),
    };

    /// <summary>The wire name (<c>observability</c>, …), as JSON writes it.</summary>
    public static string Name(this ReadinessItemKey item) => JsonSerializer.Serialize(item).Trim('"');

    public static string Name(this ReadinessResult result) => JsonSerializer.Serialize(result).Trim('"');

    /// <summary>The five items in the playbook's order.</summary>
    public static IReadOnlyList<ReadinessItem> Judge(ReadinessInput input)
    {
        var attested = input.Attestations
            .Where(a => a.At <= input.Now && !string.IsNullOrWhiteSpace(a.By))
            .GroupBy(a => a.Item)
            .ToDictionary(g => g.Key, g => g.MaxBy(a => a.At)!);
        return
        [
            Item(ReadinessItemKey.Observability, Observability(input.Evidence), attested),
            Item(ReadinessItemKey.MigrationRollback, MigrationRollback(input), attested),
            Item(ReadinessItemKey.PreviewConcurrency, PreviewConcurrency(input), attested),
            Item(ReadinessItemKey.RotationOwnership, RotationOwnership(input.Runbooks), attested),
            Item(ReadinessItemKey.CostQuotaGuardrails, Guardrails(input), attested),
        ];
    }

    /// <summary>The first wave may start when every item is passed or attested; otherwise each other item is a reason.</summary>
    public static ReadinessVerdict CanStart(IReadOnlyList<ReadinessItem> items)
    {
        var reasons = items.Where(i => !i.Satisfied).Select(i => $"{i.Title}: {i.Result.Name()} — {i.Evidence}").ToList();
        var missing = Items.Where(k => items.All(i => i.Item != k)).Select(k => $"{Title(k)}: not judged").ToList();
        reasons.AddRange(missing);
        return new ReadinessVerdict(reasons.Count == 0, reasons);
    }

    /// <summary>One part of an item: its result and what it shows.</summary>
    private readonly record struct Part(ReadinessResult Result, string Text);

    private static ReadinessItem Item(ReadinessItemKey key, IReadOnlyList<Part> parts, IReadOnlyDictionary<ReadinessItemKey, ReadinessAttestation> attested)
    {
        var result = parts.Any(p => p.Result == ReadinessResult.Failed) ? ReadinessResult.Failed
            : parts.Any(p => p.Result == ReadinessResult.Unknown) ? ReadinessResult.Unknown
            : ReadinessResult.Passed;
        // What holds the item back reads first; what holds is kept for the record.
        var evidence = string.Join("; ", parts.OrderBy(p => p.Result == ReadinessResult.Passed).Select(p => p.Text));
        if (result != ReadinessResult.Passed && attested.TryGetValue(key, out var attestation))
        {
            return new ReadinessItem(key, Title(key), ReadinessResult.Attested, $"{evidence}; attested by {attestation.By} at {Time(attestation.At)}", attestation);
        }

        return new ReadinessItem(key, Title(key), result, evidence);
    }

    private static Part NothingRead(string what) => new(ReadinessResult.Unknown, $"no ops_events to read for {what}");

    private static IReadOnlyList<Part> Observability(ReadinessEvidence? evidence)
    {
        if (evidence is null)
        {
            return [NothingRead("events by source")];
        }

        var counts = ObservedSources.Select(s => (Source: s, Count: evidence.SourceEvents.GetValueOrDefault(s))).ToList();
        var seen = string.Join(", ", counts.Select(c => $"{c.Source} {Count(c.Count)}"));
        var missing = counts.Where(c => c.Count <= 0).Select(c => c.Source).ToList();
        return missing.Count == 0
            ? [new(ReadinessResult.Passed, $"events in the last hour: {seen}")]
            : [new(ReadinessResult.Failed, $"no events in the last hour from {string.Join(", ", missing)} (events: {seen})")];
    }

    private static IReadOnlyList<Part> MigrationRollback(ReadinessInput input)
    {
        List<Part> parts = [];
        if (input.Evidence is not { } evidence)
        {
            parts.Add(NothingRead("migration_applied and rollback_drill"));
        }
        else
        {
            parts.Add(Tally(evidence.MigrationsApplied, "migration_applied from ci in the last 30 days"));
            var drills = Tally(evidence.RollbackDrills, "rollback_drill from ci in the last 30 days");
            parts.Add(evidence.FailedRollbackDrills > 0 ? drills with { Text = $"{drills.Text} ({Count(evidence.FailedRollbackDrills)} failed)" } : drills);
        }

        var open = input.Incidents
            .Where(i => i.Class == IncidentClass.MigrationRegression && i.IsOpen)
            .OrderBy(i => i.Number)
            .ToList();
        parts.Add(open.Count == 0
            ? new(ReadinessResult.Passed, "no open migration_regression incident")
            : new(ReadinessResult.Failed, "open migration_regression incident " + string.Join(", ", open.Select(i => $"#{i.Number} ({i.Severity.Name()}, {i.Status.Name()})"))));
        return parts;
    }

    private static Part Tally(EventTally tally, string what) => tally.Count > 0
        ? new(ReadinessResult.Passed, $"{Count(tally.Count)} {what}{Last(tally)}")
        : new(ReadinessResult.Failed, $"no {what}");

    private static string Last(EventTally tally) => tally.LastAt is { } last ? $" (last {Time(last)})" : "";

    private static IReadOnlyList<Part> PreviewConcurrency(ReadinessInput input)
    {
        var slo = SloCatalog.PreviewStartup;
        var since = input.Now - ConcurrencyWindow;
        var transitions = input.PreviewStartupAlerts.Where(t => t.SloKey == slo && t.At <= input.Now).OrderBy(t => t.At).ToList();
        Part alerts;
        if (input.PreviewStartup is null && transitions.Count == 0)
        {
            alerts = new(ReadinessResult.Unknown, $"no {slo} SLO in the snapshot");
        }
        else
        {
            // The states it was in over the window: the one it entered last before the window opened (or, with no
            // change before it, the one the first change left), every one entered inside it, and the current one.
            var before = transitions.LastOrDefault(t => t.At <= since);
            var inside = transitions.Where(t => t.At > since).ToList();
            List<AlertState> states = [before?.To ?? (inside.Count > 0 ? inside[0].From : input.PreviewStartup?.Alert ?? AlertState.Ok)];
            states.AddRange(inside.Select(t => t.To));
            var current = input.PreviewStartup?.Alert ?? transitions[^1].To;
            states.Add(current);
            var worst = states.Max();
            alerts = worst == AlertState.Ok
                ? new(ReadinessResult.Passed, $"{slo} not alerting in the last 24 h")
                : new(ReadinessResult.Failed, $"{slo} alerted in the last 24 h (worst {worst.Name()}, now {current.Name()}, {Count(inside.Count)} changes)");
        }

        Part peak;
        if (input.Evidence is not { } evidence)
        {
            peak = NothingRead("sandbox instances");
        }
        else
        {
            var at = evidence.PeakAt is { } p ? $" at {Time(p)}" : "";
            peak = evidence.PeakConcurrentSandboxes >= input.ExpectedConcurrency
                ? new(ReadinessResult.Passed, $"peak {Count(evidence.PeakConcurrentSandboxes)} concurrent sandboxes in the last 24 h{at} ≥ expected {Count(input.ExpectedConcurrency)}")
                : new(ReadinessResult.Failed, $"peak {Count(evidence.PeakConcurrentSandboxes)} concurrent sandboxes in the last 24 h{at} < expected {Count(input.ExpectedConcurrency)}");
        }

        return [alerts, peak];
    }

    private static IReadOnlyList<Part> RotationOwnership(IReadOnlyList<Runbook> runbooks)
    {
        var owners = Enum.GetValues<IncidentClass>()
            .Select(c => (Class: c, Owner: runbooks.FirstOrDefault(r => r.Class == c)?.Owner))
            .ToList();
        var unowned = owners.Where(o => string.IsNullOrWhiteSpace(o.Owner)).Select(o => o.Class.Name()).ToList();
        var ownership = unowned.Count == 0
            ? new Part(ReadinessResult.Passed, "every incident class has an owner: " + string.Join(", ", owners.Select(o => $"{o.Class.Name()} {o.Owner}")))
            : new Part(ReadinessResult.Failed, "no owner for " + string.Join(", ", unowned));
        return [ownership, new(ReadinessResult.Unknown, "key/token rotation cannot be seen in the data: an admin attests it")];
    }

    private static IReadOnlyList<Part> Guardrails(ReadinessInput input)
    {
        var gates = input.Definition.Gates;
        Part Gate(GateKind kind)
        {
            var named = gates.Where(g => g.Kind == kind).Select(g => $"'{g.Name}' ({g.Metric})").ToList();
            return named.Count > 0
                ? new(ReadinessResult.Passed, $"{kind.ToString().ToLowerInvariant()} gate {string.Join(", ", named)}")
                : new(ReadinessResult.Failed, $"no {kind.ToString().ToLowerInvariant()} gate in the rollout");
        }

        var refusals = input.Evidence is not { } evidence ? NothingRead("rate_limit_exceeded")
            : evidence.RateLimitRefusals.Count > 0
                ? new(ReadinessResult.Passed, $"{Count(evidence.RateLimitRefusals.Count)} rate_limit_exceeded in the last 7 days{Last(evidence.RateLimitRefusals)}")
                : new(ReadinessResult.Failed, "no rate_limit_exceeded in the last 7 days: the limiters were not seen refusing requests");
        return [Gate(GateKind.Cost), Gate(GateKind.Quota), refusals];
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
