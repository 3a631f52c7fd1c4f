using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Tests.Components.Incidents;

/// <summary>
/// A command pipeline that records what pages send (with the actor) and answers as the test says: by default Ok
/// with the value <see cref="Answer"/> returns. The real pipeline and handlers are the backend's, tested there.
/// </summary>
public sealed class RecordingPipeline : ICommandPipeline
{
    public List<(ICommand Command, Actor Actor)> Sent { get; } = [];

    /// <summary>The answer to a command: outcome, value (must be of the command's result type), error.</summary>
    public Func<ICommand, (CommandOutcome Outcome, object? Value, string? Error)> Answer { get; set; } = _ => (CommandOutcome.Ok, null, null);

    public IEnumerable<T> SentOf<T>() => Sent.Select(s => s.Command).OfType<T>();

    public Task<CommandResult<TResult>> SendAsync<TResult>(ICommand<TResult> command, Actor actor, CancellationToken cancellationToken = default)
    {
        Sent.Add((command, actor));
        var (outcome, value, error) = Answer(command);
        return Task.FromResult(new CommandResult<TResult>(outcome, value is TResult typed ? typed : default, error, null, Sent.Count));
    }

    public Task<long> RecordRejectedAsync(string action, string targetType, string targetId, Actor actor, CommandOutcome outcome, string reason, CancellationToken cancellationToken = default) =>
        Task.FromResult(0L);

    public IDisposable Subscribe(Func<Task> committed) => new Nothing();

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
