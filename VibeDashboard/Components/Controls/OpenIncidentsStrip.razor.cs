using System.Globalization;
using Microsoft.AspNetCore.Components;
using VibeDashboard.Model;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Components.Controls;

/// <summary>One open incident as the overview's strip shows it; every text already formatted.</summary>
public sealed record OpenIncidentRow(
    long Number,
    string Href,
    string Severity,
    StateTone SeverityTone,
    string ClassTitle,
    string Title,
    string Status,
    string Owner,
    string Age,
    string NextUpdate,
    string? NextUpdateAt,
    bool Overdue)
{
    public static OpenIncidentRow From(IncidentSummary incident, Runbook runbook, DateTimeOffset now)
    {
        var overdue = incident.IsUpdateOverdue(now);
        var next = incident.NextUpdateAt is not { } due ? "no update due"
            : !incident.Status.IsActive() ? "no update due"
            : overdue ? $"update overdue by {Freshness.FormatAge(now - due)}"
            : $"next update in {Freshness.FormatAge(due - now)}";
        return new OpenIncidentRow(
            incident.Number,
            OpenIncidentsStrip.IncidentHref(incident.Number),
            incident.Severity.Name(),
            incident.Severity switch
            {
                Operations.Incidents.Severity.Sev1 or Operations.Incidents.Severity.Sev2 => StateTone.Critical,
                Operations.Incidents.Severity.Sev3 => StateTone.Warning,
                _ => StateTone.Unknown,
            },
            runbook.Title,
            incident.Title,
            incident.Status.Name(),
            incident.Owner ?? "no owner",
            Freshness.FormatAge(now - incident.StartedAt),
            next,
            incident.NextUpdateAt is { } at && incident.Status.IsActive() ? Freshness.FormatInstant(at) : null,
            overdue);
    }

    /// <summary>The strip's order: what needs people first (active before resolved), then the worst, then the newest.</summary>
    public static IReadOnlyList<OpenIncidentRow> Build(IEnumerable<IncidentSummary> incidents, IncidentRunbooks runbooks, DateTimeOffset now) =>
    [
        .. incidents
            .Where(i => i.IsOpen)
            .OrderByDescending(i => i.Status.IsActive())
            .ThenBy(i => i.Severity)
            .ThenByDescending(i => i.StartedAt)
            .Select(i => From(i, runbooks.For(i.Class), now)),
    ];
}

/// <summary>
/// The overview's first line: what is on fire and who owns it. Every open incident (severity, class, title,
/// status, owner, age, next update due, overdue in red), each linking to its page; a quiet line when there are
/// none. Live from <see cref="IIncidentBoard"/>, and on its own clock (ages move, and an update falls overdue
/// when nothing happens at all).
/// </summary>
public sealed partial class OpenIncidentsStrip : IAsyncDisposable
{
    /// <summary>Ages and "update due" read in minutes: re-rendering every half minute keeps them honest.</summary>
    public static readonly TimeSpan ClockInterval = TimeSpan.FromSeconds(30);

    private IncidentFollower? _incidents;
    private ITimer? _clock;

    [Inject] public required IIncidentBoard Board { get; init; }
    [Inject] public required IncidentRunbooks Runbooks { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    /// <summary>The incident page's address (the board's <c>/incidents/{number}</c>).</summary>
    public static string IncidentHref(long number) => Model.IncidentBoardFilter.IncidentUrl(number);

    private IReadOnlyList<OpenIncidentRow> Rows => OpenIncidentRow.Build(_incidents?.Current ?? [], Runbooks, Time.GetUtcNow());

    protected override async Task OnInitializedAsync()
    {
        _incidents = new IncidentFollower(
            Board,
            Time,
            static () => new IncidentQuery(IncidentListStatus.Open),
            InvokeAsync,
            () =>
            {
                StateHasChanged();
                return Task.CompletedTask;
            },
            DispatchExceptionAsync);
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(StateHasChanged), null, ClockInterval, ClockInterval);
        await _incidents.LoadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_incidents is not null)
        {
            await _incidents.DisposeAsync();
        }

        if (_clock is not null)
        {
            await _clock.DisposeAsync();
        }
    }
}
