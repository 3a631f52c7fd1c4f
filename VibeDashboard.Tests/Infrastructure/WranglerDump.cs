using System.Globalization;
using System.Text;

namespace VibeDashboard.Tests.Infrastructure;

/// <summary>One <c>ops_events</c> row for a generated dump.</summary>
public sealed record DumpEvent(string Id, DateTimeOffset At, string Source, string EventType, string Status, double? DurationMs = null, string Tier = "pro", string? AppId = null, double? CostUsd = null, string? AttrsJson = null, string? Provider = null, string? Model = null, string? ErrorCode = null);

/// <summary>
/// Writes dumps in the exact shape of <c>wrangler d1 export --table ops_events</c> (see TestData/wrangler), with
/// event times chosen by the test, so browser tests can feed fresh or ageing data to a running app.
/// </summary>
public static class WranglerDump
{
    private const string Header = """
        PRAGMA defer_foreign_keys=TRUE;
        CREATE TABLE ops_events (
            id TEXT PRIMARY KEY,
            occurred_at INTEGER,
            source TEXT,
            event_type TEXT,
            app_id TEXT,
            user_id TEXT,
            instance_id TEXT,
            policy_tier TEXT,
            status TEXT,
            duration_ms REAL,
            cost_usd REAL,
            tokens_in INTEGER,
            tokens_out INTEGER,
            provider TEXT,
            model TEXT,
            error_code TEXT,
            message TEXT,
            attrs_json TEXT
        );
        """;

    public static DumpEvent Probe(string id, DateTimeOffset at, bool ok, string tier = "pro") =>
        new(id, at, "probe", "probe", ok ? "ok" : "error", 12.5, tier, AttrsJson: "{\"path\":\"/\"}");

    /// <summary>An <c>llm_call</c> through the AI Gateway to <paramref name="provider"/>; a failed one carries an error code.</summary>
    public static DumpEvent LlmCall(string id, DateTimeOffset at, string provider, bool ok, string model = "claude-sonnet", string tier = "pro") =>
        new(id, at, "agent", "llm_call", ok ? "ok" : "error", 850, tier, "app_llm", 0.002, Provider: provider, Model: model, ErrorCode: ok ? null : "upstream_503");

    public static string OpsEvents(IEnumerable<DumpEvent> events)
    {
        var sql = new StringBuilder(Header.Replace("\r\n", "\n")).Append('\n');
        foreach (var e in events)
        {
            sql.Append("INSERT INTO \"ops_events\" VALUES(")
                .Append(Text(e.Id)).Append(',')
                .Append(e.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Text(e.Source)).Append(',')
                .Append(Text(e.EventType)).Append(',')
                .Append(Text(e.AppId)).Append(",NULL,")
                .Append(Text(e.AppId is null ? null : $"inst-{e.AppId}")).Append(',')
                .Append(Text(e.Tier)).Append(',')
                .Append(Text(e.Status)).Append(',')
                .Append(Number(e.DurationMs)).Append(',')
                .Append(Number(e.CostUsd)).Append(",NULL,NULL,")
                .Append(Text(e.Provider)).Append(',')
                .Append(Text(e.Model)).Append(',')
                .Append(Text(e.ErrorCode)).Append(",NULL,")
                .Append(Text(e.AttrsJson))
                .Append(");\n");
        }

        return sql.ToString();
    }

    private static string Text(string? value) => value is null ? "NULL" : $"'{value.Replace("'", "''")}'";

    private static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "NULL";
}
