using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VibeDashboard.Operations.Audit;

/// <summary>
/// The hash that chains each audit entry to the one before it.
/// </summary>
/// <remarks>
/// <para>
/// hash = lower-case hex of SHA-256 over this byte string (UTF-8 throughout):
/// </para>
/// <code>
/// "vd-audit-v1\n" field(seq) field(at) field(actor_name) field(actor_kind) field(actor_role) field(action)
/// field(target_type) field(target_id) field(before_json) field(after_json) field(reason) field(outcome) field(error)
/// field(client_ip) field(user_agent) field(prev_hash)
/// </code>
/// <para>
/// where field(null) is <c>"-\n"</c> and field(value) is the value's UTF-8 byte count in decimal, <c>":"</c>, the
/// UTF-8 bytes, then <c>"\n"</c>. Integers (seq; at = unix milliseconds) are written in invariant decimal, the enums
/// as stored (<c>user</c>, <c>viewer</c>, <c>ok</c>…). The length prefix makes the encoding unambiguous (no value can
/// pose as a field boundary) and distinguishes null from the empty string. The first entry's prev_hash is 64 zeros.
/// A script can recompute the chain from a copy of the store with nothing but this description.
/// </para>
/// </remarks>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    private static readonly byte[] Preamble = "vd-audit-v1\n"u8.ToArray();

    internal static string Compute(AuditRow row)
    {
        using var buffer = new MemoryStream(512);
        buffer.Write(Preamble);
        Field(buffer, row.Seq.ToString(CultureInfo.InvariantCulture));
        Field(buffer, row.At.ToString(CultureInfo.InvariantCulture));
        Field(buffer, row.ActorName);
        Field(buffer, row.ActorKind);
        Field(buffer, row.ActorRole);
        Field(buffer, row.Action);
        Field(buffer, row.TargetType);
        Field(buffer, row.TargetId);
        Field(buffer, row.BeforeJson);
        Field(buffer, row.AfterJson);
        Field(buffer, row.Reason);
        Field(buffer, row.Outcome);
        Field(buffer, row.Error);
        Field(buffer, row.ClientIp);
        Field(buffer, row.UserAgent);
        Field(buffer, row.PrevHash);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static void Field(MemoryStream buffer, string? value)
    {
        if (value is null)
        {
            buffer.Write("-\n"u8);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        buffer.Write(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture)));
        buffer.WriteByte((byte)':');
        buffer.Write(bytes);
        buffer.WriteByte((byte)'\n');
    }
}
