using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;
using VibeDashboard.Model;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Notifications;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// The webhook deliveries (admins), filtered by state in the URL. The dispatcher updates rows without a command, so
/// the page re-reads on a slow clock as well as after each command (a retry here or elsewhere).
/// </summary>
public sealed partial class Deliveries : IAsyncDisposable
{
    public const int DeliveryLimit = 200;

    /// <summary>How often the page re-reads while it is open: deliveries change as the dispatcher works.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(10);

    private IReadOnlyList<DeliveryView> _deliveries = [];
    private IReadOnlyDictionary<DeliveryStatus, long> _counts = new Dictionary<DeliveryStatus, long>();
    private DeliveryStatus? _status;
    private bool _loading = true;
    private bool _busy;
    private string? _message;
    private bool _messageIsError;
    private DateTimeOffset _now;
    private IDisposable? _subscription;
    private Throttle? _refresh;
    private ITimer? _poll;
    private readonly CancellationTokenSource _cts = new();

    [SupplyParameterFromQuery(Name = "status")] public string? Status { get; set; }

    [Inject] public required DeliveryLog Log { get; init; }

    [Inject] public required ICommandPipeline Pipeline { get; init; }

    [Inject] public required CommandSender Commands { get; init; }

    [Inject] public required TimeProvider Time { get; init; }

    protected override void OnInitialized()
    {
        _refresh = new Throttle(LivePageBase.TextInterval, () => InvokeAsync(RefreshAsync), Time);
        _subscription = Pipeline.Subscribe(() =>
        {
            _refresh.Signal();
            return Task.CompletedTask;
        });
        _poll = Time.CreateTimer(_ => _refresh.Signal(), null, PollInterval, PollInterval);
    }

    protected override async Task OnParametersSetAsync()
    {
        _status = Enum.GetValues<DeliveryStatus>().Cast<DeliveryStatus?>().FirstOrDefault(s => DeliveryLog.StatusName(s!.Value) == Status?.Trim().ToLowerInvariant());
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _now = Time.GetUtcNow();
        _deliveries = await Log.ListAsync(new DeliveryQuery(_status, Limit: DeliveryLimit), _cts.Token);
        _counts = await Log.CountsAsync(_cts.Token);
        _loading = false;
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

    /// <summary>Sends <c>delivery.retry</c> (admins; audited): the delivery is due again now, with the same id.</summary>
    private async Task RetryAsync(DeliveryView delivery)
    {
        _busy = true;
        _message = null;
        try
        {
            var result = await Commands.SendAsync(new RetryDeliveryCommand(delivery.Id), _cts.Token);
            _messageIsError = !result.Succeeded;
            _message = result.Succeeded
                ? $"Delivery of {delivery.Event} to {delivery.Webhook} is due again now."
                : $"Not retried: {result.Error}";
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private static string Url(DeliveryStatus? status) =>
        status is { } s ? QueryHelpers.AddQueryString(IncidentBoardFilter.DeliveriesPath, "status", DeliveryLog.StatusName(s)) : IncidentBoardFilter.DeliveriesPath;

    private static string LastOutcome(DeliveryView delivery) => (delivery.LastStatus, delivery.LastError) switch
    {
        (_, { Length: > 0 } error) when error.StartsWith("HTTP ", StringComparison.Ordinal) => error,
        ({ } code, { Length: > 0 } error) => $"HTTP {code}, {error}",
        ({ } code, _) => $"HTTP {code}",
        (null, { Length: > 0 } error) => error,
        _ => "no answer",
    };

    // A failed answer's error already starts with its status ("HTTP 500 Internal Server Error: …").
    private static string AttemptOutcome(DeliveryAttempt attempt) => (attempt.Status, attempt.Error) switch
    {
        (_, { Length: > 0 } error) when error.StartsWith("HTTP ", StringComparison.Ordinal) => error,
        ({ } code, { Length: > 0 } error) => $"HTTP {code}, {error}",
        ({ } code, _) => $"HTTP {code}",
        (null, { Length: > 0 } error) => error,
        _ => "no answer",
    };

    private string NextText(DeliveryView delivery) => delivery.Status switch
    {
        DeliveryStatus.Pending => delivery.NextAttemptAt <= _now
            ? "due now"
            : $"in {Freshness.FormatAge(delivery.NextAttemptAt - _now)} ({Freshness.FormatInstant(delivery.NextAttemptAt)}), gives up {Freshness.FormatInstant(delivery.DeadlineAt)}",
        DeliveryStatus.Dead => $"none: gave up {Freshness.FormatInstant(delivery.LastAttemptAt ?? delivery.DeadlineAt)}",
        _ => "—",
    };

    private static StateTone Tone(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Delivered => StateTone.Ok,
        DeliveryStatus.Dead => StateTone.Critical,
        _ => StateTone.Warning,
    };

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        if (_poll is not null)
        {
            await _poll.DisposeAsync();
        }

        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }

        await _cts.CancelAsync();
        _cts.Dispose();
    }
}
