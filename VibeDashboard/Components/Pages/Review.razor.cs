using Microsoft.AspNetCore.Components;
using VibeDashboard.Model;
using VibeDashboard.Operations.Review;
using VibeDashboard.Operations.Rollouts;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// The monthly review of one calendar month (UTC), every section as tables: <c>/review</c> opens on the last complete
/// month, <c>/review/{yyyy-MM}</c> on any other (the month in progress to date). Not live: a review is a document,
/// computed once per visit off the circuit's thread, and a closed month comes from the builder's cache after the first.
/// <c>?print=1</c> (the "Projector" link) shows the printed look on screen: light, no app bar or drawer.
/// </summary>
public sealed partial class Review : IDisposable
{
    private ReviewMonth? _month;
    private ReviewMonth _default;
    private ReviewMonth _current;
    private string? _monthError;
    private MonthlyReview? _review;
    private string? _loadError;
    private CancellationTokenSource? _load;

    [Parameter] public string? Month { get; set; }

    [SupplyParameterFromQuery(Name = ReviewFormat.PrintParameter)] public string? Print { get; set; }

    [Inject] public required IMonthlyReviews Reviews { get; init; }

    private bool Projector => Print is "1" or "true";

    private string RootClass => Projector ? "vd-review vd-root vd-review-projector" : "vd-review";

    private string Title => _month is { } month ? $"Monthly review {month}" : "Monthly review";

    private string Heading => _month is { } month ? $"Monthly review · {ReviewFormat.MonthName(month)}" : "Monthly review";

    private string ProjectorLink => ReviewFormat.Page(Month is null ? null : _month, print: !Projector);

    protected override async Task OnParametersSetAsync()
    {
        _default = Reviews.DefaultMonth;
        _current = Reviews.CurrentMonth;
        var month = _default;
        if (Month is not null && !ReviewMonth.TryParse(Month, out month, out var error))
        {
            Cancel();
            _month = null;
            _review = null;
            _loadError = null;
            _monthError = error;
            return;
        }

        // The projector toggle changes only the query string: keep the review shown (or being computed).
        if (_month == month && _monthError is null && (_review is not null || _load is not null))
        {
            return;
        }

        Cancel();
        _month = month;
        _monthError = null;
        _review = null;
        _loadError = null;
        var load = _load = new CancellationTokenSource();
        try
        {
            // Off the circuit's thread: Microsoft.Data.Sqlite's async calls complete synchronously, so awaiting the
            // builder here would run its SQL (seconds, for a closed month the first time) on the circuit and freeze
            // the page meanwhile. The first render ("computing…") happens while this waits.
            var review = await Task.Run(() => Reviews.BuildAsync(month, load.Token), load.Token);
            if (_load == load)
            {
                _review = review;
            }
        }
        catch (OperationCanceledException) when (load.IsCancellationRequested)
        {
            // Another month was asked for, or the page closed: its own load shows.
        }
        catch (Exception e)
        {
            if (_load == load)
            {
                _loadError = $"Could not compute the review of {month}: {e.Message}";
            }
        }
        finally
        {
            if (_load == load)
            {
                _load = null;
            }

            load.Dispose();
        }
    }

    /// <summary>The month before, within the months the review accepts.</summary>
    private static ReviewMonth? Previous(ReviewMonth month) =>
        month.Year > ReviewMonth.MinYear || month.Month > 1 ? month.Previous : null;

    /// <summary>Another month's page, in the same mode (projector or not).</summary>
    private string Link(ReviewMonth month) => ReviewFormat.Page(month, Projector);

    private static string RolloutId(long number) => RolloutStore.Prefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string RolloutLink(long number) => RolloutFormat.DetailUrl(RolloutId(number));

    private static string Wire<T>(T value) where T : struct, Enum => System.Text.Json.JsonSerializer.Serialize(value, ReviewJson.Options).Trim('"');

    private void Cancel()
    {
        if (_load is { } load)
        {
            _load = null;
            load.Cancel();
        }
    }

    public void Dispose() => Cancel();
}
