using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using VibeDashboard.Components.Pages;
using VibeDashboard.Configuration;
using VibeDashboard.Model;
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
        _context.Services.AddSingleton(_temp.Services.GetRequiredService<VibeDashboard.Model.ImportActivity>());
        _context.Services.AddSingleton(_temp.Store);
        _context.Services.AddSingleton(monitor);
        _context.Services.AddSingleton<TimeProvider>(_time);
        _context.Services.AddSingleton(Options.Create(new HealthOptions()));
        _context.Services.AddSingleton(_temp.Services.GetRequiredService<VibeDashboard.Operations.Commands.ICommandPipeline>());
        _context.Services.AddScoped<VibeDashboard.Components.CircuitClient>();
        _context.Services.AddScoped<VibeDashboard.Components.CommandSender>();
        _auth = _context.AddAuthorization();
        SignInAs("admin");
    }

    private Bunit.TestDoubles.BunitAuthorizationContext _auth = null!;

    private void SignInAs(string role) => _auth.SetAuthorized(role + "@example.com").SetClaims(
        new System.Security.Claims.Claim(VibeDashboard.Operations.Access.DashboardClaims.Role, role));

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

    [Fact]
    public async Task Shows_the_quarantined_count_of_an_import_and_lists_its_rows_with_line_reason_and_excerpt()
    {
        var dump = new System.Text.StringBuilder("PRAGMA defer_foreign_keys=TRUE;\nCREATE TABLE ops_events (id TEXT PRIMARY KEY, occurred_at INTEGER, event_type TEXT, duration_ms REAL);\n");
        for (var i = 0; i < 150; i++)
        {
            dump.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO \"ops_events\" VALUES('q-{i}',1764187200000,'probe',5);\n");
        }

        dump.Append("INSERT INTO \"ops_events\" VALUES('q-bad',1764187200000,'probe',1e999);\n");
        var result = await _temp.ImportAsync(_temp.WriteFile("quarantine.sql", dump.ToString()));
        Assert.True(result.Succeeded, result.Record.Error);

        var page = _context.Render<Imports>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=outcome]").Count));
        Assert.Equal(["1", "0", "0"], page.FindAll("[data-testid=quarantined]").Select(e => e.TextContent.Trim()));
        page.Find("[data-testid=show-quarantine]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=quarantine-line]")));
        Assert.Equal("153", page.Find("[data-testid=quarantine-line]").TextContent.Trim());
        Assert.Contains("duration_ms ∞ is not a finite number", page.Find("[data-testid=quarantine-reason]").TextContent.Replace("Infinity", "∞"));
        Assert.Contains("\"id\":\"q-bad\"", page.Find("[data-testid=quarantine-excerpt]").TextContent);
        Assert.Contains("quarantine.sql", page.Find("[data-testid=quarantine]").TextContent);
    }

    [Fact]
    public async Task Shows_a_held_import_with_its_reason_and_applies_it_through_the_importer_on_apply_anyway()
    {
        var cut = _temp.WriteFile("cut.sql", VibeDashboard.Tests.Ingestion.ImportValidationTests.CutAfterAuthAttempts(Fixtures.Wrangler("vibesdk-full-2.sql"), keep: 10));
        Assert.True((await _temp.ImportAsync(cut)).Held);

        var page = _context.Render<Imports>();

        page.WaitForAssertion(() => Assert.Equal("Held", page.FindAll("[data-testid=outcome]")[0].TextContent.Trim()));
        Assert.Contains("auth_attempts would shrink from 40 to 10 rows", page.FindAll("[data-testid=import-error]")[0].TextContent);
        var apply = Assert.Single(page.FindAll("[data-testid=apply-anyway]"));
        Assert.True(apply.HasAttribute("disabled")); // a forced action needs a reason first
        page.Find("[data-testid=apply-reason]").Input("the export really is smaller");
        await page.Find("[data-testid=apply-anyway]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Applied cut.sql", page.Find("[data-testid=apply-message]").TextContent));
        Assert.Equal(10, await _temp.CountAsync("auth_attempts"));
        Assert.Equal("Succeeded", page.FindAll("[data-testid=outcome]")[0].TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=apply-anyway]"));
    }

    [Fact]
    public async Task A_viewer_sees_a_held_import_but_no_apply_anyway()
    {
        var cut = _temp.WriteFile("cut.sql", VibeDashboard.Tests.Ingestion.ImportValidationTests.CutAfterAuthAttempts(Fixtures.Wrangler("vibesdk-full-2.sql"), keep: 10));
        Assert.True((await _temp.ImportAsync(cut)).Held);
        SignInAs("viewer");

        var page = _context.Render<Imports>();

        page.WaitForAssertion(() => Assert.Equal("Held", page.FindAll("[data-testid=outcome]")[0].TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid=apply-anyway]"));
    }
}
