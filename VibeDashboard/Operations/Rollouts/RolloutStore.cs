using System.Data;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// The rollout tables (migration 9) as the handlers write them and the board reads them. Writes take the command's
/// context (its immediate transaction holds the write lock, so max + 1 ids cannot race); reads take any open
/// connection, with the transaction when inside a command.
/// </summary>
internal static class RolloutStore
{
    public const string Prefix = "ro-";

    /// <summary><c>ro-7</c> → 7; null for anything else (the API's 404).</summary>
    public static long? NumberOf(string? id) =>
        id is { Length: > 3 } && id.StartsWith(Prefix, StringComparison.Ordinal) && id.AsSpan(3).IndexOfAnyExceptInRange('0', '9') < 0
        && long.TryParse(id.AsSpan(3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : null;

    public static string IdOf(long number) => Prefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private const string Columns = """
        number AS Number, name AS Name, release_name AS ReleaseName, template AS Template, definition_json AS DefinitionJson,
        status_json AS StatusJson, readiness_json AS ReadinessJson, state AS State, version AS Version,
        exposure_version AS ExposureVersion, created_at AS CreatedAt, created_by AS CreatedBy, updated_at AS UpdatedAt
        """;

    private const string GetSql = $"SELECT {Columns} FROM _vd_rollouts WHERE number = @number";

    private const string ListSql = $"SELECT {Columns} FROM _vd_rollouts ORDER BY number DESC";

    private const string ActiveSql = $"SELECT {Columns} FROM _vd_rollouts WHERE state IN ('running', 'ready', 'paused') ORDER BY number";

    public static Task<RolloutRow?> GetAsync(IDbConnection connection, IDbTransaction? transaction, long number, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<RolloutRow>(new CommandDefinition(GetSql, new { number }, transaction, cancellationToken: cancellationToken));

    public static async Task<IReadOnlyList<RolloutRow>> ListAsync(IDbConnection connection, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<RolloutRow>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))).ToList();

    /// <summary>The rollouts the check loop judges: running, ready or paused (a paused one still learns when its alert clears).</summary>
    public static async Task<IReadOnlyList<RolloutRow>> ActiveAsync(IDbConnection connection, CancellationToken cancellationToken, IDbTransaction? transaction = null) =>
        (await connection.QueryAsync<RolloutRow>(new CommandDefinition(ActiveSql, transaction: transaction, cancellationToken: cancellationToken))).ToList();

    // Every change bumps a version and every new rollout adds a row: the total moves exactly when a rollout changed.
    public const string ChangeTotalSql = "SELECT COALESCE(SUM(version), 0) + COUNT(*) FROM _vd_rollouts";

    private const string NextNumberSql = "SELECT COALESCE(MAX(number), 0) + 1 FROM _vd_rollouts";

    public static Task<long> NextNumberAsync(CommandContext context, CancellationToken cancellationToken) =>
        context.Connection.ExecuteScalarAsync<long>(new CommandDefinition(NextNumberSql, transaction: context.Transaction, cancellationToken: cancellationToken));

    private const string InsertSql = """
        INSERT INTO _vd_rollouts (number, name, release_name, template, definition_json, status_json, readiness_json, state, version,
            exposure_version, created_at, created_by, updated_at)
        VALUES (@Number, @Name, @ReleaseName, @Template, @DefinitionJson, @StatusJson, @ReadinessJson, @State, @Version,
            @ExposureVersion, @CreatedAt, @CreatedBy, @UpdatedAt)
        """;

    public static Task InsertAsync(CommandContext context, RolloutRow row, CancellationToken cancellationToken)
    {
        row.UpdatedAt = context.Now.ToUnixTimeMilliseconds();
        return context.Connection.ExecuteAsync(new CommandDefinition(InsertSql, row, context.Transaction, cancellationToken: cancellationToken));
    }

    // Guarded by the version read in the same transaction: the handler compared it already, this keeps a second
    // writer (another process on the same store) from being overwritten silently.
    private const string UpdateSql = """
        UPDATE _vd_rollouts SET status_json = @StatusJson, readiness_json = @ReadinessJson, state = @State, version = @Version,
            exposure_version = @ExposureVersion, updated_at = @UpdatedAt
        WHERE number = @Number AND version = @PreviousVersion
        """;

    public static async Task UpdateAsync(CommandContext context, RolloutRow row, long previousVersion, CancellationToken cancellationToken)
    {
        row.UpdatedAt = context.Now.ToUnixTimeMilliseconds();
        var changed = await context.Connection.ExecuteAsync(new CommandDefinition(UpdateSql, new
        {
            row.Number, row.StatusJson, row.ReadinessJson, row.State, row.Version, row.ExposureVersion, row.UpdatedAt, PreviousVersion = previousVersion,
        }, context.Transaction, cancellationToken: cancellationToken));
        if (changed != 1)
        {
            throw new InvalidOperationException($"rollout {IdOf(row.Number)} changed under its command's write lock");
        }
    }

    // ---- timeline ----

    private const string NextTimelineIdSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM _vd_rollout_timeline";

    private const string InsertTimelineSql = """
        INSERT INTO _vd_rollout_timeline (id, rollout_number, at, wave, actor, text, event, automatic, forced, evidence_json)
        VALUES (@id, @number, @at, @wave, @actor, @text, @event, @automatic, @forced, @evidence)
        """;

    public static async Task AddTimelineAsync(CommandContext context, long number, RolloutLine line, string actor, CancellationToken cancellationToken)
    {
        var id = await context.Connection.ExecuteScalarAsync<long>(new CommandDefinition(NextTimelineIdSql, transaction: context.Transaction, cancellationToken: cancellationToken));
        await context.Connection.ExecuteAsync(new CommandDefinition(InsertTimelineSql, new
        {
            id,
            number,
            at = line.At.ToUnixTimeMilliseconds(),
            wave = line.Wave,
            actor,
            text = line.Text,
            @event = line.Event is { } e ? RolloutWire.Name(e) : null,
            automatic = line.Automatic ? 1 : 0,
            forced = line.Forced ? 1 : 0,
            evidence = line.Evidence.Count == 0 ? null : JsonSerializer.Serialize(line.Evidence, CommandJson.Options),
        }, context.Transaction, cancellationToken: cancellationToken));
    }

    private const string TimelineSql = """
        SELECT at AS At, wave AS Wave, actor AS Actor, text AS Text, event AS Event, automatic AS Automatic, forced AS Forced, evidence_json AS EvidenceJson
        FROM _vd_rollout_timeline WHERE rollout_number = @number ORDER BY at, id
        """;

    public static async Task<IReadOnlyList<RolloutTimelineEntry>> TimelineAsync(IDbConnection connection, IDbTransaction? transaction, long number, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<TimelineRow>(new CommandDefinition(TimelineSql, new { number }, transaction, cancellationToken: cancellationToken)))
        .Select(r => new RolloutTimelineEntry(
            new RolloutLine(Time(r.At), (int)r.Wave, r.Text, r.Event is null ? null : RolloutWire.Parse<RolloutEventKind>(r.Event), r.Automatic != 0, r.Forced != 0,
                r.EvidenceJson is null ? [] : JsonSerializer.Deserialize<List<GateCheck>>(r.EvidenceJson, CommandJson.Options) ?? []),
            r.Actor))
        .ToList();

    // ---- gate checks ----

    private const string NextCheckIdSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM _vd_rollout_checks";

    private const string InsertCheckSql = """
        INSERT INTO _vd_rollout_checks (id, rollout_number, wave, gate, kind, result, value, threshold, checked_at, check_json)
        VALUES (@id, @number, @wave, @gate, @kind, @result, @value, @threshold, @checkedAt, @json)
        """;

    public static async Task AddChecksAsync(CommandContext context, long number, int wave, IReadOnlyList<GateCheck> checks, CancellationToken cancellationToken)
    {
        var id = await context.Connection.ExecuteScalarAsync<long>(new CommandDefinition(NextCheckIdSql, transaction: context.Transaction, cancellationToken: cancellationToken));
        foreach (var check in checks)
        {
            await context.Connection.ExecuteAsync(new CommandDefinition(InsertCheckSql, new
            {
                id = id++,
                number,
                wave,
                gate = check.Gate,
                kind = RolloutWire.Name(check.Kind),
                result = RolloutWire.Name(check.Result),
                value = Finite(check.Value),
                threshold = Finite(check.Threshold),
                checkedAt = check.CheckedAt.ToUnixTimeMilliseconds(),
                json = JsonSerializer.Serialize(check, CommandJson.Options),
            }, context.Transaction, cancellationToken: cancellationToken));
        }
    }

    private const string ChecksSql = """
        SELECT check_json FROM _vd_rollout_checks WHERE rollout_number = @number ORDER BY checked_at DESC, id DESC LIMIT @limit
        """;

    public static async Task<IReadOnlyList<GateCheck>> ChecksAsync(IDbConnection connection, long number, int limit, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(ChecksSql, new { number, limit }, cancellationToken: cancellationToken)))
        .Select(j => JsonSerializer.Deserialize<GateCheck>(j, CommandJson.Options)!).ToList();

