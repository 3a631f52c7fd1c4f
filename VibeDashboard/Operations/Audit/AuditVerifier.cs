using System.Globalization;
using Dapper;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Audit;

/// <summary>
/// What <see cref="AuditVerifier"/> found: the chain holds over <see cref="Entries"/> entries ending at
/// <see cref="HeadHash"/>, or it breaks first at <see cref="BrokenSeq"/> for <see cref="Reason"/>.
/// </summary>
public sealed record AuditVerification(bool Holds, long Entries, string HeadHash, long? BrokenSeq, string? Reason)
{
    public static AuditVerification Broken(long entries, string headHash, long seq, string reason) => new(false, entries, headHash, seq, reason);
}

/// <summary>
/// Walks the audit log in seq order and recomputes the chain: each entry's hash over its own fields and its
/// prev_hash, each prev_hash against the entry before, seq contiguous from 1, and the last entry against the head row.
/// An edited entry fails its own hash; a deleted one leaves a gap; deleting the newest leaves the head ahead of the
/// log. (Whoever can rewrite the whole file can recompute the whole chain: the chain makes tampering evident to
/// anyone who kept a head hash, e.g. from <c>audit verify</c>'s output, it does not prevent it.)
/// </summary>
public sealed class AuditVerifier(SqliteConnectionFactory connections, StoreSchema schema)
{
    private const string HeadSql = "SELECT seq, hash FROM _vd_audit_head WHERE id = 1";

    private const string WalkSql = $"SELECT {AuditRow.Columns} FROM _vd_audit ORDER BY seq";

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await schema.EnsureCreatedAsync(cancellationToken);
        await using var connection = await connections.OpenAsync(cancellationToken);
        // One read transaction: the head and the rows come from the same snapshot while commands go on writing.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var head = await connection.QuerySingleOrDefaultAsync<AuditWriter.AuditHead>(new CommandDefinition(HeadSql, transaction: transaction, cancellationToken: cancellationToken));

        long expected = 1;
        var prev = AuditChain.Genesis;
        long count = 0;
        try
        {
            await foreach (var row in connection.QueryUnbufferedAsync<AuditRow>(WalkSql, transaction: transaction).WithCancellation(cancellationToken))
            {
                if (row.Seq != expected)
                {
                    return row.Seq > expected
                        ? AuditVerification.Broken(count, prev, expected, row.Seq == expected + 1
                            ? $"entry {N(expected)} is missing (deleted): the log goes from {N(expected - 1)} to {N(row.Seq)}"
                            : $"entries {N(expected)}..{N(row.Seq - 1)} are missing (deleted): the log goes from {N(expected - 1)} to {N(row.Seq)}")
                        : AuditVerification.Broken(count, prev, row.Seq, $"seq {N(row.Seq)} is out of order (expected {N(expected)})");
                }

                if (AuditChain.Compute(row) != row.Hash)
                {
                    return AuditVerification.Broken(count, prev, row.Seq, "hash mismatch: the entry was edited after it was written");
                }

                if (row.PrevHash != prev)
                {
                    return AuditVerification.Broken(count, prev, row.Seq,
                        expected == 1 ? "prev_hash mismatch: the first entry does not start from the genesis hash" : $"prev_hash mismatch: it is not entry {N(expected - 1)}'s hash (an entry was replaced)");
                }

                if (row.Action == AuditWriter.HeadRestoredAction)
                {
                    return AuditVerification.Broken(count, prev, row.Seq, $"head mismatch: {row.Reason}");
                }

                prev = row.Hash;
                count++;
                expected++;
            }
        }
        catch (System.Data.DataException e)
        {
            // A value of another type than the log writes (at = 1.5) cannot even be read: an edit as well.
            return AuditVerification.Broken(count, prev, expected, $"entry {N(expected)} cannot be read, a value has the wrong type (edited by hand): {e.Message}");
        }

        var last = expected - 1;
        if (head is null)
        {
            return AuditVerification.Broken(count, prev, last + 1, $"head mismatch: the head row is missing (the log ends at {N(last)}; newer entries may have been deleted)");
        }

        if (head.Seq > last)
        {
            return AuditVerification.Broken(count, prev, last + 1, head.Seq == last + 1
                ? $"entry {N(last + 1)} is missing (deleted): the head records {N(head.Seq)} but the log ends at {N(last)}"
                : $"entries {N(last + 1)}..{N(head.Seq)} are missing (deleted): the head records {N(head.Seq)} but the log ends at {N(last)}");
        }

        if (head.Seq < last)
        {
            return AuditVerification.Broken(count, prev, head.Seq + 1, $"head mismatch: entry {N(head.Seq + 1)} is past the head ({N(head.Seq)}): written outside the dashboard");
        }

        if (head.Hash != prev)
        {
            return AuditVerification.Broken(count, prev, last, $"head mismatch: the head's hash is not entry {N(last)}'s");
        }

        return new AuditVerification(true, count, prev, null, null);
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
