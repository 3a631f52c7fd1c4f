using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// Auth:Mode=Token: once Kestrel listens, issues this start's one-time link and logs it as one line
/// <c>Sign in: http://host:port/login?t=…</c> (scripts read that shape). A wildcard listen address is shown as
/// localhost, which the person at the console can open.
/// </summary>
public sealed class SignInLinkAnnouncer(
    SignInLinks links,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<AuthOptions> options,
    ILogger<SignInLinkAnnouncer> logger) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode == AuthMode.Token)
        {
            _registration = lifetime.ApplicationStarted.Register(Announce);
        }

        return Task.CompletedTask;
    }

    private void Announce()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        // https first: the link carries a secret, and a session signed in over http gets no Secure cookie.
        var address = addresses.OrderBy(a => a.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? 0 : 1).FirstOrDefault();
        if (address is null)
        {
            // In-memory test servers listen nowhere; tests issue links themselves.
            return;
        }

        var secret = links.Issue(options.Value.SignInLinkLifetime);
        logger.LogWarning("{SignInLine}", SignInLinks.LogLine(Displayable(address), secret));
    }

    /// <summary><c>http://[::]:5000</c>, <c>http://0.0.0.0:5000</c> and <c>http://+:5000</c> cannot be opened; localhost can.</summary>
    internal static string Displayable(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return address;
        }

        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration.Dispose();
        return Task.CompletedTask;
    }
}
