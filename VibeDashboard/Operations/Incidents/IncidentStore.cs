using System.Data;
using System.Text.Json;
using Dapper;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// The incident tables (migration 7) as the handlers write them and the board reads them. Writes take the
/// command's context (its immediate transaction holds the write lock, so max + 1 ids cannot race); reads take any
/// open connection, with the transaction when inside a command.
/// </summary>
internal static class IncidentStore
{
    private const string IncidentColumns = """
        number AS Number, class AS Class, incident_key AS IncidentKey, title AS Title, severity AS Severity, status AS Status,
        source AS Source, started_at AS StartedAt, detected_at AS DetectedAt, acknowledged_at AS AcknowledgedAt,
        mitigated_at AS MitigatedAt, resolved_at AS ResolvedAt, ended_at AS EndedAt, owner AS Owner, eta AS Eta,
        next_update_at AS NextUpdateAt, duplicate_of AS DuplicateOf, postmortem_published AS PostmortemPublished,
        signal_rule AS SignalRule, signal_active AS SignalActive, signal_started_at AS SignalStartedAt,
        signal_cleared_at AS SignalClearedAt, signal_evidence_json AS SignalEvidenceJson, version AS Version
        """;

    public const string SelectIncidents = $"SELECT {IncidentColumns} FROM _vd_incidents";

    private const string GetSql = $"{SelectIncidents} WHERE number = @number";

    public static Task<IncidentRow?> GetAsync(IDbConnection connection, IDbTransaction? transaction, long number, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(GetSql, new { number }, transaction, cancellationToken: cancellationToken));

    private const string ByClassKeySql = $"{SelectIncidents} WHERE class = @class AND incident_key = @key ORDER BY number";

    public static async Task<IReadOnlyList<IncidentRow>> ByClassKeyAsync(IDbConnection connection, IDbTransaction? transaction, IncidentClass incidentClass, string key, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<IncidentRow>(new CommandDefinition(ByClassKeySql, new { @class = IncidentWire.Name(incidentClass), key }, transaction, cancellationToken: cancellationToken))).ToList();

    private const string NextNumberSql = "SELECT COALESCE(MAX(number), 0) + 1 FROM _vd_incidents";

    public static Task<long> NextNumberAsync(CommandContext context, CancellationToken cancellationToken) =>
        context.Connection.ExecuteScalarAsync<long>(new CommandDefinition(NextNumberSql, transaction: context.Transaction, cancellationToken: cancellationToken));

    private const string InsertSql = """
        INSERT INTO _vd_incidents (number, class, incident_key, title, severity, status, source, started_at, detected_at,
            acknowledged_at, mitigated_at, resolved_at, ended_at, owner, eta, next_update_at, duplicate_of, postmortem_published,
            signal_rule, signal_active, signal_started_at, signal_cleared_at, signal_evidence_json, version, updated_at)
        VALUES (@Number, @Class, @IncidentKey, @Title, @Severity, @Status, @Source, @StartedAt, @DetectedAt,
            @AcknowledgedAt, @MitigatedAt, @ResolvedAt, @EndedAt, @Owner, @Eta, @NextUpdateAt, @DuplicateOf, @PostmortemPublished,
            @SignalRule, @SignalActive, @SignalStartedAt, @SignalClearedAt, @SignalEvidenceJson, @Version, @UpdatedAt)
        """;

    public static Task InsertAsync(CommandContext context, IncidentRow row, CancellationToken cancellationToken)
    {
        row.UpdatedAt = context.Now.ToUnixTimeMilliseconds();
        return context.Connection.ExecuteAsync(new CommandDefinition(InsertSql, row, context.Transaction, cancellationToken: cancellationToken));
    }

