namespace VibeDashboard.Operations.Incidents.Detection;

/// <summary>
/// Per-minute counts of one series (minute m holds events with occurred_at in [m·60 s, (m+1)·60 s)), dense from
/// <see cref="BaseMinute"/>. Two counters per minute: a total and its failed part.
/// </summary>
public sealed class MinuteCounts(long baseMinute)
{
    // A day past the evaluation time is kept (a clock a little ahead); anything later is not counted.
    internal const int MaxMinutes = (int)(DetectionData.MaxHistoryMinutes + (24 * 60));

    private long[] _total = new long[1024];
    private long[] _failed = new long[1024];

    public long BaseMinute { get; } = baseMinute;

    /// <summary>One past the newest minute with a count.</summary>
    public long EndMinute { get; private set; } = baseMinute;

    public void Add(long minute, long total, long failed)
    {
        var i = minute - BaseMinute;
        if (i < 0 || i >= MaxMinutes || (total == 0 && failed == 0))
        {
            return;
        }

        if (i >= _total.Length)
        {
            var size = (int)Math.Min(MaxMinutes, Math.Max(i + 1, (long)_total.Length * 2));
            Array.Resize(ref _total, size);
            Array.Resize(ref _failed, size);
        }

        _total[i] += total;
        _failed[i] += failed;
        TotalSum += total;
        FailedSum += failed;
        EndMinute = Math.Max(EndMinute, minute + 1);
    }

    /// <summary>All counted events (a provider's calls in the history read).</summary>
    public long TotalSum { get; private set; }

    /// <summary>All counted failed events (a provider's failed calls in the history read).</summary>
    public long FailedSum { get; private set; }

    public long Total(long minute) => At(_total, minute);

    public long Failed(long minute) => At(_failed, minute);

    private long At(long[] values, long minute)
    {
        var i = minute - BaseMinute;
        return i < 0 || i >= values.Length ? 0 : values[i];
    }

    /// <summary>Prefix sums over [<paramref name="from"/>, <paramref name="to"/>): sums of any minute range in O(1).</summary>
    public Prefix PrefixOver(long from, long to) => new(this, from, to);

    public sealed class Prefix
    {
        private readonly long _from;
        private readonly long[] _total;
        private readonly long[] _failed;

        public Prefix(MinuteCounts counts, long from, long to)
        {
            _from = from;
            var n = (int)Math.Max(0, to - from);
            _total = new long[n + 1];
            _failed = new long[n + 1];
            for (var i = 0; i < n; i++)
            {
                _total[i + 1] = _total[i] + counts.Total(from + i);
                _failed[i + 1] = _failed[i] + counts.Failed(from + i);
            }
        }

        /// <summary>(total, failed) of the minutes in [<paramref name="a"/>, <paramref name="b"/>), clipped to the prefix's range.</summary>
        public (long Total, long Failed) Sum(long a, long b)
        {
            var i = (int)Math.Clamp(a - _from, 0, _total.Length - 1);
            var j = (int)Math.Clamp(b - _from, 0, _total.Length - 1);
            return j <= i ? (0, 0) : (_total[j] - _total[i], _failed[j] - _failed[i]);
        }
    }
}

/// <summary>A migration_applied or migration_failed event (name from attrs_json's <c>migration</c>).</summary>
/// <remarks>
/// <see cref="Raw"/> is set when attrs_json held no usable name (not JSON, no or a null <c>migration</c>, too long,
/// control characters): a short escaped excerpt of what it held, for the evidence; <see cref="Name"/> is then
/// <see cref="DetectionKeys.Unknown"/> or the name's sanitised, truncated form.
/// </remarks>
public readonly record struct MigrationEvent(string Name, long AtMs, bool Failed, string? Raw = null);

/// <summary>A failed auth attempt: which IP tried which identifier when.</summary>
public readonly record struct FailedAttempt(string Ip, string Identifier, long AtMs);

/// <summary>
/// What the rules read, kept in memory between passes: a full pass builds it, an append pass adds the rows after the
/// last seq / rowid seen. Everything the rules need is here, so <see cref="DetectionRules"/> is a pure function of it.
/// </summary>
public sealed class DetectionData(long baseMinute)
{
    /// <summary>History read by a full pass: at most 90 days before the evaluation time (a month's review and its baseline).</summary>
    public const long MaxHistoryMinutes = 90L * 24 * 60;

    /// <summary>
    /// Providers evaluated at most (memory: a minute grid each). The full read picks them by failed llm_calls in the
    /// history, then calls, so providers that never fail cannot take a failing one's place; see <see cref="AdmitProvider"/>.
    /// </summary>
    public const int MaxProviders = 32;

    /// <summary>Raw names kept per provider key (for the evidence's event queries).</summary>
    private const int MaxRawNamesPerProvider = 16;

    /// <summary>Untracked providers whose failures are counted while every slot is taken.</summary>
    private const int MaxPendingProviders = 4096;

