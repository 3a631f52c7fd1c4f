using Microsoft.AspNetCore.WebUtilities;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Model;

/// <summary>
/// The board's filters as the URL carries them (<c>/incidents?status=all&amp;severity=SEV1&amp;class=provider_outage&amp;range=7d</c>),
/// with the API's words for status, class and severity. Defaults (open, any severity, every class, any time) are
/// left out of the URL, so the plain board is <c>/incidents</c>; a word the board does not know falls back to its default.
/// </summary>
public sealed record IncidentBoardFilter(
    IncidentListStatus Status = IncidentListStatus.Open,
    Severity? Severity = null,
    IncidentClass? Class = null,
    DashboardRange? Range = null)
{
    public const string BoardPath = "/incidents";
    public const string StatusParameter = "status";
    public const string SeverityParameter = "severity";
    public const string ClassParameter = "class";
    public const string RangeParameter = "range";

    /// <summary>The time ranges the board offers (null: any time).</summary>
    public static readonly IReadOnlyList<DashboardRange?> Ranges = [null, DashboardRange.Day, DashboardRange.Week, DashboardRange.Month];

    public static IncidentBoardFilter Parse(string? status, string? severity, string? incidentClass, string? range) => new(
        status?.Trim().ToLowerInvariant() switch
        {
            "closed" => IncidentListStatus.Closed,
            "all" => IncidentListStatus.All,
            _ => IncidentListStatus.Open,
        },
        Enum.GetValues<Severity>().Cast<Severity?>().FirstOrDefault(s => string.Equals(s!.Value.Name(), severity?.Trim(), StringComparison.OrdinalIgnoreCase)),
        Enum.GetValues<IncidentClass>().Cast<IncidentClass?>().FirstOrDefault(c => string.Equals(c!.Value.Name(), incidentClass?.Trim(), StringComparison.OrdinalIgnoreCase)),
        range is null ? null : DashboardRanges.All.Cast<DashboardRange?>().FirstOrDefault(r => r!.Value.ToQuery() == range.Trim()));

    /// <summary>What the board asks <see cref="IIncidentBoard.ListAsync"/> for: a range is the last N before now.</summary>
    public IncidentQuery ToQuery(DateTimeOffset now) => new(Status, Class, Severity, Range is { } range ? now - range.Length() : null, null);

    public static string StatusName(IncidentListStatus status) => status switch
    {
        IncidentListStatus.Closed => "closed",
        IncidentListStatus.All => "all",
        _ => "open",
    };

    public static string RangeName(DashboardRange? range) => range?.ToQuery() ?? "any time";

    /// <summary>This filter's board URL (defaults left out).</summary>
    public string ToUrl()
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (Status != IncidentListStatus.Open)
        {
            query.Add(new(StatusParameter, StatusName(Status)));
        }

        if (Severity is { } severity)
        {
            query.Add(new(SeverityParameter, severity.Name()));
        }

        if (Class is { } incidentClass)
        {
            query.Add(new(ClassParameter, incidentClass.Name()));
        }

        if (Range is { } range)
        {
            query.Add(new(RangeParameter, range.ToQuery()));
        }

        return query.Count == 0 ? BoardPath : QueryHelpers.AddQueryString(BoardPath, query);
    }

    /// <summary>An incident's page.</summary>
    public static string IncidentUrl(long number) => $"{BoardPath}/{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public const string DeliveriesPath = "/deliveries";
}
