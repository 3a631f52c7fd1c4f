using System.Text.Json;
using System.Text.Json.Serialization;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Operations.Review;

/// <summary>
/// The monthly review of one calendar month (UTC): the JSON of <c>GET /api/review/{yyyy-MM}</c>, the page's model
/// and the source of the Markdown and CSV exports. Every number is computed from the store (events, incidents and
/// their follow-ups, rollouts, the SLO alert history) with the definitions of docs/metrics.md, over
/// [<see cref="From"/>, <see cref="To"/>): the whole month, or up to <see cref="GeneratedAt"/> for the month in
/// progress. A month the data does not reach has <see cref="Coverage"/> saying so and no sections (null, never zeros).
/// </summary>
/// <remarks>
/// Durations are milliseconds, ratios fractions 0–1, percentages 0–100 (named <c>…Percent</c>), money US dollars.
/// "Change" figures compare with the previous calendar month and are null when that month has no data.
/// </remarks>
public sealed record MonthlyReview
{
    public required ReviewMonth Month { get; init; }

    public required DateTimeOffset From { get; init; }

    /// <summary>The month's end, or the moment the review was computed for the month in progress.</summary>
    public required DateTimeOffset To { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required ReviewCoverage Coverage { get; init; }

    public IncidentsSection? Incidents { get; init; }

    public IReadOnlyList<SloAttainment>? Slos { get; init; }

    public SpendSection? Spend { get; init; }

    public IReadOnlyList<ModelRoutingRow>? Routing { get; init; }

    public RolloutsSection? Rollouts { get; init; }

    public FollowUpsSection? FollowUps { get; init; }

    public RetireSection? Retire { get; init; }

    /// <summary>Whether the sections were computed (the month has data).</summary>
    [JsonIgnore]
    public bool HasData => Coverage.State is CoverageState.Complete or CoverageState.Partial;
}

/// <summary>How much of the month the data covers, and in words why a review has no numbers.</summary>
public sealed record ReviewCoverage(
    CoverageState State,
    string? Reason,
    DateTimeOffset? DataStartsAt,
    bool StartsMidMonth);

[JsonConverter(typeof(JsonStringEnumConverter<CoverageState>))]
public enum CoverageState
{
    /// <summary>A closed month with data.</summary>
    [JsonStringEnumMemberName("complete")]
    Complete,

    /// <summary>The month in progress: numbers to date.</summary>
    [JsonStringEnumMemberName("partial")]
    Partial,

    /// <summary>The month ended before the first event in the store.</summary>
    [JsonStringEnumMemberName("before_data")]
    BeforeData,

    /// <summary>The store holds no events at all.</summary>
    [JsonStringEnumMemberName("no_data")]
    NoData,

    /// <summary>The month has not begun.</summary>
    [JsonStringEnumMemberName("future")]
    Future,
}

// ---- incidents ----

/// <summary>
/// Incidents that started in the month, by class. Declined incidents (not an incident) and duplicates (counted in
/// the one they were merged into) are left out, and so counted nowhere.
/// </summary>
public sealed record IncidentsSection(
    long Total,
    IReadOnlyList<IncidentClassRow> Classes,
    IReadOnlyList<RecurringFailure> Recurring);

/// <summary>
/// One class. MTTA = mean of acknowledged − started over the incidents acknowledged; MTTR = mean of resolved − started
/// over those resolved (for a historical incident, found in past data, ended − started). Both use the stored times
/// whenever they happened, so an incident of the month resolved in the next one counts with its full time.
/// <see cref="Rank"/> orders classes by count (then by MTTR, then by name); <see cref="PreviousCount"/> is null
/// without data for the previous month.
/// </summary>
public sealed record IncidentClassRow(
    IncidentClass Class,
    long Count,
    SeverityMix Severity,
    long Acknowledged,
    double? MttaMs,
    long Resolved,
    double? MttrMs,
    long Unresolved,
    int Rank,
    long? PreviousCount)
{
    public long? CountChange => PreviousCount is { } previous ? Count - previous : null;
}

/// <summary>Incidents per severity (SEV1 the most severe).</summary>
public sealed record SeverityMix(long Sev1, long Sev2, long Sev3, long Sev4)
{
    public long Of(Severity severity) => severity switch
    {
        Severity.Sev1 => Sev1,
        Severity.Sev2 => Sev2,
        Severity.Sev3 => Sev3,
        _ => Sev4,
    };
}

/// <summary>
/// The same class and key at least twice in the month: a candidate to convert into an automated mitigation until one
/// of its incidents' follow-ups of kind <c>automated_mitigation</c> is closed (<see cref="Mitigated"/>);
/// <see cref="MitigationPlanned"/> when such a follow-up exists at all. Follow-ups carry their state at the review's end.
/// </summary>
public sealed record RecurringFailure(
    IncidentClass Class,
    string Key,
    long Occurrences,
    IReadOnlyList<long> Incidents,
    DateTimeOffset FirstStartedAt,
    DateTimeOffset LastStartedAt,
    bool MitigationPlanned,
    bool Mitigated,
    IReadOnlyList<ReviewFollowUp> FollowUps)
{
    public bool MitigationCandidate => !Mitigated;
}

/// <summary>A follow-up with its state at the review's end (<see cref="MonthlyReview.To"/>).</summary>
public sealed record ReviewFollowUp(
    long Id,
    long Incident,
    string Title,
    string Owner,
    FollowUpKind Kind,
    DateOnly? Due,
    FollowUpState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DoneAt);

[JsonConverter(typeof(JsonStringEnumConverter<FollowUpState>))]
public enum FollowUpState
{
    [JsonStringEnumMemberName("open")]
    Open,

