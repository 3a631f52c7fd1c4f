using System.Threading.RateLimiting;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// Failed sign-in attempts per client IP: past <c>Auth:MaxSignInFailuresPerMinute</c> in a sliding minute, /login
/// answers 429 until the window has room again. Only failures count, so a person who signs in is never slowed.
/// Partitions of idle IPs are dropped by the limiter itself, so a flood of addresses cannot grow it without bound.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public SignInThrottle(int maxFailuresPerMinute)
    {
        _failures = PartitionedRateLimiter.Create<string, string>(ip => RateLimitPartition.GetSlidingWindowLimiter(ip, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = maxFailuresPerMinute,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>True when this IP has used up its failures for the current window.</summary>
    public bool IsBlocked(string clientIp) => _failures.GetStatistics(clientIp)?.CurrentAvailablePermits == 0;

    public void RecordFailure(string clientIp)
    {
        using var lease = _failures.AttemptAcquire(clientIp);
    }

    public void Dispose() => _failures.Dispose();
}
