using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>Rollout definitions from JSON and configuration: the issue's example, each refusal by its path, the written form, templates.</summary>
public sealed class RolloutDefinitionTests
{
    /// <summary>The definition of issue 11, item 1, as written there.</summary>
    public const string IssueExample = """
        { "name": "vibesdk 2026.12", "release": "2026.12.1", "checkInterval": "1m", "autoPromote": false,
          "waves": [ { "tiers": ["internal"], "observation": "30m", "minEvents": 50 },
                     { "tiers": ["pro"], "observation": "2h", "minEvents": 200 } ],
          "gates": [ { "name": "completion", "metric": "completion_success_rate", "window": "30m", "op": ">=", "threshold": 0.95, "minEvents": 20 },
                     { "name": "startup p95", "metric": "preview_startup_latency_ms", "stat": "p95", "window": "30m", "op": "<=", "threshold": 10000 },
                     { "name": "cost", "metric": "provider_cost_per_generation_usd", "window": "1h", "op": "<=", "threshold": 0.50 },
                     { "name": "vs baseline", "metric": "completion_success_rate", "window": "30m", "baseline": true, "maxWorseBy": 0.02 },
                     { "name": "slos", "slos": ["availability", "generation_completion"], "maxAlert": "ok" },
                     { "name": "incidents", "incidentClasses": ["provider_outage", "sandbox_instability"], "maxSeverity": "SEV3" } ] }
        """;

    public static readonly RolloutDefinitionContext Context =
        new(SloOptions.Defaults.Select(s => s.Key).ToHashSet(StringComparer.Ordinal), MonthlyCostBudgetUsd: 5000);

    private static RolloutDefinition Parse(string json)
    {
        Assert.True(RolloutDefinitionJson.TryParse(json, Context, out var definition, out var problems), string.Join("\n", problems));
        Assert.Empty(problems);
        return definition;
    }

    private static IReadOnlyList<RolloutDefinitionProblem> Problems(string json, RolloutDefinitionContext? context = null)
    {
        Assert.False(RolloutDefinitionJson.TryParse(json, context ?? Context, out var definition, out var problems));
        Assert.Null(definition);
        Assert.NotEmpty(problems);
        return problems;
    }

    [Fact]
    public void The_issue_example_parses_to_its_waves_and_gates_each_of_the_kind_its_fields_say()
    {
        var d = Parse(IssueExample);
        Assert.Equal(("vibesdk 2026.12", "2026.12.1", TimeSpan.FromMinutes(1), false), (d.Name, d.Release, d.CheckInterval, d.AutoPromote));
        Assert.Equal([["internal"], ["pro"]], d.Waves.Select(w => w.Tiers));
        Assert.Equal([(TimeSpan.FromMinutes(30), 50L), (TimeSpan.FromHours(2), 200L)], d.Waves.Select(w => (w.Observation, w.MinEvents)));

        Assert.Equal(
            [GateKind.Metric, GateKind.Metric, GateKind.Cost, GateKind.Baseline, GateKind.Slo, GateKind.Incident],
            d.Gates.Select(g => g.Kind));
        Assert.Equal(new GateDefinition("completion", MetricKeys.CompletionSuccessRate, MetricStat.Value, "30m", GateOperator.AtLeast, 0.95, 20), d.Gates[0]);
        Assert.Equal(new GateDefinition("startup p95", MetricKeys.PreviewStartupLatencyMs, MetricStat.P95, "30m", GateOperator.AtMost, 10000), d.Gates[1]);
        Assert.Equal(new GateDefinition("cost", MetricKeys.ProviderCostPerGenerationUsd, MetricStat.Value, "1h", GateOperator.AtMost, 0.5), d.Gates[2]);
        Assert.Equal(new GateDefinition("vs baseline", MetricKeys.CompletionSuccessRate, MetricStat.Value, "30m", Baseline: true, MaxWorseBy: 0.02), d.Gates[3]);

        var slos = d.Gates[4];
        Assert.Equal(["availability", "generation_completion"], slos.Slos!);
        Assert.Equal((AlertState.Ok, (double?)null, (string?)null, (double?)null), (slos.MaxAlert, slos.MinBudgetRemaining, slos.Metric, slos.Threshold));

        var incidents = d.Gates[5];
        Assert.Equal([IncidentClass.ProviderOutage, IncidentClass.SandboxInstability], incidents.IncidentClasses!);
        Assert.Equal((Severity.Sev3, (string?)null), (incidents.MaxSeverity, incidents.Metric));
    }

