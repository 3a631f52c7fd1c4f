using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Storage;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Incidents.Detection;
using VibeDashboard.Tests.Infrastructure;
using static VibeDashboard.Tests.Infrastructure.AggregationStoreBuilder;

namespace VibeDashboard.Tests.Operations.Incidents.Detection;

/// <summary>
/// Names an export controls cannot hide a signal: junk providers do not take a failing provider's slot, a long or odd
/// provider name is keyed by its sanitised form, and a failed migration without a usable name still opens.
/// </summary>
public sealed class DetectionNamesTests : IAsyncLifetime
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

    /// <summary><paramref name="count"/> llm_calls to <paramref name="provider"/> spread over <paramref name="minutes"/> minutes from <paramref name="from"/>, <paramref name="failed"/> of them failing.</summary>
    private static IEnumerable<OpsEvent> Calls(string provider, long from, int count, int failed, int minutes = 3)
    {
        for (var i = 0; i < count; i++)
        {
            var e = Event(from + (i * minutes * Minute / count), "llm_call", "pro", "app1", i < failed ? "error" : "ok", source: "ai_gateway");
            e.Provider = provider;
            e.ErrorCode = i < failed ? "UPSTREAM_503" : null;
            yield return e;
        }
    }

    private static IEnumerable<OpsEvent> Junk(long at) => Enumerable.Range(0, 40).SelectMany(i => Calls($"junk-{i:00}", at + i, 1, 0));

    private Task<DetectionResult> DetectAsync(IncidentDetector detector, bool full) => detector.DetectAsync(full, CancellationToken.None);

    [Fact]
    public async Task Forty_junk_providers_seen_first_do_not_hide_a_provider_failing_every_call()
    {
        // openai has an ongoing outage before the junk import; zz-real fails 40 of 40 calls in the last 3 minutes.
        await InsertEventsAsync(_store, Calls("openai", NowMs - (20 * Minute), 200, 150, minutes: 20));
        await InsertEventsAsync(_store, Junk(NowMs - (60 * Minute)));
        await InsertEventsAsync(_store, Calls("zz-real", NowMs - (3 * Minute), 40, 40));

        var result = await DetectAsync(DetectionKit.Detector(_store, _time), full: true);

        var real = Assert.Single(result.Episodes, e => e.Key == "zz-real");
        Assert.Equal(IncidentClass.ProviderOutage, real.Class);
        Assert.True(real.Active);
        Assert.Contains("UPSTREAM_503", real.Evidence.TopErrorCodes);
        Assert.True(Assert.Single(result.Episodes, e => e.Key == "openai").Active);
        Assert.DoesNotContain(result.Episodes, e => e.Key.StartsWith("junk-", StringComparison.Ordinal) || e.Class == IncidentClass.Unclassified);
    }

    [Fact]
    public async Task A_failing_provider_arriving_after_the_slots_are_full_of_junk_is_found_on_the_next_tick()
    {
        await InsertEventsAsync(_store, Junk(NowMs - (60 * Minute)));
        var detector = DetectionKit.Detector(_store, _time);
        Assert.Empty((await DetectAsync(detector, full: true)).Episodes);

        await InsertEventsAsync(_store, Calls("zz-real", NowMs - (3 * Minute), 40, 40));
        var result = await DetectAsync(detector, full: false);

        Assert.Contains(result.Episodes, e => e is { Class: IncidentClass.ProviderOutage, Key: "zz-real", Active: true });
    }

    [Fact]
    public async Task A_failing_provider_with_a_long_or_odd_name_opens_under_its_sanitised_name()
    {
        var longName = "p-" + new string('x', 100);
        await InsertEventsAsync(_store, Calls(longName, NowMs - (3 * Minute), 40, 40));
        await InsertEventsAsync(_store, Calls("evil\u0007prov\u001b", NowMs - (3 * Minute), 40, 40));

        var result = await DetectAsync(DetectionKit.Detector(_store, _time), full: true);

        var shown = longName[..64] + "…";
        var outage = Assert.Single(result.Episodes, e => e.Key == shown);
        Assert.Equal(IncidentClass.ProviderOutage, outage.Class);
        Assert.Contains("UPSTREAM_503", outage.Evidence.TopErrorCodes); // the evidence reads the raw name's events
        Assert.Contains(result.Episodes, e => e is { Class: IncidentClass.ProviderOutage, Key: "evilprov" });
        Assert.DoesNotContain(result.Episodes, e => e.Key.Any(char.IsControl));
    }

    [Theory]
    [InlineData("{not json", DetectionKeys.Unknown, "{not json")]
    [InlineData("{\"migration\":null}", DetectionKeys.Unknown, "{\"migration\":null}")]
    [InlineData("{\"other\":1}", DetectionKeys.Unknown, "{\"other\":1}")]
    [InlineData("{\"migration\":\"0042_add\\u0007_index\\n\"}", "0042_add_index", "0042_add")]
    public async Task A_failed_migration_without_a_usable_name_still_opens_and_quotes_what_attrs_held(string attrs, string key, string quoted)
    {
        await InsertEventsAsync(_store, [Event(NowMs - (30 * Minute), "migration_failed", status: "error", attrs: attrs)]);

        var result = await DetectAsync(DetectionKit.Detector(_store, _time), full: true);

        var episode = Assert.Single(result.Episodes);
        Assert.Equal((IncidentClass.MigrationRegression, key, DetectionRules.MigrationFailedRule), (episode.Class, episode.Key, episode.Rule));
        Assert.True(episode.Active);
        Assert.Contains("attrs_json held", episode.Evidence.Summary);
        Assert.Contains(quoted, episode.Evidence.Summary);
        Assert.DoesNotContain(episode.Evidence.Summary, char.IsControl);
    }

    [Fact]
    public async Task A_failed_migration_with_a_300_character_name_is_keyed_by_its_first_200_characters()
    {
        var name = "0043_" + new string('m', 295);
        await InsertEventsAsync(_store, [Event(NowMs - (30 * Minute), "migration_failed", status: "error", attrs: "{\"migration\":\"" + name + "\"}")]);

        var episode = Assert.Single((await DetectAsync(DetectionKit.Detector(_store, _time), full: true)).Episodes);

        Assert.Equal(name[..200] + "…", episode.Key);
        Assert.EndsWith("…", episode.Evidence.Summary.TrimEnd('.'));
    }

    [Fact]
    public void Keys_keep_clean_names_and_sanitise_odd_ones()
    {
        Assert.Equal("openai", DetectionKeys.Key("openai", 64));
        Assert.Equal(DetectionKeys.Unknown, DetectionKeys.Key(null, 64));
        Assert.Equal(DetectionKeys.Unknown, DetectionKeys.Key("\u0000\u001b ", 64));
        Assert.Equal("ab", DetectionKeys.Key("a\ud800b", 64)); // a lone surrogate cannot be stored as JSON text
        Assert.Equal(new string('y', 64) + "…", DetectionKeys.Key(new string('y', 65), 64));
        Assert.Equal("a\\nb\\u0007\\\\", DetectionKeys.Excerpt("a\nb\u0007\\"));
    }
}
