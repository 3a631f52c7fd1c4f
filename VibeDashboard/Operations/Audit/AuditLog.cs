using System.Text;
using Dapper;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Audit;

/// <summary>A page of the audit log, newest first; <see cref="More"/>: older entries matched beyond the limit.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, bool More);

/// <summary>
/// Reads the audit log for the Audit page, <c>/api/audit</c> and its CSV (they use this, never SQL of their own).
/// Read-only: entries are written only by the command pipeline.
/// </summary>
public sealed class AuditLog(SqliteConnectionFactory connections, StoreSchema schema)
{
    private const string SelectSql = $"SELECT {AuditRow.Columns} FROM _vd_audit";

    // The filters are fixed fragments ANDed together (no "@p IS NULL OR …": PostgreSQL cannot type an unused
    // parameter). LIKE with an explicit escape and LOWER on both sides behave alike in SQLite and PostgreSQL.
    private const string FromFilter = "at >= @From";
    private const string ToFilter = "at < @To";
    private const string ActorFilter = @"LOWER(actor_name) LIKE LOWER(@Actor) ESCAPE '\'";
    private const string ActionFilter = "action = @Action";
    private const string ActionPrefixFilter = @"action LIKE @Action ESCAPE '\'";
    private const string TargetTypeFilter = "target_type = @TargetType";
    private const string TargetIdFilter = "target_id = @TargetId";
    private const string OrderSql = " ORDER BY seq DESC LIMIT @Take";

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (query.From is { } from)
        {
            where.Add(FromFilter);
            parameters.Add("From", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Add(ToFilter);
            parameters.Add("To", to.ToUnixTimeMilliseconds());
        }

        if (query.Actor is { } actor)
        {
            where.Add(ActorFilter);
            parameters.Add("Actor", "%" + EscapeLike(actor) + "%");
        }

        if (query.ActionPrefix is { } prefix)
        {
            where.Add(ActionPrefixFilter);
            parameters.Add("Action", EscapeLike(prefix) + "%");
        }
        else if (query.Action is { } action)
        {
            where.Add(ActionFilter);
            parameters.Add("Action", action);
        }

        if (query.TargetType is { } type)
        {
            where.Add(TargetTypeFilter);
            parameters.Add("TargetType", type);
        }

        if (query.TargetId is { } id)
        {
            where.Add(TargetIdFilter);
            parameters.Add("TargetId", id);
        }

        var limit = Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit);
        parameters.Add("Take", limit + 1);
        var sql = new StringBuilder(SelectSql);
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").Append(string.Join(" AND ", where));
        }

        sql.Append(OrderSql);

        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AuditRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken))).ToList();
        var more = rows.Count > limit;
        return new AuditPage(rows.Take(limit).Select(r => r.ToEntry()).ToList(), more);
    }

    private const string BySeqSql = $"SELECT {AuditRow.Columns} FROM _vd_audit WHERE seq = @seq";

    /// <summary>One entry by its sequence number (a command result's <c>AuditSeq</c>), or null.</summary>
    public async Task<AuditEntry?> FindAsync(long seq, CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AuditRow>(new CommandDefinition(BySeqSql, new { seq }, cancellationToken: cancellationToken));
        return row?.ToEntry();
    }

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);
}
