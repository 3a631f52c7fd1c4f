using System.Collections.Concurrent;
using VibeDashboard.Operations.Review;

namespace VibeDashboard.Tests.Components.Review;

/// <summary>
/// Reviews handed to the page: the ones a test puts, a "no data" review for any other month, or — while
/// <see cref="Hold"/> is set — none until the test completes it. Records each request and whether it ran on the
/// renderer's synchronization context (it must not: the builder's SQL is synchronous underneath).
/// </summary>
public sealed class FakeMonthlyReviews : IMonthlyReviews
{
    private readonly ConcurrentDictionary<ReviewMonth, MonthlyReview> _reviews = new();

    public ReviewMonth DefaultMonth { get; set; } = new(2026, 10);

    public ReviewMonth CurrentMonth { get; set; } = new(2026, 11);

    public DateTimeOffset Now { get; set; } = new(2026, 11, 10, 12, 0, 0, TimeSpan.Zero);

    public TaskCompletionSource? Hold { get; set; }

    public ConcurrentQueue<ReviewMonth> Asked { get; } = new();

    public ConcurrentQueue<SynchronizationContext?> Contexts { get; } = new();

    public void Put(MonthlyReview review) => _reviews[review.Month] = review;

    public async Task<MonthlyReview> BuildAsync(ReviewMonth month, CancellationToken cancellationToken)
    {
        Asked.Enqueue(month);
        Contexts.Enqueue(SynchronizationContext.Current);
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        return _reviews.TryGetValue(month, out var review) ? review : Empty(month, CoverageState.NoData, "the store holds no events yet");
    }

    public MonthlyReview Empty(ReviewMonth month, CoverageState state, string reason) => new()
    {
        Month = month,
        From = month.Start,
        To = month.End,
        GeneratedAt = Now,
        Coverage = new ReviewCoverage(state, reason, null, false),
    };
}
