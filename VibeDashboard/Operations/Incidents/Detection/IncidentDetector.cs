using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using VibeDashboard.Aggregation;
using VibeDashboard.Configuration;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Incidents.Detection;

/// <summary>What the last pass did and cost (for logs, tests and benchmarks).</summary>
public sealed record DetectionPass(bool FullHistory, TimeSpan Elapsed, int Episodes, long Seq, TimeSpan Read, TimeSpan Rules, TimeSpan Evidence);

/// <summary>
/// Runs the rules over the store. A full pass (the first, after an import — the newest successful import id changed —
/// or when the store went backwards) reads every bucket of the history; an append pass reads only the rows after
/// the last seq and auth rowid seen and adds them to the buckets kept in memory. The rules then run over the whole
/// grid in memory either way, so both passes give the same episodes for the same data. Evidence needing the raw rows
/// (error codes, tiers) is read once per episode worst point and kept.
/// </summary>
public sealed class IncidentDetector(
    SqliteConnectionFactory connections,
    StoreSchema schema,
    ImportHistoryRepository imports,
    IMetricsFeed feed,
    IOptions<IncidentOptions> options,
    IOptions<SloOptions> slos,
    IncidentRunbooks runbooks,
    TimeProvider time) : IIncidentDetector
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(IncidentClass, string, string, long, long), EpisodeEvidence.Found> _evidence = [];
    private readonly DetectionRules.RuleCache _cache = new();
    private DetectionData? _data;
    private DetectionReader.Position? _position;
    private long _importId = -1;

    public DetectionPass? LastPass { get; private set; }

    public async Task<DetectionResult> DetectAsync(bool fullHistory, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var watch = Stopwatch.StartNew();
            await schema.EnsureCreatedAsync(cancellationToken);
            var now = time.GetUtcNow();
            var nowMs = now.ToUnixTimeMilliseconds();
            var importId = await imports.LastSuccessfulIdAsync(cancellationToken);
            var full = fullHistory || _data is null || _position is null || importId != _importId;
            await using var connection = await connections.OpenAsync(cancellationToken);
            if (!full)
            {
                var position = await DetectionReader.ReadNewAsync(connection, _data!, _position!, cancellationToken);
                full = position is null;
                _position = position ?? _position;
            }

            if (full)
            {
                var from = Math.Max(0, nowMs - (DetectionData.MaxHistoryMinutes * 60_000));
                (_data, _position) = await DetectionReader.ReadAllAsync(connection, from, cancellationToken);
                _importId = importId;
                _evidence.Clear();
            }

            var read = watch.Elapsed;
            var rules = options.Value.Rules;
            var spans = DetectionRules.Evaluate(_data!, rules, nowMs, _cache);
            var evaluated = watch.Elapsed;
            var episodes = new List<DetectedEpisode>(spans.Count);
            foreach (var span in spans)
            {
                episodes.Add(await EpisodeAsync(connection, span, rules, cancellationToken));
            }

            var to = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(0, nowMs / 60_000 * 60_000));
            episodes.AddRange(Unclassified(episodes, to));
            episodes.Sort((a, b) => a.StartedAt != b.StartedAt ? a.StartedAt.CompareTo(b.StartedAt) : a.Class != b.Class ? a.Class.CompareTo(b.Class) : string.CompareOrdinal(a.Key, b.Key));
            var fromAt = _data!.FirstDataMinute == long.MaxValue ? to : DateTimeOffset.FromUnixTimeMilliseconds(_data.FirstDataMinute * 60_000);
            LastPass = new DetectionPass(full, watch.Elapsed, episodes.Count, _position!.Seq, read, evaluated - read, watch.Elapsed - evaluated);
            return new DetectionResult(fromAt, to, episodes, full);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<DetectedEpisode> EpisodeAsync(Microsoft.Data.Sqlite.SqliteConnection connection, RuleSpan span, DetectionRuleOptions rules, CancellationToken cancellationToken)
    {
        var key = (span.Class, span.Key, span.Rule, span.StartMs, span.WorstAtMs);
        if (!_evidence.TryGetValue(key, out var found))
        {
            found = await EpisodeEvidence.ReadAsync(connection, span, rules, _data!, cancellationToken);
            if (_evidence.Count > 10_000)
            {
                _evidence.Clear(); // an active episode's worst point moves; old entries are not needed again
            }

            _evidence[key] = found;
        }

        var impact = Math.Clamp(Math.Max(span.TrafficShare, found.TierShare), 0, 1);
        impact = Math.Round(impact, 4);
        return new DetectedEpisode(
            span.Class,
            span.Key,
            span.Rule,
            DateTimeOffset.FromUnixTimeMilliseconds(span.StartMs),
            span.ClearedMs is { } cleared ? DateTimeOffset.FromUnixTimeMilliseconds(cleared) : null,
            runbooks.For(span.Class).SeverityFor(impact),
            span.Title,
            new SignalEvidence(span.Summary, span.Values, found.TopErrorCodes, found.AffectedTiers, impact));
    }

    public const string UnclassifiedRule = "slo_page";

    /// <summary>
    /// SLO page spans (the aggregator's alert history, and the current state for one still open) that no class
    /// episode explains: an episode explains a page of an SLO its runbook lists when their spans overlap, the
    /// episode's extended by ReopenWithin after it cleared (a burn rate lags the data it measures).
    /// </summary>
    private IEnumerable<DetectedEpisode> Unclassified(IReadOnlyList<DetectedEpisode> episodes, DateTimeOffset to)
    {
        var reopen = options.Value.Rules.ReopenWithin;
        var snapshot = feed.Current;
        foreach (var slo in slos.Value.Effective)
        {
            var pages = PageSpans(slo.Key, snapshot);
            var explainedBy = episodes.Where(e => runbooks.For(e.Class).Slos.Contains(slo.Key, StringComparer.Ordinal)).ToList();
            foreach (var (start, end, reason) in pages)
            {
                if (explainedBy.Any(e => e.StartedAt <= (end ?? to) && start <= (e.ClearedAt is { } c ? c + reopen : to)))
                {
                    continue;
                }

                var status = snapshot.Slos.FirstOrDefault(s => s.Key == slo.Key);
                var burn = end is null && status?.BurnRates.GetValueOrDefault("1h") is { } b ? b : (double?)null;
                var impact = burn is { } rate ? Math.Round(Math.Clamp(rate * (1 - slo.Objective), 0, 1), 4) : 0;
                var name = string.IsNullOrEmpty(slo.Name) ? slo.Key : slo.Name;
                yield return new DetectedEpisode(
                    IncidentClass.Unclassified,
                    slo.Key,
                    UnclassifiedRule,
                    start,
                    end,
                    runbooks.For(IncidentClass.Unclassified).SeverityFor(impact),
                    $"{name}: SLO paging with no class signal",
                    new SignalEvidence(
                        $"The {name} SLO went to page at {start.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)} ({reason}); no provider, sandbox, migration or auth signal explains it.",
                        burn is { } r ? [new EvidenceValue("burn rate 1h", Math.Round(r, 2), "≥", BurnRules.All[0].Threshold)] : [],
                        [],
                        [],
                        impact));
            }
        }
    }

    private List<(DateTimeOffset Start, DateTimeOffset? End, string Reason)> PageSpans(string sloKey, Snapshot snapshot)
    {
        var reopen = options.Value.Rules.ReopenWithin;
        var spans = new List<(DateTimeOffset Start, DateTimeOffset? End, string Reason)>();
        DateTimeOffset? start = null;
        var reason = "";
        foreach (var t in feed.AlertHistory(sloKey).OrderBy(t => t.At))
        {
            if (t.To == AlertState.Page && start is null)
            {
                start = t.At;
                reason = t.Reason;
            }
            else if (t.To != AlertState.Page && start is { } s)
            {
                // A page again within ReopenWithin of the last one ending is the same page (no flapping duplicates).
                if (spans.Count > 0 && spans[^1].End is { } end && s - end <= reopen)
                {
                    spans[^1] = (spans[^1].Start, t.At, spans[^1].Reason);
                }
                else
                {
                    spans.Add((s, t.At, reason));
                }

                start = null;
            }
        }

        var paging = snapshot.Slos.Any(x => x.Key == sloKey && x.Alert == AlertState.Page);
        if (start is { } open && paging)
        {
            if (spans.Count > 0 && spans[^1].End is { } end && open - end <= reopen)
            {
                spans[^1] = (spans[^1].Start, null, spans[^1].Reason);
            }
            else
            {
                spans.Add((open, null, reason));
            }
        }

        return spans;
    }
}
