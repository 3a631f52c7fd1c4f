using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Components;
using VibeDashboard.Model;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Utils;
using IncidentSeverity = VibeDashboard.Operations.Incidents.Severity;
using IncidentView = VibeDashboard.Operations.Incidents.IncidentDetail;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// One incident: its human state and its signal side by side, the first action, and every step an operator takes
/// on it (each a command with the version the page shows, so a change by someone else in between is a conflict,
/// answered by reloading). Live like the board; viewers see everything read-only.
/// </summary>
public sealed partial class IncidentDetail : IAsyncDisposable
{
    private static readonly IncidentSeverity[] Severities = Enum.GetValues<IncidentSeverity>();
    private static readonly IncidentStatus[] ActiveStatuses = [IncidentStatus.Triage, IncidentStatus.Investigating, IncidentStatus.Identified, IncidentStatus.Monitoring];

    private IncidentView? _detail;
    private bool _loading = true;
    private DateTimeOffset _now;
    private bool _canAct;
    private string _me = "";
    private bool _busy;
    private string? _message;
    private bool _messageIsError;
    private Panel _panel;
    private IDisposable? _subscription;
    private Throttle? _refresh;
    private ITimer? _clock;
    private long? _formsOf;
    private readonly CancellationTokenSource _cts = new();

    // Action forms.
    private string? _owner;
    private int? _nextUpdateMinutes = (int)IncidentLifecycle.DefaultUpdateInterval.TotalMinutes;
    private IncidentSeverity _severity;
    private string? _reason;
    private long? _duplicateOf;

    // Status update.
    private string? _updateMessage;
    private IncidentStatus _updateStatus;
    private int? _etaMinutes;

    // Postmortem (seeded once from the stored one, or pre-filled from the timeline).
    private string? _pmSummary;
    private string? _pmImpact;
    private string? _pmRootCause;
    private string? _pmTimeline;
    private PostmortemStatus _pmStatus;
    private long? _pmSeededFrom;

    // New follow-up.
    private string? _fuTitle;
    private string? _fuOwner;
    private string? _fuDue;
    private FollowUpKind _fuKind = FollowUpKind.AutomatedTest;

    /// <summary>Which action's form is open (one at a time: on a phone they stack under the buttons).</summary>
    private enum Panel
    {
        None,
        Acknowledge,
        Assign,
        Severity,
        Resolve,
        Reopen,
        Close,
        Decline,
        Duplicate,
    }

    [Parameter] public long Number { get; set; }

    [Inject] public required IIncidentBoard Board { get; init; }

    [Inject] public required IncidentRunbooks Runbooks { get; init; }

