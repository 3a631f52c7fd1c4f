using System.Globalization;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Review;

namespace VibeDashboard.Model;

/// <summary>
/// The monthly review's links (the page, its months, its exports) and how the page words its figures: always in
/// the invariant culture, with <see cref="ValueFormat"/>'s units, so the page and a wall screen read alike.
/// </summary>
public static class ReviewFormat
{
    public const string PagePath = "/review";

    public const string ApiPath = "/api/review";

    /// <summary><c>?print=1</c>: the light, navigation-free look of the printed page, on screen (a projector).</summary>
    public const string PrintParameter = "print";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The page of <paramref name="month"/> (null: the default month, <c>/review</c>), in projector mode or not.</summary>
    public static string Page(ReviewMonth? month = null, bool print = false)
    {
        var path = month is { } m ? $"{PagePath}/{m}" : PagePath;
        return print ? $"{path}?{PrintParameter}=1" : path;
    }

    public static string Json(ReviewMonth month) => $"{ApiPath}/{month}";

    public static string Markdown(ReviewMonth month) => $"{ApiPath}/{month}.md";

    public static string Csv(ReviewMonth month, ReviewSection section) => $"{ApiPath}/{month}/{section.Name()}.csv";

    /// <summary>The file a CSV export is saved as: month and section, both validated, so nothing needs quoting.</summary>
    public static string CsvFileName(ReviewMonth month, ReviewSection section) => $"review-{month}-{section.Name()}.csv";

    public static string MarkdownFileName(ReviewMonth month) => $"review-{month}.md";

    /// <summary>The CSV links' words, in the page's order.</summary>
    public static string SectionTitle(ReviewSection section) => section switch
    {
        ReviewSection.Incidents => "incidents by class",
        ReviewSection.Recurring => "recurring failures",
        ReviewSection.Slos => "SLO attainment",
        ReviewSection.SpendWeeks => "spend by week",
        ReviewSection.SpendProviders => "spend by provider and model",
        ReviewSection.Routing => "model routing",
        ReviewSection.Rollouts => "rollouts",
        ReviewSection.FollowUps => "follow-ups",
        ReviewSection.Retire => "retire candidates",
        _ => section.Name(),
    };

    /// <summary>"October 2026".</summary>
    public static string MonthName(ReviewMonth month) => month.Start.UtcDateTime.ToString("MMMM yyyy", Invariant);

    /// <summary>The period a review covers, in UTC: "2026-10-01 00:00 → 2026-11-01 00:00 UTC".</summary>
    public static string Period(MonthlyReview review) => $"{Time(review.From)} → {Time(review.To)} UTC";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Invariant);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", Invariant);

    public static string Coverage(CoverageState state) => state switch
    {
        CoverageState.Complete => "complete",
        CoverageState.Partial => "partial: to date",
        CoverageState.BeforeData => "before the data",
        CoverageState.NoData => "no data",
        CoverageState.Future => "not begun",
        _ => state.ToString(),
    };

    /// <summary>Why a month has no numbers, as a sentence (the builder's reason, or its state's words).</summary>
    public static string NoData(MonthlyReview review) =>
        $"No review for {review.Month}: {review.Coverage.Reason ?? Coverage(review.Coverage.State)}.";

    public static string Count(long value) => ValueFormat.Count(value);

    public static string Percent(double? fraction) => fraction is { } f && double.IsFinite(f) ? ValueFormat.Percent(f) : ValueFormat.None;

    /// <summary>Budget spent is already a percentage (over 100 when overspent).</summary>
    public static string PercentValue(double? percent) => percent is { } p && double.IsFinite(p) ? $"{p.ToString("0.#", Invariant)} %" : ValueFormat.None;

    public static string Duration(double? ms) => ms is { } v && double.IsFinite(v) ? ValueFormat.Duration(v) : ValueFormat.None;

    public static string Usd(double? usd) => usd is { } v && double.IsFinite(v) ? ValueFormat.Usd(v) : ValueFormat.None;

    public static string Number(double? value) => value is { } v && double.IsFinite(v) ? ValueFormat.Number(Math.Round(v, 2)) : ValueFormat.None;

    /// <summary>A count against last month: "+3", "−2", "±0"; a dash when last month had no data.</summary>
    public static string Change(long? delta) => delta switch
    {
        null => ValueFormat.None,
        > 0 => $"+{delta.Value.ToString(Invariant)}",
        < 0 => $"−{(-delta.Value).ToString(Invariant)}",
        _ => "±0",
    };

    /// <summary>A fraction's change in percentage points: "+1.2 pp".</summary>
    public static string Points(double? fractionDelta) => fractionDelta is { } d && double.IsFinite(d)
        ? (d >= 0 ? "+" : "−") + Math.Abs(d * 100).ToString("0.##", Invariant) + " pp"
        : ValueFormat.None;

    /// <summary>A dollar amount's change: "+$0.0012", "−$1.20".</summary>
    public static string UsdChange(double? delta) => delta is { } d && double.IsFinite(d)
        ? (d >= 0 ? "+" : "−") + ValueFormat.Usd(Math.Abs(d))
        : ValueFormat.None;

    /// <summary>A rank against last month's: "▲ 2" (moved up), "▼ 1", "=", "new" (not ranked last month).</summary>
    public static string RankChange(int rank, int? previous) => previous switch
    {
        null => "new",
        { } p when p > rank => $"▲ {(p - rank).ToString(Invariant)}",
        { } p when p < rank => $"▼ {(rank - p).ToString(Invariant)}",
        _ => "=",
    };

    public static string Severity(SeverityMix mix) =>
        string.Join(" · ", Enum.GetValues<Severity>().Where(s => mix.Of(s) > 0).Select(s => $"{s.Name()} {mix.Of(s).ToString(Invariant)}")) is { Length: > 0 } text
            ? text
            : ValueFormat.None;

    public static string FollowUpState(FollowUpState state) => state switch
    {
        Operations.Review.FollowUpState.Open => "open",
        Operations.Review.FollowUpState.Overdue => "overdue",
        _ => "closed",
    };

    public static StateTone Tone(FollowUpState state) => state switch
    {
        Operations.Review.FollowUpState.Overdue => StateTone.Critical,
        Operations.Review.FollowUpState.Open => StateTone.Warning,
        _ => StateTone.Ok,
    };

    /// <summary>What a recurring failure asks of the review.</summary>
    public static string Verdict(RecurringFailure failure) =>
        failure.Mitigated ? "mitigated"
        : failure.MitigationPlanned ? "convert into an automated mitigation (planned)"
        : "convert into an automated mitigation";

    public static string RetireKind(RetireKind kind) => kind switch
    {
        Operations.Review.RetireKind.Source => "event source",
        Operations.Review.RetireKind.Provider => "provider",
        Operations.Review.RetireKind.Model => "model",
        Operations.Review.RetireKind.Limiter => "limiter key",
        _ => "policy tier",
    };
}
