using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Tests.Configuration;

/// <summary>
/// appsettings.sample.json is what an operator copies: it must show every key of each options section with the
/// value the app uses when the key is absent (the minimum-traffic guard once said 50 while the code used 20).
/// </summary>
public sealed class SampleSettingsTests
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private static IConfigurationRoot Sample()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "appsettings.sample.json");
            if (File.Exists(path))
            {
                return new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
            }
        }

        throw new FileNotFoundException("appsettings.sample.json not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<Type, string> Sections() => new()
    {
        { typeof(StorageOptions), StorageOptions.Section },
        { typeof(IngestionOptions), IngestionOptions.Section },
        { typeof(DemoOptions), DemoOptions.Section },
        { typeof(HealthOptions), HealthOptions.Section },
        { typeof(AggregationOptions), AggregationOptions.Section },
        { typeof(AuthOptions), AuthOptions.Section },
        { typeof(NotificationOptions), NotificationOptions.Section },
    };

    [Theory, MemberData(nameof(Sections))]
    public void Each_sample_section_shows_every_key_with_the_default_the_app_uses(Type type, string section)
    {
        var sample = Sample().GetSection(section);
        var keys = sample.GetChildren().Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // A key the options class does not know (a typo, a removed option) fails the binding.
        var bound = sample.Get(type, o => o.ErrorOnUnknownConfiguration = true) ?? Activator.CreateInstance(type)!;
        var defaults = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            Assert.True(keys.Contains(property.Name), $"{section}:{property.Name} is missing from appsettings.sample.json");
            Assert.True(
                JsonSerializer.Serialize(property.GetValue(defaults), Json) == JsonSerializer.Serialize(property.GetValue(bound), Json),
                $"{section}:{property.Name}: the sample says {JsonSerializer.Serialize(property.GetValue(bound), Json)}, the app's default is {JsonSerializer.Serialize(property.GetValue(defaults), Json)}");
        }
    }

    [Fact]
    public void The_sample_incident_classes_and_rules_are_the_defaults_and_valid()
    {
        var section = Sample().GetSection(IncidentOptions.Section);
        var bound = section.Get<IncidentOptions>(o => o.ErrorOnUnknownConfiguration = true)!;

        // Every class is shown whole (a configured class replaces its default whole), each as the code's default.
        Assert.Equal(
            Enum.GetValues<VibeDashboard.Operations.Incidents.IncidentClass>().Select(c => c.Name()).Order(StringComparer.Ordinal),
            bound.Classes.Keys.Order(StringComparer.Ordinal));
        foreach (var incidentClass in Enum.GetValues<VibeDashboard.Operations.Incidents.IncidentClass>())
        {
            Assert.Equal(
                JsonSerializer.Serialize(VibeDashboard.Operations.Incidents.IncidentClassDefaults.For(incidentClass), Json),
                JsonSerializer.Serialize(bound.Classes[incidentClass.Name()], Json));
        }

        // Every rule key is shown, with the value the app uses when it is absent.
        Assert.Equal(JsonSerializer.Serialize(new DetectionRuleOptions(), Json), JsonSerializer.Serialize(bound.Rules, Json));
        foreach (var property in typeof(DetectionRuleOptions).GetProperties())
        {
            Assert.True(section.GetSection("Rules").GetSection(property.Name).Exists(), $"Incidents:Rules:{property.Name} is missing from appsettings.sample.json");
        }

        Assert.Empty(IncidentOptionsValidation.Problems(bound, SloOptions.Defaults.Select(s => s.Key).ToHashSet(StringComparer.Ordinal)));
    }

    /// <summary>The sample's template in the JSON shape of README "Rollout definitions" (the example, four waves, a cost burn and a quota gate).</summary>
    private const string SampleTemplateJson = """
        { "name": "vibesdk 2026.12", "release": "2026.12.1", "checkInterval": "1m", "autoPromote": false,
          "waves": [ { "tiers": ["internal"], "observation": "30m", "minEvents": 50 },
                     { "tiers": ["pro"], "observation": "2h", "minEvents": 200 },
                     { "tiers": ["free"], "observation": "6h", "minEvents": 1000 },
                     { "tiers": ["enterprise"], "observation": "1d", "minEvents": 500 } ],
          "gates": [ { "name": "completion", "metric": "completion_success_rate", "window": "30m", "op": ">=", "threshold": 0.95, "minEvents": 20 },
                     { "name": "startup p95", "metric": "preview_startup_latency_ms", "stat": "p95", "window": "30m", "op": "<=", "threshold": 10000 },
                     { "name": "cost", "metric": "provider_cost_per_generation_usd", "window": "1h", "op": "<=", "threshold": 0.5 },
                     { "name": "vs baseline", "metric": "completion_success_rate", "window": "30m", "baseline": true, "maxWorseBy": 0.02 },
                     { "name": "slos", "slos": ["availability", "generation_completion"], "maxAlert": "ok" },
                     { "name": "incidents", "incidentClasses": ["provider_outage", "sandbox_instability"], "maxSeverity": "SEV3" },
                     { "name": "cost burn", "metric": "cost_burn", "window": "6h", "op": "<=", "threshold": 1.2 },
                     { "name": "rate limits", "metric": "rate_limit_breaches_per_hour", "window": "1h", "op": "<=", "threshold": 30 } ] }
        """;

    [Fact]
    public void The_sample_rollouts_show_every_key_with_its_default_and_a_valid_template_equal_to_its_json_form()
    {
        var section = Sample().GetSection(RolloutOptions.Section);
        var bound = section.Get<RolloutOptions>(o => o.ErrorOnUnknownConfiguration = true)!;
        foreach (var property in typeof(RolloutOptions).GetProperties())
        {
            Assert.True(section.GetSection(property.Name).Exists(), $"Rollouts:{property.Name} is missing from appsettings.sample.json");
        }

        // The scalars as the app's defaults, but a budget: without one the template's cost burn gate is refused.
        var defaults = new RolloutOptions();
        Assert.Equal((defaults.ExpectedConcurrency, defaults.ErrorsBeforePause), (bound.ExpectedConcurrency, bound.ErrorsBeforePause));
        Assert.Null(defaults.MonthlyCostBudgetUsd);
        Assert.Equal(5000, bound.MonthlyCostBudgetUsd);

        var sloKeys = SloOptions.Defaults.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(RolloutOptionsValidation.Problems(bound, sloKeys));
        var template = Assert.Single(RolloutOptionsValidation.Templates(bound, sloKeys));
        Assert.True(
            VibeDashboard.Operations.Rollouts.RolloutDefinitionJson.TryParse(SampleTemplateJson, RolloutOptionsValidation.Context(bound, sloKeys), out var fromJson, out var problems),
            string.Join("\n", problems));
        Assert.Equal(
            VibeDashboard.Operations.Rollouts.RolloutDefinitionJson.Serialize(fromJson),
            VibeDashboard.Operations.Rollouts.RolloutDefinitionJson.Serialize(template));
        Assert.Equal(
            [VibeDashboard.Operations.Rollouts.GateKind.Cost, VibeDashboard.Operations.Rollouts.GateKind.Quota],
            template.Gates.TakeLast(2).Select(g => g.Kind));
    }

    [Fact]
    public void The_sample_slos_are_the_default_slos()
    {
        var items = new List<SloDefinition>();
        Sample().GetSection(SloOptions.Section).Bind(items, o => o.ErrorOnUnknownConfiguration = true);
        Assert.Equal(JsonSerializer.Serialize(SloOptions.Defaults, Json), JsonSerializer.Serialize(items, Json));
    }
}
