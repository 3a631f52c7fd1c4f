using System.Globalization;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Incidents.Detection;

/// <summary>
/// One span a rule's signal was on, before its evidence is looked up: grid points are whole minutes (unix ms),
/// <see cref="WorstAtMs"/> the point with the highest score inside it, whose trailing window
/// [<see cref="WorstAtMs"/> − <see cref="WindowMs"/>, <see cref="WorstAtMs"/>) the evidence describes.
/// </summary>
public sealed record RuleSpan(
    IncidentClass Class,
    string Key,
    string Rule,
    long StartMs,
    long? ClearedMs,
    long WorstAtMs,
    long WindowMs,
    string Title,
    string Summary,
    IReadOnlyList<EvidenceValue> Values,
    double TrafficShare);

/// <summary>
/// The detection rules (docs/metrics.md, "Incident detection") as pure functions of the minute buckets: every
/// number from <see cref="DetectionRuleOptions"/>, evaluated at every whole minute from the data's first minute to
/// <c>nowMs</c> (floored to the minute; the minute in progress waits for the next pass).
/// </summary>
public static class DetectionRules
{
    private const long MinuteMs = 60_000;
    private const int MinBaselineMinutes = 24 * 60;

    public const string ProviderRule = "provider_error_ratio";
    public const string CrashRule = "sandbox_crash_rate";
    public const string DeployRule = "preview_deploy_failures";
    public const string MigrationFailedRule = "migration_failed";
    public const string QueryErrorRule = "d1_errors_after_migration";
    public const string DriftRule = "migration_drift";
    public const string StuffingRule = "credential_stuffing";
    public const string FailureVolumeRule = "auth_failure_volume";

    /// <summary>The auth class's one key: a sign-in attack is one incident however many IPs it uses (they are in the evidence).</summary>
    public const string AuthKey = "auth_attempts";

    /// <summary>The sandbox class's one key: crashes and failing preview starts are the same fleet.</summary>
    public const string SandboxKey = "sandbox";

    /// <summary>
    /// Every span over the grid. With a <paramref name="cache"/> kept between calls on the same data, only the points
    /// after the oldest minute that received rows since the last call (and the new points) are evaluated again: a row
    /// at minute d changes only points after d (every window and baseline looks back), so the others are kept.
    /// </summary>
    public static IReadOnlyList<RuleSpan> Evaluate(DetectionData data, DetectionRuleOptions rules, long nowMs, RuleCache? cache = null)
    {
        var grid = Grid.For(data, nowMs);
        if (grid is null)
        {
            return [];
        }

        cache ??= new RuleCache();
        if (!ReferenceEquals(cache.Data, data) || !ReferenceEquals(cache.Rules, rules) || cache.GridFirst != grid.First)
        {
            cache.Reset(data, rules, grid.First);
        }

        var dirty = data.DirtyFromMinute == long.MinValue ? 0 : (int)Math.Clamp(data.DirtyFromMinute + 1 - grid.First, 0, int.MaxValue);
        cache.Dirty = dirty;
        if (data.DirtyFromMinute != long.MaxValue && data.DirtyFromMinute != long.MinValue)
        {
            // Hour h's median reads the hours before it: those from the dirty minute's hour on are read again.
            var hour = FloorDiv(data.DirtyFromMinute, 60);
            foreach (var h in cache.Medians.Keys.Where(h => h > hour).ToList())
            {
                cache.Medians.Remove(h);
            }
        }

        var result = new List<RuleSpan>();
        result.AddRange(ProviderOutage(data, rules, grid, cache));
        result.AddRange(SandboxInstability(data, rules, grid, cache));
        result.AddRange(MigrationRegression(data, rules, grid, cache));
        result.AddRange(AuthPolicyFailure(data, rules, grid, cache));
        data.MarkClean();
        return [.. result.OrderBy(s => s.StartMs).ThenBy(s => s.Class).ThenBy(s => s.Key, StringComparer.Ordinal)];
    }

