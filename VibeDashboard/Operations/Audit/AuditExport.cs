using System.Globalization;
using System.Text.Json;
using CsvHelper;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Audit;

/// <summary>An entry as <c>/api/audit</c> answers it: before and after as JSON values, not strings holding JSON.</summary>
public sealed record AuditApiEntry(
    long Seq,
    DateTimeOffset At,
    string ActorName,
    ActorKind ActorKind,
    DashboardRole? ActorRole,
    string Action,
    string TargetType,
    string TargetId,
    JsonElement? Before,
    JsonElement? After,
    string? Reason,
    CommandOutcome Outcome,
    string? Error,
    string? ClientIp,
    string? UserAgent,
    string PrevHash,
    string Hash)
{
    public static AuditApiEntry From(AuditEntry e) => new(
        e.Seq, e.At, e.ActorName, e.ActorKind, e.ActorRole, e.Action, e.TargetType, e.TargetId, Parse(e.BeforeJson), Parse(e.AfterJson),
        e.Reason, e.Outcome, e.Error, e.ClientIp, e.UserAgent, e.PrevHash, e.Hash);

    private static JsonElement? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Written by the pipeline, so always JSON; a hand-edited row still shows (as a string) rather than failing the page.
            return JsonSerializer.SerializeToElement(json);
        }
    }
}

/// <summary>The audit log as CSV (<c>/api/audit.csv</c>): one header row, then one row per entry, snake_case columns.</summary>
public static class AuditCsv
{
    public static readonly string[] Header =
    [
        "seq", "at", "actor_name", "actor_kind", "actor_role", "action", "target_type", "target_id", "outcome", "reason", "error",
        "client_ip", "user_agent", "before_json", "after_json", "prev_hash", "hash",
    ];

    // Actor names, reasons and user agents come from callers: a cell starting with = + - @ must not become a formula
    // when an auditor opens the file in a spreadsheet (it gets a leading ').
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    public static async Task WriteAsync(TextWriter writer, IEnumerable<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        await using var csv = CsvWriter.Create(writer, Options, leaveOpen: true);
        csv.WriteHeader(Header);
        foreach (var e in entries)
        {
            await csv.WriteRecordAsync(
            [
                e.Seq.ToString(CultureInfo.InvariantCulture),
                e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                e.ActorName,
                Actor.KindName(e.ActorKind),
                e.ActorRole?.Name() ?? "",
                e.Action,
                e.TargetType,
                e.TargetId,
                AuditVocabulary.OutcomeName(e.Outcome),
                e.Reason ?? "",
                e.Error ?? "",
                e.ClientIp ?? "",
                e.UserAgent ?? "",
                e.BeforeJson ?? "",
                e.AfterJson ?? "",
                e.PrevHash,
                e.Hash,
            ], cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }
}