    // Guarded by the version read in the same transaction: the handler compared it already, this keeps a second
    // writer (the CLI, another process) from being overwritten silently.
    private const string UpdateSql = """
        UPDATE _vd_incidents SET class = @Class, incident_key = @IncidentKey, title = @Title, severity = @Severity, status = @Status,
            source = @Source, started_at = @StartedAt, detected_at = @DetectedAt, acknowledged_at = @AcknowledgedAt,
            mitigated_at = @MitigatedAt, resolved_at = @ResolvedAt, ended_at = @EndedAt, owner = @Owner, eta = @Eta,
            next_update_at = @NextUpdateAt, duplicate_of = @DuplicateOf, postmortem_published = @PostmortemPublished,
            signal_rule = @SignalRule, signal_active = @SignalActive, signal_started_at = @SignalStartedAt,
            signal_cleared_at = @SignalClearedAt, signal_evidence_json = @SignalEvidenceJson, version = @Version, updated_at = @UpdatedAt
        WHERE number = @Number AND version = @PreviousVersion
        """;

    public static async Task UpdateAsync(CommandContext context, IncidentRow row, long previousVersion, CancellationToken cancellationToken)
    {
        row.UpdatedAt = context.Now.ToUnixTimeMilliseconds();
        var changed = await context.Connection.ExecuteAsync(new CommandDefinition(UpdateSql, new
        {
            row.Number, row.Class, row.IncidentKey, row.Title, row.Severity, row.Status, row.Source, row.StartedAt, row.DetectedAt,
            row.AcknowledgedAt, row.MitigatedAt, row.ResolvedAt, row.EndedAt, row.Owner, row.Eta, row.NextUpdateAt, row.DuplicateOf,
            row.PostmortemPublished, row.SignalRule, row.SignalActive, row.SignalStartedAt, row.SignalClearedAt, row.SignalEvidenceJson,
            row.Version, row.UpdatedAt, PreviousVersion = previousVersion,
        }, context.Transaction, cancellationToken: cancellationToken));
        if (changed != 1)
        {
            throw new InvalidOperationException($"incident {row.Number} changed under its command's write lock");
        }
    }

    // ---- timeline ----

    private const string NextTimelineIdSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM _vd_incident_timeline";

    private const string InsertTimelineSql = """
        INSERT INTO _vd_incident_timeline (id, incident_number, at, kind, actor, text, data_json)
        VALUES (@id, @number, @at, @kind, @actor, @text, @data)
        """;

    public static async Task AddTimelineAsync(CommandContext context, long number, DateTimeOffset at, TimelineKind kind, string text, object? data, CancellationToken cancellationToken)
    {
        var id = await context.Connection.ExecuteScalarAsync<long>(new CommandDefinition(NextTimelineIdSql, transaction: context.Transaction, cancellationToken: cancellationToken));
        await context.Connection.ExecuteAsync(new CommandDefinition(InsertTimelineSql, new
        {
            id,
            number,
            at = at.ToUnixTimeMilliseconds(),
            kind = IncidentWire.Name(kind),
            actor = context.Actor.Name,
            text,
            data = data is null ? null : data as string ?? JsonSerializer.Serialize(data, data.GetType(), CommandJson.Options),
        }, context.Transaction, cancellationToken: cancellationToken));
    }

    private const string TimelineSql = """
        SELECT at AS At, kind AS Kind, actor AS Actor, text AS Text, data_json AS Data
        FROM _vd_incident_timeline WHERE incident_number = @number ORDER BY at, id
        """;

    public static async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(IDbConnection connection, IDbTransaction? transaction, long number, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<TimelineRow>(new CommandDefinition(TimelineSql, new { number }, transaction, cancellationToken: cancellationToken)))
        .Select(r => new TimelineEntry(Time(r.At), IncidentWire.Parse<TimelineKind>(r.Kind), r.Actor, r.Text, r.Data)).ToList();

    // ---- status updates ----

    private const string NextUpdateIdSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM _vd_incident_updates";

    private const string InsertUpdateSql = """
        INSERT INTO _vd_incident_updates (id, incident_number, at, author, message, status, eta, next_update_at)
        VALUES (@id, @number, @at, @author, @message, @status, @eta, @nextUpdateAt)
        """;

