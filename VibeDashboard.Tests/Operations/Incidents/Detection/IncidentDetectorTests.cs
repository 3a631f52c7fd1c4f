using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Incidents.Detection;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.AggregationStoreBuilder;

namespace VibeDashboard.Tests.Operations.Incidents.Detection;

/// <summary>The detector over a real store: what it reads, what it survives, and full versus append passes.</summary>
public sealed class IncidentDetectorTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 0, 0, TimeSpan.Zero);
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();
    private const long Minute = 60_000;
    private readonly FakeTimeProvider _time = new(Now);
    private TempStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new TempStore(time: _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    /// <summary>30 llm_calls a minute to `provider` from `from` for `minutes`, `failed` of each minute's failing.</summary>
    private static IEnumerable<OpsEvent> Calls(string provider, long from, int minutes, int failed, string tier = "pro")
    {
        for (var m = 0; m < minutes; m++)
        {
            for (var i = 0; i < 30; i++)
            {
                var e = Event(from + (m * Minute) + (i * 1000), "llm_call", tier, "app1", i < failed ? "error" : "ok", source: "ai_gateway");
                e.Provider = provider;
                e.ErrorCode = i < failed ? "UPSTREAM_503" : null;
                yield return e;
            }
        }
    }

    [Fact]
    public async Task A_clean_month_fires_nothing()
    {
        // The aggregation truth month: every event type, tier and VibeSDK table, no incident-level spike. Its
        // migration events are random (failures and applies of names d1_migrations lacks, for the drift metric's truth
        // test): here a month with no migration at all.
        await SeedMonthAsync(_store, NowMs);
        await using (var connection = await _store.Connections.OpenAsync())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM ops_events WHERE event_type IN ('migration_applied', 'migration_failed')";
            Assert.True(await command.ExecuteNonQueryAsync() > 0);
        }

        await InsertEventsAsync(_store, Calls("openai", NowMs - (3 * 24 * 60 * Minute), 300, 0));

        var result = await DetectionKit.Detector(_store, _time).DetectAsync(fullHistory: true, CancellationToken.None);

        Assert.True(result.FullHistory);
        Assert.Empty(result.Episodes.Select(e => $"{e.Class} {e.Key} {e.Rule} {e.StartedAt:u} {e.Title} {e.Evidence.Summary}"));
    }

    [Fact]
    public async Task A_provider_outage_in_the_store_comes_with_its_evidence_and_severity()
    {
        var start = NowMs - (120 * Minute);
        await InsertEventsAsync(_store, Calls("openai", start - (60 * Minute), 60, 0));
        await InsertEventsAsync(_store, Calls("openai", start, 30, 24, "free"));
        await InsertEventsAsync(_store, Calls("openai", start + (30 * Minute), 60, 0));
        await InsertEventsAsync(_store, Calls("anthropic", start - (60 * Minute), 120, 0, "enterprise"));

        var episode = Assert.Single((await DetectionKit.Detector(_store, _time).DetectAsync(true, CancellationToken.None)).Episodes);

        Assert.Equal((IncidentClass.ProviderOutage, "openai"), (episode.Class, episode.Key));
        // The 5-minute window before start + 1 min holds 120 good calls and 24 of 30 failing (16 %); one minute later 32 %.
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(start + (2 * Minute)), episode.StartedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(start + (30 * Minute) + (15 * Minute)), episode.ClearedAt);
        Assert.Equal(["UPSTREAM_503"], episode.Evidence.TopErrorCodes);
        Assert.Equal(["free"], episode.Evidence.AffectedTiers);
        // The failing tier is the only tier calling openai: tier share 1 → SEV1.
        Assert.Equal(1, episode.Evidence.Impact);
        Assert.Equal(Severity.Sev1, episode.Severity);
        Assert.Equal("openai: llm_call errors 80 % over 5 min", episode.Title);
    }

    [Fact]
    public async Task An_append_pass_reads_only_new_rows_and_finds_what_a_full_pass_finds()
    {
        var start = NowMs - (30 * Minute);
        await InsertEventsAsync(_store, Calls("openai", start - (60 * Minute), 60, 0));
        var detector = DetectionKit.Detector(_store, _time);
        Assert.Empty((await detector.DetectAsync(false, CancellationToken.None)).Episodes);
        Assert.True(detector.LastPass!.FullHistory);

        await InsertEventsAsync(_store, Calls("openai", start, 20, 20));
        _time.Advance(TimeSpan.FromMinutes(1));
        var appended = await detector.DetectAsync(false, CancellationToken.None);

        Assert.False(detector.LastPass!.FullHistory);
        var episode = Assert.Single(appended.Episodes);
        Assert.True(episode.Active);
        var fresh = await DetectionKit.Detector(_store, _time).DetectAsync(true, CancellationToken.None);
        Assert.Equal(fresh.Episodes.Select(Shape), appended.Episodes.Select(Shape));

        // Re-running on the same data changes nothing.
        var again = await detector.DetectAsync(false, CancellationToken.None);
        Assert.True(DetectionCoordinator.SameEpisodes(appended.Episodes, again.Episodes));
    }

    [Fact]
    public async Task A_new_import_makes_the_next_pass_a_full_one()
    {
        await InsertEventsAsync(_store, Calls("openai", NowMs - (60 * Minute), 30, 0));
        var detector = DetectionKit.Detector(_store, _time);
        await detector.DetectAsync(false, CancellationToken.None);
        await detector.DetectAsync(false, CancellationToken.None);
        Assert.False(detector.LastPass!.FullHistory);

        await _store.Services.GetRequiredService<ImportHistoryRepository>().AddAsync(new ImportRecord { Source = "test", Outcome = "Succeeded", RowsJson = "{}" });
        await detector.DetectAsync(false, CancellationToken.None);

        Assert.True(detector.LastPass!.FullHistory);
    }

    [Fact]
    public async Task Hostile_values_and_missing_columns_give_no_exception()
    {
        var start = NowMs - (90 * Minute);
        await InsertEventsAsync(_store, Calls("openai", start, 30, 20));
        var hostile = new List<OpsEvent>
        {
            Event(start, "migration_failed", attrs: "{not json"),
            Event(start, "migration_failed", attrs: "{\"migration\":{\"nested\":[1,2]}}"),
            Event(start, "migration_applied", attrs: "{\"migration\":\"" + new string('x', 5000) + "\"}"),
            Event(start, "deployment_failed", status: null, attrs: "[]"),
            Event(NowMs + (400L * 24 * 60 * Minute), "sandbox_crashed"),
        };
        var controls = Calls("evil\u0000\u001b[31m", start, 30, 30).ToList();
        await InsertEventsAsync(_store, hostile.Concat(controls));
        await using (var connection = await _store.Connections.OpenAsync())
        {
            using var command = connection.CreateCommand();
            // Text where the contract says integer, and numbers where it says text.
            command.CommandText = """
                INSERT INTO ops_events (id, occurred_at, event_type, status, provider) VALUES ('h1', 'yesterday', 'llm_call', 'error', 'openai');
                INSERT INTO ops_events (id, occurred_at, event_type, status, provider) VALUES ('h2', -5, 'llm_call', 7, 42);
                INSERT INTO ops_events (id, occurred_at, event_type, status, provider) VALUES ('h3', 1.5e300, 'd1_query', X'00ff', NULL);
                """;
            await command.ExecuteNonQueryAsync();
        }

        // auth_attempts without ip_address/identifier, with text timestamps; d1_migrations without a name column.
        await CreateTableAsync(_store, "auth_attempts", ["id", "attempted_at", "success"],
            [[1L, "2026-11-26 20:00:00", 0L], [2L, NowMs - Minute, "no"], [3L, null, 0L], [4L, NowMs - (2 * Minute), 0L]]);
        await CreateTableAsync(_store, "d1_migrations", ["id", "applied_at"], [[1L, "x"]]);

        var result = await DetectionKit.Detector(_store, _time).DetectAsync(true, CancellationToken.None);

        // The real outage is still found; the names with control characters are not made keys.
        Assert.Contains(result.Episodes, e => e is { Class: IncidentClass.ProviderOutage, Key: "openai" });
        Assert.DoesNotContain(result.Episodes, e => e.Key.Any(char.IsControl) || e.Key.Length > 200);
    }

    [Fact]
    public async Task A_store_without_any_vibesdk_table_or_event_gives_an_empty_result()
    {
        var result = await DetectionKit.Detector(_store, _time).DetectAsync(true, CancellationToken.None);
        Assert.Empty(result.Episodes);
    }

    [Fact]
    public async Task An_slo_page_no_class_signal_explains_is_unclassified_and_one_that_is_explained_is_not()
    {
        var feed = new FakeMetricsFeed { Current = Snapshots.Build(1, slos: [Snapshots.Slo("availability", AlertState.Page, burn1h: 20)]) };
        var pageStart = Now.AddMinutes(-20);
        feed.Alerts["availability"] = [new AlertTransition(pageStart, "availability", AlertState.Ok, AlertState.Page, "burn 1h 20 and 5m 30 over 14.4")];
        feed.Alerts["d1_query_latency"] =
        [
            new AlertTransition(Now.AddHours(-2), "d1_query_latency", AlertState.Page, AlertState.Ok, "no burn-rate rule fires"),
            new AlertTransition(Now.AddHours(-3), "d1_query_latency", AlertState.Ok, AlertState.Page, "burn 6h 7 and 30m 8 over 6"),
        ];
        await InsertEventsAsync(_store, Calls("openai", NowMs - (60 * Minute), 60, 0));

        var result = await DetectionKit.Detector(_store, _time, feed).DetectAsync(true, CancellationToken.None);

        var live = Assert.Single(result.Episodes, e => e.Key == "availability");
        Assert.Equal((IncidentClass.Unclassified, pageStart, (DateTimeOffset?)null), (live.Class, live.StartedAt, live.ClearedAt));
        Assert.Equal(0.02, live.Evidence.Impact); // burn 20 × budget 0.001: 2 % of probes failing
        Assert.Equal(Severity.Sev4, live.Severity); // below SEV3's 5 %
        var past = Assert.Single(result.Episodes, e => e.Key == "d1_query_latency");
        Assert.Equal((Now.AddHours(-3), (DateTimeOffset?)Now.AddHours(-2)), (past.StartedAt, past.ClearedAt));

        // A provider outage during the availability page explains it (provider_outage lists availability).
        await InsertEventsAsync(_store, Calls("openai", NowMs - (30 * Minute), 25, 25));
        var explained = await DetectionKit.Detector(_store, _time, feed).DetectAsync(true, CancellationToken.None);
        Assert.DoesNotContain(explained.Episodes, e => e.Key == "availability");
        Assert.Contains(explained.Episodes, e => e.Class == IncidentClass.ProviderOutage);
        Assert.Contains(explained.Episodes, e => e.Key == "d1_query_latency"); // no class lists it
    }

    [Fact]
    public async Task The_coordinator_hands_a_result_over_once_and_retries_after_a_failure()
    {
        await InsertEventsAsync(_store, Calls("openai", NowMs - (30 * Minute), 25, 25));
        var sink = new RecordingSink { ThrowOnce = new InvalidOperationException("store busy") };
        var services = new ServiceCollection().AddSingleton<IIncidentSignalSink>(sink).BuildServiceProvider();
        var coordinator = new DetectionCoordinator(DetectionKit.Detector(_store, _time), new FakeMetricsFeed(), services, NullLogger<DetectionCoordinator>.Instance);

        Assert.Null(await coordinator.RunOnceAsync()); // the sink threw: logged, nothing handed over
        Assert.Empty(sink.Results);
        Assert.NotNull(await coordinator.RunOnceAsync());
        Assert.NotNull(await coordinator.RunOnceAsync()); // the same episodes: not handed over again
        var result = Assert.Single(sink.Results);
        Assert.Single(result.Episodes, e => e.Class == IncidentClass.ProviderOutage);

        // Good calls that start the clear clock change nothing yet; once it has run 10 minutes the signal clears, and that is handed over.
        await InsertEventsAsync(_store, Calls("openai", NowMs, 15, 0));
        _time.Advance(TimeSpan.FromMinutes(2));
        await coordinator.RunOnceAsync();
        Assert.Single(sink.Results);
        _time.Advance(TimeSpan.FromMinutes(14));
        await coordinator.RunOnceAsync();
        Assert.Equal(2, sink.Results.Count);
        Assert.Equal(Now.AddMinutes(11), Assert.Single(sink.Results[1].Episodes).ClearedAt);
    }

    [Fact]
    public async Task Without_a_sink_the_coordinator_still_detects()
    {
        await InsertEventsAsync(_store, Calls("openai", NowMs - (30 * Minute), 25, 25));
        var coordinator = new DetectionCoordinator(DetectionKit.Detector(_store, _time), new FakeMetricsFeed(), new ServiceCollection().BuildServiceProvider(), NullLogger<DetectionCoordinator>.Instance);

        var result = await coordinator.RunOnceAsync();

        Assert.Single(result!.Episodes);
    }

    private static (IncidentClass, string, string, DateTimeOffset, DateTimeOffset?, Severity, string) Shape(DetectedEpisode e) =>
        (e.Class, e.Key, e.Rule, e.StartedAt, e.ClearedAt, e.Severity, e.Title);
}