    [Inject] public required CommandSender Commands { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _refresh = new Throttle(LivePageBase.TextInterval, () => InvokeAsync(RefreshAsync), Time);
        _subscription = Board.Subscribe(() =>
        {
            _refresh.Signal();
            return Task.CompletedTask;
        });
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(Tick), null, Incidents.ClockInterval, Incidents.ClockInterval);
        // Only to leave out what a viewer cannot do: the pipeline checks the role again.
        _canAct = await Commands.RoleAsync() >= DashboardRole.Operator;
        _me = (await Commands.ActorAsync()).Name;
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_formsOf != Number)
        {
            // Another incident (a link from a duplicate): its forms start empty.
            _formsOf = Number;
            _panel = Panel.None;
            _message = null;
            _pmSeededFrom = null;
            _detail = null;
            _loading = true;
        }

        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _now = Time.GetUtcNow();
        _detail = await Board.GetAsync(Number, _cts.Token);
        _loading = false;
        if (_detail is { } detail)
        {
            SeedForms(detail);
        }
    }

    /// <summary>Fields that follow the incident (its severity, status) unless a form is open; the postmortem editor once.</summary>
    private void SeedForms(IncidentView detail)
    {
        var incident = detail.Incident;
        if (_panel != Panel.Severity)
        {
            _severity = incident.Severity;
        }

        if (string.IsNullOrWhiteSpace(_updateMessage))
        {
            _updateStatus = incident.Status.IsActive() ? incident.Status : IncidentStatus.Investigating;
        }

        // The editor keeps what someone is typing; it is seeded when first shown and after each save.
        if (_pmSeededFrom is null)
        {
            _pmSeededFrom = incident.Version;
            var postmortem = detail.Postmortem;
            _pmSummary = postmortem?.Summary;
            _pmImpact = postmortem?.Impact;
            _pmRootCause = postmortem?.RootCause;
            _pmTimeline = postmortem?.Timeline ?? TimelineText(detail.Timeline);
            _pmStatus = postmortem?.Status ?? PostmortemStatus.Draft;
        }
    }

    /// <summary>The postmortem's timeline pre-filled from the incident's, one line an entry (edited as text afterwards).</summary>
    public static string TimelineText(IReadOnlyList<TimelineEntry> timeline)
    {
        var text = new StringBuilder();
        foreach (var entry in timeline)
        {
            text.Append(entry.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
                .Append(' ').Append(entry.Actor).Append(": ").Append(entry.Text).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    private async Task RefreshAsync()
    {
        try
        {
            await LoadAsync();
            StateHasChanged();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await DispatchExceptionAsync(e);
        }
    }

    private void Tick()
    {
        _now = Time.GetUtcNow();
        StateHasChanged();
    }

    private static bool CanAcknowledge(IncidentSummary incident) => incident.AcknowledgedAt is null && incident.Status.IsActive();

    private bool CanCheck(IncidentSummary incident) => _canAct && !incident.Status.IsTerminal();

    private void Open(Panel panel)
    {
        _panel = _panel == panel ? Panel.None : panel;
        _message = null;
        _reason = null;
        if (panel == Panel.Acknowledge)
        {
            // By default the one who acknowledges leads: the signed-in user.
            _owner = _me;
        }
        else if (panel == Panel.Assign)
        {
            _owner = _detail?.Incident.Owner;
        }
    }

    private DateTimeOffset? InMinutes(int? minutes) => minutes is > 0 ? Time.GetUtcNow().AddMinutes(minutes.Value) : null;

    private Task AcknowledgeAsync() => StepAsync(new IncidentAction.Acknowledge(_owner?.Trim() ?? "", InMinutes(_nextUpdateMinutes)), "Acknowledged");

    private Task AssignAsync() => StepAsync(new IncidentAction.Assign(_owner?.Trim() ?? ""), "Assigned");

    private Task ChangeSeverityAsync() => StepAsync(new IncidentAction.ChangeSeverity(_severity), "Severity changed");

    private Task ResolveAsync() => StepAsync(new IncidentAction.Resolve(string.IsNullOrWhiteSpace(_reason) ? null : _reason.Trim()), "Resolved");

    private Task ReopenAsync() => StepAsync(new IncidentAction.Reopen(_reason?.Trim() ?? ""), "Reopened");

    private Task DeclineAsync() => StepAsync(new IncidentAction.Decline(_reason?.Trim() ?? ""), "Declined");

    private Task DuplicateAsync() => StepAsync(new IncidentAction.MarkDuplicate(_duplicateOf ?? 0), "Marked as a duplicate");

    private Task CloseAsync() => StepAsync(new IncidentAction.Close(), "Closed");

    private async Task PostUpdateAsync()
    {
        var current = _detail?.Incident.Status;
        // The status is sent only when it changes: an update on a resolved incident is a note.
        IncidentStatus? status = current is { } s && s.IsActive() && _updateStatus != s ? _updateStatus : null;
        if (await StepAsync(new IncidentAction.Update(_updateMessage?.Trim() ?? "", status, InMinutes(_etaMinutes), InMinutes(_nextUpdateMinutes)), "Update posted"))
        {
            _updateMessage = null;
            _etaMinutes = null;
        }
    }

    private async Task<bool> StepAsync(IncidentAction step, string done)
    {
        if (await SendAsync(new IncidentActionCommand(Number, step), done))
        {
            _panel = Panel.None;
            return true;
        }

        return false;
    }

    private Task CheckAsync(ChecklistItem item, bool done) => SendAsync(new CheckChecklistItemCommand(Number, item.Index, done), done ? "Checked" : "Unchecked");

    private async Task SavePostmortemAsync()
    {
        if (await SendAsync(new SavePostmortemCommand(Number, _pmSummary?.Trim() ?? "", _pmImpact?.Trim() ?? "", _pmRootCause?.Trim() ?? "", _pmTimeline ?? "", _pmStatus), "Postmortem saved"))
        {
            _pmSeededFrom = null;
            SeedForms(_detail!);
        }
    }

    private async Task AddFollowUpAsync()
    {
        DateOnly? due = null;
        if (!string.IsNullOrWhiteSpace(_fuDue))
        {
            if (!DateOnly.TryParseExact(_fuDue.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                Show("Due: a date as yyyy-mm-dd", error: true);
                return;
            }

            due = parsed;
        }

        if (await SendAsync(new AddFollowUpCommand(Number, _fuTitle?.Trim() ?? "", _fuOwner?.Trim() ?? "", due, _fuKind), "Follow-up added"))
        {
            _fuTitle = null;
            _fuDue = null;
        }
    }

    private Task CloseFollowUpAsync(FollowUp followUp) =>
        SendAsync(new CloseFollowUpCommand(Number, followUp.Id, !followUp.Done), followUp.Done ? "Follow-up reopened" : "Follow-up closed");

    /// <summary>
    /// Sends a command with the version the page shows. A refusal shows the pipeline's reason; a conflict (someone
    /// else changed it meanwhile) reloads, so the page shows what the next try will be checked against.
    /// </summary>
    private async Task<bool> SendAsync(IncidentCommand command, string done)
    {
        if (_detail is null)
        {
            return false;
        }

        _busy = true;
        _message = null;
        try
        {
            var result = await Commands.SendAsync(command with { ExpectedVersion = _detail.Incident.Version }, _cts.Token);
            if (result.Succeeded)
            {
                Show($"{done}.", error: false);
            }
            else
            {
                Show(result.Outcome switch
                {
                    CommandOutcome.Conflict => $"Changed by someone else; reloaded. Check the incident and try again. ({result.Error})",
                    CommandOutcome.Denied => $"Not allowed: {result.Error}",
                    _ => result.Error ?? "Refused.",
                }, error: true);
            }

            await LoadAsync();
            return result.Succeeded;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Show($"Not saved: {e.Message}", error: true);
            return false;
        }
        finally
        {
            _busy = false;
        }
    }

    private void Show(string message, bool error)
    {
        _message = message;
        _messageIsError = error;
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_clock is not null)
        {
            await _clock.DisposeAsync();
        }

        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }

        await _cts.CancelAsync();
        _cts.Dispose();
    }
}
