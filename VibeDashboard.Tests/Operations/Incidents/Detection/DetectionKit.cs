using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Incidents.Detection;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Incidents.Detection;

/// <summary>A detector over a <see cref="TempStore"/>, with the app's services and a fake feed for SLO alerts.</summary>
internal static class DetectionKit
{
    public static IncidentDetector Detector(TempStore store, TimeProvider time, VibeDashboard.Aggregation.IMetricsFeed? feed = null, IncidentOptions? options = null)
    {
        var services = store.Services;
        var incidentOptions = Options.Create(options ?? new IncidentOptions());
        return new IncidentDetector(
            services.GetRequiredService<SqliteConnectionFactory>(),
            services.GetRequiredService<StoreSchema>(),
            services.GetRequiredService<ImportHistoryRepository>(),
            feed ?? new FakeMetricsFeed(),
            incidentOptions,
            Options.Create(new SloOptions()),
            new IncidentRunbooks(incidentOptions),
            time);
    }
}

/// <summary>Records what the coordinator hands over (the backend's sink stands in).</summary>
internal sealed class RecordingSink : IIncidentSignalSink
{
    public List<DetectionResult> Results { get; } = [];

    public Exception? ThrowOnce { get; set; }

    public Task ReconcileAsync(DetectionResult result, CancellationToken cancellationToken)
    {
        if (ThrowOnce is { } e)
        {
            ThrowOnce = null;
            throw e;
        }

        Results.Add(result);
        return Task.CompletedTask;
    }
}
