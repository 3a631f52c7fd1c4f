using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.AggregationStoreBuilder;

namespace VibeDashboard.Tests.Aggregation;

/// <summary>Bounded cardinality: thousands of distinct tiers keep the snapshot small; the all-tiers totals stay exact.</summary>
public sealed class TierCardinalityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 17, 42, TimeSpan.Zero);

    private static long NowMs => Now.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Twelve_thousand_tiers_keep_the_snapshot_under_a_megabyte_with_the_top_32_tiers_and_other()
    {
        var time = new FakeTimeProvider(Now);
        await using var store = new TempStore(time: time);
        await store.Services.GetService<VibeDashboard.Storage.StoreSchema>()!.EnsureCreatedAsync();
        await using (var connection = await store.Connections.OpenAsync())
        {
            // 12,000 tiers with one probe and one D1 query each, and 32 busy tiers with ten probes each: the busy ones are the top 32.
            await connection.ExecuteAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 11999)
                INSERT INTO ops_events (id, occurred_at, event_type, policy_tier, status, duration_ms)
                SELECT 'p' || i, {NowMs} - 1000 - i * 60, 'probe', 'tier-' || i, 'ok', 10 FROM n
                UNION ALL SELECT 'd' || i, {NowMs} - 2000 - i * 60, 'd1_query', 'tier-' || i, 'ok', 1 + (i % 97) FROM n;
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 319)
                INSERT INTO ops_events (id, occurred_at, event_type, policy_tier, status)
                SELECT 'b' || i, {NowMs} - 5000 - i * 60, 'probe', 'busy-' || (i % 32), 'ok' FROM n;
                """);
        }

        var aggregator = CreateAggregator(store, time);
        await aggregator.TickAsync();

        var snapshot = aggregator.Current;
        var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, JsonSerializerOptions.Web);
        Assert.True(json.Length < 1_000_000, $"snapshot is {json.Length:N0} bytes");
        var tiers = snapshot.Metrics.Select(m => m.Tier).OfType<string>().Distinct().ToList();
        Assert.Equal(33, tiers.Count);
        Assert.Contains(MetricEngine.OtherTier, tiers);
        Assert.All(Enumerable.Range(0, 32), i => Assert.Contains($"busy-{i}", tiers));
        Assert.Equal(10, snapshot.Metric(MetricKeys.Availability, "1d", "busy-3")!.Count);
        Assert.Equal(12_000, snapshot.Metric(MetricKeys.Availability, "30d", MetricEngine.OtherTier)!.Count);
        // The all-tiers totals are exact.
        Assert.Equal(12_320, snapshot.Metric(MetricKeys.Availability, "30d")!.Count);
        Assert.Equal(12_000, snapshot.Metric(MetricKeys.D1QueryLatencyMs, "30d")!.Count);

        // An incremental fold with every slot in use puts a new tier into "other" too.
        await InsertEventsAsync(store, [Event(NowMs + 500, "probe", "brand-new", status: "ok")]);
        time.Advance(TimeSpan.FromSeconds(1));
        await aggregator.TickAsync();
        Assert.DoesNotContain(aggregator.Current.Metrics, m => m.Tier == "brand-new");
        Assert.Equal(12_001, aggregator.Current.Metric(MetricKeys.Availability, "30d", MetricEngine.OtherTier)!.Count);
        Assert.Equal(12_321, aggregator.Current.Metric(MetricKeys.Availability, "30d")!.Count);
    }

    [Fact]
    public async Task An_export_with_twelve_thousand_tiers_imports_and_keeps_the_snapshot_under_a_megabyte()
    {
        var time = new FakeTimeProvider(Now);
        await using var store = new TempStore(time: time);
        var dump = new System.Text.StringBuilder("PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, event_type TEXT, policy_tier TEXT, status TEXT);\n");
        for (var i = 0; i < 12_000; i++)
        {
            dump.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO \"ops_events\" VALUES('e{i}',{NowMs - 1000 - (i * 100)},'probe','tier-{i}','ok');\n");
        }

        var result = await store.ImportAsync(store.WriteFile("tiers.sql", dump.ToString()));
        Assert.True(result.Succeeded, result.Record.Error);

        var aggregator = CreateAggregator(store, time);
        await aggregator.TickAsync();

        var json = JsonSerializer.SerializeToUtf8Bytes(aggregator.Current, JsonSerializerOptions.Web);
        Assert.True(json.Length < 1_000_000, $"snapshot is {json.Length:N0} bytes");
        Assert.Equal(33, aggregator.Current.Metrics.Select(m => m.Tier).OfType<string>().Distinct().Count());
        Assert.Equal(12_000, aggregator.Current.Metric(MetricKeys.Availability, "30d")!.Count);
    }

    [Fact]
    public void Incremental_folds_give_new_tiers_a_slot_while_fewer_than_max_tiers_are_in_use()
    {
        var engine = new MetricEngine(new SloOptions().Effective, NowMs, maxTiers: 3);
        foreach (var tier in new[] { "free", "pro", "enterprise", "internal", "beta", "free" })
        {
            engine.Fold(new EventRow(NowMs - 1000, "probe", null, null, null, tier, "ok", null, null, null, null));
        }

        var availability = engine.Metrics().Where(m => m.Key == MetricKeys.Availability && m.Window == "1h").ToDictionary(m => m.Tier ?? "(all)", m => m.Count);

        Assert.Equal(new Dictionary<string, long> { ["(all)"] = 6, ["free"] = 2, ["pro"] = 1, ["enterprise"] = 1, ["other"] = 2 }, availability);
    }

    [Fact]
    public async Task A_tier_name_of_64_kilobytes_already_in_the_store_counts_under_other_and_keeps_the_snapshot_small()
    {
        var time = new FakeTimeProvider(Now);
        await using var store = new TempStore(time: time);
        var huge = new string('t', 65_535);
        await InsertEventsAsync(store, [.. Enumerable.Range(0, 50).Select(i => Event(NowMs - 1000 - i, "probe", huge, status: "ok")),
            Event(NowMs - 5000, "probe", "pro", status: "ok")]);

        var aggregator = CreateAggregator(store, time);
        await aggregator.TickAsync();

        var json = JsonSerializer.SerializeToUtf8Bytes(aggregator.Current, JsonSerializerOptions.Web);
        Assert.True(json.Length < 1_000_000, $"snapshot is {json.Length:N0} bytes");
        Assert.DoesNotContain(aggregator.Current.Metrics, m => m.Tier == huge);
        Assert.Equal(50, aggregator.Current.Metric(MetricKeys.Availability, "1h", MetricEngine.OtherTier)!.Count);
        Assert.Equal(1, aggregator.Current.Metric(MetricKeys.Availability, "1h", "pro")!.Count);
    }

    [Theory]
    [InlineData("control")]
    [InlineData("accents")]
    public async Task Tier_names_that_json_escapes_six_fold_count_under_other_and_keep_the_snapshot_small(string kind)
    {
        var time = new FakeTimeProvider(Now);
        await using var store = new TempStore(time: time);
        // 40 tiers of names at the import's label limit that each JSON character of would be written as \uXXXX.
        string Name(int i) => (kind == "control" ? new string('\u0001', 120) : new string('é', 128)) + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
        await InsertEventsAsync(store, [.. Enumerable.Range(0, 40).SelectMany(i => Enumerable.Range(0, 20).Select(j => Event(NowMs - 1000 - j, "llm_call", Name(i), status: "ok", cost: 0.5)))]);

        var aggregator = CreateAggregator(store, time);
        await aggregator.TickAsync();

        var json = JsonSerializer.SerializeToUtf8Bytes(aggregator.Current, JsonSerializerOptions.Web);
        Assert.True(json.Length < 1_000_000, $"snapshot is {json.Length:N0} bytes");
        Assert.Equal([MetricEngine.OtherTier], aggregator.Current.Metrics.Select(m => m.Tier).OfType<string>().Distinct());
        Assert.Equal(800, aggregator.Current.Metric(MetricKeys.ProviderErrorRate, "1h", MetricEngine.OtherTier)!.Count);
    }

    [Fact]
    public async Task Many_apps_and_instances_are_not_tiers_and_stay_exact()
    {
        // Apps and instances are per id and legitimately many: they are not bounded, and their metrics stay exact.
        var time = new FakeTimeProvider(Now);
        await using var store = new TempStore(time: time);
        await store.Services.GetService<VibeDashboard.Storage.StoreSchema>()!.EnsureCreatedAsync();
        await using (var connection = await store.Connections.OpenAsync())
        {
            await connection.ExecuteAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)
                INSERT INTO ops_events (id, occurred_at, event_type, source, app_id, policy_tier, status)
                SELECT 'g' || i, {NowMs} - 100000 - i, 'generation_started', 'agent', 'app-' || i, 'pro', 'ok' FROM n
                UNION ALL SELECT 'c' || i, {NowMs} - 50000 - i, 'generation_complete', 'agent', 'app-' || i, 'pro', 'ok' FROM n;
                """);
        }

        var aggregator = CreateAggregator(store, time, new AggregationOptions { MaxTiers = 1 });
        await aggregator.TickAsync();

        Assert.Equal(5000, aggregator.Current.Metric(MetricKeys.CompletionSuccessRate, "1h")!.Count);
        Assert.Equal(5000, aggregator.Current.Metric(MetricKeys.CompletionSuccessRate, "1h", "pro")!.Count);
        Assert.Equal(5000, aggregator.Current.Metric(MetricKeys.FixLoopCount, "1h", "pro")!.Count);
    }
}
