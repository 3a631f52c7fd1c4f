using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Ingestion.Demo;

/// <summary>
/// Keeps the demo alive: appends the generator's events every second until an import replaces the demo. It starts
/// once the demo store's background build has settled: live events continue the history, and before it commits
/// there is no generator (and no demo) to continue.
/// </summary>
public sealed class DemoLiveAppender(DemoSeeder seeder, DemoBuild build, IOptions<DemoOptions> options, TimeProvider time, ILogger<DemoLiveAppender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await build.WhenSettledAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.LiveIntervalMs), time);
        while (seeder.Generator is not null && await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (!await seeder.AppendLiveAsync(stoppingToken))
                {
                    logger.LogInformation("The store no longer holds demo data; live demo events stop");
                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A busy store (an import holding the write lock) only delays the next append.
                logger.LogWarning(e, "Appending live demo events failed; retrying on the next tick");
            }
        }
    }
}
