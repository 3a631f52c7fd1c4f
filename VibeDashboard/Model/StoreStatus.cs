namespace VibeDashboard.Model;

/// <summary>What every page's frame shows: whether the data is demo data and how fresh it is.</summary>
public sealed record StoreStatus(bool Demo, DateTimeOffset? NewestEvent, long LastImportId)
{
    public static readonly StoreStatus Unknown = new(false, null, 0);

    public bool IsStale(DateTimeOffset now, TimeSpan staleAfter) => NewestEvent is null || now - NewestEvent.Value > staleAfter;
}
