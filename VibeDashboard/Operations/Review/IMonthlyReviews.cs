namespace VibeDashboard.Operations.Review;

/// <summary>
/// The monthly reviews as the page and the API read them: which month is the default, which is in progress, and a
/// month's review. The store's <see cref="MonthlyReviewBuilder"/> answers in the app; a page test hands in reviews.
/// </summary>
public interface IMonthlyReviews
{
    /// <summary>The last complete calendar month (UTC): what <c>/review</c> and <c>/api/review</c> open on.</summary>
    ReviewMonth DefaultMonth { get; }

    /// <summary>The month in progress, whose review is partial (to date).</summary>
    ReviewMonth CurrentMonth { get; }

    Task<MonthlyReview> BuildAsync(ReviewMonth month, CancellationToken cancellationToken);
}

/// <summary>The reviews computed from the store (and cached per closed month) by <see cref="MonthlyReviewBuilder"/>.</summary>
public sealed class StoredMonthlyReviews(MonthlyReviewBuilder builder) : IMonthlyReviews
{
    public ReviewMonth DefaultMonth => builder.DefaultMonth;

    public ReviewMonth CurrentMonth => builder.CurrentMonth;

    public Task<MonthlyReview> BuildAsync(ReviewMonth month, CancellationToken cancellationToken) => builder.BuildAsync(month, cancellationToken);
}
