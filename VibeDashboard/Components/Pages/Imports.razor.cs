using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using MudBlazor;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion;
using VibeDashboard.Model;

namespace VibeDashboard.Components.Pages;

public sealed partial class Imports : IAsyncDisposable
{
    private IReadOnlyList<ImportView> _history = [];
    private IReadOnlyList<StoredTable> _tables = [];
    private bool _loading = true;
    private IDisposable? _subscription;
    private long _loadedImportId = -1;
    private HashSet<long> _applicable = [];
    private ImportView? _quarantineOf;
    private IReadOnlyList<QuarantinedRowView> _quarantine = [];
    private bool _applying;
    private string? _applyMessage;
    private bool _applySucceeded;
    private bool _admin;
    private string _applyReason = "";
    private readonly CancellationTokenSource _cts = new();

    [Inject] public required ImportActivity Activity { get; init; }

    [Inject] public required CommandSender Commands { get; init; }

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
        // Only to leave the button out for lower roles: the command refuses them whatever the page shows.
        _admin = await Commands.RoleAsync() is VibeDashboard.Operations.Access.DashboardRole.Admin;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        // Counting rows is cheap but not free: recount on new imports and, for the live demo, on new events.
        _history = await Activity.HistoryAsync(cancellationToken: _cts.Token);
        // A held import can be applied while nothing replaced it: a later import of the same file, or any later
        // successful import (exports often get a new name each day; applying an older one would undo it).
        _applicable = _history.Where(h => h.Held && !_history.Any(n => n.Id > h.Id && (n.Source == h.Source || n.Succeeded))).Select(h => h.Id).ToHashSet();
        _tables = await Activity.TablesAsync(_cts.Token);
        _loadedImportId = Status.LastImportId;
        _loading = false;
    }

    private async Task ShowQuarantineAsync(ImportView record)
    {
        _quarantine = await Activity.QuarantinedAsync(record.Id, _cts.Token);
        _quarantineOf = record;
    }

    /// <summary>
    /// Sends <c>import.apply_held</c>: the pipeline checks the admin role and the reason, the importer re-runs the
    /// held export with shrinking allowed, and the audit entry commits in the import's own transaction.
    /// </summary>
    private async Task ApplyAnywayAsync(ImportView record)
    {
        _applying = true;
        try
        {
            var result = await Commands.SendAsync(new VibeDashboard.Operations.Imports.ApplyHeldImportCommand(record.Id, _applyReason.Trim()), _cts.Token);
            _applySucceeded = result.Succeeded;
            _applyMessage = result.Succeeded
                ? $"Applied {result.Value!.File}: {result.Value.Rows.ToString("N0", CultureInfo.CurrentCulture)} rows."
                : $"Not applied: {result.Error}";
            if (result.Succeeded)
            {
                _applyReason = "";
            }

            await LoadAsync();
        }
        finally
        {
            _applying = false;
        }
    }

    private static string QuarantineSummary(ImportView record) =>
        record.QuarantinedRows > ImportActivity.MaxListedQuarantineRows
            ? $"{record.QuarantinedRows.ToString("N0", CultureInfo.CurrentCulture)} rows; the first {ImportActivity.MaxListedQuarantineRows.ToString("N0", CultureInfo.CurrentCulture)} are listed"
            : $"{record.QuarantinedRows.ToString("N0", CultureInfo.CurrentCulture)} rows";

    private static Color OutcomeColor(ImportView record) => record.Outcome switch
    {
        ImportOutcome.Succeeded => Color.Success,
        ImportOutcome.Held => Color.Warning,
        ImportOutcome.Rejected => Color.Error,
        _ => Color.Warning,
    };

    private static string RowsTooltip(ImportView record) =>
        record.Rows.Count == 0 ? "no rows" : string.Join(", ", record.Rows.Select(r => $"{r.Key}: {r.Value.ToString("N0", CultureInfo.InvariantCulture)}"));

    private static string FormatDuration(long ms) => ms < 1000 ? $"{ms} ms" : $"{(ms / 1000d).ToString("0.0", CultureInfo.InvariantCulture)} s";

    private static string ErrorText(ImportView record) => record.Error ?? "";

    public ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
        return ValueTask.CompletedTask;
    }
}
