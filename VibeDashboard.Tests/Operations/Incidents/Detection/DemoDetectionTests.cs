using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VibeDashboard.Tests.Operations.Incidents.Detection;

/// <summary>The detector over the demo store finds each incident the generator bakes, once, where the data puts it.</summary>
public sealed class DemoDetectionTests(DemoDetectionTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<DemoDetectionTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public static readonly DateTimeOffset Start = new(2026, 11, 26, 21, 0, 0, TimeSpan.Zero);

        public FakeTimeProvider Time { get; } = new(Start);

        public TempStore Store { get; private set; } = null!;

        public DemoSeeder Seeder => Store.Services.GetRequiredService<DemoSeeder>();

        public async Task InitializeAsync()
        {
            Store = new TempStore(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "30" }, Time);
            Assert.True(await Seeder.EnsureDemoAsync());
        }

        public async Task DisposeAsync() => await Store.DisposeAsync();
    }

    [Fact]
    public async Task Each_baked_incident_is_found_once_with_its_class_and_start()
    {
        var detector = DetectionKit.Detector(fixture.Store, fixture.Time);
        var watch = Stopwatch.StartNew();
        var result = await detector.DetectAsync(fullHistory: true, CancellationToken.None);
        output.WriteLine($"full pass {watch.ElapsedMilliseconds} ms");
        foreach (var e in result.Episodes)
        {
            output.WriteLine($"{e.Class} {e.Key} {e.Rule} {e.StartedAt:u} → {e.ClearedAt:u} {e.Severity} {e.Title} | {e.Evidence.Summary} | codes {string.Join(",", e.Evidence.TopErrorCodes)} tiers {string.Join(",", e.Evidence.AffectedTiers)} impact {e.Evidence.Impact}");
        }

        var generator = fixture.Seeder.Generator!;
        await using (var c = await fixture.Store.Connections.OpenAsync())
        {
            var o = generator.Incidents.Single(i => i.Kind == "provider_outage");
            foreach (var row in await Dapper.SqlMapper.QueryAsync<(long M, string P, long N, long E)>(c, "SELECT occurred_at/300000, provider, COUNT(*), SUM(status='error') FROM ops_events WHERE event_type='llm_call' AND occurred_at >= @a AND occurred_at < @b GROUP BY 1,2", new { a = o.StartMs - 900_000, b = o.EndMs }))
            {
                output.WriteLine($"{DateTimeOffset.FromUnixTimeMilliseconds(row.M * 300000):t} {row.P} {row.N} {row.E}");
            }
            var g = generator.Incidents.Last();
            foreach (var row in await Dapper.SqlMapper.QueryAsync<(long M, string T, long N, long E)>(c, "SELECT occurred_at/900000, event_type, COUNT(*), SUM(status='error') FROM ops_events WHERE event_type IN ('deployment_completed','deployment_failed','sandbox_crashed','sandbox_restarted','sandbox_started') AND occurred_at >= @a AND occurred_at < @b GROUP BY 1,2", new { a = g.StartMs - 3_600_000, b = g.EndMs }))
            {
                output.WriteLine($"{DateTimeOffset.FromUnixTimeMilliseconds(row.M * 900000):t} {row.T} {row.N} {row.E}");
            }
        }

        foreach (var baked in generator.Incidents)
        {
            output.WriteLine($"baked {baked.Kind} {DateTimeOffset.FromUnixTimeMilliseconds(baked.StartMs):u} → {DateTimeOffset.FromUnixTimeMilliseconds(baked.EndMs):u}");
        }
    }
}