    /// <summary>Per-point results kept between passes over the same <see cref="DetectionData"/> (see <see cref="Evaluate"/>).</summary>
    public sealed class RuleCache
    {
        internal DetectionData? Data { get; private set; }
        internal DetectionRuleOptions? Rules { get; private set; }
        internal long GridFirst { get; private set; }
        internal int Dirty { get; set; }
        internal Dictionary<(IncidentClass, string), Track> Tracks { get; } = [];
        internal Dictionary<long, double?> Medians { get; } = [];
        internal Track D1 { get; private set; } = new();
        internal Track Stuffing { get; private set; } = new();
        internal Dictionary<string, List<int>> IpPoints { get; } = new(StringComparer.Ordinal);

        internal void Reset(DetectionData data, DetectionRuleOptions rules, long gridFirst)
        {
            Data = data;
            Rules = rules;
            GridFirst = gridFirst;
            Tracks.Clear();
            Medians.Clear();
            IpPoints.Clear();
            D1 = new Track();
            Stuffing = new Track();
        }

        internal Track TrackOf(IncidentClass incidentClass, string key) =>
            Tracks.TryGetValue((incidentClass, key), out var track) ? track : Tracks[(incidentClass, key)] = new Track();

        /// <summary>The first point of <paramref name="track"/> to evaluate: its own end, or the dirty point if earlier.</summary>
        internal int From(Track track, Grid grid)
        {
            track.Grow(grid.Count);
            var from = Math.Min(track.Evaluated, Dirty);
            track.Evaluated = grid.Count;
            return from;
        }
    }

    /// <summary>Grid points g0..g1 (minute indices; point m is the instant m·60 s and sees minutes before it).</summary>
    internal sealed record Grid(long First, long Last)
    {
        public int Count => (int)(Last - First + 1);

        public static Grid? For(DetectionData data, long nowMs)
        {
            if (data.FirstDataMinute == long.MaxValue)
            {
                return null;
            }

            var first = data.FirstDataMinute + 1;
            var last = Math.Min(FloorDiv(nowMs, MinuteMs), data.BaseMinute + DetectionData.MaxHistoryMinutes + (24 * 60));
            return last < first ? null : new Grid(first, last);
        }
    }

    /// <summary>A rule's condition at every grid point, and a score for picking the episode's worst point.</summary>
    internal sealed class Track
    {
        public bool[] Fire { get; private set; } = [];
        public bool[] Clear { get; private set; } = [];
        public double[] Score { get; private set; } = [];

        /// <summary>A per-point threshold or measure the evidence repeats (the crash threshold, the failure threshold, the identifiers).</summary>
        public double[] Threshold { get; private set; } = [];

        /// <summary>Which arm fired first at each point (for the episode's rule and title), or a per-point key; null when none.</summary>
        public string?[] Arm { get; private set; } = [];

        /// <summary>Points [0, Evaluated) hold results.</summary>
        public int Evaluated { get; set; }

        public void Grow(int count)
        {
            if (Fire.Length >= count)
            {
                return;
            }

            var size = Math.Max(count, Fire.Length + (Fire.Length / 4) + 64);
            Fire = Resized(Fire, size);
            Clear = Resized(Clear, size);
            Score = Resized(Score, size);
            Threshold = Resized(Threshold, size);
            Arm = Resized(Arm, size);
        }

        private static T[] Resized<T>(T[] values, int size)
        {
            var copy = values;
            Array.Resize(ref copy, size);
            return copy;
        }
    }

    /// <summary>
    /// Spans of a track: on at the first point it fires; cleared at the point its clear condition has held at every
    /// point for <paramref name="clearMinutes"/> (from its first clear point c, cleared at c + clearMinutes); a
    /// point that fires again resets the clear clock, and one that neither fires nor clears stops it. Spans of the same
    /// key closer than ReopenWithin (the gap from a clear to the next start ≤ it) are merged by <see cref="Merge"/>.
    /// </summary>
    private static List<(int Start, int? Cleared, int Worst, string Arm)> Spans(Grid grid, Track track, int clearMinutes)
    {
        var spans = new List<(int, int?, int, string)>();
        int? start = null;
        var worst = 0;
        var arm = "";
        var run = 0;
        for (var i = 0; i < grid.Count; i++)
        {
            if (start is null)
            {
                if (track.Fire[i])
                {
                    start = i;
                    worst = i;
                    arm = track.Arm[i] ?? "";
                    run = 0;
                }

                continue;
            }

            if (track.Score[i] > track.Score[worst] && track.Fire[i])
            {
                worst = i;
            }

            if (track.Fire[i])
            {
                run = 0;
            }
            else if (track.Clear[i])
            {
                run++;
                if (run > clearMinutes)
                {
                    spans.Add((start.Value, i, worst, arm));
                    start = null;
                }
            }
            else
            {
                run = 0;
            }
        }

        if (start is not null)
        {
            spans.Add((start.Value, null, worst, arm));
        }

        return spans;
    }

