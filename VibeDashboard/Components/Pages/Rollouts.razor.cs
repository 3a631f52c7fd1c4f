using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Model;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// The rollouts, newest first, with state, current wave and release; live (the board's signal, throttled, then a
/// pull) and re-timed by a clock for the countdowns. Operators create a draft from a configured template; a viewer
/// sees no button (the pipeline refuses anyway).
/// </summary>
public sealed partial class Rollouts : IAsyncDisposable
{
    /// <summary>How often countdowns are re-worded: minute-grained, but the last minute counts seconds.</summary>
    public static readonly TimeSpan ClockInterval = TimeSpan.FromSeconds(5);

    private IReadOnlyList<RolloutView>? _rollouts;
    private IReadOnlyList<RolloutDefinition> _templates = [];
    private DateTimeOffset _now;
    private string? _loadError;
    private bool _canAct;
    private bool _creating;
    private string? _template;
    private string? _createError;
    private bool _busy;
    private IDisposable? _subscription;
    private Throttle? _refresh;
    private ITimer? _clock;
    private readonly CancellationTokenSource _cts = new();

    [Inject] public required IRolloutBoard Board { get; init; }

    [Inject] public required CommandSender Commands { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    [Inject] public required NavigationManager Navigation { get; init; }

    [Inject] public required IRolloutTemplates Templates { get; init; }

    private RolloutDefinition? Chosen => _templates.FirstOrDefault(t => t.Name == _template);

    protected override async Task OnInitializedAsync()
    {
        _refresh = new Throttle(LivePageBase.TextInterval, () => InvokeAsync(RefreshAsync), Time);
        _subscription = Board.Subscribe(() =>
        {
            _refresh.Signal();
            return Task.CompletedTask;
        });
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(Tick), null, ClockInterval, ClockInterval);
        // Only to leave the button out for viewers: the pipeline checks the role again.
        _canAct = await Commands.RoleAsync() >= DashboardRole.Operator;
        _templates = await Templates.ListAsync(_cts.Token);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _now = Time.GetUtcNow();
        try
        {
            _rollouts = await Board.ListAsync(_cts.Token);
            _loadError = null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _loadError = $"Could not load the rollouts: {e.Message}";
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

    private void ToggleCreate()
    {
        _creating = !_creating;
        _createError = null;
        _template ??= _templates.FirstOrDefault()?.Name;
    }

    private async Task CreateAsync()
    {
        if (Chosen is not { } template)
        {
            return;
        }

        _busy = true;
        _createError = null;
        try
        {
            var result = await Commands.SendAsync(new CreateRolloutCommand(template, template.Name), _cts.Token);
            if (!result.Succeeded)
            {
                _createError = result.Outcome == CommandOutcome.Denied ? $"Not allowed: {result.Error}" : result.Error ?? "Refused.";
                return;
            }

            _creating = false;
            if (result.Value is { } created)
            {
                Navigation.NavigateTo(RolloutFormat.DetailUrl(created.Id));
                return;
            }

            await LoadAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _createError = $"Not created: {e.Message}";
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
