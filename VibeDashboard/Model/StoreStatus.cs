namespace VibeDashboard.Model;

/// <summary>What every page's frame shows: whether the data is demo data and how fresh it is.</summary>
public sealed record StoreStatus(bool Demo, DateTimeOffset? NewestEvent, long LastImportId)
{
    public static readonly StoreStatus Unknown = new(false, null, 0);

    /// <summary>
    /// The demo store is being built in the background (start-up): what the store holds meanwhile is not the demo,
    /// so pages say it is on its way instead of calling the data stale.
    /// </summary>
    public bool DemoBuilding { get; init; }

    /// <summary>Events the running build has written so far (0 when none runs).</summary>
    public long DemoEventsWritten { get; init; }

    public bool IsStale(DateTimeOffset now, TimeSpan staleAfter) => NewestEvent is null || now - NewestEvent.Value > staleAfter;
}
