using System.Globalization;
using Microsoft.AspNetCore.Components;
using VibeDashboard.Model;

namespace VibeDashboard.Components.Controls;

/// <summary>
/// "12 rows quarantined in the last import", linking to the Imports page, while the newest successful import
/// quarantined rows. Re-read only when the monitor sees a new import, not on every snapshot.
/// </summary>
public sealed partial class QuarantineNotice : IDisposable
{
    private IDisposable? _subscription;
    private ImportView? _last;
    private long _loadedFor = -1;
    private readonly CancellationTokenSource _cts = new();

    [Inject] public required ImportActivity Activity { get; init; }

    // The pattern FreshnessNotice already follows: the monitor signals, the control pulls.
    [Inject] public required StoreStatusMonitor Monitor { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _subscription = Monitor.Subscribe(() => InvokeAsync(async () =>
        {
            if (Monitor.Current.LastImportId != _loadedFor)
            {
                await LoadAsync();
                StateHasChanged();
            }
        }));
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loadedFor = Monitor.Current.LastImportId;
        _last = await Activity.LastImportWithQuarantineAsync(_cts.Token);
    }

    private static string Text(ImportView record) =>
        $"{record.QuarantinedRows.ToString("N0", CultureInfo.CurrentCulture)} {(record.QuarantinedRows == 1 ? "row" : "rows")} quarantined in the last import";

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