    /// <summary>Merges spans whose gap from a clear to the next start is at most <paramref name="reopenMinutes"/>: the worst point is the worse of the two.</summary>
    private static List<(int Start, int? Cleared, int Worst, string Arm)> Merge(List<(int Start, int? Cleared, int Worst, string Arm)> spans, Track track, long reopenMinutes)
    {
        var merged = new List<(int Start, int? Cleared, int Worst, string Arm)>();
        foreach (var span in spans)
        {
            if (merged.Count > 0 && merged[^1].Cleared is { } cleared && span.Start - cleared <= reopenMinutes)
            {
                var last = merged[^1];
                merged[^1] = (last.Start, span.Cleared, track.Score[span.Worst] > track.Score[last.Worst] ? span.Worst : last.Worst, last.Arm);
            }
            else
            {
                merged.Add(span);
            }
        }

        return merged;
    }

    private static long Minutes(TimeSpan span) => Math.Max(1, (long)Math.Round(span.TotalMinutes));

    private static long ReopenMinutes(DetectionRuleOptions rules) => Math.Max(0, (long)Math.Round(rules.ReopenWithin.TotalMinutes));

    private static long At(Grid grid, int i) => (grid.First + i) * MinuteMs;

    private static long? At(Grid grid, int? i) => i is { } v ? At(grid, v) : null;

    private static IEnumerable<RuleSpan> ProviderOutage(DetectionData data, DetectionRuleOptions rules, Grid grid, RuleCache cache)
    {
        var rule = rules.ProviderOutage;
        var w = Minutes(rule.Window);
        var all = data.LlmCalls.PrefixOver(grid.First - w, grid.Last);
        foreach (var (provider, counts) in data.Providers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var prefix = counts.PrefixOver(grid.First - w, grid.Last);
            var track = cache.TrackOf(IncidentClass.ProviderOutage, provider);
            for (var i = cache.From(track, grid); i < grid.Count; i++)
            {
                var m = grid.First + i;
                var (calls, errors) = prefix.Sum(m - w, m);
                var ratio = calls > 0 ? (double)errors / calls : 0;
                track.Fire[i] = calls >= rule.MinCalls && ratio >= rule.ErrorRatio;
                // No calls says nothing about the provider: silence neither clears nor fires.
                track.Clear[i] = calls > 0 && ratio < rule.ClearRatio;
                track.Score[i] = calls >= rule.MinCalls ? ratio : 0;
                track.Arm[i] = track.Fire[i] ? ProviderRule : null;
            }

            foreach (var (start, cleared, worst, _) in Merge(Spans(grid, track, (int)Minutes(rule.ClearAfter)), track, ReopenMinutes(rules)))
            {
                var m = grid.First + worst;
                var (calls, errors) = prefix.Sum(m - w, m);
                var total = all.Sum(m - w, m).Total;
                var ratio = calls > 0 ? (double)errors / calls : 0;
                yield return new RuleSpan(
                    IncidentClass.ProviderOutage, provider, ProviderRule, At(grid, start), At(grid, cleared), m * MinuteMs, w * MinuteMs,
                    Invariant($"{provider}: llm_call errors {ratio * 100:0} % over {w} min"),
                    Invariant($"{errors} of {calls} llm_calls to {provider} failed in the {w} minutes before {Stamp(m)} ({ratio * 100:0.#} %; the rule fires at {rule.ErrorRatio * 100:0.#} % with at least {rule.MinCalls} calls)."),
                    [new("error ratio", Round(ratio), "≥", rule.ErrorRatio), new("calls", calls, "≥", rule.MinCalls)],
                    total > 0 ? (double)errors / total : 0);
            }
        }
    }

