using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Utils;

namespace VibeDashboard.Tests.Utils;

public sealed class ThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_burst_of_signals_runs_the_action_once_after_the_interval()
    {
        var runs = 0;
        await using var throttle = new Throttle(TimeSpan.FromMilliseconds(250), () => { Interlocked.Increment(ref runs); return Task.CompletedTask; }, _time);

        for (var i = 0; i < 100; i++)
        {
            throttle.Signal();
        }

        _time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.Equal(0, runs);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, runs);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task A_signal_after_a_run_schedules_the_next_one()
    {
        var runs = 0;
        await using var throttle = new Throttle(TimeSpan.FromSeconds(3), () => { Interlocked.Increment(ref runs); return Task.CompletedTask; }, _time);

        for (var round = 1; round <= 5; round++)
        {
            throttle.Signal();
            throttle.Signal();
            _time.Advance(TimeSpan.FromSeconds(3));
            Assert.Equal(round, runs);
        }
    }

    [Fact]
    public async Task Concurrent_signals_from_many_threads_coalesce()
    {
        var runs = 0;
        await using var throttle = new Throttle(TimeSpan.FromMilliseconds(100), () => { Interlocked.Increment(ref runs); return Task.CompletedTask; }, _time);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                throttle.Signal();
            }
        })));
        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task Failures_are_reported_and_do_not_stop_later_runs()
    {
        var errors = new List<Exception>();
        var runs = 0;
        await using var throttle = new Throttle(TimeSpan.FromSeconds(1), () => ++runs == 1 ? throw new InvalidOperationException("boom") : Task.CompletedTask, _time, errors.Add);

        throttle.Signal();
        _time.Advance(TimeSpan.FromSeconds(1));
        throttle.Signal();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2, runs);
        Assert.Equal("boom", Assert.Single(errors).Message);
    }

    [Fact]
    public async Task Nothing_runs_after_dispose()
    {
        var runs = 0;
        var throttle = new Throttle(TimeSpan.FromSeconds(1), () => { runs++; return Task.CompletedTask; }, _time);
        throttle.Signal();

        await throttle.DisposeAsync();
        _time.Advance(TimeSpan.FromSeconds(5));
        throttle.Signal();

        Assert.Equal(0, runs);
    }
}
