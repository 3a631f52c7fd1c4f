using Microsoft.AspNetCore.Components.Authorization;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Components;

/// <summary>
/// The client a circuit serves, captured from the HTTP request that opened it (App.razor passes it to Routes):
/// a circuit outlives that request, and its commands are audited with the IP and user agent.
/// </summary>
public sealed class CircuitClient
{
    public string? ClientIp { get; set; }

    public string? UserAgent { get; set; }
}

/// <summary>
/// How a page sends a command: as the circuit's signed-in principal (its current, revalidated role), through the
/// one <see cref="ICommandPipeline"/>. Scoped: one per circuit.
/// </summary>
public sealed class CommandSender(ICommandPipeline pipeline, AuthenticationStateProvider authentication, CircuitClient client)
{
    public async Task<Actor> ActorAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return DashboardPrincipal.ActorOf(state.User, client.ClientIp, client.UserAgent);
    }

    /// <summary>
    /// Sends <paramref name="command"/> off the circuit's thread: Microsoft.Data.Sqlite runs its "async" calls
    /// synchronously, and a write waits for the store's write lock, which an import holds for its whole transaction
    /// (up to <c>Storage:BusyTimeoutMs</c>). On the circuit that wait would freeze the page; off it, the page keeps
    /// rendering (its live numbers, its "sending" state) and the result comes back through the renderer as usual.
    /// </summary>
    public async Task<CommandResult<TResult>> SendAsync<TResult>(ICommand<TResult> command, CancellationToken cancellationToken = default)
    {
        var actor = await ActorAsync();
        return await Task.Run(() => pipeline.SendAsync(command, actor, cancellationToken), CancellationToken.None);
    }

    /// <summary>The circuit principal's role now (null when signed out); pages use it only to hide what the role cannot do.</summary>
    public async Task<DashboardRole?> RoleAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return DashboardPrincipal.RoleOf(state.User);
    }
}
