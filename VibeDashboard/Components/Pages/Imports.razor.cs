using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;
using VibeDashboard.Configuration;
using VibeDashboard.Model;
using VibeDashboard.Storage;

namespace VibeDashboard.Components.Pages;

public sealed partial class Imports : IAsyncDisposable
{
    private IReadOnlyList<ImportRecord> _history = [];
    private IReadOnlyList<TableCount> _tables = [];
    private bool _loading = true;
    private IDisposable? _subscription;
    private long _loadedImportId = -1;
    private readonly CancellationTokenSource _cts = new();

    [Inject] public required ImportHistoryRepository History { get; init; }
    [Inject] public required StoreRepository Store { get; init; }
    [Inject] public required StoreStatusMonitor Monitor { get; init; }
    [Inject] public required TimeProvider Time { get; init; }
    [Inject] public required IOptions<HealthOptions> Health { get; init; }

    private StoreStatus Status => Monitor.Current;

    private DateTimeOffset Now => Time.GetUtcNow();

    private bool IsStale => Status.IsStale(Now, Health.Value.StaleAfter);

    protected override async Task OnInitializedAsync()
    {
        _subscription = Monitor.Subscribe(() => InvokeAsync(async () =>
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
        }));
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        // Counting rows is cheap but not free: recount on new imports and, for the live demo, on new events.
        _history = await History.ListAsync(cancellationToken: _cts.Token);
        _tables = await Store.CountRowsAsync(_cts.Token);
        _loadedImportId = Status.LastImportId;
        _loading = false;
    }

    private static Color OutcomeColor(ImportRecord record) => record.Outcome switch
    {
        nameof(ImportOutcome.Succeeded) => Color.Success,
        nameof(ImportOutcome.Rejected) => Color.Error,
        _ => Color.Warning,
    };

    private static string RowsTooltip(ImportRecord record) =>
        record.Rows.Count == 0 ? "no rows" : string.Join(", ", record.Rows.Select(r => $"{r.Key}: {r.Value.ToString("N0", CultureInfo.InvariantCulture)}"));

    private static string FormatDuration(long ms) => ms < 1000 ? $"{ms} ms" : $"{(ms / 1000d).ToString("0.0", CultureInfo.InvariantCulture)} s";

    private static string ErrorText(ImportRecord record) => record.Error ?? "";

    public ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
        return ValueTask.CompletedTask;
    }
}
