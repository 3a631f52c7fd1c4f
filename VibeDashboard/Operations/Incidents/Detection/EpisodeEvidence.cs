using Dapper;
using Microsoft.Data.Sqlite;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Incidents.Detection;

/// <summary>
/// The parts of an episode's evidence the buckets do not hold, read for the window at its worst point: the most
/// frequent error codes of the failing events and the policy tiers affected (a tier is affected when its own failure
/// ratio among the rule's events in that window reaches the rule's ratio threshold; the share of tiers is those over
/// the tiers with any such event in it).
/// </summary>
internal static class EpisodeEvidence
{
    public sealed record Found(IReadOnlyList<string> TopErrorCodes, IReadOnlyList<string> AffectedTiers, double TierShare);

    private static readonly Found Nothing = new([], [], 0);

    private const string CodesSql = """
        SELECT CAST(error_code AS TEXT) AS Code, COUNT(*) AS N FROM ops_events
        WHERE occurred_at >= @from AND occurred_at < @to AND event_type IN @types
          AND (event_type IN @failedTypes OR lower(CAST(status AS TEXT)) = 'error')
          AND (@anyProvider = 1 OR CAST(provider AS TEXT) IN @providers)
          AND error_code IS NOT NULL AND length(CAST(error_code AS TEXT)) BETWEEN 1 AND 64
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3
        """;

    private const string TiersSql = """
        SELECT CAST(policy_tier AS TEXT) AS Tier, COUNT(*) AS Total,
               SUM(CASE WHEN event_type IN @failedTypes OR lower(CAST(status AS TEXT)) = 'error' THEN 1 ELSE 0 END) AS Failed
        FROM ops_events
        WHERE occurred_at >= @from AND occurred_at < @to AND event_type IN @types
          AND (@anyProvider = 1 OR CAST(provider AS TEXT) IN @providers)
          AND policy_tier IS NOT NULL AND length(CAST(policy_tier AS TEXT)) BETWEEN 1 AND 64
        GROUP BY 1 ORDER BY 1 LIMIT 64
        """;

    private const string AuthTypesSql = """
        SELECT CAST(attempt_type AS TEXT) AS Code, COUNT(*) AS N FROM auth_attempts
        WHERE CAST(success AS INTEGER) = 0 AND CAST(attempted_at AS INTEGER) >= @from AND CAST(attempted_at AS INTEGER) < @to
          AND attempt_type IS NOT NULL AND length(CAST(attempt_type AS TEXT)) BETWEEN 1 AND 64
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3
        """;

    public static async Task<Found> ReadAsync(SqliteConnection connection, RuleSpan span, DetectionRuleOptions rules, DetectionData data, CancellationToken cancellationToken)
    {
        var from = span.WorstAtMs - span.WindowMs;
        var to = span.WorstAtMs;
        if (span.Class == IncidentClass.AuthPolicyFailure)
        {
            // auth_attempts carry no tier; the failing attempt types stand in for error codes.
            var tables = await AggregationReader.TablesAsync(connection, null, cancellationToken);
            if (!await AggregationReader.HasColumnsAsync(connection, null, tables, "auth_attempts", ["attempt_type", "success", "attempted_at"], cancellationToken))
            {
                return Nothing;
            }

            var types = await connection.QueryAsync<(string Code, long N)>(new CommandDefinition(AuthTypesSql, new { from, to }, cancellationToken: cancellationToken));
            return new Found([.. types.Where(t => DetectionReader.IsName(t.Code, 64)).Select(t => t.Code)], [], 0);
        }

        var (eventTypes, failedTypes, provider, threshold) = span.Class switch
        {
            IncidentClass.ProviderOutage => (["llm_call"], ["-"], span.Key, rules.ProviderOutage.ErrorRatio),
            IncidentClass.SandboxInstability => ((string[])["deployment_completed", "deployment_failed", "sandbox_started", "sandbox_crashed", "sandbox_restarted"],
                (string[])["deployment_failed", "sandbox_crashed"], (string?)null, rules.SandboxInstability.DeployFailureRatio),
            IncidentClass.MigrationRegression => (["d1_query", "migration_failed"], ["migration_failed"], null, rules.MigrationRegression.QueryErrorRatio),
            _ => ((string[]?)null, (string[]?)null, (string?)null, 0.0),
        };
        if (eventTypes is null)
        {
            return Nothing;
        }

        // A provider key may stand for several raw values (an odd name's sanitised form): the events of all of them.
        var providers = provider is null ? [] : data.ProviderNames.TryGetValue(provider, out var names) ? names.ToArray() : [provider];
        var args = new { from, to, types = eventTypes, failedTypes, anyProvider = provider is null ? 1 : 0, providers };
        var codes = await connection.QueryAsync<(string Code, long N)>(new CommandDefinition(CodesSql, args, cancellationToken: cancellationToken));
        var tiers = (await connection.QueryAsync<(string Tier, long Total, long Failed)>(new CommandDefinition(TiersSql, args, cancellationToken: cancellationToken)))
            .Where(t => DetectionReader.IsName(t.Tier, 64)).ToList();
        var affected = tiers.Where(t => t.Total > 0 && (double)t.Failed / t.Total >= threshold).Select(t => t.Tier).ToList();
        return new Found(
            [.. codes.Where(c => DetectionReader.IsName(c.Code, 64)).Select(c => c.Code)],
            affected,
            tiers.Count > 0 ? (double)affected.Count / tiers.Count : 0);
    }
}
