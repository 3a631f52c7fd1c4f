using System.Text.Json.Serialization;

namespace VibeDashboard.Operations.Incidents;

/// <summary>
/// One span during which a detection rule's signal was on, as the data shows it: from <see cref="StartedAt"/> (the
/// first evaluation point at which the rule fired) to <see cref="ClearedAt"/> (the point at which its clear condition
/// had held for the rule's clear period), or still active (null) at the data's end. Spans of the same (class, key)
/// less than <c>Incidents:Rules:ReopenWithin</c> apart are one episode (no flapping duplicates).
/// </summary>
public sealed record DetectedEpisode(
    IncidentClass Class,
    string Key,
    string Rule,
    DateTimeOffset StartedAt,
    DateTimeOffset? ClearedAt,
    Severity Severity,
    string Title,
    SignalEvidence Evidence)
{
    public bool Active => ClearedAt is null;
}

/// <summary>
/// Why a rule fired, for people: the values beside their thresholds (at the worst point of the episode), the most
/// frequent error codes, the tiers affected, and the impact the default severity came from.
/// </summary>
public sealed record SignalEvidence(
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("values")] IReadOnlyList<EvidenceValue> Values,
    [property: JsonPropertyName("topErrorCodes")] IReadOnlyList<string> TopErrorCodes,
    [property: JsonPropertyName("affectedTiers")] IReadOnlyList<string> AffectedTiers,
    [property: JsonPropertyName("impact")] double Impact);

/// <summary>A measured value against its rule: <c>error ratio 0.83 ≥ 0.25</c>.</summary>
public sealed record EvidenceValue(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("threshold")] double Threshold);

/// <summary>
/// What one detection pass found: every episode that overlaps [<see cref="From"/>, <see cref="To"/>], where
/// <see cref="To"/> is the evaluation time (now, or the data's end). A full pass (at start and after an import)
/// covers the whole history; a pass after an append tick covers the recent past only.
/// </summary>
public sealed record DetectionResult(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DetectedEpisode> Episodes, bool FullHistory);

/// <summary>
/// Runs the rules over the store (Operations/Incidents/Detection). Idempotent: the same data gives the same
/// episodes, whatever was found before.
/// </summary>
public interface IIncidentDetector
{
    Task<DetectionResult> DetectAsync(bool fullHistory, CancellationToken cancellationToken);
}

/// <summary>
/// Turns episodes into incidents (implemented by the incident store's side). For each episode: the incident of the
/// same (class, key) whose signal overlaps it, or cleared less than ReopenWithin before it began, gets its signal
/// updated (and a timeline entry when the signal's state changed); otherwise a new incident opens — live (source
/// <c>detected</c>, status triage) when the episode is still active, else (it began and cleared before the dashboard
/// saw it: an imported history) recorded closed with source <c>historical</c> and the start/end the data shows. Every change
/// goes through the command pipeline as the system actor. Calling it twice with the same result changes nothing.
/// </summary>
public interface IIncidentSignalSink
{
    Task ReconcileAsync(DetectionResult result, CancellationToken cancellationToken);
}
