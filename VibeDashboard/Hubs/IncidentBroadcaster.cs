using Microsoft.AspNetCore.SignalR;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Hubs;

/// <summary>
/// Sends each changed incident to every hub client (<see cref="IMetricsClient.Incident"/>), once per version. The
/// board's signal carries no data: on each, the incidents are read and those whose version moved are sent.
/// </summary>
public sealed class IncidentBroadcaster(IIncidentBoard board, IHubContext<MetricsHub, IMetricsClient> hub, ILogger<IncidentBroadcaster> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<long, long> _sent = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = board.Subscribe(() => SendAsync(stoppingToken));
        // What exists at start is the baseline: clients read it with OpenIncidents, not as a burst of pushes.
        await SendAsync(stoppingToken, baseline: true);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken, bool baseline = false)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var incidents = await board.ListAsync(new IncidentQuery(IncidentListStatus.All), cancellationToken);
            foreach (var incident in incidents.OrderBy(i => i.Number))
            {
                if (_sent.TryGetValue(incident.Number, out var version) && version == incident.Version)
                {
                    continue;
                }

                _sent[incident.Number] = incident.Version;
                if (!baseline)
                {
                    await hub.Clients.All.Incident(incident);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Broadcasting incident changes failed");
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _gate.Release();
        }
    }
}
