using Dapper;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Notifications;

/// <summary>
/// Puts a dead delivery back in the queue (admin): pending, due now, with a fresh <c>GiveUpAfter</c> and the same
/// delivery id (a receiver that deduplicates on it still can). Its attempts so far are kept.
/// </summary>
public sealed record RetryDeliveryCommand(string DeliveryId, string? Reason = null, string? IdempotencyKey = null) : ICommand<DeliveryView>
{
    public string Action => "delivery.retry";

    public DashboardRole RequiredRole => DashboardRole.Admin;

    public string TargetType => "delivery";

    public string TargetId => DeliveryId;

    public long? ExpectedVersion => null;
}

public sealed class RetryDeliveryHandler(IOptions<NotificationOptions> options) : ICommandHandler<RetryDeliveryCommand, DeliveryView>
{
    public string? Validate(RetryDeliveryCommand command) =>
        Guid.TryParse(command.DeliveryId, out _) ? null : $"deliveryId '{command.DeliveryId}' is not a delivery id (a GUID)";

    private const string GetSql = $"SELECT {DeliveryLog.Columns} FROM _vd_deliveries WHERE id = @id";

    private const string RetrySql = """
        UPDATE _vd_deliveries SET status = 'pending', next_attempt_at = @now, deadline_at = @deadline
        WHERE id = @id AND status = 'dead'
        """;

    public async Task<CommandEffect<DeliveryView>> ApplyAsync(RetryDeliveryCommand command, CommandContext context, CancellationToken cancellationToken)
    {
        var id = Guid.Parse(command.DeliveryId).ToString("D");
        var before = await context.Connection.QuerySingleOrDefaultAsync<DeliveryLog.DeliveryRow>(new CommandDefinition(GetSql, new { id }, context.Transaction, cancellationToken: cancellationToken));
        if (before is null)
        {
            return CommandEffect<DeliveryView>.Invalid($"no delivery {id}", notFound: true);
        }

        if (before.StatusText != "dead")
        {
            return CommandEffect<DeliveryView>.Invalid($"delivery {id} is {before.StatusText}: only a dead delivery can be retried");
        }

        await context.Connection.ExecuteAsync(new CommandDefinition(RetrySql, new
        {
            id,
            now = context.Now.ToUnixTimeMilliseconds(),
            deadline = (context.Now + options.Value.GiveUpAfter).ToUnixTimeMilliseconds(),
        }, context.Transaction, cancellationToken: cancellationToken));
        var after = (await context.Connection.QuerySingleAsync<DeliveryLog.DeliveryRow>(new CommandDefinition(GetSql, new { id }, context.Transaction, cancellationToken: cancellationToken))).ToView();
        var view = before.ToView();
        return CommandEffect<DeliveryView>.Ok(after,
            new { status = view.Status, view.Attempts, view.LastError, view.DeadlineAt },
            new { status = after.Status, after.NextAttemptAt, after.DeadlineAt },
            null, id);
    }
}
