using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Incidents;

/// <summary>One class's runbook as the board uses it (configuration over <see cref="IncidentClassDefaults"/>).</summary>
public sealed record Runbook(IncidentClass Class, string Title, string Owner, IReadOnlyList<string> Checklist, IReadOnlyList<string> Slos, SeverityRuleOptions Severity)
{
    /// <summary>The playbook's first action: the checklist's first item.</summary>
    public string FirstAction => Checklist.Count > 0 ? Checklist[0] : "";

    /// <summary>The default severity for a signal affecting this share (0..1) of traffic or tiers.</summary>
    public Severity SeverityFor(double impact) =>
        impact >= Severity.Sev1 ? Incidents.Severity.Sev1
        : impact >= Severity.Sev2 ? Incidents.Severity.Sev2
        : impact >= Severity.Sev3 ? Incidents.Severity.Sev3
        : Incidents.Severity.Sev4;
}

/// <summary>The runbooks of every class: a class named in <c>Incidents:Classes</c> replaces its default whole.</summary>
public sealed class IncidentRunbooks(IOptions<IncidentOptions> options)
{
    private readonly Lazy<IReadOnlyDictionary<IncidentClass, Runbook>> _all = new(() => Build(options.Value));

    public Runbook For(IncidentClass incidentClass) => _all.Value[incidentClass];

    public IReadOnlyList<Runbook> All => [.. Enum.GetValues<IncidentClass>().Select(For)];

    private static IReadOnlyDictionary<IncidentClass, Runbook> Build(IncidentOptions options)
    {
        var result = new Dictionary<IncidentClass, Runbook>();
        foreach (var incidentClass in Enum.GetValues<IncidentClass>())
        {
            var configured = options.Classes.GetValueOrDefault(incidentClass.Name());
            var fallback = IncidentClassDefaults.For(incidentClass);
            var source = configured ?? fallback;
            result[incidentClass] = new Runbook(
                incidentClass,
                string.IsNullOrWhiteSpace(source.Title) ? fallback.Title : source.Title,
                string.IsNullOrWhiteSpace(source.Owner) ? fallback.Owner : source.Owner,
                source.Checklist.Count > 0 ? source.Checklist : fallback.Checklist,
                source.Slos,
                source.Severity);
        }

        return result;
    }
}

/// <summary>The playbook's runbooks (BRIEF.md, "Incident taxonomy and first response"), used when configuration names no class.</summary>
public static class IncidentClassDefaults
{
    public static IncidentClassOptions For(IncidentClass incidentClass) => incidentClass switch
    {
        IncidentClass.ProviderOutage => new()
        {
            Title = "Provider outage",
            Owner = "ai-platform-oncall",
            Checklist =
            [
                "Fail over to validated backup route and reduce optional workload",
                "Confirm the backup route's error ratio and latency are inside SLO",
                "Check the provider's status page and open a ticket with them",
                "Post a status update with the affected tiers and an ETA",
                "Move traffic back once the provider has been healthy for 30 minutes",
            ],
            Slos = ["provider_success", "generation_completion", "availability"],
            Severity = new() { Sev1 = 0.5, Sev2 = 0.25, Sev3 = 0.05 },
        },
        IncidentClass.SandboxInstability => new()
        {
            Title = "Sandbox instability",
            Owner = "runtime-oncall",
            Checklist =
            [
                "Cap concurrency and isolate affected tenant/session classes",
                "Find the sandbox instances and images with the most crashes and restarts",
                "Check the container platform's capacity and recent deploys",
                "Post a status update with the affected tiers and an ETA",
            ],
            Slos = ["preview_startup", "availability"],
            Severity = new() { Sev1 = 0.5, Sev2 = 0.25, Sev3 = 0.05 },
        },
        IncidentClass.MigrationRegression => new()
        {
            Title = "Migration regression",
            Owner = "data-oncall",
            Checklist =
            [
                "Stop rollout and restore last known-good schema/data path",
                "Compare d1_migrations with the migrations the release expects (drift)",
                "Roll the worker back to the release that matches the schema",
                "Add a contract test for the failed migration before retrying it",
            ],
            Slos = ["availability", "generation_completion"],
            Severity = new() { Sev1 = 0.5, Sev2 = 0.25, Sev3 = 0.05 },
        },
        IncidentClass.AuthPolicyFailure => new()
        {
            Title = "Auth or policy failure",
            Owner = "security-oncall",
            Checklist =
            [
                "Revoke potentially exposed tokens and reapply baseline controls",
                "Block or rate-limit the offending IPs",
                "Find accounts with a successful sign-in from those IPs and revoke their sessions",
                "Review the central policy profiles for drift",
            ],
            Slos = ["availability"],
            Severity = new() { Sev1 = 0.5, Sev2 = 0.25, Sev3 = 0.05 },
        },
        _ => new()
        {
            Title = "Unclassified",
            Owner = "platform-oncall",
            Checklist =
            [
                "Triage: find which SLO pages and what changed, then classify the incident",
                "Check recent releases, migrations and provider routing changes",
                "Post a status update with what is known and an ETA",
            ],
            Slos = [],
            Severity = new() { Sev1 = 0.5, Sev2 = 0.25, Sev3 = 0.05 },
        },
    };
}
