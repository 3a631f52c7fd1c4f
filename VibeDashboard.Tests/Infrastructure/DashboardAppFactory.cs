using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Configuration;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>
/// The real host (Program + Hosting) on a temporary store, in Development so static assets are served.
/// Settings override appsettings.json; <see cref="Time"/> replaces the clock when given. Access is as in production
/// (Token mode): tests sign in with <see cref="CreateClientAsAsync"/> or <see cref="SignInBrowserAsync"/>.
/// With demo data on, the host is handed over once the demo store's background build has settled, as tests expect
/// the demo to be there (<see cref="AwaitDemoBuild"/> off: the start-up tests watch the build).
/// </summary>
public sealed class DashboardAppFactory(IDictionary<string, string?>? settings = null, FakeTimeProvider? time = null) : WebApplicationFactory<Program>
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "vd-tests", Guid.NewGuid().ToString("N"));

    public string StorePath => Path.Combine(Directory, "store.db");

    public FakeTimeProvider? Time { get; } = time;

    /// <summary>Wait for the demo store's background build before handing the host over (the default).</summary>
    public bool AwaitDemoBuild { get; init; } = true;

    /// <summary>Registrations applied after the app's own (they win).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    private static readonly TimeSpan DemoBuildTimeout = TimeSpan.FromMinutes(2);

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        if (AwaitDemoBuild)
        {
            // CreateHost is synchronous; the build runs on the thread pool and its waiters resume there, so blocking
            // here cannot deadlock.
            host.Services.GetRequiredService<DemoBuild>().WhenSettledAsync().WaitAsync(DemoBuildTimeout).GetAwaiter().GetResult();
        }

        return host;
    }

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

        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }
    }

    /// <summary>Creates an API token through the command pipeline (as the system, like the CLI) and returns it.</summary>
    public async Task<string> CreateTokenAsync(DashboardRole role, string? name = null, string? expires = null)
    {
        var pipeline = Services.GetRequiredService<ICommandPipeline>();
        var result = await pipeline.SendAsync(new CreateTokenCommand(name ?? $"{role.Name()}-{Guid.NewGuid():N}"[..20], role, expires), Actor.System("tests"));
        Assert.True(result.Succeeded, result.Error);
        return result.Value!.Token!;
    }

    /// <summary>A client that does not follow redirects (tests assert them), sending a fresh API token of this role.</summary>
    public async Task<HttpClient> CreateClientAsAsync(DashboardRole role)
    {
        var token = await CreateTokenAsync(role);
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A hub connection to <paramref name="path"/> over the test server (long polling) with a fresh API token of this role.</summary>
    public async Task<HubConnection> CreateHubConnectionAsAsync(DashboardRole role, string path)
    {
        var token = await CreateTokenAsync(role);
        var server = Server;
        return new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, path), o =>
            {
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
    }

    /// <summary>A client without credentials that does not follow redirects.</summary>
    public HttpClient CreateAnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>Issues a one-time start-up link (as the app does at start) and returns its path, <c>/login?t=…</c>.</summary>
    public string IssueSignInLink()
    {
        var lifetime = Services.GetRequiredService<IOptions<AuthOptions>>().Value.SignInLinkLifetime;
        return VibeDashboard.Utils.DashboardUrls.Login(token: Services.GetRequiredService<SignInLinks>().Issue(lifetime));
    }

    /// <summary>A browser-like client (keeps cookies, no auto-redirect) signed in through a start-up link, as admin.</summary>
    public async Task<HttpClient> SignInBrowserAsync()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using var response = await client.GetAsync(IssueSignInLink());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
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