    private static IEnumerable<RuleSpan> SandboxInstability(DetectionData data, DetectionRuleOptions rules, Grid grid, RuleCache cache)
    {
        var rule = rules.SandboxInstability;
        var w = Minutes(rule.Window);
        var baselineMinutes = Minutes(rule.BaselineWindow);
        var crashes = data.Crashes.PrefixOver(data.BaseMinute, grid.Last);
        var starts = data.Starts.PrefixOver(data.BaseMinute, grid.Last);
        var track = cache.TrackOf(IncidentClass.SandboxInstability, SandboxKey);
        var from = cache.From(track, grid);
        var thresholds = track.Threshold;
        for (var i = from; i < grid.Count; i++)
        {
            var m = grid.First + i;
            var c = crashes.Sum(m - w, m).Total;
            var (crashArm, threshold) = CrashArm(m, c);
            thresholds[i] = threshold;
            var (s, failed) = starts.Sum(m - w, m);
            var failRatio = s > 0 ? (double)failed / s : 0;
            var deployArm = s >= rule.MinStarts && failRatio >= rule.DeployFailureRatio;
            track.Fire[i] = crashArm || deployArm;
            track.Clear[i] = !track.Fire[i];
            track.Score[i] = Math.Max(double.IsFinite(threshold) ? c / threshold : 0, s >= rule.MinStarts ? failRatio / rule.DeployFailureRatio : 0);
            track.Arm[i] = crashArm ? CrashRule : deployArm ? DeployRule : null;
        }

        foreach (var (start, cleared, worst, arm) in Merge(Spans(grid, track, (int)Minutes(rule.ClearAfter)), track, ReopenMinutes(rules)))
        {
            var m = grid.First + worst;
            var c = crashes.Sum(m - w, m).Total;
            var (s, failed) = starts.Sum(m - w, m);
            var failRatio = s > 0 ? (double)failed / s : 0;
            var threshold = track.Threshold[worst];
            List<EvidenceValue> values =
            [
                new("crashes + restarts", c, "≥", double.IsFinite(threshold) ? Round(threshold) : rule.MinCrashes),
                new("deploy failure ratio", Round(failRatio), "≥", rule.DeployFailureRatio),
                new("preview starts", s, "≥", rule.MinStarts),
            ];
            var title = arm == CrashRule
                ? Invariant($"sandbox: {c} crashes and restarts in {w} min")
                : Invariant($"sandbox: preview deploys failing {failRatio * 100:0} % over {w} min");
            var summary = Invariant($"In the {w} minutes before {Stamp(m)}: {c} sandbox_crashed + sandbox_restarted (the rule needs {rule.MinCrashes} and {rule.CrashRateFactor:0.#}× the trailing {baselineMinutes / 1440.0:0.#}-day rate), {failed} of {s} preview starts failed ({failRatio * 100:0.#} %; the rule needs {rule.DeployFailureRatio * 100:0.#} % of at least {rule.MinStarts}).");
            yield return new RuleSpan(IncidentClass.SandboxInstability, SandboxKey, arm, At(grid, start), At(grid, cleared), m * MinuteMs, w * MinuteMs,
                title, summary, values, failRatio);
        }

        // Crashes + restarts ≥ MinCrashes and ≥ factor × the trailing baseline's rate per window, the baseline being the
        // BaselineWindow before the window (clipped to the data's start; at least a day of it, else the arm is off).
        (bool Fires, double Threshold) CrashArm(long m, long c)
        {
            var baselineEnd = m - w;
            var baselineStart = Math.Max(data.FirstDataMinute, baselineEnd - baselineMinutes);
            var span = baselineEnd - baselineStart;
            if (span < MinBaselineMinutes)
            {
                return (false, double.PositiveInfinity);
            }

            var rate = (double)crashes.Sum(baselineStart, baselineEnd).Total * w / span;
            var threshold = Math.Max(rule.MinCrashes, rule.CrashRateFactor * rate);
            return (c >= threshold, threshold);
        }
    }

