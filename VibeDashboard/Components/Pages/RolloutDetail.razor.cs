using Microsoft.AspNetCore.Components;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Components.Controls.Rollouts;
using VibeDashboard.Model;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// One rollout: its waves with the promotion countdown, every gate with its recent checks as a streak, the
/// readiness checklist, the controls the viewer's role and the state allow, and the timeline. Each control is a
/// command with the version the page shows (someone else's change in between is a conflict, answered by
/// reloading); refusals show the pipeline's words. Live like the incident pages; a clock re-words the countdown.
/// </summary>
public sealed partial class RolloutDetail : IAsyncDisposable
{
    /// <summary>Checks shown per gate in its streak.</summary>
    public const int StreakLength = 10;

    /// <summary>Checks per gate in its chart (more than the streak: a trend needs them).</summary>
    public const int ChartLength = 30;

    private RolloutView? _rollout;
    private IReadOnlyDictionary<string, IReadOnlyList<GateCheck>> _history = new Dictionary<string, IReadOnlyList<GateCheck>>();
    private Dictionary<string, ApexChartConfig?> _charts = new(StringComparer.Ordinal);
    private bool _loading = true;
    private DateTimeOffset _now;
    private DashboardRole? _role;
    private bool _busy;
    private string? _message;
    private bool _messageIsError;
    private Control? _panel;
    private string? _reason;
    private ReadinessItemKey? _attesting;
    private string? _attestLink;
    private string? _loadedId;
    private IDisposable? _subscription;
    private Throttle? _refresh;
    private ITimer? _clock;
    private readonly CancellationTokenSource _cts = new();

    /// <summary>The controls as the page offers them; <see cref="StartOverride"/> is a start past the readiness checklist (admin).</summary>
    private enum Control
    {
        Start,
        StartOverride,
        Pause,
        Resume,
        Promote,
        ForcePromote,
        Rollback,
        Abort,
        Retry,
    }

    private sealed record Offer(Control Kind, string Name, string Text, bool Destructive);

    [Parameter] public string Id { get; set; } = "";

