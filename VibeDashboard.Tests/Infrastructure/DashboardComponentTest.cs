using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using MudBlazor.Services;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Model;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>
/// The one bUnit base: loose JS interop (the chart module's calls are still recorded), MudBlazor with transitions
/// off and its popover provider rendered, a fake clock, a fixed culture, a <see cref="FakeMetricsFeed"/> and a
/// temporary store behind the real <see cref="StoreStatusMonitor"/>. Disposed asynchronously (MudBlazor's
/// services throw on a synchronous dispose under xunit 2).
/// </summary>
public abstract class DashboardComponentTest : BunitContext, IAsyncLifetime
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    protected DashboardComponentTest()
    {
        // A culture with a decimal comma: formatting must not depend on the server's culture.
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("de-DE");
        Time = new FakeTimeProvider(Snapshots.At);
        Store = new TempStore(time: Time);
        DemoBuild = new DemoBuild(NullLogger<DemoBuild>.Instance);
        Monitor = new StoreStatusMonitor(Store.Store, Store.History, Store.Importer, Time, NullLogger<StoreStatusMonitor>.Instance, DemoBuild);

        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
            o.PopoverOptions.ThrowOnDuplicateProvider = false;
        });
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton<IMetricsFeed>(Feed);
        Services.AddSingleton<VibeDashboard.Components.Controls.Charts.SparklineCache>();
        Services.AddSingleton<VibeDashboard.Components.Controls.OverviewFragments>();
        Services.AddSingleton(Monitor);
        Services.AddSingleton(Store.Services.GetRequiredService<VibeDashboard.Model.ImportActivity>());
        Services.AddSingleton(Options.Create(Health));
    }

    protected FakeTimeProvider Time { get; }

    protected FakeMetricsFeed Feed { get; } = new();

    protected TempStore Store { get; }

    protected StoreStatusMonitor Monitor { get; }

    /// <summary>The demo store's build as the monitor sees it: tests begin and complete one to see what pages say meanwhile.</summary>
    protected DemoBuild DemoBuild { get; }

    protected HealthOptions Health { get; } = new() { StaleAfter = TimeSpan.FromMinutes(10) };

    public virtual async Task InitializeAsync()
    {
        await Store.Services.GetRequiredService<StoreSchema>().EnsureCreatedAsync();
        await Monitor.RefreshAsync();
        Render<MudPopoverProvider>();
    }

    /// <summary>Imports a small wrangler-format dump of <c>ops_events</c> at the given instants and refreshes the monitor.</summary>
    protected async Task ImportEventsAsync(params DateTimeOffset[] instants)
    {
        var path = Store.WriteFile($"events-{Guid.NewGuid():N}.sql", WranglerDump.OpsEvents(instants.Select((at, i) => WranglerDump.Probe($"evt-{Guid.NewGuid():N}", at, ok: true))));
        var result = await Store.ImportAsync(path);
        Assert.True(result.Succeeded, result.Record.Error);
        await Monitor.RefreshAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Store.DisposeAsync();
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }
}