    private static IEnumerable<RuleSpan> MigrationRegression(DetectionData data, DetectionRuleOptions rules, Grid grid, RuleCache cache)
    {
        var rule = rules.MigrationRegression;
        var w = Minutes(rule.Window);
        var after = (long)rule.AfterMigration.TotalMilliseconds;
        var queries = data.D1Queries.PrefixOver(grid.First - w, grid.Last);
        int Index(long atMs) => (int)Math.Clamp(FloorDiv(atMs, MinuteMs) + 1 - grid.First, 0, grid.Count);

        // d1_query errors within AfterMigration after a migration_applied, per point: the migration applied last
        // before it (in Arm), and the error ratio (the worst point's score for every migration track).
        var d1 = cache.D1;
        var from = cache.From(d1, grid);
        var applies = data.Migrations.Where(e => !e.Failed).ToList();
        var next = 0;
        MigrationEvent? lastApplied = null;
        for (var i = from; i < grid.Count; i++)
        {
            var m = grid.First + i;
            while (next < applies.Count && applies[next].AtMs < m * MinuteMs)
            {
                lastApplied = applies[next++];
            }

            var (q, errors) = queries.Sum(m - w, m);
            var ratio = q > 0 ? (double)errors / q : 0;
            d1.Score[i] = ratio;
            d1.Arm[i] = lastApplied is { } a && m * MinuteMs - a.AtMs <= after && q >= rule.MinQueries && ratio >= rule.QueryErrorRatio ? a.Name : null;
        }

        // The migration arms are rebuilt from the (few) migration events at every pass.
        var tracks = new Dictionary<string, Track>(StringComparer.Ordinal);
        Track TrackOf(string name)
        {
            if (!tracks.TryGetValue(name, out var t))
            {
                t = new Track();
                t.Grow(grid.Count);
                tracks[name] = t;
            }

            return t;
        }

        foreach (var name in d1.Arm.Take(grid.Count).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            TrackOf(name);
        }

        // migration_failed: on from the first point after the failure until the first point after a later apply of it.
        foreach (var byName in data.Migrations.GroupBy(e => e.Name, StringComparer.Ordinal))
        {
            long? failedAt = null;
            foreach (var e in byName.Append(new MigrationEvent(byName.Key, long.MaxValue, false)))
            {
                if (e.Failed)
                {
                    failedAt ??= e.AtMs;
                }
                else if (failedAt is { } f)
                {
                    var track = TrackOf(byName.Key);
                    var end = e.AtMs == long.MaxValue ? grid.Count : Index(e.AtMs);
                    for (var i = Index(f); i < end; i++)
                    {
                        track.Fire[i] = true;
                        track.Arm[i] ??= MigrationFailedRule;
                    }

                    failedAt = null;
                }
            }

            // Drift: reported applied, missing from d1_migrations (only when d1_migrations is imported).
            // A sanitised name (Raw set) is not the name d1_migrations holds: it tells no drift.
            if (rule.Drift && data.AppliedMigrations is { } applied && !applied.Contains(byName.Key) && byName.FirstOrDefault(e => !e.Failed && e.Raw is null) is { Name: not null } first)
            {
                var track = TrackOf(byName.Key);
                for (var i = Index(first.AtMs); i < grid.Count; i++)
                {
                    track.Fire[i] = true;
                    track.Arm[i] ??= DriftRule;
                }
            }
        }

        foreach (var (name, track) in tracks)
        {
            for (var i = 0; i < grid.Count; i++)
            {
                if (d1.Arm[i] == name)
                {
                    track.Fire[i] = true;
                    track.Arm[i] ??= QueryErrorRule;
                }

                track.Clear[i] = !track.Fire[i];
                track.Score[i] = d1.Score[i];
            }
        }

        foreach (var (name, track) in tracks.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            foreach (var (start, cleared, worst, arm) in Merge(Spans(grid, track, 0), track, ReopenMinutes(rules)))
            {
                var m = grid.First + worst;
                var (q, errors) = queries.Sum(m - w, m);
                var ratio = q > 0 ? (double)errors / q : 0;
                var failures = data.Migrations.Count(e => e.Failed && e.Name == name && e.AtMs < m * MinuteMs && e.AtMs >= At(grid, start) - MinuteMs);
                var missing = data.AppliedMigrations is { } applied && data.Migrations.Any(e => !e.Failed && e.Raw is null && e.Name == name) && !applied.Contains(name);
                var raw = data.Migrations.LastOrDefault(e => e.Failed && e.Name == name && e.Raw is not null && e.AtMs < m * MinuteMs && e.AtMs >= At(grid, start) - MinuteMs).Raw;
                var title = arm switch
                {
                    MigrationFailedRule => Invariant($"{name}: migration failed"),
                    DriftRule => Invariant($"{name}: applied but missing from d1_migrations"),
                    _ => Invariant($"{name}: d1_query errors {ratio * 100:0} % within {rule.AfterMigration.TotalMinutes:0} min of the migration"),
                };
                var summary = Invariant($"{failures} migration_failed event(s) for {name}; {errors} of {q} d1_queries failed in the {w} minutes before {Stamp(m)} ({ratio * 100:0.#} %)") +
                              (missing ? "; reported applied but absent from d1_migrations" : "") +
                              (raw is null ? "." : Invariant($"; attrs_json held no clean migration name (the key is {name}): {raw}"));
                yield return new RuleSpan(IncidentClass.MigrationRegression, name, arm, At(grid, start), At(grid, cleared), m * MinuteMs, w * MinuteMs, title, summary,
                    [new("migration_failed events", failures, "≥", 1), new("d1_query error ratio", Round(ratio), "≥", rule.QueryErrorRatio), new("missing from d1_migrations", missing ? 1 : 0, "≥", 1)],
                    ratio);
            }
        }
    }