/// <summary>Detection after real imports of wrangler-style exports: the pass after an import is full, and re-importing finds the same episode.</summary>
public sealed class DetectionAfterImportTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 21, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private TempStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new TempStore(time: _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    /// <summary>An export of llm_calls to openai, 20 a minute over [from, to) minutes before now; failing in [failFrom, failTo).</summary>
    private static string Export(int from, int to, int failFrom, int failTo)
    {
        var sql = new System.Text.StringBuilder("PRAGMA defer_foreign_keys=TRUE;\n");
        sql.Append("CREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, source TEXT, event_type TEXT, policy_tier TEXT, status TEXT, provider TEXT, model TEXT, error_code TEXT);\n");
        for (var m = from; m > to; m--)
        {
            for (var i = 0; i < 20; i++)
            {
                var at = Now.AddMinutes(-m).AddSeconds(i * 3).ToUnixTimeMilliseconds();
                var failed = m <= failFrom && m > failTo && i < 15;
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO \"ops_events\" (\"id\",\"occurred_at\",\"source\",\"event_type\",\"policy_tier\",\"status\",\"provider\",\"model\",\"error_code\") VALUES('c-{m}-{i}',{at},'ai_gateway','llm_call','pro','{(failed ? "error" : "ok")}','openai','gpt-5',{(failed ? "'UPSTREAM_503'" : "NULL")});\n");
            }
        }

        return sql.ToString();
    }

    [Fact]
    public async Task An_imported_outage_is_found_by_the_next_pass_once_whatever_is_imported_again()
    {
        var detector = DetectionKit.Detector(_store, _time);
        Assert.Empty((await detector.DetectAsync(false, CancellationToken.None)).Episodes);

        // Three hours of calls, failing 75 % from 150 to 120 minutes ago.
        var first = await _store.ImportAsync(_store.WriteFile("export-1.sql", Export(180, 0, 150, 120)));
        Assert.True(first.Succeeded, first.Record.Error);
        var afterImport = await detector.DetectAsync(false, CancellationToken.None);

        Assert.True(afterImport.FullHistory);
        var episode = Assert.Single(afterImport.Episodes);
        Assert.Equal((IncidentClass.ProviderOutage, "openai"), (episode.Class, episode.Key));
        Assert.Equal(Now.AddMinutes(-150 + 2), episode.StartedAt); // the 5-minute window: 15 of 100 failing after one minute, 30 of 100 after two
        Assert.Equal(Now.AddMinutes(-120 + 5 + 10), episode.ClearedAt);

        // The same export again, and an overlapping later one: the same episode.
        await _store.ImportAsync(_store.WriteFile("export-2.sql", Export(180, 0, 150, 120)));
        _time.Advance(TimeSpan.FromMinutes(30));
        var overlapping = await _store.ImportAsync(_store.WriteFile("export-3.sql", Export(160, 0, 150, 120)));
        Assert.True(overlapping.Succeeded, overlapping.Record.Error);
        var again = await detector.DetectAsync(false, CancellationToken.None);

        Assert.Equal(episode.StartedAt, Assert.Single(again.Episodes).StartedAt);
        Assert.Equal(episode.ClearedAt, again.Episodes[0].ClearedAt);
    }
}
