using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Model;

/// <summary>One open incident as the wall shows it: every text already formatted, the overdue update flagged.</summary>
public sealed record WallIncidentRow(
    long Number,
    string Severity,
    StateTone SeverityTone,
    string ClassTitle,
    string Title,
    string Status,
    string Owner,
    string Age,
    string Eta,
    string NextUpdate,
    bool Overdue)
{
    public static WallIncidentRow From(IncidentSummary incident, Runbook runbook, DateTimeOffset now)
    {
        var overdue = incident.IsUpdateOverdue(now);
        return new WallIncidentRow(
            incident.Number,
            IncidentFormat.Severity(incident.Severity),
            IncidentFormat.Tone(incident.Severity),
            runbook.Title,
            incident.Title,
            IncidentFormat.Status(incident.Status),
            incident.Owner ?? "no owner",
            Freshness.FormatAge(now - incident.StartedAt),
            IncidentFormat.Eta(incident, now) is { } eta ? "ETA " + eta : "no ETA",
            IncidentFormat.NextUpdate(incident, now) is { } next ? "update " + next : "no update due",
            overdue);
    }
}

/// <summary>The wall's incident list: at most <c>Wall:MaxIncidents</c> rows, the rest counted (the wall never scrolls).</summary>
public sealed record WallIncidents(IReadOnlyList<WallIncidentRow> Rows, int More, int Open, int Overdue)
{
    public static readonly WallIncidents None = new([], 0, 0, 0);

    /// <summary>The overview strip's order: active before resolved, the worst first, then the newest.</summary>
    public static WallIncidents Build(IEnumerable<IncidentSummary> incidents, IncidentRunbooks runbooks, DateTimeOffset now, int max)
    {
        var open = incidents
            .Where(i => i.IsOpen)
            .OrderByDescending(i => i.Status.IsActive())
            .ThenBy(i => i.Severity)
            .ThenByDescending(i => i.StartedAt)
            .ToList();
        var rows = open.Take(max).Select(i => WallIncidentRow.From(i, runbooks.For(i.Class), now)).ToList();
        return new WallIncidents(rows, open.Count - rows.Count, open.Count, open.Count(i => i.IsUpdateOverdue(now)));
    }
}

/// <summary>How fresh the wall's data is: the age of the newest event against <c>Health:StaleAfter</c> and <c>Health:MaxDataAge</c>.</summary>
public enum WallFreshnessLevel
{
    Fresh,

    /// <summary>Older than <c>Health:StaleAfter</c> (amber): the export may be late.</summary>
    Stale,

    /// <summary>Older than <c>Health:MaxDataAge</c> (red; <c>/readyz</c> fails too), no data at all, or aggregation failing.</summary>
    TooOld,
}

public sealed record WallFreshness(WallFreshnessLevel Level, StateTone Tone, string Text)
{
    public string State => Level switch
    {
        WallFreshnessLevel.Fresh => "fresh",
        WallFreshnessLevel.Stale => "stale",
        _ => "too-old",
    };

    public static WallFreshness From(DateTimeOffset? newest, DateTimeOffset now, TimeSpan staleAfter, TimeSpan maxDataAge, AggregationFailure? failure, bool demoBuilding)
    {
        // Right after start the demo store is still being built: say so rather than "no data at all" in red.
        if (demoBuilding)
        {
            return new(WallFreshnessLevel.Stale, StateTone.Warning, "building the demo data…");
        }

        if (failure is not null)
        {
            return new(WallFreshnessLevel.TooOld, StateTone.Critical, $"numbers frozen: aggregation failing for {Freshness.FormatAge(now - failure.Since)}");
        }

        if (newest is not { } at)
        {
            return new(WallFreshnessLevel.TooOld, StateTone.Critical, "no data at all");
        }

        var age = now - at;
        return age > maxDataAge ? new(WallFreshnessLevel.TooOld, StateTone.Critical, $"STALE DATA: newest event {Freshness.FormatAge(age)} old")
            : age > staleAfter ? new(WallFreshnessLevel.Stale, StateTone.Warning, $"stale data: newest event {Freshness.FormatAge(age)} old")
            : new(WallFreshnessLevel.Fresh, StateTone.Ok, $"data {Freshness.FormatAge(age)} old");
    }
}
