using Microsoft.Extensions.Configuration;

namespace VibeDashboard.Configuration;

/// <summary>
/// Wave rollouts (section <c>Rollouts</c>): the templates a rollout can be created from, the monthly cost budget the
/// <c>cost_burn</c> guardrail divides by, the concurrency the readiness checklist expects, and how many gate
/// Errors in a row pause a rollout. Defaults live here; <c>appsettings.sample.json</c> repeats them.
/// </summary>
public sealed class RolloutOptions
{
    public const string Section = "Rollouts";

    /// <summary>
    /// Each template as its configuration section, in the shape of a rollout definition (README "Rollout
    /// definitions"; keys in any case). Kept unparsed because binding cannot read <c>30m</c> as a duration nor tell a
    /// gate's kind from its fields: <c>Operations.Rollouts.RolloutOptionsValidation</c> parses them at start, naming the key of
    /// each problem, and its <c>Templates</c> gives them parsed.
    /// </summary>
    public List<IConfigurationSection> Templates { get; set; } = [];

    /// <summary>
    /// The provider and runtime spend allowed per month. A <c>cost_burn</c> gate compares the cohort's spend rate
    /// over its window with this ÷ 30 days (1 spends the budget exactly); without a budget such a gate is refused.
    /// </summary>
    public double? MonthlyCostBudgetUsd { get; set; }

    /// <summary>Peak concurrent preview sandboxes the readiness checklist expects to have been seen (over 24 h) before a first wave.</summary>
    public int ExpectedConcurrency { get; set; } = 20;

    /// <summary>A gate whose checks are Error (no data, or stale) this many times in a row pauses the rollout.</summary>
    public int ErrorsBeforePause { get; set; } = 5;
}