    public static async Task AddUpdateAsync(CommandContext context, long number, string message, IncidentStatus status, DateTimeOffset? eta, DateTimeOffset? nextUpdateAt, CancellationToken cancellationToken)
    {
        var id = await context.Connection.ExecuteScalarAsync<long>(new CommandDefinition(NextUpdateIdSql, transaction: context.Transaction, cancellationToken: cancellationToken));
        await context.Connection.ExecuteAsync(new CommandDefinition(InsertUpdateSql, new
        {
            id,
            number,
            at = context.Now.ToUnixTimeMilliseconds(),
            author = context.Actor.Name,
            message,
            status = IncidentWire.Name(status),
            eta = eta?.ToUnixTimeMilliseconds(),
            nextUpdateAt = nextUpdateAt?.ToUnixTimeMilliseconds(),
        }, context.Transaction, cancellationToken: cancellationToken));
    }

    private const string UpdatesSql = """
        SELECT at AS At, author AS Author, message AS Message, status AS Status, eta AS Eta, next_update_at AS NextUpdateAt
        FROM _vd_incident_updates WHERE incident_number = @number ORDER BY at, id
        """;

    public static async Task<IReadOnlyList<StatusUpdate>> UpdatesAsync(IDbConnection connection, long number, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<UpdateRow>(new CommandDefinition(UpdatesSql, new { number }, cancellationToken: cancellationToken)))
        .Select(r => new StatusUpdate(Time(r.At), r.Author, r.Message, IncidentWire.Parse<IncidentStatus>(r.Status), Time(r.Eta), Time(r.NextUpdateAt))).ToList();

    // ---- checklist ----

    private const string InsertChecklistSql = """
        INSERT INTO _vd_incident_checklist (incident_number, item_index, text, done, done_by, done_at)
        VALUES (@number, @index, @text, 0, NULL, NULL)
        """;

    public static async Task InsertChecklistAsync(CommandContext context, long number, IReadOnlyList<string> items, CancellationToken cancellationToken)
    {
        for (var index = 0; index < items.Count; index++)
        {
            await context.Connection.ExecuteAsync(new CommandDefinition(InsertChecklistSql, new { number, index, text = items[index] }, context.Transaction, cancellationToken: cancellationToken));
        }
    }

    private const string ChecklistSql = """
        SELECT item_index AS ItemIndex, text AS Text, done AS Done, done_by AS DoneBy, done_at AS DoneAt
        FROM _vd_incident_checklist WHERE incident_number = @number ORDER BY item_index
        """;

    public static async Task<IReadOnlyList<ChecklistItem>> ChecklistAsync(IDbConnection connection, IDbTransaction? transaction, long number, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<ChecklistRow>(new CommandDefinition(ChecklistSql, new { number }, transaction, cancellationToken: cancellationToken)))
        .Select(r => new ChecklistItem((int)r.ItemIndex, r.Text, r.Done != 0, r.DoneBy, Time(r.DoneAt))).ToList();

    private const string CheckSql = """
        UPDATE _vd_incident_checklist SET done = @done, done_by = @doneBy, done_at = @doneAt
        WHERE incident_number = @number AND item_index = @index
        """;

    public static Task CheckAsync(CommandContext context, long number, int index, bool done, CancellationToken cancellationToken) =>
        context.Connection.ExecuteAsync(new CommandDefinition(CheckSql, new
        {
            number,
            index,
            done = done ? 1 : 0,
            doneBy = done ? context.Actor.Name : null,
            doneAt = done ? context.Now.ToUnixTimeMilliseconds() : (long?)null,
        }, context.Transaction, cancellationToken: cancellationToken));

    // ---- postmortem ----

    private const string PostmortemSql = """
        SELECT summary AS Summary, impact AS Impact, root_cause AS RootCause, timeline AS Timeline, status AS Status, author AS Author,
               updated_at AS UpdatedAt, published_at AS PublishedAt, version AS Version
        FROM _vd_postmortems WHERE incident_number = @number
        """;

    public static async Task<Postmortem?> PostmortemAsync(IDbConnection connection, IDbTransaction? transaction, long number, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<PostmortemRow>(new CommandDefinition(PostmortemSql, new { number }, transaction, cancellationToken: cancellationToken));
        return row is null ? null : new Postmortem(row.Summary, row.Impact, row.RootCause, row.Timeline, IncidentWire.Parse<PostmortemStatus>(row.Status),
            row.Author, Time(row.UpdatedAt), Time(row.PublishedAt), row.Version);
    }

