using System.Globalization;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// Checks <c>Rollouts</c> at start: every template parses as a rollout definition against the configured SLOs and
/// the cost budget, template names are unique, and the numbers are in range; each problem names its key
/// (<c>Rollouts:Templates:0:Gates:2:Threshold: must be a number</c>). It lives here, not in Configuration (which
/// imports nothing): a template is a rollout definition, and only the rollout parser knows that shape.
/// </summary>
public sealed class RolloutOptionsValidation(IOptions<SloOptions> slos) : IValidateOptions<RolloutOptions>
{
    /// <summary>A template list is read by people choosing one on the page; more than this is a mistake.</summary>
    public const int MaxTemplates = 50;

    public const int MaxErrorsBeforePause = 100;

    public const int MaxExpectedConcurrency = 100_000;

    public ValidateOptionsResult Validate(string? name, RolloutOptions options)
    {
        var problems = Problems(options, SloKeys(slos.Value));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlySet<string> SloKeys(SloOptions slos) => slos.Effective.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>What a template (or a definition posted to the API) is checked against under these options.</summary>
    public static RolloutDefinitionContext Context(RolloutOptions options, IReadOnlySet<string> sloKeys) => new(sloKeys, options.MonthlyCostBudgetUsd);

    public static IReadOnlyList<string> Problems(RolloutOptions options, IReadOnlySet<string> sloKeys)
    {
        var problems = new List<string>();
        const string s = RolloutOptions.Section;
        if (options.MonthlyCostBudgetUsd is { } budget && !(budget > 0 && double.IsFinite(budget)))
        {
            problems.Add($"{s}:{nameof(RolloutOptions.MonthlyCostBudgetUsd)} must be a positive amount of US dollars, or absent: it is {budget.ToString(CultureInfo.InvariantCulture)}");
        }

        if (options.ExpectedConcurrency is < 1 or > MaxExpectedConcurrency)
        {
            problems.Add($"{s}:{nameof(RolloutOptions.ExpectedConcurrency)} must be between 1 and {I(MaxExpectedConcurrency)} (peak concurrent sandboxes): it is {I(options.ExpectedConcurrency)}");
        }

        if (options.ErrorsBeforePause is < 1 or > MaxErrorsBeforePause)
        {
            problems.Add($"{s}:{nameof(RolloutOptions.ErrorsBeforePause)} must be between 1 and {I(MaxErrorsBeforePause)}: it is {I(options.ErrorsBeforePause)}");
        }

        Templates(options, sloKeys, problems);
        return problems;
    }

    /// <summary>The templates parsed, in order; a template with a problem is left out (validation at start refuses to run with one).</summary>
    public static IReadOnlyList<RolloutDefinition> Templates(RolloutOptions options, IReadOnlySet<string> sloKeys) => Templates(options, sloKeys, problems: null);

    private static List<RolloutDefinition> Templates(RolloutOptions options, IReadOnlySet<string> sloKeys, List<string>? problems)
    {
        var templates = new List<RolloutDefinition>();
        var sections = options.Templates ?? [];
        if (sections.Count > MaxTemplates)
        {
            problems?.Add($"{RolloutOptions.Section}:{nameof(RolloutOptions.Templates)} lists {I(sections.Count)} templates: at most {I(MaxTemplates)}");
            return templates;
        }

        var context = Context(options, sloKeys);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in sections)
        {
            if (!RolloutDefinitionJson.TryParse(section, context, out var template, out var templateProblems))
            {
                problems?.AddRange(templateProblems.Select(p => p.ToString()));
                continue;
            }

            // The page and POST /api/rollouts pick a template by name.
            if (!names.TryAdd(template.Name, section.Path))
            {
                problems?.Add($"{section.Path}:Name: {RolloutDefinitionJson.Show(template.Name)} is already the name of {names[template.Name]}: template names are unique");
                continue;
            }

            templates.Add(template);
        }

        return templates;
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