    private readonly Dictionary<string, long> _pendingFailures = new(StringComparer.Ordinal);

    /// <summary>Provider key → the raw provider values seen for it (the key is a sanitised form of an odd name).</summary>
    public Dictionary<string, HashSet<string>> ProviderNames { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Set by an append read when a provider without a slot has failed more calls than the weakest tracked provider:
    /// the caller reads everything again, which ranks the providers anew.
    /// </summary>
    public bool NeedsRerank { get; private set; }

    /// <summary>
    /// Where an llm_call bucket of provider <paramref name="raw"/> goes: its key's counts, or null when the key has no
    /// slot. With a free slot (<paramref name="adopt"/>: an append read) a new key takes it; without one, its failures
    /// are counted and, once they exceed the weakest tracked provider's, <see cref="NeedsRerank"/> is set.
    /// </summary>
    public MinuteCounts? AdmitProvider(string raw, long minute, long failed, bool adopt)
    {
        var key = DetectionKeys.Key(raw, DetectionKeys.MaxProviderLength);
        if (!Providers.ContainsKey(key))
        {
            if (!adopt)
            {
                return null;
            }

            if (Providers.Count >= MaxProviders)
            {
                // Only failures the counts would hold (as the full read's ranking counts them), so a re-rank always admits the newcomer.
                if (failed > 0 && minute >= BaseMinute && minute < CountedUntilMinute
                    && (_pendingFailures.ContainsKey(key) || _pendingFailures.Count < MaxPendingProviders))
                {
                    var pending = _pendingFailures[key] = _pendingFailures.GetValueOrDefault(key) + failed;
                    NeedsRerank |= pending > Providers.Values.Min(p => p.FailedSum);
                }

                return null;
            }
        }

        if (!ProviderNames.TryGetValue(key, out var names))
        {
            names = new HashSet<string>(StringComparer.Ordinal);
            ProviderNames[key] = names;
        }

        if (names.Count < MaxRawNamesPerProvider)
        {
            names.Add(raw);
        }

        return Provider(key);
    }

    public long BaseMinute { get; } = baseMinute;

    /// <summary>One past the last minute counts can hold (a day past a full history): later rows are not counted.</summary>
    public long CountedUntilMinute => BaseMinute + MinuteCounts.MaxMinutes;

    /// <summary>llm_call per provider: calls and failed calls.</summary>
    public Dictionary<string, MinuteCounts> Providers { get; } = new(StringComparer.Ordinal);

    /// <summary>All llm_calls (every provider), for the share of traffic a provider's failures are.</summary>
    public MinuteCounts LlmCalls { get; } = new(baseMinute);

    /// <summary>sandbox_crashed + sandbox_restarted (total only).</summary>
    public MinuteCounts Crashes { get; } = new(baseMinute);

    /// <summary>Preview starts (deployment_completed + deployment_failed) and the failed ones.</summary>
    public MinuteCounts Starts { get; } = new(baseMinute);

    /// <summary>d1_query: queries and failed queries.</summary>
    public MinuteCounts D1Queries { get; } = new(baseMinute);

    /// <summary>auth_attempts: attempts and failed attempts (null when the table or its columns are missing).</summary>
    public MinuteCounts? Auth { get; set; }

    public List<MigrationEvent> Migrations { get; } = [];

    /// <summary>Failed auth attempts per IP, in time order.</summary>
    public Dictionary<string, List<FailedAttempt>> FailedByIp { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The oldest minute that received rows since the rules last ran (<see cref="long.MinValue"/>: everything is new).
    /// Grid points up to it evaluate as before, so a pass after an append re-evaluates only the points after it.
    /// </summary>
    public long DirtyFromMinute { get; private set; } = long.MinValue;

    public void MarkDirty(long minute) => DirtyFromMinute = Math.Min(DirtyFromMinute, minute);

    /// <summary>Called by the rules once they have evaluated every point.</summary>
    public void MarkClean() => DirtyFromMinute = long.MaxValue;

    public void AddFailedAttempt(FailedAttempt attempt)
    {
        if (!FailedByIp.TryGetValue(attempt.Ip, out var list))
        {
            list = [];
            FailedByIp[attempt.Ip] = list;
        }

        list.Add(attempt);
        if (list.Count > 1 && list[^2].AtMs > attempt.AtMs)
        {
            list.Sort((a, b) => a.AtMs.CompareTo(b.AtMs));
        }

        MarkDirty(attempt.AtMs / 60_000);
    }

    /// <summary>Names in d1_migrations; null when it is not imported (no drift can be told).</summary>
    public HashSet<string>? AppliedMigrations { get; set; }

    /// <summary>The oldest minute holding data (the grid starts here).</summary>
    public long FirstDataMinute { get; set; } = long.MaxValue;

    public MinuteCounts Provider(string name)
    {
        if (!Providers.TryGetValue(name, out var counts))
        {
            counts = new MinuteCounts(BaseMinute);
            Providers[name] = counts;
        }

        return counts;
    }
}
