using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Aggregation;

// Here rather than beside SloOptions: a window name is Aggregation's vocabulary, and Configuration imports no other folder.
/// <summary>Stops the app at start with a message naming the offending key (<c>Slos:2:Objective</c>).</summary>
public sealed class SloOptionsValidator : IValidateOptions<SloOptions>
{
    public ValidateOptionsResult Validate(string? name, SloOptions options)
    {
        var errors = new List<string>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Items.Count; i++)
        {
            var slo = options.Items[i];
            var at = $"{SloOptions.Section}:{i}";
            if (string.IsNullOrWhiteSpace(slo.Key))
            {
                errors.Add($"{at}:Key is required");
            }
            else if (!keys.Add(slo.Key))
            {
                errors.Add($"{at}:Key '{slo.Key}' is used twice");
            }

            if (slo.Events.Count == 0)
            {
                errors.Add($"{at}:Events must name at least one event type");
            }

            if (!(slo.Objective > 0 && slo.Objective < 1))
            {
                errors.Add($"{at}:Objective must be a fraction between 0 and 1 exclusive (e.g. 0.999), got {slo.Objective}");
            }

            if (slo.Sli == SliKind.Latency && !(slo.ThresholdMs > 0))
            {
                errors.Add($"{at}:ThresholdMs must be positive for a latency SLI");
            }

            foreach (var failure in slo.FailureEvents.Where(f => !slo.Events.Contains(f, StringComparer.Ordinal)))
            {
                errors.Add($"{at}:FailureEvents names '{failure}', which is not in Events");
            }

            if (slo.GoodStatus is { } goodStatus && string.IsNullOrWhiteSpace(goodStatus))
            {
                errors.Add($"{at}:GoodStatus must be a status (e.g. ok) or absent");
            }

            if (!Windows.All.Any(w => w.Name == slo.Window))
            {
                errors.Add($"{at}:Window must be one of {string.Join(", ", Windows.All.Select(w => w.Name))}, got '{slo.Window}'");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
