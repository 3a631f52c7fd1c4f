using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Incidents.Detection;

namespace VibeDashboard.Tests.Operations.Incidents.Detection;

/// <summary>
/// The rules as pure functions of minute buckets: each fires at the minute the data shows, clears when the data says,
/// and flapping within ReopenWithin is one episode. Times are minutes after <see cref="T0"/> (a day of quiet history first).
/// </summary>
public sealed class DetectionRulesTests
{
    private const long MinuteMs = 60_000;
    private static readonly long T0 = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() / MinuteMs;
    private static readonly DetectionRuleOptions Rules = new();

    private static DetectionData Data(int minutes, Action<DetectionData, long>? perMinute = null)
    {
        var data = new DetectionData(T0) { FirstDataMinute = T0, Auth = new MinuteCounts(T0) };
        for (long m = T0; m < T0 + minutes; m++)
        {
            perMinute?.Invoke(data, m);
        }

        return data;
    }

    private static long At(long minute) => minute * MinuteMs;

    private static IReadOnlyList<RuleSpan> Run(DetectionData data, long endMinute, DetectionRuleOptions? rules = null) =>
        DetectionRules.Evaluate(data, rules ?? Rules, At(endMinute));

    // 10 llm_calls a minute to openai and 10 to anthropic; openai fails `failed` of them in the minutes given.
    private static void Llm(DetectionData data, long m, Func<long, int> openaiFailures)
    {
        var failed = openaiFailures(m);
        data.Provider("openai").Add(m, 10, failed);
        data.Provider("anthropic").Add(m, 10, 0);
        data.LlmCalls.Add(m, 20, failed);
    }

    [Fact]
    public void A_provider_outage_opens_when_the_window_crosses_the_ratio_and_clears_after_ten_quiet_minutes()
    {
        var outage = (Start: T0 + 1440, End: T0 + 1440 + 60);
        var data = Data(1440 * 2, (d, m) => Llm(d, m, x => x >= outage.Start && x < outage.End ? 8 : 0));

        var span = Assert.Single(Run(data, T0 + 2880));

        Assert.Equal(IncidentClass.ProviderOutage, span.Class);
        Assert.Equal("openai", span.Key);
        // Point m sees minutes [m−5, m): one minute of 8/10 failures in 50 calls is 16 %, two are 32 % ≥ 25 %.
        Assert.Equal(At(outage.Start + 2), span.StartMs);
        // The last failing minute leaves the 5-minute window at End + 5 (ratio 0 < 5 %), then 10 more minutes must hold.
        Assert.Equal(At(outage.End + 5 + 10), span.ClearedMs);
        Assert.Equal("openai: llm_call errors 80 % over 5 min", span.Title);
        Assert.Equal(0.4, span.TrafficShare, 3); // 40 of 100 llm_calls (both providers) failed in the worst window
        Assert.Contains(span.Values, v => v is { Name: "error ratio", Value: 0.8, Threshold: 0.25 });
    }

    [Fact]
    public void Too_few_calls_never_fire_and_silence_does_not_clear()
    {
        // 3 calls a minute (15 in 5 min < 20): all failing, nothing fires.
        var few = Data(1440, (d, m) => { d.Provider("openai").Add(m, 3, 3); d.LlmCalls.Add(m, 3, 3); });
        Assert.Empty(Run(few, T0 + 1440));

        // An outage at the end of the data, then no calls at all: still active (silence says nothing).
        var data = Data(120, (d, m) => Llm(d, m, _ => 8));
        var span = Assert.Single(Run(data, T0 + 600));
        Assert.Null(span.ClearedMs);
    }

    [Theory]
    [InlineData(29, 1)]
    [InlineData(30, 1)]
    [InlineData(31, 2)]
    public void A_signal_that_fires_again_within_reopen_within_of_clearing_is_the_same_episode(int gapMinutes, int episodes)
    {
        // Two 20-minute outages; the first clears 15 min after its last failing minute, the second starts 2 min
        // after its first: the gap between clear and restart is the quiet stretch minus 17 minutes.
        var first = (Start: T0 + 1440, End: T0 + 1460);
        var secondStart = first.End + 15 + gapMinutes - 2;
        var data = Data(1440 * 2, (d, m) => Llm(d, m, x => (x >= first.Start && x < first.End) || (x >= secondStart && x < secondStart + 20) ? 8 : 0));

        var spans = Run(data, T0 + 2880);

        Assert.Equal(episodes, spans.Count);
        Assert.Equal(At(first.Start + 2), spans[0].StartMs);
        Assert.Equal(At(secondStart + 20 + 15), spans[^1].ClearedMs);
    }

