using System.Text.Json;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// The audit log, filtered by the URL (the same words as <c>/api/audit</c>), refreshed when a command commits
/// (throttled like the live pages), with the CSV export of the same filters.
/// </summary>
public sealed partial class Audit : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private IReadOnlyList<AuditEntry> _entries = [];
    private bool _more;
    private bool _loading = true;
    private string? _error;
    private AuditQuery _query = new();
    private readonly HashSet<long> _expanded = [];
    private IDisposable? _subscription;
    private Throttle? _refresh;
    private readonly CancellationTokenSource _cts = new();

    // The form's fields, seeded from the URL; Filter navigates, so the URL stays the one truth (and shareable).
    private string? _from;
    private string? _to;
    private string? _actor;
    private string? _action;
    private string? _target;

    [SupplyParameterFromQuery(Name = AuditQuery.FromParameter)] public string? From { get; set; }

    [SupplyParameterFromQuery(Name = AuditQuery.ToParameter)] public string? To { get; set; }

    [SupplyParameterFromQuery(Name = AuditQuery.ActorParameter)] public string? Actor { get; set; }

    [SupplyParameterFromQuery(Name = AuditQuery.ActionParameter)] public string? Action { get; set; }

    [SupplyParameterFromQuery(Name = AuditQuery.TargetParameter)] public string? Target { get; set; }

    [SupplyParameterFromQuery(Name = AuditQuery.LimitParameter)] public string? Limit { get; set; }

    [Inject] public required AuditLog Log { get; init; }

    [Inject] public required ICommandPipeline Pipeline { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    private bool IsFiltered => _query.From is not null || _query.To is not null || _query.Actor is not null || _query.Action is not null || _query.TargetType is not null;

    private int? LimitValue => _query.Limit == AuditQuery.DefaultLimit ? null : _query.Limit;

    private string CsvUrl => DashboardUrls.AuditCsv(From, To, Actor, Action, Target, LimitValue);

    protected override void OnInitialized()
    {
        _refresh = new Throttle(LivePageBase.TextInterval, () => InvokeAsync(RefreshAsync), Time);
        _subscription = Pipeline.Subscribe(() =>
        {
            _refresh.Signal();
            return Task.CompletedTask;
        });
    }

    protected override async Task OnParametersSetAsync()
    {
        (_from, _to, _actor, _action, _target) = (From, To, Actor, Action, Target);
        if (!AuditQuery.TryParse(From, To, Actor, Action, Target, Limit, out var query, out var error))
        {
            _error = error;
            _entries = [];
            _more = false;
            _loading = false;
            return;
        }

        _error = null;
        _query = query;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var page = await Log.QueryAsync(_query, _cts.Token);
        _entries = page.Entries;
        _more = page.More;
        _loading = false;
    }

    private async Task RefreshAsync()
    {
        if (_error is not null)
        {
            return;
        }

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

    private Task ApplyAsync()
    {
        Navigation.NavigateTo(DashboardUrls.Audit(_from, _to, _actor, _action, _target, LimitValue));
        return Task.CompletedTask;
    }

    private void Toggle(long seq)
    {
        if (!_expanded.Remove(seq))
        {
            _expanded.Add(seq);
        }
    }

    private static string ActorDetail(AuditEntry entry) =>
        entry.ActorRole is { } role ? $"{VibeDashboard.Operations.Commands.Actor.KindName(entry.ActorKind)} · {role.Name()}" : VibeDashboard.Operations.Commands.Actor.KindName(entry.ActorKind);

    private static string TargetText(AuditEntry entry) => entry.TargetId.Length == 0 ? entry.TargetType : $"{entry.TargetType}:{entry.TargetId}";

    private static Color OutcomeColor(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Ok => Color.Success,
        CommandOutcome.Denied => Color.Error,
        CommandOutcome.Conflict => Color.Warning,
        CommandOutcome.Invalid => Color.Warning,
        _ => Color.Default,
    };

    private static string Pretty(string? json)
    {
        if (json is null)
        {
            return "—";
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }

        await _cts.CancelAsync();
        _cts.Dispose();
    }
}
