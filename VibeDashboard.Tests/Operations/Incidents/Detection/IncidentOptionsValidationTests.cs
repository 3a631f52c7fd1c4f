using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Hosting;

namespace VibeDashboard.Tests.Operations.Incidents.Detection;

/// <summary>Bad incident configuration stops the start with a message naming its key.</summary>
public sealed class IncidentOptionsValidationTests
{
    private static IReadOnlyList<string> Problems(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        var services = new ServiceCollection();
        services.AddOptions<SloOptions>();
        services.AddOptions<IncidentOptions>().Bind(configuration.GetSection(IncidentOptions.Section));
        services.AddVibeDashboardDetection();
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<IncidentOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(Problems());
    }

    [Fact]
    public void Each_bad_rule_number_names_its_key()
    {
        var problems = Problems(
            ("Incidents:Rules:ProviderOutage:ErrorRatio", "1.5"),
            ("Incidents:Rules:ProviderOutage:MinCalls", "0"),
            ("Incidents:Rules:SandboxInstability:Window", "00:00:00"),
            ("Incidents:Rules:SandboxInstability:CrashRateFactor", "-1"),
            ("Incidents:Rules:MigrationRegression:QueryErrorRatio", "0"),
            ("Incidents:Rules:AuthPolicyFailure:ClearAfter", "00:00:30"),
            ("Incidents:Rules:ReopenWithin", "-00:01:00"));

        Assert.Contains("Incidents:Rules:ProviderOutage:ErrorRatio must be above 0 and at most 1 (a share): it is 1.5", problems);
        Assert.Contains("Incidents:Rules:ProviderOutage:MinCalls must be at least 1: it is 0", problems);
        Assert.Contains(problems, p => p.StartsWith("Incidents:Rules:SandboxInstability:Window is 00:00:00: it must be whole minutes", StringComparison.Ordinal));
        Assert.Contains("Incidents:Rules:SandboxInstability:CrashRateFactor must be a positive number: it is -1", problems);
        Assert.Contains("Incidents:Rules:MigrationRegression:QueryErrorRatio must be above 0 and at most 1 (a share): it is 0", problems);
        Assert.Contains(problems, p => p.StartsWith("Incidents:Rules:AuthPolicyFailure:ClearAfter is 00:00:30", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Incidents:Rules:ReopenWithin is -00:01:00", StringComparison.Ordinal));
        Assert.Equal(7, problems.Count);
    }

    [Fact]
    public void A_clear_ratio_above_the_error_ratio_is_refused()
    {
        Assert.Equal(
            ["Incidents:Rules:ProviderOutage:ClearRatio is 0.3: it must not be above ErrorRatio (0.25)"],
            Problems(("Incidents:Rules:ProviderOutage:ClearRatio", "0.3")));
    }

    [Fact]
    public void Unknown_classes_empty_checklist_items_unknown_slos_and_bad_severities_name_their_keys()
    {
        var problems = Problems(
            ("Incidents:Classes:network_outage:Title", "Network"),
            ("Incidents:Classes:provider_outage:Checklist:0", "Fail over"),
            ("Incidents:Classes:provider_outage:Checklist:1", " "),
            ("Incidents:Classes:provider_outage:Slos:0", "provider_success"),
            ("Incidents:Classes:provider_outage:Slos:1", "latency_p99"),
            ("Incidents:Classes:sandbox_instability:Severity:Sev1", "0.1"),
            ("Incidents:Classes:sandbox_instability:Severity:Sev2", "0.2"),
            ("Incidents:Classes:auth_policy_failure:Severity:Sev3", "0"));

        Assert.Contains("Incidents:Classes:network_outage is not an incident class: use one of provider_outage, sandbox_instability, migration_regression, auth_policy_failure, unclassified", problems);
        Assert.Contains("Incidents:Classes:provider_outage:Checklist:1 is empty: each checklist item must say what to do", problems);
        Assert.Contains(problems, p => p.StartsWith("Incidents:Classes:provider_outage:Slos:1 'latency_p99' is not an SLO key: use one of availability, ", StringComparison.Ordinal));
        Assert.Contains("Incidents:Classes:sandbox_instability:Severity thresholds must descend (Sev1 ≥ Sev2 ≥ Sev3): they are 0.1, 0.2, 0.05", problems);
        Assert.Contains("Incidents:Classes:auth_policy_failure:Severity:Sev3 must be above 0 and at most 1 (a share): it is 0", problems);
        Assert.Equal(5, problems.Count);
    }
}
