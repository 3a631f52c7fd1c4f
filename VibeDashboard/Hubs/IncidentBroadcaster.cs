using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Hubs;

/// <summary>
/// Hands the open incidents to the <see cref="TopicBook"/> on each change (opened, acted on, its signal cleared,
/// closed), which sends the <c>incidents</c> and <c>wall</c> topics what moved. The board's signal carries no data:
/// on each, the open incidents are read again.
/// </summary>
public sealed class IncidentBroadcaster(IIncidentBoard board, TopicBook book, ILogger<IncidentBroadcaster> logger) : BoardBroadcaster(logger)
{
    protected override string What => "incident";

    protected override IDisposable Subscribe(Func<Task> changed) => board.Subscribe(changed);

    protected override async Task PublishOnceAsync(CancellationToken cancellationToken) =>
        book.PublishIncidents(await board.ListAsync(new IncidentQuery(IncidentListStatus.Open), cancellationToken));
}