    [Fact]
    public void Sandbox_crashes_fire_against_the_trailing_baseline_and_deploy_failures_against_starts()
    {
        // Two crashes an hour for 8 days (baseline 0.5 per 15 min), then 2 a minute for 30 minutes.
        var burst = T0 + (8 * 1440);
        var data = Data(9 * 1440, (d, m) =>
        {
            d.Crashes.Add(m, m >= burst && m < burst + 30 ? 2 : (m % 30 == 0 ? 1 : 0), 0);
            d.Starts.Add(m, 1, 0);
        });

        var span = Assert.Single(Run(data, T0 + (9 * 1440)));
        Assert.Equal((IncidentClass.SandboxInstability, "sandbox", DetectionRules.CrashRule), (span.Class, span.Key, span.Rule));
        Assert.Equal(At(burst + 5), span.StartMs); // 10 crashes in the window after five minutes
        // The window holds < 10 crashes from burst + 30 + 11 on; 15 minutes later it clears.
        Assert.Equal(At(burst + 30 + 11 + 15), span.ClearedMs);

        // 3 of 12 preview starts failing in 15 minutes (25 % ≥ 20 %, ≥ 10 starts).
        var deploys = Data(2 * 1440, (d, m) => d.Starts.Add(m, m >= T0 + 1440 && m < T0 + 1452 ? 1 : 0, m is var x && x >= T0 + 1440 && x < T0 + 1443 ? 1 : 0));
        var failing = Assert.Single(Run(deploys, T0 + 2880));
        Assert.Equal(DetectionRules.DeployRule, failing.Rule);
        Assert.Equal(At(T0 + 1450), failing.StartMs); // the tenth start
        Assert.Equal(0.3, failing.TrafficShare, 3); // the worst point: 3 of the first 10 starts
    }

    [Fact]
    public void Crashes_without_a_day_of_baseline_do_not_fire()
    {
        var data = Data(600, (d, m) => d.Crashes.Add(m, 2, 0));
        Assert.Empty(Run(data, T0 + 600));
    }

    [Fact]
    public void A_failed_migration_stays_on_until_the_same_migration_is_applied()
    {
        var data = Data(3 * 1440);
        data.Migrations.Add(new MigrationEvent("0007_x.sql", At(T0 + 1440) + 30_000, Failed: true));
        data.Migrations.Add(new MigrationEvent("0007_x.sql", At(T0 + 1447), Failed: true));
        data.Migrations.Add(new MigrationEvent("0008_y.sql", At(T0 + 1460), Failed: false));
        data.AppliedMigrations = ["0007_x.sql", "0008_y.sql"];

        var open = Assert.Single(Run(data, T0 + 1500));
        Assert.Equal((IncidentClass.MigrationRegression, "0007_x.sql", DetectionRules.MigrationFailedRule), (open.Class, open.Key, open.Rule));
        Assert.Equal(At(T0 + 1441), open.StartMs);
        Assert.Null(open.ClearedMs);

        data.Migrations.Add(new MigrationEvent("0007_x.sql", At(T0 + 1520) + 1, Failed: false));
        var closed = Assert.Single(Run(data, T0 + 3 * 1440));
        Assert.Equal(At(T0 + 1521), closed.ClearedMs);
        Assert.Equal("0007_x.sql: migration failed", closed.Title);
    }

    [Fact]
    public void D1_errors_within_an_hour_of_a_migration_and_drift_are_keyed_by_the_migration()
    {
        var applied = T0 + 1440;
        // 30 queries a minute; 3 of them failing (10 %) from 20 minutes after the migration, for 10 minutes.
        var data = Data(3 * 1440, (d, m) => d.D1Queries.Add(m, 30, m >= applied + 20 && m < applied + 30 ? 3 : 0));
        data.Migrations.Add(new MigrationEvent("0009_z.sql", At(applied), Failed: false));
        data.AppliedMigrations = ["0009_z.sql"];

        var span = Assert.Single(Run(data, T0 + 3 * 1440));
        Assert.Equal(("0009_z.sql", DetectionRules.QueryErrorRule), (span.Key, span.Rule));
        // 15-minute window: 3 failing minutes = 9 of 450 (2 %), 8 = 24 of 450 (5.3 % ≥ 5 %).
        Assert.Equal(At(applied + 20 + 8), span.StartMs);

        // The same errors two hours after the migration are not its regression.
        var late = Data(3 * 1440, (d, m) => d.D1Queries.Add(m, 30, m >= applied + 120 && m < applied + 130 ? 3 : 0));
        late.Migrations.Add(new MigrationEvent("0009_z.sql", At(applied), Failed: false));
        late.AppliedMigrations = ["0009_z.sql"];
        Assert.Empty(Run(late, T0 + 3 * 1440));

        // Reported applied but missing from d1_migrations: drift, active for as long as the table lacks it.
        late.AppliedMigrations = ["0008_y.sql"];
        var drift = Assert.Single(Run(late, T0 + 3 * 1440));
        Assert.Equal((DetectionRules.DriftRule, At(applied + 1), (long?)null), (drift.Rule, drift.StartMs, drift.ClearedMs));

        // Without d1_migrations nothing can be told about drift.
        late.AppliedMigrations = null;
        Assert.Empty(Run(late, T0 + 3 * 1440));
    }

