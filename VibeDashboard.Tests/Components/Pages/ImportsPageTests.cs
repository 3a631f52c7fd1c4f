using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using VibeDashboard.Components.Pages;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Components.Pages;

public sealed class ImportsPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly TempStore _temp = new();
    private FakeTimeProvider _time = null!;

    public async Task InitializeAsync()
    {
        await _temp.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));
        var newest = (await _temp.Store.NewestEventAsync())!.Value;
        _time = new FakeTimeProvider(newest.AddMinutes(3));
        var hostile = _temp.WriteFile("hostile.sql", "PRAGMA defer_foreign_keys=TRUE;\n\nATTACH DATABASE 'x' AS y;");
        await _temp.ImportAsync(hostile);

        var monitor = new StoreStatusMonitor(_temp.Store, _temp.History, _temp.Importer, _time, NullLogger<StoreStatusMonitor>.Instance);
        await monitor.RefreshAsync();
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
        _context.Services.AddSingleton(_temp.History);
        _context.Services.AddSingleton(_temp.Store);
        _context.Services.AddSingleton(monitor);
        _context.Services.AddSingleton<TimeProvider>(_time);
        _context.Services.AddSingleton(Options.Create(new HealthOptions()));
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _temp.DisposeAsync();
    }

    [Fact]
    public void Lists_each_import_with_outcome_rows_and_error()
    {
        var page = _context.Render<Imports>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=outcome]").Count));
        var outcomes = page.FindAll("[data-testid=outcome]").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(["Rejected", "Succeeded"], outcomes);
        var errors = page.FindAll("[data-testid=import-error]").Select(e => e.TextContent.Trim()).ToList();
        Assert.Contains("line 3", errors[0]);
        Assert.Contains("ATTACH", errors[0]);
        Assert.Contains("143", page.Markup);
        Assert.Contains("hostile.sql", page.Markup);
    }

    [Fact]
    public void Shows_the_age_of_the_newest_event_and_what_the_store_holds()
    {
        var page = _context.Render<Imports>();

        page.WaitForAssertion(() => Assert.Equal("3 min", page.Find("[data-testid=freshness-age]").TextContent.Trim()));
        Assert.Contains("ops_events: 60 rows", page.Find("[data-testid=table-counts]").TextContent);
        Assert.Contains("auth_attempts: 40 rows", page.Find("[data-testid=table-counts]").TextContent);
    }
}