    [Fact]
    public void Defaults_apply_to_what_is_left_out_and_guardrail_metrics_are_cost_and_quota_gates()
    {
        var d = Parse("""
            { "name": "n", "release": "r",
              "waves": [ { "tiers": ["internal", "staff"], "observation": "90s" } ],
              "gates": [ { "name": "burn", "metric": "cost_burn", "window": "6h", "op": "<", "threshold": 1.2 },
                         { "name": "runtime", "metric": "runtime_cost_per_preview_hour_usd", "window": "1d", "op": "<=", "threshold": 0.3 },
                         { "name": "limits", "metric": "rate_limit_breaches_per_hour", "window": "1h", "op": "<=", "threshold": 30 },
                         { "name": "breaches", "metric": "rate_limit_breaches", "window": "1h", "op": "<", "threshold": 100 },
                         { "name": "budget", "slos": ["availability"], "maxAlert": "page", "minBudgetRemaining": 0.25 },
                         { "name": "incidents", "incidentClasses": ["migration_regression"] } ] }
            """);
        Assert.Equal((RolloutDefinition.DefaultCheckInterval, false), (d.CheckInterval, d.AutoPromote));
        Assert.Equal((TimeSpan.FromSeconds(90), 0L), (d.Waves[0].Observation, d.Waves[0].MinEvents));
        Assert.Equal([GateKind.Cost, GateKind.Cost, GateKind.Quota, GateKind.Quota, GateKind.Slo, GateKind.Incident], d.Gates.Select(g => g.Kind));
        Assert.Equal(GateOperator.Below, d.Gates[0].Op);
        Assert.Equal((AlertState.Page, 0.25), (d.Gates[4].MaxAlert, d.Gates[4].MinBudgetRemaining!.Value));
        Assert.Equal(Severity.Sev3, d.Gates[5].MaxSeverity);
        Assert.Empty(Parse("""{ "name": "n", "release": "r", "waves": [ { "tiers": ["internal"], "observation": "1h" } ] }""").Gates);
    }

