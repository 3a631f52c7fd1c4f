using System.Globalization;
using Microsoft.Extensions.Options;

namespace VibeDashboard.Configuration;

/// <summary>
/// Checks <c>Incidents</c> at start: class names, checklists, SLO keys, severity thresholds and every rule number,
/// each problem naming its key (<c>Incidents:Rules:ProviderOutage:ErrorRatio must be …</c>).
/// </summary>
public sealed class IncidentOptionsValidation(IOptions<SloOptions> slos) : IValidateOptions<IncidentOptions>
{
    /// <summary>The class wire names (<c>IncidentClass</c>'s JSON names; Configuration references nothing outside itself).</summary>
    public static readonly IReadOnlyList<string> ClassNames = ["provider_outage", "sandbox_instability", "migration_regression", "auth_policy_failure", "unclassified"];

    public ValidateOptionsResult Validate(string? name, IncidentOptions options)
    {
        var problems = Problems(options, slos.Value.Effective.Select(s => s.Key).ToHashSet(StringComparer.Ordinal));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlyList<string> Problems(IncidentOptions options, IReadOnlySet<string> sloKeys)
    {
        var problems = new List<string>();
        const string classes = $"{IncidentOptions.Section}:{nameof(IncidentOptions.Classes)}";
        foreach (var (className, runbook) in options.Classes.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var key = $"{classes}:{className}";
            if (!ClassNames.Contains(className, StringComparer.Ordinal))
            {
                problems.Add($"{key} is not an incident class: use one of {string.Join(", ", ClassNames)}");
                continue;
            }

            if (runbook is null)
            {
                continue;
            }

            for (var i = 0; i < runbook.Checklist.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(runbook.Checklist[i]))
                {
                    problems.Add($"{key}:{nameof(IncidentClassOptions.Checklist)}:{I(i)} is empty: each checklist item must say what to do");
                }
            }

            for (var i = 0; i < runbook.Slos.Count; i++)
            {
                if (!sloKeys.Contains(runbook.Slos[i]))
                {
                    problems.Add($"{key}:{nameof(IncidentClassOptions.Slos)}:{I(i)} '{runbook.Slos[i]}' is not an SLO key: use one of {string.Join(", ", sloKeys.Order(StringComparer.Ordinal))}");
                }
            }

            var severity = runbook.Severity ?? new SeverityRuleOptions();
            var sevKey = $"{key}:{nameof(IncidentClassOptions.Severity)}";
            Ratio(problems, $"{sevKey}:{nameof(SeverityRuleOptions.Sev1)}", severity.Sev1);
            Ratio(problems, $"{sevKey}:{nameof(SeverityRuleOptions.Sev2)}", severity.Sev2);
            Ratio(problems, $"{sevKey}:{nameof(SeverityRuleOptions.Sev3)}", severity.Sev3);
            if (!(severity.Sev1 >= severity.Sev2 && severity.Sev2 >= severity.Sev3))
            {
                problems.Add($"{sevKey} thresholds must descend (Sev1 ≥ Sev2 ≥ Sev3): they are {D(severity.Sev1)}, {D(severity.Sev2)}, {D(severity.Sev3)}");
            }
        }

        var rules = options.Rules ?? new DetectionRuleOptions();
        const string r = $"{IncidentOptions.Section}:{nameof(IncidentOptions.Rules)}";
        if (rules.ReopenWithin < TimeSpan.Zero || rules.ReopenWithin > TimeSpan.FromDays(7))
        {
            problems.Add($"{r}:{nameof(DetectionRuleOptions.ReopenWithin)} is {rules.ReopenWithin}: it must be between 00:00:00 and 7.00:00:00");
        }

        var p = rules.ProviderOutage ?? new();
        var pk = $"{r}:{nameof(DetectionRuleOptions.ProviderOutage)}";
        Window(problems, $"{pk}:{nameof(ProviderOutageRule.Window)}", p.Window);
        Ratio(problems, $"{pk}:{nameof(ProviderOutageRule.ErrorRatio)}", p.ErrorRatio);
        Count(problems, $"{pk}:{nameof(ProviderOutageRule.MinCalls)}", p.MinCalls);
        Window(problems, $"{pk}:{nameof(ProviderOutageRule.ClearAfter)}", p.ClearAfter);
        Ratio(problems, $"{pk}:{nameof(ProviderOutageRule.ClearRatio)}", p.ClearRatio);
        if (p.ClearRatio > p.ErrorRatio)
        {
            problems.Add($"{pk}:{nameof(ProviderOutageRule.ClearRatio)} is {D(p.ClearRatio)}: it must not be above ErrorRatio ({D(p.ErrorRatio)})");
        }

        var s = rules.SandboxInstability ?? new();
        var sk = $"{r}:{nameof(DetectionRuleOptions.SandboxInstability)}";
        Window(problems, $"{sk}:{nameof(SandboxInstabilityRule.Window)}", s.Window);
        Count(problems, $"{sk}:{nameof(SandboxInstabilityRule.MinCrashes)}", s.MinCrashes);
        Factor(problems, $"{sk}:{nameof(SandboxInstabilityRule.CrashRateFactor)}", s.CrashRateFactor);
        Window(problems, $"{sk}:{nameof(SandboxInstabilityRule.BaselineWindow)}", s.BaselineWindow);
        Ratio(problems, $"{sk}:{nameof(SandboxInstabilityRule.DeployFailureRatio)}", s.DeployFailureRatio);
        Count(problems, $"{sk}:{nameof(SandboxInstabilityRule.MinStarts)}", s.MinStarts);
        Window(problems, $"{sk}:{nameof(SandboxInstabilityRule.ClearAfter)}", s.ClearAfter);

        var m = rules.MigrationRegression ?? new();
        var mk = $"{r}:{nameof(DetectionRuleOptions.MigrationRegression)}";
        Window(problems, $"{mk}:{nameof(MigrationRegressionRule.Window)}", m.Window);
        Ratio(problems, $"{mk}:{nameof(MigrationRegressionRule.QueryErrorRatio)}", m.QueryErrorRatio);
        Count(problems, $"{mk}:{nameof(MigrationRegressionRule.MinQueries)}", m.MinQueries);
        Window(problems, $"{mk}:{nameof(MigrationRegressionRule.AfterMigration)}", m.AfterMigration);

        var a = rules.AuthPolicyFailure ?? new();
        var ak = $"{r}:{nameof(DetectionRuleOptions.AuthPolicyFailure)}";
        Window(problems, $"{ak}:{nameof(AuthPolicyFailureRule.Window)}", a.Window);
        Count(problems, $"{ak}:{nameof(AuthPolicyFailureRule.StuffingIdentifiers)}", a.StuffingIdentifiers);
        Factor(problems, $"{ak}:{nameof(AuthPolicyFailureRule.FailureFactor)}", a.FailureFactor);
        Count(problems, $"{ak}:{nameof(AuthPolicyFailureRule.MinFailures)}", a.MinFailures);
        Window(problems, $"{ak}:{nameof(AuthPolicyFailureRule.BaselineWindow)}", a.BaselineWindow);
        Window(problems, $"{ak}:{nameof(AuthPolicyFailureRule.ClearAfter)}", a.ClearAfter);
        return problems;
    }

    // Rules are evaluated on a one-minute grid over at most 90 days of history.
    private static void Window(List<string> problems, string key, TimeSpan value)
    {
        if (value < TimeSpan.FromMinutes(1) || value > TimeSpan.FromDays(30) || value.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            problems.Add($"{key} is {value}: it must be whole minutes between 00:01:00 and 30.00:00:00 (rules are evaluated every minute)");
        }
    }

    private static void Ratio(List<string> problems, string key, double value)
    {
        if (!(value > 0 && value <= 1))
        {
            problems.Add($"{key} must be above 0 and at most 1 (a share): it is {D(value)}");
        }
    }

    private static void Factor(List<string> problems, string key, double value)
    {
        if (!(value > 0 && double.IsFinite(value)))
        {
            problems.Add($"{key} must be a positive number: it is {D(value)}");
        }
    }

    private static void Count(List<string> problems, string key, int value)
    {
        if (value < 1)
        {
            problems.Add($"{key} must be at least 1: it is {I(value)}");
        }
    }

    private static string D(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