    private const string InsertPostmortemSql = """
        INSERT INTO _vd_postmortems (incident_number, summary, impact, root_cause, timeline, status, author, updated_at, published_at, version)
        VALUES (@number, @Summary, @Impact, @RootCause, @Timeline, @status, @Author, @updatedAt, @publishedAt, @Version)
        """;

    private const string UpdatePostmortemSql = """
        UPDATE _vd_postmortems SET summary = @Summary, impact = @Impact, root_cause = @RootCause, timeline = @Timeline, status = @status,
            author = @Author, updated_at = @updatedAt, published_at = @publishedAt, version = @Version
        WHERE incident_number = @number
        """;

    public static Task SavePostmortemAsync(CommandContext context, long number, Postmortem postmortem, bool insert, CancellationToken cancellationToken) =>
        context.Connection.ExecuteAsync(new CommandDefinition(insert ? InsertPostmortemSql : UpdatePostmortemSql, new
        {
            number,
            postmortem.Summary,
            postmortem.Impact,
            postmortem.RootCause,
            postmortem.Timeline,
            status = IncidentWire.Name(postmortem.Status),
            postmortem.Author,
            updatedAt = postmortem.UpdatedAt.ToUnixTimeMilliseconds(),
            publishedAt = postmortem.PublishedAt?.ToUnixTimeMilliseconds(),
            postmortem.Version,
        }, context.Transaction, cancellationToken: cancellationToken));

    // ---- follow-ups ----

    private const string FollowUpColumns = """
        id AS Id, incident_number AS IncidentNumber, title AS Title, owner AS Owner, due AS Due, kind AS Kind, done AS Done,
        created_at AS CreatedAt, done_at AS DoneAt
        """;

    private const string NextFollowUpIdSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM _vd_follow_ups";

    private const string InsertFollowUpSql = """
        INSERT INTO _vd_follow_ups (id, incident_number, title, owner, due, kind, done, created_at, done_at)
        VALUES (@id, @number, @title, @owner, @due, @kind, 0, @createdAt, NULL)
        """;

    public static async Task<FollowUp> AddFollowUpAsync(CommandContext context, long number, string title, string owner, DateOnly? due, FollowUpKind kind, CancellationToken cancellationToken)
    {
        var id = await context.Connection.ExecuteScalarAsync<long>(new CommandDefinition(NextFollowUpIdSql, transaction: context.Transaction, cancellationToken: cancellationToken));
        await context.Connection.ExecuteAsync(new CommandDefinition(InsertFollowUpSql, new
        {
            id,
            number,
            title,
            owner,
            due = due?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            kind = IncidentWire.Name(kind),
            createdAt = context.Now.ToUnixTimeMilliseconds(),
        }, context.Transaction, cancellationToken: cancellationToken));
        return new FollowUp(id, number, title, owner, due, kind, false, context.Now, null);
    }

    private const string FollowUpSql = $"SELECT {FollowUpColumns} FROM _vd_follow_ups WHERE id = @id";

    public static async Task<FollowUp?> FollowUpAsync(IDbConnection connection, IDbTransaction? transaction, long id, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<FollowUpRow>(new CommandDefinition(FollowUpSql, new { id }, transaction, cancellationToken: cancellationToken)))?.ToView();

    private const string CloseFollowUpSql = "UPDATE _vd_follow_ups SET done = @done, done_at = @doneAt WHERE id = @id";

    public static Task CloseFollowUpAsync(CommandContext context, long id, bool done, CancellationToken cancellationToken) =>
        context.Connection.ExecuteAsync(new CommandDefinition(CloseFollowUpSql, new
        {
            id,
            done = done ? 1 : 0,
            doneAt = done ? context.Now.ToUnixTimeMilliseconds() : (long?)null,
        }, context.Transaction, cancellationToken: cancellationToken));

    private const string FollowUpsOfSql = $"SELECT {FollowUpColumns} FROM _vd_follow_ups WHERE incident_number = @number ORDER BY id";

