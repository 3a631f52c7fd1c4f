using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VibeDashboard.Hosting;
using VibeDashboard.Ingestion;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>
/// The real app (Hosting's AddVibeDashboard/MapVibeDashboard) on Kestrel at a random loopback port, in
/// Development so the package static assets are served, on a temporary store with demo data off.
/// </summary>
public sealed class LiveDashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LiveDashboardHost(WebApplication app, string directory)
    {
        _app = app;
        Directory = directory;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
    }

    public string BaseUrl { get; }

    public string Directory { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<LiveDashboardHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vd-e2e", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The app's name finds its static web assets manifests, copied next to the test assembly.
            ApplicationName = typeof(VibeDashboardHosting).Assembly.GetName().Name,
            EnvironmentName = Environments.Development,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var values = new Dictionary<string, string?>
        {
            ["Storage:Path"] = Path.Combine(directory, "store.db"),
            ["Demo:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.AddVibeDashboard();
        var app = builder.Build();
        app.MapVibeDashboard();
        await app.StartAsync();
        return new LiveDashboardHost(app, directory);
    }

    /// <summary>Imports a generated wrangler-format dump through the app's own importer (as the watch folder or CLI would).</summary>
    public async Task ImportAsync(IEnumerable<DumpEvent> events)
    {
        var path = Path.Combine(Directory, $"dump-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(path, WranglerDump.OpsEvents(events));
        var result = await Services.GetRequiredService<Importer>().ImportFileAsync(path);
        Assert.True(result.Succeeded, result.Record.Error);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
