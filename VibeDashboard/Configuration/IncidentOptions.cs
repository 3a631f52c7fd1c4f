namespace VibeDashboard.Configuration;

/// <summary>
/// The incident board (section <c>Incidents</c>): each class's runbook (<see cref="Classes"/>, keyed by the class's
/// wire name: <c>provider_outage</c>, <c>sandbox_instability</c>, <c>migration_regression</c>,
/// <c>auth_policy_failure</c>, <c>unclassified</c>) and the detection rules' numbers (<see cref="Rules"/>).
/// Defaults live here; <c>appsettings.sample.json</c> repeats them so an operator sees what to change.
/// </summary>
public sealed class IncidentOptions
{
    public const string Section = "Incidents";

    /// <summary>
    /// Runbooks by class wire name. A class configured here replaces that class's default runbook as a whole
    /// (<see cref="IncidentClassDefaults"/> fills in classes not named), so a shorter checklist in configuration is
    /// not padded with default steps.
    /// </summary>
    public Dictionary<string, IncidentClassOptions> Classes { get; set; } = new(StringComparer.Ordinal);

    public DetectionRuleOptions Rules { get; set; } = new();
}

/// <summary>One class's runbook: who owns it first, what to do first, which SLOs it hurts and how severe it is.</summary>
public sealed class IncidentClassOptions
{
    /// <summary>Shown as the board's column heading (<c>Provider outage</c>).</summary>
    public string Title { get; set; } = "";

    /// <summary>The team or rota a new incident of this class is owned by until someone acknowledges it.</summary>
    public string Owner { get; set; } = "";

    /// <summary>The first-response checklist; item 1 is the playbook's first action for the class.</summary>
    public List<string> Checklist { get; set; } = [];

    /// <summary>SLO keys (<c>Slos</c> section) this class explains: a page alert on one of them during a signal of this class is not unclassified.</summary>
    public List<string> Slos { get; set; } = [];

    /// <summary>The default severity from the share of traffic (or tiers) the signal affects.</summary>
    public SeverityRuleOptions Severity { get; set; } = new();
}

/// <summary>
/// Severity from impact: the larger of the share of traffic and the share of policy tiers a signal affects
/// (0..1). At least <see cref="Sev1"/> → SEV1, at least <see cref="Sev2"/> → SEV2, at least <see cref="Sev3"/> →
/// SEV3, else SEV4. An operator can change it afterwards.
/// </summary>
public sealed class SeverityRuleOptions
{
    public double Sev1 { get; set; } = 0.5;

    public double Sev2 { get; set; } = 0.25;

    public double Sev3 { get; set; } = 0.05;
}

/// <summary>Every number the detection rules use (docs/metrics.md states the exact definitions).</summary>
public sealed class DetectionRuleOptions
{
    /// <summary>A signal that fires again within this long of clearing reopens the same incident.</summary>
    public TimeSpan ReopenWithin { get; set; } = TimeSpan.FromMinutes(30);

    public ProviderOutageRule ProviderOutage { get; set; } = new();

    public SandboxInstabilityRule SandboxInstability { get; set; } = new();

    public MigrationRegressionRule MigrationRegression { get; set; } = new();

    public AuthPolicyFailureRule AuthPolicyFailure { get; set; } = new();
}

/// <summary>One provider's <c>llm_call</c> error ratio over <see cref="Window"/> ≥ <see cref="ErrorRatio"/> with ≥ <see cref="MinCalls"/> calls; clears after <see cref="ClearAfter"/> below <see cref="ClearRatio"/>.</summary>
public sealed class ProviderOutageRule
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    public double ErrorRatio { get; set; } = 0.25;

    public int MinCalls { get; set; } = 20;

    public TimeSpan ClearAfter { get; set; } = TimeSpan.FromMinutes(10);

    public double ClearRatio { get; set; } = 0.05;
}

/// <summary>
/// Over <see cref="Window"/>: crashes + restarts ≥ <see cref="MinCrashes"/> and ≥ <see cref="CrashRateFactor"/>× the
/// trailing <see cref="BaselineWindow"/> rate; or <c>deployment_failed</c> ≥ <see cref="DeployFailureRatio"/> of
/// preview starts with ≥ <see cref="MinStarts"/> starts. Clears after <see cref="ClearAfter"/> below both.
/// </summary>
public sealed class SandboxInstabilityRule
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    public int MinCrashes { get; set; } = 10;

    public double CrashRateFactor { get; set; } = 3;

    public TimeSpan BaselineWindow { get; set; } = TimeSpan.FromDays(7);

    public double DeployFailureRatio { get; set; } = 0.20;

    public int MinStarts { get; set; } = 10;

    public TimeSpan ClearAfter { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// A <c>migration_failed</c> (clears when the same migration is later applied); or <c>d1_query</c> errors ≥
/// <see cref="QueryErrorRatio"/> over <see cref="Window"/> within <see cref="AfterMigration"/> of a
/// <c>migration_applied</c>; or drift: a migration reported applied that <c>d1_migrations</c> lacks.
/// </summary>
public sealed class MigrationRegressionRule
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    public double QueryErrorRatio { get; set; } = 0.05;

    public int MinQueries { get; set; } = 20;

    public TimeSpan AfterMigration { get; set; } = TimeSpan.FromHours(1);

    public bool Drift { get; set; } = true;
}

/// <summary>
/// One IP failing against ≥ <see cref="StuffingIdentifiers"/> distinct identifiers within <see cref="Window"/>; or
/// failed <c>auth_attempts</c> in the last <see cref="Window"/> ≥ <see cref="FailureFactor"/>× the trailing
/// <see cref="BaselineWindow"/> hourly median and ≥ <see cref="MinFailures"/>. Clears after <see cref="ClearAfter"/> below both.
/// </summary>
public sealed class AuthPolicyFailureRule
{
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    public int StuffingIdentifiers { get; set; } = 20;

    public double FailureFactor { get; set; } = 5;

    public int MinFailures { get; set; } = 50;

    public TimeSpan BaselineWindow { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan ClearAfter { get; set; } = TimeSpan.FromHours(1);
}
