using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>
/// The real host (Program + Hosting) on a temporary store, in Development so static assets are served.
/// Settings override appsettings.json; <see cref="Time"/> replaces the clock when given.
/// </summary>
public sealed class DashboardAppFactory(IDictionary<string, string?>? settings = null, FakeTimeProvider? time = null) : WebApplicationFactory<Program>
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "vd-tests", Guid.NewGuid().ToString("N"));

    public string StorePath => Path.Combine(Directory, "store.db");

    public FakeTimeProvider? Time { get; } = time;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        System.IO.Directory.CreateDirectory(Directory);
        builder.UseEnvironment("Development");
        builder.UseSetting("Storage:Path", StorePath);
        builder.UseSetting("Demo:Enabled", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (Time is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
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
