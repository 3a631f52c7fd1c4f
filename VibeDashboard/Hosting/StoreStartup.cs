using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Storage;

namespace VibeDashboard.Hosting;

/// <summary>Creates the store's schema and, when nothing else is there, the demo data, before anything is served.</summary>
public sealed class StoreStartup(StoreSchema schema, DemoSeeder demo) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await demo.EnsureDemoAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
