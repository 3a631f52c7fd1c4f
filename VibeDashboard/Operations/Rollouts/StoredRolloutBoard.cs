using System.Globalization;
using Dapper;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// The rollouts' read model over the store (<see cref="IRolloutBoard"/>). Its subscribers are signalled after a
/// command that changed a rollout commits: on the pipeline's commit signal the board reads the rollouts' change
/// total (every change bumps a version, every new rollout adds a row), which moves only when a rollout changed.
/// A draft's readiness is judged afresh on <see cref="GetAsync"/> (evidence may have arrived since it was created);
/// lists show it as last judged.
/// </summary>
public sealed class StoredRolloutBoard : IRolloutBoard, IDisposable
{
    /// <summary>The most checks <see cref="ChecksAsync"/> returns.</summary>
    public const int MaxChecks = 1_000;

    private readonly SqliteConnectionFactory _connections;
    private readonly StoreSchema _schema;
    private readonly RolloutReadiness _readiness;
    private readonly TimeProvider _time;
    private readonly ILogger<StoredRolloutBoard> _logger;
    private readonly CommitSignal _signal;

    public StoredRolloutBoard(SqliteConnectionFactory connections, StoreSchema schema, ICommandPipeline pipeline, RolloutReadiness readiness, TimeProvider time, ILogger<StoredRolloutBoard> logger)
    {
        _connections = connections;
        _schema = schema;
        _readiness = readiness;
        _time = time;
        _logger = logger;
        _signal = new CommitSignal(pipeline, ReadChangeTotalAsync, logger, "rollouts");
    }

    public async Task<IReadOnlyList<RolloutView>> ListAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await _connections.OpenAsync(cancellationToken);
        var views = new List<RolloutView>();
        foreach (var row in await RolloutStore.ListAsync(connection, cancellationToken))
        {
            RolloutView view;
            try
            {
                view = RolloutViews.Of(row, await RolloutStore.TimelineAsync(connection, null, row.Number, cancellationToken));
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                // One row damaged outside the dashboard must not hide the others (the check loop skips it too).
                _logger.LogWarning(e, "Rollout {Id} cannot be read; it is left out of the list", row.Id);
                continue;
            }

            views.Add(view);
        }

        return views;
    }

    public async Task<RolloutView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (RolloutStore.NumberOf(id) is not { } number)
        {
            return null;
        }

        await _schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await _connections.OpenAsync(cancellationToken);
        var row = await RolloutStore.GetAsync(connection, null, number, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var view = RolloutViews.Of(row, await RolloutStore.TimelineAsync(connection, null, number, cancellationToken));
        if (view.Status.State == RolloutState.Draft)
        {
            var attestations = await RolloutStore.AttestationsAsync(connection, null, number, cancellationToken);
            view = view with { Readiness = await _readiness.JudgeAsync(view.Definition, attestations, _time.GetUtcNow(), cancellationToken, fresh: false) };
        }

        return view;
    }

    public async Task<IReadOnlyList<GateCheck>> ChecksAsync(string id, int limit, CancellationToken cancellationToken)
    {
        if (RolloutStore.NumberOf(id) is not { } number)
        {
            return [];
        }

        await _schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await _connections.OpenAsync(cancellationToken);
        return await RolloutStore.ChecksAsync(connection, number, Math.Clamp(limit, 1, MaxChecks), cancellationToken);
    }

    // Exposure versions only grow and rollouts are never deleted, so (count, sum) of the exposed rollouts' exposure
    // versions changes on every change the Worker can see and on nothing else: a strong ETag without hashing.
    public async Task<(IReadOnlyList<ExposureEntry> Rollouts, string ETag)> ExposureAsync(CancellationToken cancellationToken)
    {
        await _schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await _connections.OpenAsync(cancellationToken);
        var rows = (await RolloutStore.ListAsync(connection, cancellationToken)).Where(r => r.State != RolloutWire.Name(RolloutState.Draft)).ToList();
        var entries = new List<ExposureEntry>();
        foreach (var row in rows)
        {
            try
            {
                entries.Add(RolloutWriter.Exposure(row.Id, row.Definition(), row.Status()));
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException)
            {
                _logger.LogWarning(e, "Rollout {Id} cannot be read; it is left out of the exposure", row.Id);
            }
        }

        var etag = string.Create(CultureInfo.InvariantCulture, $"\"x{entries.Count}.{entries.Sum(e => e.Version)}\"");
        return (entries, etag);
    }

    public IDisposable Subscribe(Func<Task> changed) => _signal.Subscribe(changed);

    public void Dispose() => _signal.Dispose();

    // Every change bumps a version and every new rollout adds a row: the total moves exactly when a rollout changed.
    private async Task<long> ReadChangeTotalAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(RolloutStore.ChangeTotalSql, cancellationToken: cancellationToken));
    }
}
