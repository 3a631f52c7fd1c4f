using Microsoft.AspNetCore.Components;
using VibeDashboard.Model;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// The incident board: one column per class (the runbooks' titles), filtered by the URL, live (the board's signal,
/// throttled like the other live pages, then a pull) and re-timed by a clock so "due in 5 min" turns into "overdue"
/// without a reload. Operators can declare an incident; what a viewer cannot do is left out (the pipeline refuses it anyway).
/// </summary>
public sealed partial class Incidents : IAsyncDisposable
{
    /// <summary>How often the cards' ages and due times are re-worded (they are minute-grained).</summary>
    public static readonly TimeSpan ClockInterval = TimeSpan.FromSeconds(15);

    private static readonly IncidentListStatus[] Statuses = [IncidentListStatus.Open, IncidentListStatus.Closed, IncidentListStatus.All];
    private static readonly VibeDashboard.Operations.Incidents.Severity[] Severities = Enum.GetValues<VibeDashboard.Operations.Incidents.Severity>();

    private IncidentBoardFilter _filter = new();
    private IReadOnlyList<BoardColumn> _columns = [];
    private IReadOnlyList<FollowUp> _followUps = [];
    private DateTimeOffset _now;
    private string? _loadError;
    private bool _canAct;
    private bool _showFollowUps;
    private IDisposable? _subscription;
    private Throttle? _refresh;
    private ITimer? _clock;
    private readonly CancellationTokenSource _cts = new();

    private bool _declaring;
    private IncidentClass _declareClass = IncidentClass.Unclassified;
    private string? _declareTitle;
    private VibeDashboard.Operations.Incidents.Severity _declareSeverity = VibeDashboard.Operations.Incidents.Severity.Sev3;
    private string? _declareError;
    private bool _busy;

    [SupplyParameterFromQuery(Name = IncidentBoardFilter.StatusParameter)] public string? Status { get; set; }

    [SupplyParameterFromQuery(Name = IncidentBoardFilter.SeverityParameter)] public string? SeverityFilter { get; set; }

    [SupplyParameterFromQuery(Name = IncidentBoardFilter.ClassParameter)] public string? Class { get; set; }

    [SupplyParameterFromQuery(Name = IncidentBoardFilter.RangeParameter)] public string? Range { get; set; }

    [Inject] public required IIncidentBoard Board { get; init; }

    [Inject] public required IncidentRunbooks Runbooks { get; init; }

    [Inject] public required CommandSender Commands { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>One column of the board.</summary>
    private sealed record BoardColumn(IncidentClass Class, string Title, IReadOnlyList<IncidentSummary> Incidents);

    protected override async Task OnInitializedAsync()
    {
        _refresh = new Throttle(LivePageBase.TextInterval, () => InvokeAsync(RefreshAsync), Time);
        _subscription = Board.Subscribe(() =>
        {
            _refresh.Signal();
            return Task.CompletedTask;
        });
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(Tick), null, ClockInterval, ClockInterval);
        // Only to leave the declare button out for viewers: the pipeline checks the role again.
        _canAct = await Commands.RoleAsync() >= DashboardRole.Operator;
    }

    protected override async Task OnParametersSetAsync()
    {
        _filter = IncidentBoardFilter.Parse(Status, SeverityFilter, Class, Range);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _now = Time.GetUtcNow();
        try
        {
            var incidents = await Board.ListAsync(_filter.ToQuery(_now), _cts.Token);
            _columns = [.. Runbooks.All
                .Where(r => _filter.Class is null || _filter.Class == r.Class)
                .Select(r => new BoardColumn(r.Class, r.Title, [.. incidents.Where(i => i.Class == r.Class)]))];
            _followUps = await Board.FollowUpsAsync(openOnly: true, _cts.Token);
            _loadError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _loadError = $"The incidents could not be read: {e.Message}";
        }
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

    private void ToggleDeclare()
    {
        _declaring = !_declaring;
        _declareError = null;
    }

    private async Task DeclareAsync()
    {
        _busy = true;
        _declareError = null;
        try
        {
            var result = await Commands.SendAsync(new DeclareIncidentCommand(_declareClass, _declareTitle?.Trim() ?? "", _declareSeverity), _cts.Token);
            if (result.Succeeded && result.Value is { } declared)
            {
                _declaring = false;
                _declareTitle = null;
                Navigation.NavigateTo(IncidentBoardFilter.IncidentUrl(declared.Number));
                return;
            }

            _declareError = $"Not declared: {result.Error ?? "refused"}";
        }
        finally
        {
            _busy = false;
        }
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