    public static async Task<IReadOnlyList<FollowUp>> FollowUpsOfAsync(IDbConnection connection, long number, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<FollowUpRow>(new CommandDefinition(FollowUpsOfSql, new { number }, cancellationToken: cancellationToken))).Select(r => r.ToView()).ToList();

    private const string AllFollowUpsSql = $"SELECT {FollowUpColumns} FROM _vd_follow_ups";

    public static async Task<IReadOnlyList<FollowUp>> FollowUpsAsync(IDbConnection connection, bool openOnly, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<FollowUpRow>(new CommandDefinition(AllFollowUpsSql + (openOnly ? " WHERE done = 0" : "") + " ORDER BY done, due, id",
            cancellationToken: cancellationToken))).Select(r => r.ToView()).ToList();

    public static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    private sealed class TimelineRow
    {
        public long At { get; set; }
        public string Kind { get; set; } = "";
        public string Actor { get; set; } = "";
        public string Text { get; set; } = "";
        public string? Data { get; set; }
    }

    private sealed class UpdateRow
    {
        public long At { get; set; }
        public string Author { get; set; } = "";
        public string Message { get; set; } = "";
        public string Status { get; set; } = "";
        public long? Eta { get; set; }
        public long? NextUpdateAt { get; set; }
    }

    private sealed class ChecklistRow
    {
        public long ItemIndex { get; set; }
        public string Text { get; set; } = "";
        public long Done { get; set; }
        public string? DoneBy { get; set; }
        public long? DoneAt { get; set; }
    }

    private sealed class PostmortemRow
    {
        public string Summary { get; set; } = "";
        public string Impact { get; set; } = "";
        public string RootCause { get; set; } = "";
        public string Timeline { get; set; } = "";
        public string Status { get; set; } = "";
        public string? Author { get; set; }
        public long UpdatedAt { get; set; }
        public long? PublishedAt { get; set; }
        public long Version { get; set; }
    }

    private sealed class FollowUpRow
    {
        public long Id { get; set; }
        public long IncidentNumber { get; set; }
        public string Title { get; set; } = "";
        public string Owner { get; set; } = "";
        public string? Due { get; set; }
        public string Kind { get; set; } = "";
        public long Done { get; set; }
        public long CreatedAt { get; set; }
        public long? DoneAt { get; set; }

        public FollowUp ToView() => new(Id, IncidentNumber, Title, Owner,
            Due is null ? null : DateOnly.ParseExact(Due, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            IncidentWire.Parse<FollowUpKind>(Kind), Done != 0, Time(CreatedAt), Time(DoneAt));
    }
}

/// <summary>One <c>_vd_incidents</c> row (SQLite integers are Int64); converts to and from the lifecycle's state.</summary>
internal sealed class IncidentRow
{
    public long Number { get; set; }
    public string Class { get; set; } = "";
    public string IncidentKey { get; set; } = "";
    public string Title { get; set; } = "";
    public string Severity { get; set; } = "";
    public string Status { get; set; } = "";
    public string Source { get; set; } = "";
    public long StartedAt { get; set; }
    public long DetectedAt { get; set; }
    public long? AcknowledgedAt { get; set; }
    public long? MitigatedAt { get; set; }
    public long? ResolvedAt { get; set; }
    public long? EndedAt { get; set; }
    public string? Owner { get; set; }
    public long? Eta { get; set; }
    public long? NextUpdateAt { get; set; }
    public long? DuplicateOf { get; set; }
    public long PostmortemPublished { get; set; }
    public string? SignalRule { get; set; }
    public long? SignalActive { get; set; }
    public long? SignalStartedAt { get; set; }
    public long? SignalClearedAt { get; set; }
    public string? SignalEvidenceJson { get; set; }
    public long Version { get; set; }
    public long UpdatedAt { get; set; }

    public bool HasSignal => SignalRule is not null && SignalStartedAt is not null;

    public IncidentRow Copy() => (IncidentRow)MemberwiseClone();

