using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// Open hub connections and the principal each was opened with. Every <c>Auth:RevalidationInterval</c>, and at once
/// when the access state changes, a connection whose token was revoked or whose role was lowered is aborted: the
/// client's reconnect then authenticates afresh (and a revoked token gets 401). Registered as a global hub filter, so
/// every hub is covered without its own code.
/// </summary>
public sealed class HubConnectionGuard(
    AccessRevalidator revalidator,
    IAccessDirectory directory,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<HubConnectionGuard> logger) : BackgroundService, IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();
    private readonly SemaphoreSlim _changed = new(0, 1);

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // Blazor's own circuit hub is left to CircuitRevalidation, which sends the page to sign-in; aborting its
        // connection here would only leave the page retrying a reconnect that can no longer be let in.
        if (!IsBlazorCircuit(context.Hub))
        {
            _connections[context.Context.ConnectionId] = context.Context;
        }

        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }

    private static bool IsBlazorCircuit(Hub hub) =>
        hub.GetType().Namespace?.StartsWith("Microsoft.AspNetCore.Components", StringComparison.Ordinal) == true;

    /// <summary>Aborts every connection whose principal no longer holds; returns how many.</summary>
    public int Sweep()
    {
        var aborted = 0;
        foreach (var (id, context) in _connections)
        {
            if (context.User is { } user && !revalidator.StillHolds(user))
            {
                logger.LogInformation("Hub connection {ConnectionId} of {Name} closed: its access was revoked or lowered", id, user.Identity?.Name);
                _connections.TryRemove(id, out _);
                context.Abort();
                aborted++;
            }
        }

        return aborted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = directory.Subscribe(() =>
        {
            if (_changed.CurrentCount == 0)
            {
                try
                {
                    _changed.Release();
                }
                catch (SemaphoreFullException)
                {
                }
            }

            return Task.CompletedTask;
        });

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Whichever comes first: the interval (expiries need no change to take effect) or a change.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(options.Value.RevalidationInterval, time, timeout.Token);
                var signal = _changed.WaitAsync(timeout.Token);
                await Task.WhenAny(delay, signal);
                await timeout.CancelAsync();
                Sweep();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Hub connection revalidation failed; retrying at the next interval");
            }
        }
    }
}