    private static IEnumerable<RuleSpan> AuthPolicyFailure(DetectionData data, DetectionRuleOptions rules, Grid grid, RuleCache cache)
    {
        if (data.Auth is not { } auth)
        {
            yield break;
        }

        var rule = rules.AuthPolicyFailure;
        var w = Minutes(rule.Window);
        var attempts = auth.PrefixOver(data.BaseMinute, grid.Last);
        var medians = cache.Medians;
        var track = cache.TrackOf(IncidentClass.AuthPolicyFailure, AuthKey);
        var from = cache.From(track, grid);
        var (distinct, topIp, ips) = Stuffing(data, rule, grid, w, cache, from);
        var thresholds = track.Threshold;
        for (var i = from; i < grid.Count; i++)
        {
            var m = grid.First + i;
            var failed = attempts.Sum(m - w, m).Failed;
            var median = Median(FloorDiv(m - w, 60));
            var threshold = median is { } med ? Math.Max(rule.MinFailures, rule.FailureFactor * med) : double.PositiveInfinity;
            thresholds[i] = threshold;
            var volume = failed >= threshold;
            var stuffing = distinct[i] >= rule.StuffingIdentifiers;
            track.Fire[i] = volume || stuffing;
            track.Clear[i] = !track.Fire[i];
            track.Score[i] = Math.Max((double)distinct[i] / rule.StuffingIdentifiers, double.IsFinite(threshold) ? failed / threshold : 0);
            track.Arm[i] = stuffing ? StuffingRule : volume ? FailureVolumeRule : null;
        }

        foreach (var (start, cleared, worst, arm) in Merge(Spans(grid, track, (int)Minutes(rule.ClearAfter)), track, ReopenMinutes(rules)))
        {
            var m = grid.First + worst;
            var (total, failed) = attempts.Sum(m - w, m);
            var threshold = thresholds[worst];
            var involved = ips.Where(p => p.Value.Any(i => i >= start && i <= (cleared ?? grid.Count - 1))).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            var top = topIp[worst] ?? involved.FirstOrDefault();
            var title = arm == StuffingRule
                ? Invariant($"credential stuffing: {top} failed against {distinct[worst]} identifiers in {w} min") + (involved.Count > 1 ? Invariant($" ({involved.Count} IPs)") : "")
                : Invariant($"auth failures: {failed} failed attempts in {w} min");
            var summary = Invariant($"{failed} of {total} auth_attempts failed in the {w} minutes before {Stamp(m)}") +
                          (double.IsFinite(threshold) ? Invariant($" (the volume rule fires at {threshold:0.#}: {rule.FailureFactor:0.#}× the trailing hourly median, at least {rule.MinFailures})") : "") +
                          (involved.Count > 0 ? $"; IPs failing against ≥ {rule.StuffingIdentifiers} identifiers: {string.Join(", ", involved.Take(10))}" + (involved.Count > 10 ? Invariant($" and {involved.Count - 10} more") : "") : "") + ".";
            yield return new RuleSpan(IncidentClass.AuthPolicyFailure, AuthKey, arm, At(grid, start), At(grid, cleared), m * MinuteMs, w * MinuteMs, title, summary,
                [new("distinct identifiers from one IP", distinct[worst], "≥", rule.StuffingIdentifiers), new("failed attempts", failed, "≥", double.IsFinite(threshold) ? Round(threshold) : rule.MinFailures)],
                total > 0 ? (double)failed / total : 0);
        }

        // The median of the failed attempts per clock hour over the BaselineWindow of whole hours before hour h (hours
        // before the data's first are not counted; fewer than 24 and there is no baseline).
        double? Median(long h)
        {
            if (medians.TryGetValue(h, out var cached))
            {
                return cached;
            }

            var hours = (long)Math.Round(rule.BaselineWindow.TotalHours);
            var firstHour = (data.FirstDataMinute + 59) / 60;
            var counts = new List<long>();
            for (var k = Math.Max(firstHour, h - hours); k < h; k++)
            {
                counts.Add(attempts.Sum(k * 60, (k + 1) * 60).Failed);
            }

            double? median = null;
            if (counts.Count >= 24)
            {
                counts.Sort();
                median = counts.Count % 2 == 1 ? counts[counts.Count / 2] : (counts[(counts.Count / 2) - 1] + counts[counts.Count / 2]) / 2.0;
            }

            medians[h] = median;
            return median;
        }
    }