    // ---- attestations ----

    private const string NextAttestationIdSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM _vd_rollout_attestations";

    private const string InsertAttestationSql = """
        INSERT INTO _vd_rollout_attestations (id, rollout_number, item, attested_by, attested_at, link)
        VALUES (@id, @number, @item, @by, @at, @link)
        """;

    public static async Task AddAttestationAsync(CommandContext context, long number, ReadinessAttestation attestation, CancellationToken cancellationToken)
    {
        var id = await context.Connection.ExecuteScalarAsync<long>(new CommandDefinition(NextAttestationIdSql, transaction: context.Transaction, cancellationToken: cancellationToken));
        await context.Connection.ExecuteAsync(new CommandDefinition(InsertAttestationSql, new
        {
            id,
            number,
            item = attestation.Item.Name(),
            by = attestation.By,
            at = attestation.At.ToUnixTimeMilliseconds(),
            link = attestation.Link,
        }, context.Transaction, cancellationToken: cancellationToken));
    }

    private const string AttestationsSql = """
        SELECT item AS Item, attested_by AS AttestedBy, attested_at AS AttestedAt, link AS Link
        FROM _vd_rollout_attestations WHERE rollout_number = @number ORDER BY attested_at, id
        """;

    public static async Task<IReadOnlyList<ReadinessAttestation>> AttestationsAsync(IDbConnection connection, IDbTransaction? transaction, long number, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<AttestationRow>(new CommandDefinition(AttestationsSql, new { number }, transaction, cancellationToken: cancellationToken)))
        .Select(r => new ReadinessAttestation(RolloutWire.Parse<ReadinessItemKey>(r.Item), r.AttestedBy, Time(r.AttestedAt), r.Link)).ToList();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    // A non-finite number cannot be stored portably (PostgreSQL's DOUBLE takes it, SQLite's REAL turns NaN to NULL):
    // the column is for sorting and charts, the check's JSON keeps what was judged.
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private sealed class TimelineRow
    {
        public long At { get; set; }
        public long Wave { get; set; }
        public string Actor { get; set; } = "";
        public string Text { get; set; } = "";
        public string? Event { get; set; }
        public long Automatic { get; set; }
        public long Forced { get; set; }
        public string? EvidenceJson { get; set; }
    }