    public IncidentState ToState() => new()
    {
        Number = Number,
        Class = IncidentWire.Parse<IncidentClass>(Class),
        Key = IncidentKey,
        Title = Title,
        Severity = IncidentWire.Parse<Severity>(Severity),
        Status = IncidentWire.Parse<IncidentStatus>(Status),
        Source = IncidentWire.Parse<IncidentSource>(Source),
        StartedAt = IncidentStore.Time(StartedAt),
        DetectedAt = IncidentStore.Time(DetectedAt),
        AcknowledgedAt = IncidentStore.Time(AcknowledgedAt),
        MitigatedAt = IncidentStore.Time(MitigatedAt),
        ResolvedAt = IncidentStore.Time(ResolvedAt),
        EndedAt = IncidentStore.Time(EndedAt),
        Owner = Owner,
        Eta = IncidentStore.Time(Eta),
        NextUpdateAt = IncidentStore.Time(NextUpdateAt),
        DuplicateOf = DuplicateOf,
        PostmortemPublished = PostmortemPublished != 0,
        Version = Version,
    };

    /// <summary>Writes the human state back; the signal columns are left as they are.</summary>
    public void Apply(IncidentState state)
    {
        Class = IncidentWire.Name(state.Class);
        IncidentKey = state.Key;
        Title = state.Title;
        Severity = IncidentWire.Name(state.Severity);
        Status = IncidentWire.Name(state.Status);
        Source = IncidentWire.Name(state.Source);
        StartedAt = state.StartedAt.ToUnixTimeMilliseconds();
        DetectedAt = state.DetectedAt.ToUnixTimeMilliseconds();
        AcknowledgedAt = state.AcknowledgedAt?.ToUnixTimeMilliseconds();
        MitigatedAt = state.MitigatedAt?.ToUnixTimeMilliseconds();
        ResolvedAt = state.ResolvedAt?.ToUnixTimeMilliseconds();
        EndedAt = state.EndedAt?.ToUnixTimeMilliseconds();
        Owner = state.Owner;
        Eta = state.Eta?.ToUnixTimeMilliseconds();
        NextUpdateAt = state.NextUpdateAt?.ToUnixTimeMilliseconds();
        DuplicateOf = state.DuplicateOf;
        PostmortemPublished = state.PostmortemPublished ? 1 : 0;
        Version = state.Version;
    }

    /// <summary>The signal as stored; null for an incident no rule has fired for.</summary>
    public IncidentSignalView? Signal() => HasSignal
        ? new IncidentSignalView(SignalRule!, SignalActive == 1, IncidentStore.Time(SignalStartedAt!.Value), IncidentStore.Time(SignalClearedAt),
            SignalEvidenceJson is null ? IncidentWire.NoEvidence : JsonSerializer.Deserialize<SignalEvidence>(SignalEvidenceJson, CommandJson.Options) ?? IncidentWire.NoEvidence)
        : null;

    public void SetSignal(DetectedEpisode episode, DateTimeOffset startedAt)
    {
        SignalRule = episode.Rule;
        SignalActive = episode.Active ? 1 : 0;
        SignalStartedAt = startedAt.ToUnixTimeMilliseconds();
        SignalClearedAt = episode.ClearedAt?.ToUnixTimeMilliseconds();
        SignalEvidenceJson = JsonSerializer.Serialize(episode.Evidence, CommandJson.Options);
    }

    public IncidentSummary ToSummary()
    {
        var s = ToState();
        return new IncidentSummary(IncidentCommand.TargetOf(Number), Number, s.Class, s.Key, s.Title, s.Severity, s.Status, s.Source,
            s.StartedAt, s.DetectedAt, s.AcknowledgedAt, s.MitigatedAt, s.ResolvedAt, s.EndedAt, s.Owner, s.Eta, s.NextUpdateAt,
            s.DuplicateOf, Signal(), Version);
    }
}

/// <summary>Enum wire names (the same as JSON's) for the store's TEXT columns.</summary>
internal static class IncidentWire
{
    public static readonly SignalEvidence NoEvidence = new("", [], [], [], 0);

    public static string Name<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value).Trim('"');

    public static T Parse<T>(string text) where T : struct, Enum =>
        JsonSerializer.Deserialize<T>("\"" + text + "\"");
}
