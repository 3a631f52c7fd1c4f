using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using VibeDashboard.Ingestion;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations;

/// <summary>
/// Operator state shares the store file with imported data, but imports, demo rebuilds and the first real import
/// (which wipes the demo) never touch it: tokens keep working and the audit chain stays whole.
/// </summary>
public sealed class OperatorTablesTests : IAsyncLifetime
{
    private readonly DashboardAppFactory _app = new(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "1" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Tokens_and_the_audit_log_survive_a_demo_rebuild_and_an_import_that_replaces_every_table()
    {
        var token = await _app.CreateTokenAsync(DashboardRole.Viewer, "survivor");
        await _app.CreateTokenAsync(DashboardRole.Admin, "other");

        Assert.True(await _app.Services.GetRequiredService<DemoSeeder>().EnsureDemoAsync()); // rebuilt from scratch
        await AssertIntactAsync(token);

        var export = Path.Combine(AppContext.BaseDirectory, "TestData", "wrangler", "vibesdk-full.sql");
        var imported = await _app.Services.GetRequiredService<Importer>().ImportFileAsync(export);
        Assert.True(imported.Succeeded, imported.Record.Error); // the first real import wipes the demo
        await AssertIntactAsync(token);
    }

    private async Task AssertIntactAsync(string token)
    {
        using var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/snapshot")).StatusCode);
        var verification = await _app.Services.GetRequiredService<AuditVerifier>().VerifyAsync();
        Assert.True(verification.Holds, verification.Reason);
        Assert.Equal(2, verification.Entries);
    }
}