    /// <summary>The example with one change, and the path (and part of the message) the refusal must name.</summary>
    public static TheoryData<string, Action<JsonObject>, string, string> BadInputs() => new()
    {
        { "duration in words", j => W(j, 1)["observation"] = "2 hours", "waves[1].observation", "use a duration like 30m" },
        { "duration without unit", j => W(j, 0)["observation"] = "30", "waves[0].observation", "use a duration like 30m" },
        { "zero duration", j => W(j, 0)["observation"] = "0m", "waves[0].observation", "use a duration like 30m" },
        { "observation shorter than the check interval", j => W(j, 0)["observation"] = "30s", "waves[0].observation", "shorter than checkInterval" },
        { "unknown top-level field", j => j["owner"] = "me", "owner", "unknown field: a rollout definition takes name, release" },
        { "PascalCase key in JSON", j => { j.Remove("release"); j["Release"] = "2026.12.1"; }, "Release", "unknown field" },
        { "unknown gate field", j => G(j, 0)["thresh"] = 1, "gates[0].thresh", "unknown field: a gate takes" },
        { "unknown wave field", j => W(j, 0)["minEvent"] = 1, "waves[0].minEvent", "unknown field: a wave takes tiers, observation, minEvents" },
        { "odd unknown field name", j => G(j, 0)["a b"] = 1, "gates[0][\"a b\"]", "unknown field" },
        { "threshold on an slo gate", j => G(j, 4)["threshold"] = 1, "gates[4].threshold", "an slo gate takes no threshold: it takes name, slos, maxAlert, minBudgetRemaining" },
        { "metric on an incident gate", j => G(j, 5)["metric"] = "availability", "gates[5].metric", "an incident gate takes no metric" },
        { "op on a baseline gate", j => G(j, 3)["op"] = ">=", "gates[3].op", "a baseline gate takes no op" },
        { "maxWorseBy without baseline", j => G(j, 0)["maxWorseBy"] = 0.1, "gates[0].maxWorseBy", "add \"baseline\": true" },
        { "both slos and incident classes", j => G(j, 4)["incidentClasses"] = new JsonArray("provider_outage"), "gates[4].incidentClasses", "an slo gate takes no incidentClasses" },
        { "operator", j => G(j, 0)["op"] = "=>", "gates[0].op", "use >=, <=, > or <" },
        { "missing operator", j => G(j, 0).Remove("op"), "gates[0].op", "required" },
        { "missing threshold", j => G(j, 1).Remove("threshold"), "gates[1].threshold", "required" },
        { "threshold as text", j => G(j, 0)["threshold"] = "0.95", "gates[0].threshold", "must be a number" },
        { "share threshold in percent", j => G(j, 0)["threshold"] = 95, "gates[0].threshold", "share from 0 to 1" },
        { "negative latency threshold", j => G(j, 1)["threshold"] = -1, "gates[1].threshold", "never negative" },
        { "stat", j => G(j, 1)["stat"] = "p90", "gates[1].stat", "use value, p50, p95 or p99" },
        { "stat in capitals", j => G(j, 1)["stat"] = "P95", "gates[1].stat", "use value, p50, p95 or p99" },
        { "percentile of a ratio", j => G(j, 0)["stat"] = "p95", "gates[0].stat", "completion_success_rate has no percentiles" },
        { "window not in the snapshot", j => G(j, 0)["window"] = "45m", "gates[0].window", "not a snapshot window: use one of 5m, 30m, 1h, 2h, 6h, 1d, 3d, 30d" },
        { "missing window", j => G(j, 0).Remove("window"), "gates[0].window", "required" },
        { "unknown metric", j => G(j, 0)["metric"] = "completion", "gates[0].metric", "not a metric a gate can read" },
        { "metric without tiers", j => G(j, 0)["metric"] = "auth_failure_rate", "gates[0].metric", "not per tier" },
        { "missing metric", j => G(j, 2).Remove("metric"), "gates[2].metric", "required" },
        { "negative maxWorseBy", j => G(j, 3)["maxWorseBy"] = -0.1, "gates[3].maxWorseBy", "at least 0" },
        { "missing maxWorseBy", j => G(j, 3).Remove("maxWorseBy"), "gates[3].maxWorseBy", "required" },
        { "baseline as text", j => G(j, 3)["baseline"] = "true", "gates[3].baseline", "must be true or false" },
        { "unknown SLO", j => G(j, 4)["slos"]!.AsArray()[1] = "latency", "gates[4].slos[1]", "not a configured SLO: use one of availability, d1_query_latency" },
        { "SLO twice", j => G(j, 4)["slos"]!.AsArray()[1] = "availability", "gates[4].slos[1]", "listed twice" },
        { "no SLOs", j => G(j, 4)["slos"] = new JsonArray(), "gates[4].slos", "list at least one SLO key" },
        { "maxAlert", j => G(j, 4)["maxAlert"] = "warn", "gates[4].maxAlert", "use ok, ticket or page" },
        { "page without a budget floor", j => G(j, 4)["maxAlert"] = "page", "gates[4].maxAlert", "could never fail" },
        { "budget floor above 1", j => G(j, 4)["minBudgetRemaining"] = 1.5, "gates[4].minBudgetRemaining", "from 0 to 1" },
        { "severity", j => G(j, 5)["maxSeverity"] = "SEV5", "gates[5].maxSeverity", "use SEV1, SEV2, SEV3 or SEV4" },
        { "severity that tolerates everything", j => G(j, 5)["maxSeverity"] = "SEV1", "gates[5].maxSeverity", "could never fail" },
        { "incident class", j => G(j, 5)["incidentClasses"]!.AsArray()[0] = "outage", "gates[5].incidentClasses[0]", "use provider_outage, sandbox_instability" },
        { "incident class by number", j => G(j, 5)["incidentClasses"]!.AsArray()[0] = 0, "gates[5].incidentClasses[0]", "use provider_outage" },
        { "gate name twice", j => G(j, 2)["name"] = "completion", "gates[2].name", "already the name of gates[0]" },
        { "gate without a name", j => G(j, 2).Remove("name"), "gates[2].name", "required" },
        { "gate name of spaces", j => G(j, 2)["name"] = "   ", "gates[2].name", "must not be empty" },
        { "gate name with a trailing space", j => G(j, 2)["name"] = "cost ", "gates[2].name", "white space" },
        { "control character in a name", j => j["name"] = "vibesdk\u0007", "name", "control character (U+0007)" },
        { "line separator in a gate name", j => G(j, 0)["name"] = "a\u2028b", "gates[0].name", "control character (U+2028)" },
        { "name too long", j => j["name"] = new string('n', 201), "name", "at most 200" },
        { "release as a number", j => j["release"] = 2026, "release", "must be a string" },
        { "missing release", j => j.Remove("release"), "release", "required" },
        { "no waves", j => j["waves"] = new JsonArray(), "waves", "at least one wave" },
        { "waves not a list", j => j["waves"] = "internal", "waves", "must be a list of waves" },
        { "too many waves", j => j["waves"] = new JsonArray([.. Enumerable.Range(0, 21).Select(i => (JsonNode?)new JsonObject { ["tiers"] = new JsonArray($"t{i}"), ["observation"] = "1h" })]), "waves", "at most 20 waves: it has 21" },
        { "too many gates", j => j["gates"] = new JsonArray([.. Enumerable.Range(0, 31).Select(i => (JsonNode?)new JsonObject { ["name"] = $"g{i}", ["slos"] = new JsonArray("availability") })]), "gates", "at most 30 gates: it has 31" },
        { "wave not an object", j => j["waves"]!.AsArray()[0] = "internal", "waves[0]", "must be an object: a wave" },
        { "wave without tiers", j => W(j, 1)["tiers"] = new JsonArray(), "waves[1].tiers", "at least one policy tier" },
        { "tier in two waves", j => W(j, 1)["tiers"] = new JsonArray("internal"), "waves[1].tiers[0]", "already at waves[0].tiers[0]" },
        { "tier twice in a wave", j => W(j, 1)["tiers"] = new JsonArray("pro", "pro"), "waves[1].tiers[1]", "already at waves[1].tiers[0]" },
        { "tier the aggregator does not keep", j => W(j, 0)["tiers"] = new JsonArray("inté"), "waves[0].tiers[0]", "not a tier name the aggregator keeps" },
        { "tier too long", j => W(j, 0)["tiers"] = new JsonArray(new string('t', 65)), "waves[0].tiers[0]", "1 to 64 printable ASCII" },
        { "empty tier", j => W(j, 0)["tiers"] = new JsonArray(""), "waves[0].tiers[0]", "not a tier name" },
        { "negative wave sample", j => W(j, 0)["minEvents"] = -1, "waves[0].minEvents", "whole number, 0 or more" },
        { "fractional gate sample", j => G(j, 0)["minEvents"] = 1.5, "gates[0].minEvents", "whole number" },
        { "check interval under 5s", j => j["checkInterval"] = "2s", "checkInterval", "between 5s and 1h" },
        { "check interval over an hour", j => j["checkInterval"] = "2h", "checkInterval", "between 5s and 1h" },
        { "autoPromote as text", j => j["autoPromote"] = "no", "autoPromote", "must be true or false" },
    };