    /// <summary>
    /// Per grid point from <paramref name="from"/> on, the most distinct identifiers one IP failed against in the
    /// trailing window and that IP (kept in the cache's stuffing track), and for each IP reaching the threshold the
    /// points at which it did. Only IPs with that many distinct identifiers in all are stepped through.
    /// </summary>
    private static (double[] Distinct, string?[] TopIp, Dictionary<string, List<int>> Ips) Stuffing(DetectionData data, AuthPolicyFailureRule rule, Grid grid, long w, RuleCache cache, int from)
    {
        var track = cache.Stuffing;
        track.Grow(grid.Count);
        Array.Clear(track.Threshold, from, track.Threshold.Length - from);
        Array.Clear(track.Arm, from, track.Arm.Length - from);
        foreach (var points in cache.IpPoints.Values)
        {
            points.RemoveAll(i => i >= from);
        }

        var distinct = track.Threshold;
        var top = track.Arm;
        var fromMs = (grid.First + from - w) * MinuteMs;
        foreach (var (ip, attempts) in data.FailedByIp)
        {
            if (attempts[^1].AtMs < fromMs || attempts.Select(a => a.Identifier).Distinct(StringComparer.Ordinal).Take(rule.StuffingIdentifiers).Count() < rule.StuffingIdentifiers)
            {
                continue;
            }

            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var tail = LowerBound(attempts, fromMs);
            var head = tail;
            var first = (int)Math.Max(from, FloorDiv(attempts[tail].AtMs, MinuteMs) + 1 - grid.First);
            var last = (int)Math.Min(grid.Count - 1, FloorDiv(attempts[^1].AtMs, MinuteMs) + 1 + w - grid.First);
            for (var i = first; i <= last; i++)
            {
                var m = grid.First + i;
                while (head < attempts.Count && attempts[head].AtMs < m * MinuteMs)
                {
                    var id = attempts[head++].Identifier;
                    counts[id] = counts.GetValueOrDefault(id) + 1;
                }

                while (tail < head && attempts[tail].AtMs < (m - w) * MinuteMs)
                {
                    var id = attempts[tail++].Identifier;
                    if (--counts[id] == 0)
                    {
                        counts.Remove(id);
                    }
                }

                if (counts.Count > distinct[i])
                {
                    distinct[i] = counts.Count;
                    top[i] = ip;
                }

                if (counts.Count >= rule.StuffingIdentifiers)
                {
                    (cache.IpPoints.TryGetValue(ip, out var points) ? points : cache.IpPoints[ip] = []).Add(i);
                }
            }
        }

        return (distinct, top, cache.IpPoints);
    }

    private static int LowerBound(List<FailedAttempt> attempts, long atMs)
    {
        int lo = 0, hi = attempts.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (attempts[mid].AtMs < atMs)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static double Round(double value) => Math.Round(value, 4);

    private static string Stamp(long minute) => DateTimeOffset.FromUnixTimeMilliseconds(minute * MinuteMs).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
