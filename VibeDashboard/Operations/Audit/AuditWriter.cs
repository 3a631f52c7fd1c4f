using Dapper;
using Microsoft.Data.Sqlite;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Audit;

/// <summary>What the pipeline asks the log to record; the writer adds seq, time and the chain.</summary>
internal sealed record AuditDraft(
    Actor Actor,
    string Action,
    string TargetType,
    string TargetId,
    string? BeforeJson,
    string? AfterJson,
    string? Reason,
    CommandOutcome Outcome,
    string? Error);

/// <summary>
/// Appends one entry inside the caller's transaction, which must be immediate (<c>BEGIN IMMEDIATE</c>): it holds the
/// write lock, so reading the head and writing seq + 1 cannot interleave with another writer, in this process or
/// another. Only INSERTs into <c>_vd_audit</c>; the head row is the only thing ever updated.
/// </summary>
internal static class AuditWriter
{
    private const string HeadSql = "SELECT seq, hash FROM _vd_audit_head WHERE id = 1";

    // Without a head row (removed by hand) the newest entry is the best predecessor there is. The append restores the
    // head, but first writes a HeadRestored entry: the evidence that the head was gone (and newer entries may have been
    // deleted with it) must outlive the repair, so `audit verify` keeps failing at that entry.
    private const string NewestSql = "SELECT seq, hash FROM _vd_audit ORDER BY seq DESC LIMIT 1";

    private const string InsertSql = """
        INSERT INTO _vd_audit (seq, at, actor_name, actor_kind, actor_role, action, target_type, target_id, before_json, after_json,
            reason, outcome, error, client_ip, user_agent, prev_hash, hash)
        VALUES (@Seq, @At, @ActorName, @ActorKind, @ActorRole, @Action, @TargetType, @TargetId, @BeforeJson, @AfterJson,
            @Reason, @Outcome, @Error, @ClientIp, @UserAgent, @PrevHash, @Hash)
        """;

    private const string MoveHeadSql = """
        INSERT INTO _vd_audit_head (id, seq, hash) VALUES (1, @Seq, @Hash)
        ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash
        """;

    /// <summary>Entries longer than this (a user agent, a reason) are cut: the log records, it does not store payloads.</summary>
    public const int MaxTextLength = 4096;

    public static async Task<AuditRow> AppendAsync(SqliteConnection connection, SqliteTransaction transaction, AuditDraft draft, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // The head, not MAX(seq): after the newest entries were deleted by hand, the next one keeps its number and
        // the gap stays visible instead of being papered over.
        var head = await connection.QuerySingleOrDefaultAsync<AuditHead>(new CommandDefinition(HeadSql, transaction: transaction, cancellationToken: cancellationToken));
        if (head is null && await connection.QuerySingleOrDefaultAsync<AuditHead>(new CommandDefinition(NewestSql, transaction: transaction, cancellationToken: cancellationToken)) is { } newest)
        {
            var marker = new AuditDraft(Actor.System(), HeadRestoredAction, "audit", "", null, null,
                $"the audit head row was missing when this entry was written; the log then ended at seq {newest.Seq}, and newer entries may have been deleted",
                CommandOutcome.Invalid, "audit head row missing");
            head = ToHead(await InsertAsync(connection, transaction, marker, at, newest, cancellationToken));
        }

        return await InsertAsync(connection, transaction, draft, at, head ?? new AuditHead { Seq = 0, Hash = AuditChain.Genesis }, cancellationToken);
    }

    /// <summary>The action of the entry that records a head row found missing (see <see cref="NewestSql"/>).</summary>
    public const string HeadRestoredAction = "audit.head_restored";

    private static AuditHead ToHead(AuditRow row) => new() { Seq = row.Seq, Hash = row.Hash };

    private static async Task<AuditRow> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, AuditDraft draft, DateTimeOffset at, AuditHead head, CancellationToken cancellationToken)
    {

        var row = new AuditRow
        {
            Seq = head.Seq + 1,
            At = at.ToUnixTimeMilliseconds(),
            ActorName = Cut(draft.Actor.Name)!,
            ActorKind = Actor.KindName(draft.Actor.Kind),
            ActorRole = draft.Actor.Role?.Name(),
            Action = draft.Action,
            TargetType = draft.TargetType,
            TargetId = Cut(draft.TargetId) ?? "",
            BeforeJson = draft.BeforeJson,
            AfterJson = draft.AfterJson,
            Reason = Cut(draft.Reason),
            Outcome = AuditVocabulary.OutcomeName(draft.Outcome),
            Error = Cut(draft.Error),
            ClientIp = Cut(draft.Actor.ClientIp),
            UserAgent = Cut(draft.Actor.UserAgent),
            PrevHash = head.Hash,
        };
        row.Hash = AuditChain.Compute(row);

        await connection.ExecuteAsync(new CommandDefinition(InsertSql, row, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(MoveHeadSql, new { row.Seq, row.Hash }, transaction, cancellationToken: cancellationToken));
        return row;
    }

    internal sealed class AuditHead
    {
        public long Seq { get; set; }
        public string Hash { get; set; } = "";
    }

    private static string? Cut(string? text) => text is { Length: > MaxTextLength } ? text[..MaxTextLength] + "…" : text;
}