    [Theory, MemberData(nameof(BadInputs))]
    public void Each_bad_input_is_refused_naming_its_path(string why, Action<JsonObject> change, string path, string message)
    {
        var json = JsonNode.Parse(IssueExample)!.AsObject();
        change(json);
        var problems = Problems(json.ToJsonString());
        Assert.True(problems.Any(p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal)), $"{why}: expected {path}: …{message}…, got\n{string.Join("\n", problems)}");
    }

    [Fact]
    public void Several_problems_are_all_named_and_a_flood_of_them_is_cut_short()
    {
        var json = JsonNode.Parse(IssueExample)!.AsObject();
        W(json, 0)["observation"] = "soon";
        G(json, 0)["op"] = "~";
        G(json, 4)["slos"]!.AsArray()[0] = "nope";
        Assert.Equal(
            ["waves[0].observation", "gates[0].op", "gates[4].slos[0]"],
            Problems(json.ToJsonString()).Select(p => p.Path));

        var flood = JsonNode.Parse(IssueExample)!.AsObject();
        for (var i = 0; i < 200; i++)
        {
            flood[$"x{i}"] = i;
        }

        var problems = Problems(flood.ToJsonString());
        Assert.Equal(51, problems.Count);
        Assert.Equal(new RolloutDefinitionProblem("$", "and 150 more problems"), problems[^1]);
    }

    [Fact]
    public void Text_json_cannot_hold_as_a_definition_is_refused_by_name()
    {
        // A lone surrogate can only be written escaped; a repeated key would otherwise let the last one win silently.
        Assert.Contains(Problems(IssueExample.Replace("\"vibesdk 2026.12\"", "\"vibesdk \\ud800\"")), p => p.Path == "name" && p.Message.Contains("lone UTF-16 surrogate"));
        Assert.Contains(Problems(IssueExample.Replace("\"autoPromote\": false", "\"autoPromote\": false, \"autoPromote\": true")), p => p.ToString() == "autoPromote: given twice");
        Assert.Equal("$", Assert.Single(Problems("[1, 2]")).Path);
        Assert.StartsWith("$: not JSON", Assert.Single(Problems("{ \"name\": ")).ToString());
        Assert.Equal("gates[0].name: required", Assert.Single(Problems(IssueExample.Replace("\"name\": \"completion\", ", "\"name\": null, "))).ToString());
    }

    [Fact]
    public void A_cost_burn_gate_needs_a_monthly_budget()
    {
        var json = IssueExample.Replace("\"provider_cost_per_generation_usd\"", "\"cost_burn\"");
        Assert.Equal(GateKind.Cost, Parse(json).Gates[2].Kind);
        var problem = Assert.Single(Problems(json, Context with { MonthlyCostBudgetUsd = null }));
        Assert.Equal("gates[2].metric", problem.Path);
        Assert.Contains("Rollouts:MonthlyCostBudgetUsd", problem.Message);
    }

    [Fact]
    public void The_written_form_is_the_issue_example_and_reads_back_as_the_same_definition()
    {
        var written = RolloutDefinitionJson.Serialize(Parse(IssueExample));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(IssueExample), JsonNode.Parse(written)), written);
        Assert.Contains("\"op\":\">=\"", written);
        Assert.Equal(written, RolloutDefinitionJson.Serialize(Parse(written)));

        // Every optional field away from its default survives the trip too.
        var full = new RolloutDefinition(
            "full é 🚀", "r-1", TimeSpan.FromSeconds(90), AutoPromote: true,
            [new WaveDefinition(["internal", "staff"], TimeSpan.FromMinutes(90), 0), new WaveDefinition(["pro"], TimeSpan.FromDays(2), 10)],
            [
                new GateDefinition("p99", MetricKeys.D1QueryLatencyMs, MetricStat.P99, "5m", GateOperator.Below, 250, MinEvents: 5),
                new GateDefinition("base", MetricKeys.PreviewStartupLatencyMs, MetricStat.P50, "2h", Baseline: true, MaxWorseBy: 0, MinEvents: 7),
                new GateDefinition("budget", Slos: ["preview_startup"], MaxAlert: AlertState.Ticket, MinBudgetRemaining: 0.1),
                new GateDefinition("sev", IncidentClasses: [IncidentClass.Unclassified], MaxSeverity: Severity.Sev4),
            ]);
        Assert.Empty(RolloutDefinitionJson.Validate(full, Context));
        var text = RolloutDefinitionJson.Serialize(full, indented: true);
        var back = Parse(text);
        Assert.Equal(RolloutDefinitionJson.Serialize(full), RolloutDefinitionJson.Serialize(back));
        Assert.Equal((full.CheckInterval, full.Waves[0].Observation, full.Gates[1]), (back.CheckInterval, back.Waves[0].Observation, back.Gates[1]));
        Assert.Contains("\"checkInterval\": \"90s\"", text);
        Assert.Contains("\"observation\": \"90m\"", text);
        Assert.Contains("full é", text);
        Assert.Equal(full.Name, back.Name);
    }

    [Fact]
    public void A_definition_built_in_code_is_validated_by_its_written_form()
    {
        var d = Parse(IssueExample);
        Assert.Empty(RolloutDefinitionJson.Validate(d, Context));

        // Fields of another kind are written, so they are refused rather than dropped.
        var mixed = d with { Gates = [d.Gates[4] with { Threshold = 1 }, d.Gates[0] with { Op = null }, d.Gates[2] with { Threshold = double.NaN }] };
        Assert.Equal(
            ["gates[0].threshold", "gates[1].op", "gates[2].threshold"],
            RolloutDefinitionJson.Validate(mixed, Context).Select(p => p.Path));

        var odd = d with
        {
            Name = "bad \ud800 name",
            CheckInterval = TimeSpan.FromMilliseconds(1500),
            Waves = [d.Waves[0] with { Tiers = ["internal"] }, d.Waves[1] with { Tiers = ["internal"] }],
        };
        var problems = RolloutDefinitionJson.Validate(odd, Context);
        Assert.Contains(problems, p => p.Path == "checkInterval" && p.Message == "must be whole seconds");
        Assert.Equal("name: is not valid text (it holds a lone UTF-16 surrogate)", Assert.Single(problems, p => p.Path == "name").ToString());
        Assert.Contains(problems, p => p.Path == "waves[1].tiers[0]");
    }

    [Fact]
    public void A_template_in_configuration_parses_like_its_json_form_with_problems_named_by_key()
    {
        var config = new ConfigurationBuilder().AddJsonStream(Stream($$"""{ "Rollouts": { "Templates": [ {{Pascal(IssueExample)}} ] } }""")).Build();
        var section = config.GetSection("Rollouts:Templates:0");
        Assert.True(RolloutDefinitionJson.TryParse(section, Context, out var fromConfig, out var none), string.Join("\n", none));
        Assert.Equal(RolloutDefinitionJson.Serialize(Parse(IssueExample)), RolloutDefinitionJson.Serialize(fromConfig));

        // Keys ignore case in configuration, as everywhere in it.
        var lower = new ConfigurationBuilder().AddJsonStream(Stream($$"""{ "Rollouts": { "Templates": [ {{IssueExample}} ] } }""")).Build();
        Assert.True(RolloutDefinitionJson.TryParse(lower.GetSection("Rollouts:Templates:0"), Context, out var fromLower, out _));
        Assert.Equal(RolloutDefinitionJson.Serialize(fromConfig), RolloutDefinitionJson.Serialize(fromLower));

        var bad = new ConfigurationBuilder().AddJsonStream(Stream($$"""{ "Rollouts": { "Templates": [ {{Pascal(IssueExample)}} ] } }""")).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rollouts:Templates:0:Gates:2:Threshold"] = "cheap",
            ["Rollouts:Templates:0:Gates:0:Thresh"] = "1",
            ["Rollouts:Templates:0:Waves:1:Observation"] = "2 hours",
            ["Rollouts:Templates:0:Gates:4:Threshold"] = "1",
            ["Rollouts:Templates:0:Waves:0:Tiers:0:Name"] = "internal",
            ["Rollouts:Templates:0:AutoPromote"] = "maybe",
        }).Build();
        Assert.False(RolloutDefinitionJson.TryParse(bad.GetSection("Rollouts:Templates:0"), Context, out _, out var problems));
        Assert.Equal(
            [
                "Rollouts:Templates:0:AutoPromote: must be true or false",
                "Rollouts:Templates:0:Waves:0:Tiers:0: must be a string",
                "Rollouts:Templates:0:Waves:1:Observation: use a duration like 30m: a whole number and s, m, h or d (90s, 30m, 6h), up to 365d; \"2 hours\" is not one",
                "Rollouts:Templates:0:Gates:0:Thresh: unknown field: a gate takes name, metric, stat, window, op, threshold, baseline, maxWorseBy, minEvents, slos, maxAlert, minBudgetRemaining, incidentClasses, maxSeverity",
                "Rollouts:Templates:0:Gates:2:Threshold: must be a number",
                "Rollouts:Templates:0:Gates:4:Threshold: an slo gate takes no threshold: it takes name, slos, maxAlert, minBudgetRemaining",
            ],
            problems.Select(p => p.ToString()));

        var missing = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Rollouts:Templates:0:Name"] = "x" }).Build();
        Assert.False(RolloutDefinitionJson.TryParse(missing.GetSection("Rollouts:Templates:0"), Context, out _, out var absent));
        Assert.Equal(["Rollouts:Templates:0:Release: required", "Rollouts:Templates:0:Waves: required"], absent.Select(p => p.ToString()));
    }

    [Fact]
    public void Options_bind_each_template_as_its_section_and_validation_names_each_key()
    {
        var config = new ConfigurationBuilder().AddJsonStream(Stream($$"""
            { "Rollouts": { "MonthlyCostBudgetUsd": -1, "ExpectedConcurrency": 0, "ErrorsBeforePause": 0,
                            "Templates": [ {{Pascal(IssueExample)}}, {{Pascal(IssueExample)}}, {{Pascal(IssueExample).Replace("\"Threshold\": 0.50", "\"Threshold\": \"cheap\"")}} ] } }
            """)).Build();
        var options = config.GetSection(RolloutOptions.Section).Get<RolloutOptions>(o => o.ErrorOnUnknownConfiguration = true)!;
        Assert.Equal(["Rollouts:Templates:0", "Rollouts:Templates:1", "Rollouts:Templates:2"], options.Templates.Select(t => t.Path));

        var validation = new RolloutOptionsValidation(Options.Create(new SloOptions()));
        var result = validation.Validate(null, options);
        Assert.True(result.Failed);
        Assert.Equal(
            [
                "Rollouts:MonthlyCostBudgetUsd must be a positive amount of US dollars, or absent: it is -1",
                "Rollouts:ExpectedConcurrency must be between 1 and 100000 (peak concurrent sandboxes): it is 0",
                "Rollouts:ErrorsBeforePause must be between 1 and 100: it is 0",
                "Rollouts:Templates:1:Name: \"vibesdk 2026.12\" is already the name of Rollouts:Templates:0: template names are unique",
                "Rollouts:Templates:2:Gates:2:Threshold: must be a number",
            ],
            result.Failures);

        Assert.True(validation.Validate(null, new RolloutOptions()).Succeeded);
        Assert.Empty(RolloutOptionsValidation.Templates(new RolloutOptions(), Context.SloKeys));
        var fine = new RolloutOptions { Templates = [options.Templates[0]] };
        Assert.True(validation.Validate(null, fine).Succeeded);
        var template = Assert.Single(RolloutOptionsValidation.Templates(fine, Context.SloKeys));
        Assert.Equal(RolloutDefinitionJson.Serialize(Parse(IssueExample)), RolloutDefinitionJson.Serialize(template));
        Assert.Equal((5, 20, (double?)null), (fine.ErrorsBeforePause, fine.ExpectedConcurrency, fine.MonthlyCostBudgetUsd));

        // An slo gate names the SLOs configured, not the defaults, once some are.
        var ownSlos = new SloOptions { Items = [new SloDefinition { Key = "availability" }] };
        Assert.Equal(
            ["Rollouts:Templates:0:Gates:4:Slos:1: \"generation_completion\" is not a configured SLO: use one of availability"],
            new RolloutOptionsValidation(Options.Create(ownSlos)).Validate(null, fine).Failures);
    }

    private static JsonObject W(JsonObject json, int i) => json["waves"]![i]!.AsObject();

    private static JsonObject G(JsonObject json, int i) => json["gates"]![i]!.AsObject();

    private static MemoryStream Stream(string json) => new(System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>The definition with PascalCase keys, as appsettings writes them.</summary>
    public static string Pascal(string json) => System.Text.RegularExpressions.Regex.Replace(json, "\"([a-z])([A-Za-z]*)\":", m => $"\"{char.ToUpperInvariant(m.Groups[1].Value[0])}{m.Groups[2].Value}\":");
}
