using System.Globalization;
using Microsoft.Extensions.Options;

namespace VibeDashboard.Configuration;

/// <summary>Outbound webhooks and how their deliveries are retried (section <c>Notifications</c>).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Receivers; each event is delivered to every webhook one of whose <see cref="WebhookOptions.Events"/> matches it.</summary>
    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>A delivery still failing this long after its event was written is dead (the dead-letter list).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The first retry waits about this long; each further one about twice as long (jittered).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>No retry waits longer than this.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>One POST waits this long for the receiver's answer before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the dispatcher looks for due deliveries when no command woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deliveries taken per pass.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>The circuit of an endpoint opens when at least this share of its recent attempts failed…</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>…out of at least this many attempts…</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>…within this window.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>While open, nothing is sent to the endpoint; then one trial request decides.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every problem, each naming its key (<c>Notifications:Webhooks:0:Url</c>); empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Webhooks.Count; i++)
        {
            var hook = Webhooks[i];
            var key = $"{Section}:{nameof(Webhooks)}:{i.ToString(CultureInfo.InvariantCulture)}";
            if (string.IsNullOrWhiteSpace(hook.Name))
            {
                problems.Add($"{key}:Name is empty: give each webhook a name (deliveries are listed under it)");
            }
            else if (hook.Name.Length > 100 || hook.Name.Any(char.IsControl))
            {
                problems.Add($"{key}:Name '{hook.Name}' must be at most 100 characters without control characters");
            }
            else if (!names.Add(hook.Name.Trim()))
            {
                problems.Add($"{key}:Name '{hook.Name}' is used by another webhook: names must be unique");
            }

            if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"{key}:Url '{hook.Url}' is not an absolute http or https URL");
            }

            if (hook.Format == WebhookFormat.Json && string.IsNullOrEmpty(hook.Secret))
            {
                problems.Add($"{key}:Secret is empty: a json webhook's deliveries are signed with it (HMAC-SHA256)");
            }

            if (hook.Events.Count == 0)
            {
                problems.Add($"{key}:Events is empty: list the events it receives, such as incident.* (or * for all)");
            }

            for (var j = 0; j < hook.Events.Count; j++)
            {
                if (EventPattern.Problem(hook.Events[j]) is { } problem)
                {
                    problems.Add($"{key}:Events:{j.ToString(CultureInfo.InvariantCulture)} {problem}");
                }
            }
        }

        Check(problems, nameof(GiveUpAfter), GiveUpAfter, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
        Check(problems, nameof(RetryBaseDelay), RetryBaseDelay, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        Check(problems, nameof(RetryMaxDelay), RetryMaxDelay, RetryBaseDelay, TimeSpan.FromDays(1));
        Check(problems, nameof(RequestTimeout), RequestTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        Check(problems, nameof(PollInterval), PollInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        // Polly's own bounds: sampling and break at least 0.5 s, throughput at least 2.
        Check(problems, nameof(BreakerSamplingDuration), BreakerSamplingDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1));
        Check(problems, nameof(BreakerBreakDuration), BreakerBreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1));
        if (BatchSize is < 1 or > 10_000)
        {
            problems.Add($"{Section}:{nameof(BatchSize)} is {BatchSize}: it must be between 1 and 10000");
        }

        if (BreakerMinimumThroughput < 2)
        {
            problems.Add($"{Section}:{nameof(BreakerMinimumThroughput)} is {BreakerMinimumThroughput}: it must be at least 2");
        }

        if (!(BreakerFailureRatio > 0 && BreakerFailureRatio <= 1))
        {
            problems.Add($"{Section}:{nameof(BreakerFailureRatio)} is {BreakerFailureRatio.ToString(CultureInfo.InvariantCulture)}: it must be above 0 and at most 1");
        }

        return problems;
    }

    private static void Check(List<string> problems, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            problems.Add($"{Section}:{name} is {value}: it must be between {min} and {max}");
        }
    }
}

/// <summary>One receiver (an item of <c>Notifications:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Unique; deliveries are kept under it, so renaming a webhook dead-letters its pending deliveries.</summary>
    public string Name { get; set; } = "";

    public string Url { get; set; } = "";

    /// <summary>Signs each body: <c>X-VibeDashboard-Signature: sha256=&lt;hex HMAC-SHA256&gt;</c>. Required for json.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Patterns: an exact event (<c>incident.resolved</c>), a prefix (<c>incident.*</c>) or <c>*</c>.</summary>
    public List<string> Events { get; set; } = [];

    public WebhookFormat Format { get; set; } = WebhookFormat.Json;
}

/// <summary>What a delivery's body looks like.</summary>
public enum WebhookFormat
{
    /// <summary><c>{"event", "delivery", "time", "aggregate", "data"}</c>.</summary>
    Json,

    /// <summary>A Slack incoming webhook: <c>{"text": "…"}</c>.</summary>
    Slack,
}

/// <summary>Event patterns of <see cref="WebhookOptions.Events"/>.</summary>
public static class EventPattern
{
    public static bool Matches(string pattern, string @event) =>
        pattern == "*"
        || (pattern.EndsWith(".*", StringComparison.Ordinal)
            ? @event.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(pattern, @event, StringComparison.Ordinal));

    /// <summary>Null when the pattern is valid; else what is wrong.</summary>
    public static string? Problem(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "is empty";
        }

        var body = pattern == "*" ? "" : pattern.EndsWith(".*", StringComparison.Ordinal) ? pattern[..^2] : pattern;
        if (pattern != "*" && (body.Length == 0 || body.Split('.').Any(s => s.Length == 0 || !s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))))
        {
            return $"'{pattern}' is not an event pattern: lower-case dotted words (incident.resolved), optionally ending in .* (incident.*), or *";
        }

        return null;
    }
}

/// <summary>Runs <see cref="NotificationOptions.Problems"/> at start.</summary>
public sealed class NotificationOptionsValidation : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
