using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VibeDashboard.Tests.Operations.Incidents.Detection;

/// <summary>
/// The detector over a 30-day demo store finds each incident the generator bakes, once, with its class and a start
/// within minutes of the baked one: the four past ones cleared (historical on the board), the ongoing one active.
/// </summary>
public sealed class DemoDetectionTests(DemoDetectionTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<DemoDetectionTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public static readonly DateTimeOffset Start = new(2026, 11, 26, 21, 0, 0, TimeSpan.Zero);

        public FakeTimeProvider Time { get; } = new(Start);

        public TempStore Store { get; private set; } = null!;

        public DemoSeeder Seeder => Store.Services.GetRequiredService<DemoSeeder>();

        public DetectionResult Result { get; private set; } = null!;

        public VibeDashboard.Aggregation.MetricsAggregator Aggregator { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Store = new TempStore(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "30" }, Time);
            Assert.True(await Seeder.EnsureDemoAsync());
            // The real aggregator as the feed: its SLO alerts at the anchor are what unclassified reads.
            Aggregator = AggregationStoreBuilder.CreateAggregator(Store, Time);
            await Aggregator.TickAsync();
            Result = await DetectionKit.Detector(Store, Time, Aggregator).DetectAsync(fullHistory: true, CancellationToken.None);
        }

        public async Task DisposeAsync()
        {
            Aggregator.Dispose();
            await Store.DisposeAsync();
        }
    }

    private static IncidentClass ClassOf(string kind) => kind switch
    {
        "auth_credential_stuffing" => IncidentClass.AuthPolicyFailure,
        "provider_outage" => IncidentClass.ProviderOutage,
        "sandbox_instability" => IncidentClass.SandboxInstability,
        "migration_regression" => IncidentClass.MigrationRegression,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    [Fact]
    public void Each_baked_incident_is_found_once_with_its_class_and_start_and_nothing_else()
    {
        var episodes = fixture.Result.Episodes;
        foreach (var e in episodes)
        {
            output.WriteLine($"{e.Class} {e.Key} {e.Rule} {e.StartedAt:u} → {e.ClearedAt:u} {e.Severity} {e.Title} | {e.Evidence.Summary}");
        }

        foreach (var slo in fixture.Aggregator.Current.Slos)
        {
            output.WriteLine($"SLO {slo.Key} {slo.Alert}");
        }

        var incidents = fixture.Seeder.Generator!.Incidents;
        Assert.Equal(incidents.Count, episodes.Count);
        foreach (var baked in incidents)
        {
            var start = DateTimeOffset.FromUnixTimeMilliseconds(baked.StartMs);
            var found = Assert.Single(episodes, e => e.Class == ClassOf(baked.Kind) && e.StartedAt >= start.AddMinutes(-1) && e.StartedAt <= start.AddMinutes(6));
            var ongoing = baked.StartMs < fixture.Time.GetUtcNow().ToUnixTimeMilliseconds() && baked.EndMs > fixture.Time.GetUtcNow().ToUnixTimeMilliseconds();
            Assert.Equal(ongoing, found.Active);
            if (found.ClearedAt is { } cleared)
            {
                // Cleared after the data returned to normal: after the baked end, within its rule's window + clear period.
                Assert.InRange(cleared, DateTimeOffset.FromUnixTimeMilliseconds(baked.EndMs), DateTimeOffset.FromUnixTimeMilliseconds(baked.EndMs).AddHours(2.1));
            }
        }
    }

    [Fact]
    public void The_evidence_names_the_provider_the_migration_and_the_ips()
    {
        var generator = fixture.Seeder.Generator!;
        var outage = Assert.Single(fixture.Result.Episodes, e => e.Class == IncidentClass.ProviderOutage);
        Assert.Contains(outage.Key, generator.Incidents.Single(i => i.Kind == "provider_outage").Description, StringComparison.Ordinal);
        Assert.Contains("UPSTREAM_503", outage.Evidence.TopErrorCodes);

        var migration = Assert.Single(fixture.Result.Episodes, e => e.Class == IncidentClass.MigrationRegression);
        Assert.Equal("0007_add_app_visibility.sql", migration.Key);
        Assert.Contains("SQLITE_ERROR", migration.Evidence.TopErrorCodes);

        var stuffing = Assert.Single(fixture.Result.Episodes, e => e.Class == IncidentClass.AuthPolicyFailure);
        Assert.Equal("credential_stuffing", stuffing.Rule);
        foreach (var ip in generator.Incidents.Single(i => i.Kind == "auth_credential_stuffing").Description.Split(' ', ',', ':').Where(w => w.Count(c => c == '.') == 3))
        {
            Assert.Contains(ip, stuffing.Evidence.Summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Live_appends_are_read_by_cheap_passes_that_agree_with_a_full_pass()
    {
        // Its own detector and clock position: the fixture's store is shared, and appends move it forward.
        var detector = DetectionKit.Detector(fixture.Store, fixture.Time);
        var watch = Stopwatch.StartNew();
        await detector.DetectAsync(fullHistory: true, CancellationToken.None);
        var full = watch.Elapsed;
        Assert.True(detector.LastPass!.FullHistory);

        var appends = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            await fixture.Seeder.AppendLiveAsync();
            watch.Restart();
            await detector.DetectAsync(fullHistory: false, CancellationToken.None);
            appends.Add(watch.Elapsed);
            output.WriteLine(detector.LastPass!.ToString());
            Assert.False(detector.LastPass!.FullHistory);
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(3));
        await fixture.Seeder.AppendLiveAsync();
        var appended = await detector.DetectAsync(fullHistory: false, CancellationToken.None);
        var fresh = await DetectionKit.Detector(fixture.Store, fixture.Time).DetectAsync(fullHistory: true, CancellationToken.None);

        Assert.True(VibeDashboard.Operations.Incidents.Detection.DetectionCoordinator.SameEpisodes(fresh.Episodes, appended.Episodes));
        output.WriteLine($"full pass {full.TotalMilliseconds:F0} ms; append pass median {appends.Order().ElementAt(appends.Count / 2).TotalMilliseconds:F1} ms, max {appends.Max().TotalMilliseconds:F1} ms");
    }
}