    [Fact]
    public void One_ip_failing_against_many_identifiers_is_credential_stuffing_and_clears_an_hour_later()
    {
        var attack = T0 + (3 * 1440);
        var data = Data(4 * 1440, (d, m) => d.Auth!.Add(m, 5, m % 10 == 0 ? 1 : 0));
        for (var i = 0; i < 25; i++)
        {
            data.AddFailedAttempt(new FailedAttempt("203.0.113.9", $"user{i}@example.com", At(attack + i) + 5_000));
            data.Auth!.Add(attack + i, 1, 1);
        }

        // The same identifiers from many IPs, one each: not stuffing.
        for (var i = 0; i < 40; i++)
        {
            data.AddFailedAttempt(new FailedAttempt($"198.51.100.{i}", "same@example.com", At(attack + 100 + i)));
        }

        var span = Assert.Single(Run(data, T0 + (4 * 1440)));
        Assert.Equal((IncidentClass.AuthPolicyFailure, DetectionRules.AuthKey, DetectionRules.StuffingRule), (span.Class, span.Key, span.Rule));
        Assert.Equal(At(attack + 20), span.StartMs); // the 20th distinct identifier is in the window at point attack + 20
        // The window drops below 20 identifiers when attempt 5 leaves it (attack + 66); an hour later it clears.
        Assert.Equal(At(attack + 66 + 60), span.ClearedMs);
        Assert.Contains("203.0.113.9", span.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_volume_five_times_the_hourly_median_fires_and_needs_at_least_fifty()
    {
        var spike = T0 + (8 * 1440);
        // 12 failures an hour (one every 5 minutes) for 8 days; then 3 a minute for 30 minutes (90 ≥ max(50, 60)).
        var data = Data(9 * 1440, (d, m) => d.Auth!.Add(m, 10, m >= spike && m < spike + 30 ? 3 : m % 5 == 0 ? 1 : 0));

        var span = Assert.Single(Run(data, T0 + (9 * 1440)));
        Assert.Equal(DetectionRules.FailureVolumeRule, span.Rule);
        // The trailing hour holds 12·(60−k)/60 + 3k failures after k spike minutes... ≥ 60 first at k = 18 (9.6 + 54 = 63.6 → 63).
        Assert.InRange(span.StartMs, At(spike + 17), At(spike + 19));

        // A quiet baseline (median 0) still needs 50 failures: 40 in an hour is nothing.
        var small = Data(3 * 1440, (d, m) => d.Auth!.Add(m, 10, m >= T0 + 2000 && m < T0 + 2040 ? 1 : 0));
        Assert.Empty(Run(small, T0 + (3 * 1440)));
    }

    [Fact]
    public void The_rule_numbers_come_from_the_options()
    {
        var data = Data(2 * 1440, (d, m) => Llm(d, m, x => x >= T0 + 1440 && x < T0 + 1500 ? 2 : 0));
        Assert.Empty(Run(data, T0 + 2880)); // 20 % < 25 %

        var lower = new DetectionRuleOptions { ProviderOutage = new ProviderOutageRule { ErrorRatio = 0.15 } };
        Assert.Single(Run(data, T0 + 2880, lower));
    }

    [Fact]
    public void The_same_data_gives_the_same_episodes()
    {
        var data = Data(3 * 1440, (d, m) => Llm(d, m, x => (x / 400) % 3 == 1 && x % 400 < 30 ? 9 : 0));
        var first = Run(data, T0 + 3 * 1440);
        var second = Run(data, T0 + 3 * 1440);

        Assert.NotEmpty(first);
        Assert.Equal(first.Select(s => (s.Key, s.StartMs, s.ClearedMs, s.Title)), second.Select(s => (s.Key, s.StartMs, s.ClearedMs, s.Title)));
    }

    [Fact]
    public void A_cached_evaluation_re_evaluates_from_the_oldest_new_row_and_equals_a_fresh_one()
    {
        var data = Data(3 * 1440, (d, m) => Llm(d, m, _ => 0));
        var cache = new DetectionRules.RuleCache();
        Assert.Empty(DetectionRules.Evaluate(data, Rules, At(T0 + 3 * 1440), cache));

        // Rows arrive for minutes a day ago (an out-of-order append), then time moves on.
        for (var m = T0 + 2000; m < T0 + 2030; m++)
        {
            data.Provider("openai").Add(m, 10, 10);
            data.LlmCalls.Add(m, 10, 10);
            data.MarkDirty(m);
        }

        var cached = DetectionRules.Evaluate(data, Rules, At(T0 + 3 * 1440 + 5), cache);
        var fresh = DetectionRules.Evaluate(data, Rules, At(T0 + 3 * 1440 + 5));

        var span = Assert.Single(cached);
        Assert.Equal(At(T0 + 2002), span.StartMs); // 20 of 70 openai calls in the window (28.6 %)
        Assert.Equal(fresh.Select(s => (s.Key, s.StartMs, s.ClearedMs, s.WorstAtMs, s.Title)), cached.Select(s => (s.Key, s.StartMs, s.ClearedMs, s.WorstAtMs, s.Title)));
    }

    [Fact]
    public void No_data_gives_no_episodes()
    {
        Assert.Empty(DetectionRules.Evaluate(new DetectionData(T0), Rules, At(T0 + 1000)));
    }
}
