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
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.EndToEnd;

/// <summary>
/// The real app (Hosting's AddVibeDashboard/MapVibeDashboard) on Kestrel at a random loopback port, in
/// Development so the package static assets are served, on a temporary store with demo data off. With demo data
/// on, <see cref="StartAsync"/> returns once the demo store's background build has settled (tests expect the demo).
/// </summary>
public sealed class LiveDashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SignInLineCapture _log;

    private LiveDashboardHost(WebApplication app, string directory, SignInLineCapture log)
    {
        _app = app;
        _log = log;
        Directory = directory;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
    }

    public string BaseUrl { get; }

    /// <summary>Set once the logged link was opened (it works once).</summary>
    internal int LoggedLinkUsed;

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
        var log = new SignInLineCapture();
        builder.Logging.AddProvider(log);
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
        await app.Services.GetRequiredService<DemoBuild>().WhenSettledAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new LiveDashboardHost(app, directory, log);
    }

    /// <summary>The <c>Sign in: …</c> link the app logged at start, as a person at the console would copy it.</summary>
    public string LoggedSignInLink => _log.Link ?? throw new InvalidOperationException("the app logged no Sign in: line");

    /// <summary>A fresh one-time link (the logged one works once): for further browser contexts in the same test.</summary>
    public string IssueSignInLink()
    {
        var lifetime = Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<VibeDashboard.Configuration.AuthOptions>>().Value.SignInLinkLifetime;
        return BaseUrl + VibeDashboard.Utils.DashboardUrls.Login(token: Services.GetRequiredService<VibeDashboard.Operations.Access.SignInLinks>().Issue(lifetime));
    }

    /// <summary>Creates an API token through the command pipeline, as the CLI would.</summary>
    public async Task<string> CreateTokenAsync(VibeDashboard.Operations.Access.DashboardRole role, string name)
    {
        var result = await Services.GetRequiredService<VibeDashboard.Operations.Commands.ICommandPipeline>()
            .SendAsync(new VibeDashboard.Operations.Access.CreateTokenCommand(name, role), VibeDashboard.Operations.Commands.Actor.System("tests"));
        Assert.True(result.Succeeded, result.Error);
        return result.Value!.Token!;
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

/// <summary>Keeps the app's <c>Sign in: http://…/login?t=…</c> log line, as a script reading the console would.</summary>
internal sealed class SignInLineCapture : ILoggerProvider
{
    private volatile string? _link;

    public string? Link => _link;

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(SignInLineCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (message.StartsWith("Sign in: ", StringComparison.Ordinal))
            {
                owner._link = message["Sign in: ".Length..];
            }
        }
    }
}
