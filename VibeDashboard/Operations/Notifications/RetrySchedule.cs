namespace VibeDashboard.Operations.Notifications;

/// <summary>When a failed delivery is tried again: exponential backoff with jitter, and the dead line.</summary>
public static class RetrySchedule
{
    /// <summary>
    /// The wait after the <paramref name="attempts"/>-th failed attempt: base × 2^(attempts−1), capped at
    /// <paramref name="max"/>, then "equal jitter" — half fixed, half random — so receivers that failed together do
    /// not get their retries back together, and the wait never drops below half the backoff.
    /// <paramref name="random01"/> is in [0, 1).
    /// </summary>
    public static TimeSpan Delay(long attempts, TimeSpan @base, TimeSpan max, double random01)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var backoff = Math.Min(max.TotalMilliseconds, @base.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(backoff / 2 + backoff / 2 * Math.Clamp(random01, 0, 1));
    }

    /// <summary>The next attempt after a failure at <paramref name="now"/>, or null when the delivery is dead.</summary>
    /// <remarks>The last retry is at the deadline itself, so a delivery gets its full <c>GiveUpAfter</c>.</remarks>
    public static DateTimeOffset? Next(DateTimeOffset now, DateTimeOffset deadline, TimeSpan delay) =>
        now >= deadline ? null : now + delay < deadline ? now + delay : deadline;
}