    /// <summary>Open, and its due date passed before the review's end.</summary>
    [JsonStringEnumMemberName("overdue")]
    Overdue,

    [JsonStringEnumMemberName("closed")]
    Closed,
}

// ---- SLOs ----

/// <summary>
/// One SLO over the calendar month: its SLI events in the month (good as the SLO defines it), the SLI against the
/// objective, the error budget the month spent (bad ÷ ((1 − objective) × total), in percent, over 100 when overspent),
/// the UTC day with the lowest SLI, and the time its alert state spent in page and in ticket (from the alert history,
/// clipped to the month).
/// </summary>
public sealed record SloAttainment(
    string Key,
    string Name,
    double Objective,
    long Events,
    long Good,
    long Bad,
    double? Sli,
    bool? Met,
    double? BudgetSpentPercent,
    WorstDay? WorstDay,
    double PageMs,
    double TicketMs,
    double? PreviousSli);

public sealed record WorstDay(DateOnly Day, double Sli, long Events, long Bad);

// ---- spend ----

public sealed record SpendSection(
    double CostUsd,
    long Generations,
    double? CostPerGenerationUsd,
    double RuntimeCostUsd,
    double PreviewHours,
    double? RuntimeCostPerPreviewHourUsd,
    IReadOnlyList<SpendWeek> Weeks,
    IReadOnlyList<ProviderSpend> Providers,
    double? PreviousCostPerGenerationUsd);

/// <summary>
/// One ISO week (Monday 00:00 UTC), clipped to the month: a week across the month's edge counts only its days in it.
/// Provider cost per generation = Σ <c>llm_call.cost_usd</c> ÷ <c>generation_started</c> events; runtime cost per
/// preview hour = Σ <c>runtime_usage.cost_usd</c> ÷ preview hours (docs/metrics.md's preview time, clipped to the week).
/// </summary>
public sealed record SpendWeek(
    string Week,
    DateTimeOffset From,
    DateTimeOffset To,
    double CostUsd,
    long Generations,
    double? CostPerGenerationUsd,
    double RuntimeCostUsd,
    double PreviewHours,
    double? RuntimeCostPerPreviewHourUsd);

/// <summary>
/// One provider (<see cref="Model"/> null: all its models) or one of its models: its <c>llm_call</c>s and their cost in
/// the month, and that cost ÷ the month's generations (the share of the cost per generation it carries, so the
/// provider rows add up to <see cref="SpendSection.CostPerGenerationUsd"/>); <see cref="Share"/> is its fraction of the
/// month's provider cost. Calls with no provider are in no row (and a call with no model only in its provider's).
/// </summary>
public sealed record ProviderSpend(string Provider, string? Model, long Calls, double CostUsd, double? CostPerGenerationUsd, double? Share);

// ---- model routing ----

/// <summary>
/// One provider and model, ranked by quality per dollar (successful generations per dollar; rows without it last).
/// An app's generation is routed to the (provider, model) that served most of its <c>llm_call</c>s in the month
/// (ties: the higher cost, then by name), so every app counts under one model.
/// </summary>
public sealed record ModelRoutingRow(
    string Provider,
    string Model,
    int Rank,
    RoutingFigures Figures,
    RoutingFigures? Previous,
    int? PreviousRank)
{
    public double? CompletionSuccessChange => Figures.CompletionSuccess - Previous?.CompletionSuccess;

    public double? CostPerSuccessfulGenerationChange => Figures.CostPerSuccessfulGenerationUsd - Previous?.CostPerSuccessfulGenerationUsd;

    public double? ErrorRateChange => Figures.ErrorRate - Previous?.ErrorRate;
}

/// <summary>
/// What a route achieved in a month, with docs/metrics.md's definitions restricted to the apps routed to it:
/// <see cref="Generations"/> = their <c>generation_started</c> events; completion success = good ÷ (good + failed)
/// <c>generation_complete</c> (status error = failed) plus agent <c>error</c>s with an app; fix loops per app = the fix
/// events of the apps whose first <c>generation_started</c> ever is in the month, per such app; time to deployable =
/// first deploy − first <c>generation_started</c> per app, for apps whose first deploy is in the month. The route's
/// own calls give <see cref="Calls"/>, <see cref="ErrorRate"/> (status error ÷ calls) and <see cref="CostUsd"/>, and
/// cost per successful generation = <see cref="CostUsd"/> ÷ good completions.
/// </summary>
public sealed record RoutingFigures(
    long Apps,
    long Generations,
    long Completed,
    long Failed,
    double? CompletionSuccess,
    long CohortApps,
    double? FixLoopsPerApp,
    long DeployedApps,
    double? TimeToDeployableMs,
    double? TimeToDeployableP50Ms,
    long Calls,
    long Errors,
    double? ErrorRate,
    double CostUsd,
    double? CostPerSuccessfulGenerationUsd,
    double? QualityPerDollar);

// ---- rollouts ----

public sealed record RolloutsSection(
    long WavesPromoted,
    long Pauses,
    long RolledBack,
    IReadOnlyList<RolloutRollback> Rollbacks,
    IReadOnlyList<RolloutPauseEntry> PauseEntries);

/// <summary>
/// A wave rolled back in the month: the gate that failed its two consecutive checks (null: by hand) and why (the
/// timeline's words). <see cref="Wave"/> counts from 1, as the rollout pages label waves.
/// </summary>
public sealed record RolloutRollback(
    long Rollout,
    string Name,
    int Wave,
    DateTimeOffset At,
    bool Automatic,
    string? Gate,
    string Reason);

public sealed record RolloutPauseEntry(long Rollout, string Name, int Wave, DateTimeOffset At, bool Automatic, string Reason);

// ---- follow-ups ----

/// <summary>
/// Follow-ups as at the review's end: created in the month, closed in the month (whenever created), still open and,
/// of those, overdue (due before the end's UTC date). <see cref="Items"/> lists each follow-up created in the month,
/// closed in it or open at its end, with its state then: open and overdue first (by due date), then closed.
/// </summary>
public sealed record FollowUpsSection(
    long Created,
    long Closed,
    long OpenAtEnd,
    long OverdueAtEnd,
    IReadOnlyList<ReviewFollowUp> Items);

// ---- retire ----

/// <summary>Names seen in earlier months that had no traffic in this one: candidates to retire.</summary>
public sealed record RetireSection(IReadOnlyList<RetireCandidate> Candidates);

/// <summary>
/// A name (for a model: <c>provider/model</c>) and when it was last seen. Kinds: event sources, providers, models
/// (<c>llm_call</c>), limiter keys (<c>rate_limit_exceeded</c>'s <c>attrs_json.limiter</c>) and policy tiers.
/// </summary>
public sealed record RetireCandidate(RetireKind Kind, string Name, DateTimeOffset LastSeenAt, long EventsBefore);

[JsonConverter(typeof(JsonStringEnumConverter<RetireKind>))]
public enum RetireKind
{
    [JsonStringEnumMemberName("source")]
    Source,

    [JsonStringEnumMemberName("provider")]
    Provider,

    [JsonStringEnumMemberName("model")]
    Model,

    [JsonStringEnumMemberName("limiter")]
    Limiter,

    [JsonStringEnumMemberName("policy_tier")]
    PolicyTier,
}

/// <summary>The review's JSON options: camelCase, enums by their wire names, as every other API of the dashboard.</summary>
public static class ReviewJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = false };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
