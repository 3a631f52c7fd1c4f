using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Model;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Incidents.Detection;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Operations.Incidents;
using Xunit.Abstractions;

namespace VibeDashboard.Tests.Operations.Rollouts;

/// <summary>
/// The checklist over a 30-day demo store, with the board's incidents (detection reconciled) and the real
/// aggregator's preview-startup SLO: what the demo's data can show for a rollout, and what it lacks.
/// </summary>
public sealed class ReadinessDemoTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_demo_shows_observability_drills_and_guardrails_but_an_alerting_preview_and_no_rotation_evidence()
    {
        await using var harness = new IncidentHarness(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "30" });
        var services = harness.Services;
        Assert.True(await services.GetRequiredService<DemoSeeder>().EnsureDemoAsync());
        await services.GetRequiredService<DetectionCoordinator>().RunOnceAsync();
        var connections = services.GetRequiredService<SqliteConnectionFactory>();
        using var aggregator = RolloutHarness.Aggregator(services, harness.Time);
        await aggregator.TickAsync();

        var now = harness.Time.GetUtcNow();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var evidence = await ReadinessReader.ReadAsync(connections, now, CancellationToken.None);
        output.WriteLine($"read in {watch.ElapsedMilliseconds} ms over {await CountAsync(connections)} events");
        Assert.NotNull(evidence);
        var incidents = await harness.Board.ListAsync(new IncidentQuery(IncidentListStatus.All), CancellationToken.None);
        var input = new ReadinessInput(
            evidence, ReadinessKit.Definition(), 8, aggregator.Current.Slo(SloCatalog.PreviewStartup), aggregator.AlertHistory(SloCatalog.PreviewStartup),
            services.GetRequiredService<IncidentRunbooks>().All, incidents, [], now);
        var items = ReadinessJudge.Judge(input);
        foreach (var item in items)
        {
            output.WriteLine($"{item.Item.Name()}: {item.Result.Name()} — {item.Evidence}");
        }

        output.WriteLine($"peak {evidence.PeakConcurrentSandboxes} at {evidence.PeakAt:u}; refusals {evidence.RateLimitRefusals.Count}; sources {string.Join(", ", evidence.SourceEvents)}");

        // The demo has traffic from every observed source (its api requests are sampled logs), CI applies migrations
        // and has drilled rollbacks weekly since the migration regression, and the ongoing sandbox instability keeps
        // preview startup on a ticket.
        Assert.All(ReadinessJudge.ObservedSources, s => Assert.True(evidence.SourceEvents[s] > 0, s));
        Assert.StartsWith("events in the last hour: api ", ReadinessKit.ItemOf(items, ReadinessItemKey.Observability).Evidence);
        Assert.True(evidence.RollbackDrills.Count > 0);
        Assert.True(evidence.MigrationsApplied.Count > 0);
        Assert.Contains(" rollback_drill from ci in the last 30 days (last ", ReadinessKit.ItemOf(items, ReadinessItemKey.MigrationRollback).Evidence);
        Assert.Contains("no open migration_regression incident", ReadinessKit.ItemOf(items, ReadinessItemKey.MigrationRollback).Evidence);
        Assert.StartsWith("preview_startup alerted in the last 24 h (worst ticket, now ticket", ReadinessKit.ItemOf(items, ReadinessItemKey.PreviewConcurrency).Evidence);
        Assert.Equal(SweptPeak(await SandboxEdgesAsync(connections, now), now - ReadinessJudge.ConcurrencyWindow), evidence.PeakConcurrentSandboxes);
        Assert.True(evidence.PeakConcurrentSandboxes >= 8);
        Assert.Equal(ReadinessResult.Passed, ReadinessKit.ItemOf(items, ReadinessItemKey.CostQuotaGuardrails).Result);
        Assert.True(evidence.RateLimitRefusals.Count > 0);
        Assert.Equal(
            [ReadinessResult.Passed, ReadinessResult.Passed, ReadinessResult.Failed, ReadinessResult.Unknown, ReadinessResult.Passed],
            items.Select(i => i.Result));
        Assert.Equal(2, ReadinessJudge.CanStart(items).Reasons.Count);
    }

    private static async Task<long> CountAsync(SqliteConnectionFactory connections)
    {
        await using var connection = await connections.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ops_events");
    }

    private static async Task<IReadOnlyList<(string Instance, long At, bool Stop)>> SandboxEdgesAsync(SqliteConnectionFactory connections, DateTimeOffset now)
    {
        await using var connection = await connections.OpenAsync();
        return (await connection.QueryAsync<(string Instance, long At, bool Stop)>(
            "SELECT instance_id, occurred_at, event_type = 'sandbox_stopped' FROM ops_events WHERE event_type IN ('sandbox_started', 'sandbox_stopped') AND instance_id <> '' AND occurred_at <= @now",
            new { now = now.ToUnixTimeMilliseconds() })).AsList();
    }

    /// <summary>
    /// An independent count: per instance its runs [start, next stop) in time order (start first at the same ms), then
    /// the running count at the window's opening and at every run start inside it.
    /// </summary>
    private static long SweptPeak(IReadOnlyList<(string Instance, long At, bool Stop)> edges, DateTimeOffset from)
    {
        List<(long Start, long End)> runs = [];
        foreach (var instance in edges.GroupBy(e => e.Instance))
        {
            long? open = null;
            foreach (var e in instance.OrderBy(e => e.At).ThenBy(e => e.Stop))
            {
                if (!e.Stop && open is null)
                {
                    open = e.At;
                }
                else if (e.Stop && open is { } start)
                {
                    runs.Add((start, e.At));
                    open = null;
                }
            }

            if (open is { } still)
            {
                runs.Add((still, long.MaxValue));
            }
        }

        var fromMs = from.ToUnixTimeMilliseconds();
        long Running(long t) => runs.Count(r => r.Start <= t && t < r.End);
        return runs.Where(r => r.Start >= fromMs).Select(r => Running(r.Start)).Append(Running(fromMs)).Max();
    }
}