    [Inject] public required IRolloutBoard Board { get; init; }

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
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(Tick), null, Rollouts.ClockInterval, Rollouts.ClockInterval);
        // Only to leave out what the viewer cannot do: the pipeline checks the role again.
        _role = await Commands.RoleAsync();
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedId != Id)
        {
            _loadedId = Id;
            _history = new Dictionary<string, IReadOnlyList<GateCheck>>();
            _charts = new(StringComparer.Ordinal);
            _panel = null;
            _attesting = null;
            _message = null;
            _rollout = null;
            _loading = true;
        }

        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _now = Time.GetUtcNow();
        var rollout = await Board.GetAsync(Id, _cts.Token);
        if (rollout is not null && rollout.Definition.Gates.Count > 0)
        {
            var checks = await Board.ChecksAsync(Id, ChartLength * rollout.Definition.Gates.Count, _cts.Token);
            // Newest first from the board; a streak and a chart read oldest to newest, left to right.
            var history = checks.GroupBy(c => c.Gate, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<GateCheck>)g.Take(ChartLength).Reverse().ToList(), StringComparer.Ordinal);
            _charts = Charts(rollout.Definition, history);
            _history = history;
        }
        else
        {
            _history = new Dictionary<string, IReadOnlyList<GateCheck>>();
            _charts = new(StringComparer.Ordinal);
        }

        _rollout = rollout;
        _loading = false;
    }

    private IReadOnlyList<GateCheck> HistoryOf(string gate) => _history.GetValueOrDefault(gate) ?? [];

    private IReadOnlyList<GateCheck> StreakOf(string gate) => HistoryOf(gate) is { Count: > StreakLength } all ? all.Skip(all.Count - StreakLength).ToList() : HistoryOf(gate);

    private ApexChartConfig? ChartOf(string gate) => _charts.GetValueOrDefault(gate);

    // A chart is rebuilt only when its gate's checks changed: the chart control sends a new config to the browser,
    // and the board signals on every round of every rollout (JS interop is the expensive hop).
    private Dictionary<string, ApexChartConfig?> Charts(RolloutDefinition definition, IReadOnlyDictionary<string, IReadOnlyList<GateCheck>> history)
    {
        var charts = new Dictionary<string, ApexChartConfig?>(StringComparer.Ordinal);
        foreach (var gate in definition.Gates)
        {
            var checks = history.GetValueOrDefault(gate.Name) ?? [];
            var before = _history.GetValueOrDefault(gate.Name) ?? [];
            charts[gate.Name] = _charts.TryGetValue(gate.Name, out var kept) && Same(before, checks)
                ? kept
                : checks.Count >= 2 ? GateCharts.Gate(gate, checks) : null;
        }

        return charts;
    }

    private static bool Same(IReadOnlyList<GateCheck> a, IReadOnlyList<GateCheck> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.CheckedAt == p.Second.CheckedAt && p.First.Result == p.Second.Result && p.First.Value == p.Second.Value);

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

    // Re-render only when what the clock words changes (the countdown, or a minute for the times): the timer is
    // fast so that the last minute counts down in seconds, and a whole page render every 5 s would be waste.
    private void Tick()
    {
        var now = Time.GetUtcNow();
        var changed = _rollout is null
            || RolloutFormat.Countdown(_rollout, now) != RolloutFormat.Countdown(_rollout, _now)
            || now.UtcDateTime.Minute != _now.UtcDateTime.Minute;
        _now = now;
        if (changed)
        {
            StateHasChanged();
        }
    }

    /// <summary>The controls the machine would accept in this state (it decides again), and the role allows.</summary>
    private List<Offer> Available(RolloutStatus status)
    {
        var offers = new List<Offer>();
        var admin = _role >= DashboardRole.Admin;
        var state = status.State;
        if (state == RolloutState.Draft)
        {
            offers.Add(new(Control.Start, "start", "Start", false));
            if (admin && _rollout is { } r && r.Readiness.Any(i => !i.Satisfied))
            {
                offers.Add(new(Control.StartOverride, "start-override", "Start despite readiness…", true));
            }
        }

        if (state is RolloutState.Running or RolloutState.Ready)
        {
            offers.Add(new(Control.Pause, "pause", "Pause…", false));
        }

        if (state == RolloutState.Paused)
        {
            offers.Add(new(Control.Resume, "resume", "Resume", false));
        }

        if (state == RolloutState.Ready)
        {
            offers.Add(new(Control.Promote, "promote", "Promote", false));
        }

        if (admin && state is RolloutState.Running or RolloutState.Paused)
        {
            offers.Add(new(Control.ForcePromote, "force-promote", "Force-promote…", true));
        }

        if (state is RolloutState.Running or RolloutState.Ready or RolloutState.Paused)
        {
            offers.Add(new(Control.Rollback, "rollback", "Roll back…", true));
        }

        if (state is RolloutState.RolledBack or RolloutState.Aborted && status.StartedAt is not null)
        {
            offers.Add(new(Control.Retry, "retry", "Retry wave", false));
        }

        if (state is not (RolloutState.Aborted or RolloutState.Completed))
        {
            offers.Add(new(Control.Abort, "abort", "Abort…", true));
        }

        return offers;
    }

    private static string Name(Control control) => control switch
    {
        Control.StartOverride => "start-override",
        Control.ForcePromote => "force-promote",
        _ => control.ToString().ToLowerInvariant(),
    };

    /// <summary>Controls that ask first (what they take away, or what they skip), with a reason field.</summary>
    private static bool AsksFirst(Control control) => control is Control.Pause or Control.ForcePromote or Control.Rollback or Control.Abort or Control.StartOverride;

    private static bool IsDestructive(Control control) => control is Control.ForcePromote or Control.Rollback or Control.Abort or Control.StartOverride;

    private static bool NeedsReason(Control control) => control is Control.ForcePromote or Control.StartOverride;

    private static string ConfirmLabel(Control control) => control switch
    {
        Control.Pause => "Pause",
        Control.ForcePromote => "Force-promote",
        Control.Rollback => "Roll back",
        Control.Abort => "Abort",
        Control.StartOverride => "Start anyway",
        _ => control.ToString(),
    };

    private string ConfirmText(RolloutView rollout, Control control)
    {
        var definition = rollout.Definition;
        var status = rollout.Status;
        var label = RolloutMachine.Label(definition, status.CurrentWave);
        return control switch
        {
            Control.Pause => $"Pause the rollout? {label} stays exposed; nothing is promoted until it is resumed.",
            Control.ForcePromote => $"Force-promote {label}? It is not ready: {RolloutMachine.WhyNotPromotable(definition, status, _now)}. The reason goes on the timeline.",
            Control.Rollback => $"Roll back {label}? Its tiers ({string.Join(", ", definition.Waves[status.CurrentWave].Tiers)}) leave the release at once.",
            Control.Abort => $"Abort the rollout? Every tier leaves the release at once (now: {Exposed(rollout)}).",
            Control.StartOverride => "Start although the readiness checklist is not satisfied? The reason is audited.",
            _ => "",
        };
    }

    private static string Exposed(RolloutView rollout) => rollout.Status.EnabledTiers(rollout.Definition) is { Count: > 0 } tiers ? string.Join(", ", tiers) : "none";

    private async Task ClickAsync(Control control)
    {
        _message = null;
        if (AsksFirst(control))
        {
            _panel = _panel == control ? null : control;
            _reason = null;
            return;
        }

        _panel = null;
        await SendControlAsync(control, reason: null);
    }

    private void Cancel()
    {
        _panel = null;
        _reason = null;
    }

    private async Task ConfirmAsync()
    {
        if (_panel is not { } control)
        {
            return;
        }

        if (await SendControlAsync(control, string.IsNullOrWhiteSpace(_reason) ? null : _reason.Trim()))
        {
            _panel = null;
            _reason = null;
        }
    }

    private Task<bool> SendControlAsync(Control control, string? reason)
    {
        RolloutInput input = control switch
        {
            Control.Start or Control.StartOverride => new RolloutInput.Start(),
            Control.Pause => new RolloutInput.Pause(reason),
            Control.Resume => new RolloutInput.Resume(),
            Control.Promote => new RolloutInput.Promote(),
            Control.ForcePromote => new RolloutInput.ForcePromote(reason ?? ""),
            Control.Rollback => new RolloutInput.Rollback(reason),
            Control.Abort => new RolloutInput.Abort(reason),
            _ => new RolloutInput.Retry(),
        };
        var command = new RolloutControlCommand(Id, input, OverrideReadiness: control == Control.StartOverride) { Reason = reason };
        return SendAsync(command, RolloutFormat.Input(input) + (control == Control.StartOverride ? " (readiness overridden)" : "") + ": done");
    }

    private void OpenAttest(ReadinessItemKey item)
    {
        _attesting = item;
        _attestLink = null;
        _message = null;
    }

    private async Task AttestAsync()
    {
        if (_attesting is not { } item)
        {
            return;
        }

        if (await SendAsync(new AttestReadinessCommand(Id, item, _attestLink?.Trim()), "Attested"))
        {
            _attesting = null;
            _attestLink = null;
        }
    }

    /// <summary>
    /// Sends a command with the version the page shows. A refusal shows the pipeline's words (the machine's rule for
    /// a 409); a conflict reloads, so the page shows what the next try is checked against.
    /// </summary>
    private async Task<bool> SendAsync(RolloutCommand command, string done)
    {
        if (_rollout is null)
        {
            return false;
        }

        _busy = true;
        _message = null;
        try
        {
            var result = await Commands.SendAsync(command with { ExpectedVersion = _rollout.Version }, _cts.Token);
            if (result.Succeeded)
            {
                Show($"{done}.", error: false);
            }
            else
            {
                Show(result.Outcome switch
                {
                    CommandOutcome.Conflict => $"Changed meanwhile; reloaded. Check the rollout and try again. ({result.Error})",
                    CommandOutcome.Denied => $"Not allowed: {result.Error}",
                    _ => result.Error ?? "Refused.",
                }, error: true);
            }

            await LoadAsync();
            return result.Succeeded;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Show($"Not sent: {e.Message}", error: true);
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
