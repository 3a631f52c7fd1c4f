using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>The templates a rollout can be created from (the page's list, <c>{"template": "…"}</c> on the API).</summary>
public interface IRolloutTemplates
{
    Task<IReadOnlyList<RolloutDefinition>> ListAsync(CancellationToken cancellationToken);

    /// <summary>What a posted definition is checked against (the configured SLOs and cost budget).</summary>
    RolloutDefinitionContext Context { get; }
}

/// <summary>
/// The templates a rollout can be created from: those of <c>Rollouts:Templates</c>, in order, and — while the store
/// holds the embedded demo — <see cref="DemoRolloutTemplate"/> after them, so the demo can be walked through with no
/// configuration. A configured template of the same name hides the demo one.
/// </summary>
public sealed class RolloutTemplates(IOptions<RolloutOptions> options, IOptions<SloOptions> slos, StoreRepository store) : IRolloutTemplates
{
    public async Task<IReadOnlyList<RolloutDefinition>> ListAsync(CancellationToken cancellationToken)
    {
        var sloKeys = RolloutOptionsValidation.SloKeys(slos.Value);
        var configured = RolloutOptionsValidation.Templates(options.Value, sloKeys);
        if (!await store.IsDemoAsync(cancellationToken)
            || configured.Any(t => t.Name == DemoRolloutTemplate.Name)
            || DemoRolloutTemplate.Definition(Context) is not { } demo)
        {
            return configured;
        }

        return [.. configured, demo];
    }

    public RolloutDefinitionContext Context => RolloutOptionsValidation.Context(options.Value, RolloutOptionsValidation.SloKeys(slos.Value));
}

/// <summary>
/// The demo's template: the playbook's waves and every kind of gate, sized for the demo's traffic (a few dozen
/// generations an hour, so 2 h windows and small minimums) and its pace (15 s checks, 5–10 min observations), so a
/// wave can be seen becoming ready within minutes and a degraded tier rolled back within a minute. The demo's
/// internal tier is too small to judge alone; it goes last, with enterprise. A cost-burn gate is added only when
/// <c>Rollouts:MonthlyCostBudgetUsd</c> is set (it has nothing to compare the spend with otherwise).
/// </summary>
public static class DemoRolloutTemplate
{
    public const string Name = "demo: vibesdk 2026.12 (short windows)";

    private const string Json = """
        { "name": "demo: vibesdk 2026.12 (short windows)", "release": "2026.12.1", "checkInterval": "15s", "autoPromote": false,
          "waves": [ { "tiers": ["pro"], "observation": "5m", "minEvents": 1 },
                     { "tiers": ["free"], "observation": "5m", "minEvents": 1 },
                     { "tiers": ["enterprise", "internal"], "observation": "10m", "minEvents": 1 } ],
          "gates": [ { "name": "completion", "metric": "completion_success_rate", "window": "2h", "op": ">=", "threshold": 0.9, "minEvents": 2 },
                     { "name": "startup p95", "metric": "preview_startup_latency_ms", "stat": "p95", "window": "2h", "op": "<=", "threshold": 25000 },
                     { "name": "cost", "metric": "provider_cost_per_generation_usd", "window": "2h", "op": "<=", "threshold": 0.6 },
                     { "name": "vs baseline", "metric": "completion_success_rate", "window": "2h", "baseline": true, "maxWorseBy": 0.05 },
                     { "name": "slos", "slos": ["availability", "generation_completion"], "maxAlert": "ok" },
                     { "name": "incidents", "incidentClasses": ["provider_outage", "sandbox_instability"], "maxSeverity": "SEV3" },
                     { "name": "rate limits", "metric": "rate_limit_breaches_per_hour", "window": "1h", "op": "<=", "threshold": 30 } ] }
        """;

    private const string CostBurnGate = """{ "name": "cost burn", "metric": "cost_burn", "window": "6h", "op": "<=", "threshold": 1.5 }""";

    /// <summary>The template under <paramref name="context"/>; null if the configured SLOs lack the ones it names.</summary>
    public static RolloutDefinition? Definition(RolloutDefinitionContext context)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Json)!;
        if (context.MonthlyCostBudgetUsd is not null)
        {
            json["gates"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse(CostBurnGate));
        }

        return RolloutDefinitionJson.TryParse(json.ToJsonString(), context, out var definition, out _) ? definition : null;
    }
}