    private sealed class AttestationRow
    {
        public string Item { get; set; } = "";
        public string AttestedBy { get; set; } = "";
        public long AttestedAt { get; set; }
        public string Link { get; set; } = "";
    }
}

/// <summary>One stored timeline line and who it is recorded under (<c>system</c> for the check loop's lines).</summary>
public sealed record RolloutTimelineEntry(RolloutLine Line, string Actor);

/// <summary>A row of <c>_vd_rollouts</c>; the definition and status as their JSON, parsed on demand.</summary>
internal sealed class RolloutRow
{
    public long Number { get; set; }
    public string Name { get; set; } = "";
    public string ReleaseName { get; set; } = "";
    public string? Template { get; set; }
    public string DefinitionJson { get; set; } = "";
    public string StatusJson { get; set; } = "";
    public string ReadinessJson { get; set; } = "[]";
    public string State { get; set; } = "";
    public long Version { get; set; }
    public long ExposureVersion { get; set; }
    public long CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public long UpdatedAt { get; set; }

    public string Id => RolloutStore.IdOf(Number);

    public RolloutDefinition Definition() => RolloutWire.ReadDefinition(DefinitionJson, Id);

    public RolloutStatus Status() =>
        JsonSerializer.Deserialize<RolloutStatus>(StatusJson, CommandJson.Options) ?? throw new InvalidDataException($"rollout {Id} has no status");

    public IReadOnlyList<ReadinessItem> Readiness() =>
        JsonSerializer.Deserialize<List<ReadinessItem>>(ReadinessJson, CommandJson.Options) ?? [];

    public void SetStatus(RolloutStatus status)
    {
        StatusJson = JsonSerializer.Serialize(status, CommandJson.Options);
        State = RolloutWire.Name(status.State);
        Version = status.Version;
        ExposureVersion = status.ExposureVersion;
    }

    public void SetReadiness(IReadOnlyList<ReadinessItem> readiness) => ReadinessJson = JsonSerializer.Serialize(readiness, CommandJson.Options);

    public RolloutRow Copy() => (RolloutRow)MemberwiseClone();
}

/// <summary>Enum wire names (the same as JSON's) for the store's TEXT columns, and the stored definition's reader.</summary>
internal static class RolloutWire
{
    public static string Name<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value).Trim('"');

    public static T Parse<T>(string text) where T : struct, Enum => JsonSerializer.Deserialize<T>("\"" + text + "\"");

    /// <summary>
    /// A stored definition, read back in its written shape. It was validated against the configuration when it was
    /// created; reading it checks its shape only, not today's configuration — an SLO removed since, or a budget
    /// unset, must not make a running rollout unreadable (its gate is then Error, which holds the wave).
    /// </summary>
    public static RolloutDefinition ReadDefinition(string json, string id)
    {
        var slos = new HashSet<string>(StringComparer.Ordinal);
        if (JsonNode.Parse(json)?["gates"] is JsonArray gates)
        {
            foreach (var list in gates.Select(g => g?["slos"]).OfType<JsonArray>())
            {
                slos.UnionWith(list.Select(s => s?.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null).OfType<string>());
            }
        }

        return RolloutDefinitionJson.TryParse(json, new RolloutDefinitionContext(slos, MonthlyCostBudgetUsd: 1, Stored: true), out var definition, out var problems)
            ? definition
            : throw new InvalidDataException($"rollout {id}'s stored definition does not parse: {string.Join("; ", problems)}");
    }
}
