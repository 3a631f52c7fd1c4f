using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.AggregationStoreBuilder;
using AggWindows = VibeDashboard.Aggregation.Windows;

namespace VibeDashboard.Tests.Aggregation;

/// <summary>
/// The per-provider and per-(provider, model) llm_call rows of the snapshot against plain SQL over a fixture store
/// (docs/metrics.md "Per provider and model"): several providers and models, errors in mixed case, calls without a
/// duration, a model or a provider, rows exactly on and just before each window's first instant, rows dated after
/// now; then the cap, and an incremental tick.
/// </summary>
public sealed class ProviderMetricsTests(ProviderMetricsTests.Fixture fixture) : IClassFixture<ProviderMetricsTests.Fixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 17, 42, TimeSpan.Zero);

    private static long NowMs => Now.ToUnixTimeMilliseconds();

    private static readonly string[] ProviderNames = ["anthropic", "openai", "google-ai-studio", "workers-ai"];

    private static readonly Dictionary<string, string?[]> ModelNames = new()
    {
        ["anthropic"] = ["claude-sonnet", "claude-haiku"],
        ["openai"] = ["gpt-5", "gpt-5-mini", null],
        ["google-ai-studio"] = ["gemini-2.5-pro"],
        ["workers-ai"] = ["llama-4", "qwen-coder"],
    };

    public static OpsEvent Call(long at, string? provider, string? model, string? status = "ok", double? duration = null, double? cost = null, long? tokensIn = null, long? tokensOut = null, string type = "llm_call")
    {
        var e = Event(at, type, "pro", status: status, duration: duration, cost: cost, source: "agent");
        e.Provider = provider;
        e.Model = model;
        e.TokensIn = tokensIn;
        e.TokensOut = tokensOut;
        return e;
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public FakeTimeProvider Time { get; } = new(Now);

        public TempStore Store { get; }

        public Snapshot Snapshot { get; private set; } = Snapshot.Empty;

        public SqliteConnection Db { get; private set; } = null!;

        public Fixture() => Store = new TempStore(time: Time);

        public async Task InitializeAsync()
        {
            var random = new Random(11);
            var span = 30L * 24 * 3_600_000 + 2 * 3_600_000; // a little older than 30 days: the edges must cut
            var events = new List<OpsEvent>();
            for (var i = 0; i < 7000; i++)
            {
                // A month of calls, and a busy last half hour so that every model has calls in the 5m window.
                var at = i < 6000 ? NowMs - (long)(random.NextDouble() * span) : NowMs - (long)(random.NextDouble() * 1_800_000);
                var provider = ProviderNames[random.Next(ProviderNames.Length)];
                var models = ModelNames[provider];
                var status = random.NextDouble() switch { < 0.05 => "error", < 0.06 => "ERROR", < 0.07 => null, _ => "ok" };
                events.Add(Call(
                    at, provider, models[random.Next(models.Length)], status,
                    random.NextDouble() < 0.9 ? Math.Round(200 + (random.NextDouble() * random.NextDouble() * 30_000), 1) : null,
                    random.NextDouble() < 0.95 ? Math.Round(random.NextDouble() * 0.05, 6) : null,
                    random.Next(10) == 0 ? null : random.Next(50, 20_000),
                    random.Next(10) == 0 ? null : random.Next(10, 8_000)));
            }

            // On and just before each window's first instant.
            for (var w = 0; w < AggWindows.All.Count; w++)
            {
                var start = Rollup.WindowStart(w, NowMs);
                events.Add(Call(start, "anthropic", "claude-sonnet", "error", 1000, 0.5, 100, 10));
                events.Add(Call(start - 1, "anthropic", "claude-sonnet", "error", 2000, 0.25, 200, 20));
            }

            events.Add(Call(NowMs, "openai", "gpt-5", "error", 900, 0.01, 1, 1));        // now counts
            events.Add(Call(NowMs + 30_000, "openai", "gpt-5", "error", 900, 0.01, 1, 1)); // not yet: counts nowhere
            events.Add(Call(NowMs - 10_000, null, "orphan", "error", 10, 1, 1, 1));         // no provider: in no provider's row
            events.Add(Call(NowMs - 10_000, "openai", "gpt-5", "ok", 10, 1, 1, 1, type: "generation_complete")); // not an llm_call
            await InsertEventsAsync(Store, events.OrderBy(_ => random.Next()));

            var aggregator = CreateAggregator(Store, Time);
            await aggregator.TickAsync();
            Snapshot = aggregator.Current;
            Db = await Store.Connections.OpenAsync();
        }

        public async Task DisposeAsync()
        {
            await Db.DisposeAsync();
            await Store.DisposeAsync();
        }
    }

    public static TheoryData<string, string, string?> Cases()
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var (window, _) in AggWindows.All)
        {
            foreach (var provider in ProviderNames)
            {
                data.Add(window, provider, null);
                foreach (var model in ModelNames[provider].OfType<string>())
                {
                    data.Add(window, provider, model);
                }
            }
        }

        return data;
    }

    private static (long Start, long End) Range(string window)
    {
        var index = AggWindows.All.Select((w, i) => (w.Name, i)).First(x => x.Name == window).i;
        return (Rollup.WindowStart(index, NowMs), NowMs);
    }

    // docs/metrics.md "Per provider and model", as SQL.
    private const string Rows = """
        FROM ops_events WHERE event_type = 'llm_call' AND occurred_at >= @start AND occurred_at <= @end
          AND provider = @provider AND (@model IS NULL OR model = @model)
        """;

    [Theory, MemberData(nameof(Cases))]
    public void Counts_sums_and_ratios_match_sql(string window, string provider, string? model)
    {
        var (start, end) = Range(window);
        var args = new { start, end, provider, model };
        var (calls, errors, cost, tokensIn, tokensOut, samples, mean) = fixture.Db.QuerySingle<(long, long, double, long, long, long, double?)>(
            $"SELECT COUNT(*), COALESCE(SUM(lower(status) = 'error'), 0), COALESCE(SUM(cost_usd), 0), COALESCE(SUM(tokens_in), 0), COALESCE(SUM(tokens_out), 0), COUNT(duration_ms), AVG(duration_ms) {Rows}", args);
        var row = fixture.Snapshot.Provider(provider, window, model) ?? throw new Xunit.Sdk.XunitException($"{provider}/{model} {window} missing");

        Assert.True(calls > 0, "the fixture must have calls in every window");
        Assert.Equal(calls, row.Calls);
        Assert.Equal(errors, row.Errors);
        Assert.Equal((double)errors / calls, row.ErrorRatio!.Value, 12);
        Assert.Equal(cost, row.CostUsd, 9);
        Assert.Equal(tokensIn, row.TokensIn);
        Assert.Equal(tokensOut, row.TokensOut);
        Assert.Equal(samples, row.LatencySamples);
        Assert.Equal(mean!.Value, row.LatencyMeanMs!.Value, 6);

        var durations = $"SELECT duration_ms {Rows} AND duration_ms IS NOT NULL";
        foreach (var (p, actual) in new[] { (50, row.P50), (95, row.P95), (99, row.P99) })
        {
            var exact = TruthSql.NearestRank(fixture.Db, durations, args, p)!.Value;
            Assert.True(actual is { } a && Math.Abs(a - exact) <= 0.01 * exact, $"{provider}/{model} {window} p{p}: exact {exact}, got {actual}");
        }
    }

    [Theory, MemberData(nameof(WindowCases))]
    public void Provider_rows_add_up_to_every_llm_call_with_a_provider(string window)
    {
        var (start, end) = Range(window);
        var withProvider = fixture.Db.ExecuteScalar<long>(
            "SELECT COUNT(*) FROM ops_events WHERE event_type = 'llm_call' AND occurred_at >= @start AND occurred_at <= @end AND provider IS NOT NULL AND provider <> ''", new { start, end });
        var rows = fixture.Snapshot.Providers.Where(p => p.Window == window).ToList();
        Assert.Equal(withProvider, rows.Where(p => p.Model is null).Sum(p => p.Calls));
        // The all-provider metric still counts the call without a provider.
        Assert.Equal(withProvider + 1, fixture.Snapshot.Metric(MetricKeys.ProviderErrorRate, window)!.Count);
        Assert.DoesNotContain(rows, p => p.Model == "orphan");
        // openai's calls without a model are in its provider row but in none of its model rows.
        var openai = rows.Where(p => p.Provider == "openai").ToList();
        Assert.True(openai.Single(p => p.Model is null).Calls >= openai.Where(p => p.Model is not null).Sum(p => p.Calls));
        if (window == "30d")
        {
            Assert.True(openai.Single(p => p.Model is null).Calls > openai.Where(p => p.Model is not null).Sum(p => p.Calls));
        }
    }

    public static TheoryData<string> WindowCases() => new(AggWindows.All.Select(w => w.Name));

    [Fact]
    public void The_shape_lists_every_slot_in_every_window_provider_row_first()
    {
        var providers = fixture.Snapshot.Providers;
        Assert.Equal(ProviderNames.OrderBy(p => p, StringComparer.Ordinal), providers.Where(p => p.Model is null).Select(p => p.Provider).Distinct());
        Assert.Equal(AggWindows.All.Count * (4 + 7), providers.Count);
        var json = JsonSerializer.Serialize(fixture.Snapshot, JsonSerializerOptions.Web);
        Assert.Contains("\"providers\":[{\"provider\":\"anthropic\",\"model\":null,\"window\":\"5m\",\"calls\":", json);
        // The existing fields come first and unchanged.
        Assert.StartsWith("{\"version\":", json);
    }

    [Fact]
    public async Task Thousands_of_providers_and_hostile_names_keep_the_snapshot_bounded_with_other()
    {
        var time = new FakeTimeProvider(Now);
        await using var store = new TempStore(time: time);
        await store.Services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        await using (var connection = await store.Connections.OpenAsync())
        {
            // 5,000 providers with one call each on two models, and 8 busy providers with ten calls each.
            await connection.ExecuteAsync($"""
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999)
                INSERT INTO ops_events (id, occurred_at, event_type, status, provider, model, cost_usd, tokens_in, tokens_out, duration_ms)
                SELECT 'c' || i, {NowMs} - 1000 - i * 60, 'llm_call', CASE WHEN i % 4 = 0 THEN 'error' ELSE 'ok' END,
                       'prov-' || i, 'model-' || (i % 2), 0.01, 10, 5, 100 + i % 50 FROM n;
                """);
        }

        await InsertEventsAsync(store, Enumerable.Range(0, 80).Select(i => Call(NowMs - 500_000 - i, "busy-" + (i % 8), "m" + (i % 3), i % 5 == 0 ? "error" : "ok", 300, 0.1, 1, 1))
            .Append(Call(NowMs - 1000, new string('x', 5000), "m", "error"))
            .Append(Call(NowMs - 1000, "ev\u00e9il\n", "m", "error"))
            .Append(Call(NowMs - 1000, "other", "m", "error")));

        var options = new AggregationOptions { MaxBreakdownKeys = 16 };
        var aggregator = CreateAggregator(store, time, options);
        await aggregator.TickAsync();
        var snapshot = aggregator.Current;

        var json = JsonSerializer.SerializeToUtf8Bytes(snapshot, JsonSerializerOptions.Web);
        Assert.True(json.Length < 1_000_000, $"snapshot is {json.Length:N0} bytes");
        var providerSlots = snapshot.Providers.Where(p => p.Model is null).Select(p => p.Provider).Distinct().ToList();
        var modelSlots = snapshot.Providers.Where(p => p.Model is not null).Select(p => (p.Provider, p.Model)).Distinct().ToList();
        Assert.Equal(17, providerSlots.Count); // 16 and other
        Assert.Equal(ProviderMetrics.Other, providerSlots[^1]);
        Assert.True(modelSlots.Count <= 16 + 16, $"{modelSlots.Count} model slots");
        Assert.All(providerSlots.Concat(modelSlots.Select(m => m.Model!)), name => Assert.True(name.Length <= 64 && name.All(c => c is >= ' ' and <= '~'), name));
        Assert.DoesNotContain(modelSlots, m => m.Provider == ProviderMetrics.Other); // the overflow provider keeps no models

        // Read first, the 5,000 one-call providers took every slot; the recompute then counted providers by calls and
        // folded again, so the busy ones have rows of their own, exact, whatever order the rows came in.
        Assert.All(Enumerable.Range(0, 8), k =>
        {
            var busy = snapshot.Provider("busy-" + k, "1h")!;
            Assert.Equal(10, busy.Calls);
            Assert.Equal(Enumerable.Range(0, 80).Count(i => i % 8 == k && i % 5 == 0), busy.Errors);
        });
        Assert.Contains(modelSlots, m => m == ("busy-0", "m0"));

        // Every call with a provider is counted exactly once across the provider rows, in "other" beyond the cap.
        var all = snapshot.Providers.Where(p => p.Window == "30d" && p.Model is null).ToList();
        Assert.Equal(5000 + 80 + 3, all.Sum(p => p.Calls));
        Assert.Equal(1250 + 16 + 3, all.Sum(p => p.Errors));
        var other = snapshot.Provider(ProviderMetrics.Other, "30d")!;
        Assert.Equal(5083 - all.Where(p => p.Provider != ProviderMetrics.Other).Sum(p => p.Calls), other.Calls);
        Assert.Equal(5083, snapshot.Metric(MetricKeys.ProviderErrorRate, "30d")!.Count);

        // An incremental fold with every slot in use puts a new provider into "other" too.
        await InsertEventsAsync(store, [Call(NowMs + 500, "brand-new", "m", "error")]);
        time.Advance(TimeSpan.FromSeconds(1));
        await aggregator.TickAsync();
        Assert.DoesNotContain(aggregator.Current.Providers, p => p.Provider == "brand-new");
        Assert.Equal(other.Calls + 1, aggregator.Current.Provider(ProviderMetrics.Other, "30d")!.Calls);
        Assert.Equal(other.Errors + 1, aggregator.Current.Provider(ProviderMetrics.Other, "30d")!.Errors);
    }

    [Fact]
    public void With_counted_slots_the_listed_names_have_rows_whatever_the_arrival_order()
    {
        var slots = new ProviderSlots(new HashSet<string> { "anthropic" }, new HashSet<(string, string)> { ("anthropic", "claude-sonnet") });
        var engine = new MetricEngine([], NowMs, maxBreakdownKeys: 1, allowedProviders: slots);
        engine.BeginBulk();
        foreach (var provider in new[] { "junk-1", "junk-2", "anthropic", "junk-3" })
        {
            engine.Fold(new EventRow(NowMs - 1000, "llm_call", null, null, null, null, "error", 10, 0.01, null, null, provider, "claude-sonnet", 1, 1));
        }

        engine.EndBulk();
        Assert.False(engine.ProvidersOverflowed);
        var rows = engine.ProviderValues().Where(p => p.Window == "5m").ToList();
        Assert.Equal([("anthropic", null), ("anthropic", "claude-sonnet"), (ProviderMetrics.Other, null)], rows.Select(r => (r.Provider, r.Model)));
        Assert.Equal([1L, 1L, 3L], rows.Select(r => r.Calls));
    }

    [Fact]
    public void The_engine_holds_at_most_twice_the_cap_in_rollups()
    {
        var engine = new MetricEngine([], NowMs, maxBreakdownKeys: 8);
        for (var i = 0; i < 3000; i++)
        {
            engine.Fold(new EventRow(NowMs - 1000 - i, "llm_call", null, null, null, null, "ok", 10, 0.01, null, null, "p" + i, "m" + i, 1, 1));
        }

        Assert.True(engine.ProviderSlots <= (2 * 8) + 2, $"{engine.ProviderSlots} slots");
        Assert.Equal(3000, engine.ProviderValues().Where(p => p.Window == "1h" && p.Model is null).Sum(p => p.Calls));
    }

    [Fact]
    public async Task An_incremental_tick_updates_the_numbers_and_the_window_slides()
    {
        var time = new FakeTimeProvider(Now);
        await using var store = new TempStore(time: time);
        await InsertEventsAsync(store, [
            Call(NowMs - 60_000, "anthropic", "claude-sonnet", "ok", 1000, 0.5, 100, 10),
            Call(NowMs - 120_000, "anthropic", "claude-sonnet", "error", 3000, 0.25, 50, 5),
        ]);
        var aggregator = CreateAggregator(store, time);
        await aggregator.TickAsync();
        var first = aggregator.Current;
        var before = first.Provider("anthropic", "5m", "claude-sonnet")!;
        Assert.Equal((2L, 1L, 0.5), (before.Calls, before.Errors, before.ErrorRatio!.Value));
        Assert.Equal((150L, 15L), (before.TokensIn, before.TokensOut));

        // New rows: another model of the same provider and a new provider.
        await InsertEventsAsync(store, [
            Call(NowMs + 500, "anthropic", "claude-haiku", "error", 500, 0.01, 10, 1),
            Call(NowMs + 600, "openai", "gpt-5", "ok", 700, 0.02, 20, 2),
        ]);
        time.Advance(TimeSpan.FromSeconds(1));
        await aggregator.TickAsync();
        var second = aggregator.Current;
        Assert.True(second.Version > first.Version);
        var provider = second.Provider("anthropic", "5m")!;
        Assert.Equal((3L, 2L), (provider.Calls, provider.Errors));
        Assert.Equal(0.76, provider.CostUsd, 12);
        Assert.Equal(1, second.Provider("anthropic", "5m", "claude-haiku")!.Calls);
        Assert.Equal(2, second.Provider("anthropic", "5m", "claude-sonnet")!.Calls);
        Assert.Equal(1, second.Provider("openai", "1h", "gpt-5")!.Calls);
        Assert.Equal(700, second.Provider("openai", "1h")!.P50!.Value, 0.01 * 700);

        // Four minutes on (21:21:43, the 5m window starts at 21:17), the first two calls have left the 5m window but not the 30m one.
        time.Advance(TimeSpan.FromMinutes(4));
        await aggregator.TickAsync();
        var later = aggregator.Current;
        Assert.Equal(1, later.Provider("anthropic", "5m")!.Calls);
        Assert.Equal(3, later.Provider("anthropic", "30m")!.Calls);
        Assert.Equal(0, later.Provider("anthropic", "5m", "claude-sonnet")!.Calls);
        Assert.Null(later.Provider("anthropic", "5m", "claude-sonnet")!.ErrorRatio);
        Assert.Null(later.Provider("anthropic", "5m", "claude-sonnet")!.P50);

        // What the ticks folded one by one is what a recompute of the same store finds (sums that slid out of a
        // window by subtraction up to floating-point rounding).
        var fresh = CreateAggregator(store, time);
        await fresh.TickAsync();
        static ProviderValue Rounded(ProviderValue p) => p with { CostUsd = Math.Round(p.CostUsd, 9), LatencyMeanMs = p.LatencyMeanMs is { } m ? Math.Round(m, 6) : null };
        Assert.Equal(later.Providers.Select(Rounded), fresh.Current.Providers.Select(Rounded));
    }
}
