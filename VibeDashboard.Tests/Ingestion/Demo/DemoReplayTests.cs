using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Ingestion.Demo;

public sealed class DemoReplayTests
{
    private static readonly long Anchor = new DateTimeOffset(2026, 3, 18, 14, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void Each_event_comes_back_multiplier_minus_one_times_one_to_m_minus_one_seconds_later_under_new_ids()
    {
        var generator = new DemoDataGenerator(7, Anchor);
        const int Multiplier = 5;
        var (from, to) = (Anchor + 600_000, Anchor + 660_000);

        var copies = DemoReplay.Copies(generator, from, to, Multiplier).ToList();

        // The copies of [from, to) are exactly the originals of the k seconds before, shifted by k seconds.
        var expected = Enumerable.Range(1, Multiplier - 1)
            .SelectMany(k => generator.Events(from - k * DemoReplay.ShiftMs, to - k * DemoReplay.ShiftMs).Select(e => (Id: $"{e.Id}-x{k}", At: e.OccurredAt + k * DemoReplay.ShiftMs, e.EventType, e.Status, e.DurationMs)))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, copies.Select(c => (c.Id, At: c.OccurredAt, c.EventType, c.Status, c.DurationMs)).OrderBy(c => c.Id, StringComparer.Ordinal));
        Assert.All(copies, c => Assert.InRange(c.OccurredAt, from, to - 1));
        Assert.Equal(copies.Count, copies.Select(c => c.Id).Distinct().Count());
        var originals = generator.Events(from, to).Count();
        Assert.InRange(copies.Count, (Multiplier - 1) * originals * 0.8, (Multiplier - 1) * originals * 1.2);
    }

    [Fact]
    public void A_multiplier_of_one_adds_nothing()
    {
        Assert.Empty(DemoReplay.Copies(new DemoDataGenerator(7, Anchor), Anchor, Anchor + 60_000, 1));
    }

    [Fact]
    public async Task The_live_demo_writes_its_events_multiplier_times()
    {
        var start = new DateTimeOffset(2026, 11, 26, 14, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        await using var store = new TempStore(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "1", ["Demo:RateMultiplier"] = "20" }, time);
        var seeder = store.Services.GetRequiredService<DemoSeeder>();
        Assert.True(await seeder.EnsureDemoAsync());
        var since = start.ToUnixTimeMilliseconds();

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(await seeder.AppendLiveAsync());

        var originals = (long)(await store.ScalarAsync($"SELECT COUNT(*) FROM ops_events WHERE occurred_at >= {since} AND id NOT LIKE '%-x%'"))!;
        var copies = (long)(await store.ScalarAsync($"SELECT COUNT(*) FROM ops_events WHERE occurred_at >= {since} AND id LIKE '%-x%'"))!;
        Assert.True(originals > 0);
        Assert.InRange(copies / (double)originals, 18.5, 19.5);
    }
}
