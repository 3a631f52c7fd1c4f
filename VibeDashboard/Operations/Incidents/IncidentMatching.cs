namespace VibeDashboard.Operations.Incidents;

/// <summary>What the reconciler does with one episode.</summary>
internal enum EpisodeDecision
{
    /// <summary>No incident explains it (or the one that did was closed before the signal fired again): open one.</summary>
    Create,

    /// <summary>An incident explains it and its stored signal differs: record the change.</summary>
    Update,

    /// <summary>An incident explains it and already shows this signal's state (rule, active, start, clear time).</summary>
    Nothing,
}

/// <summary>
/// Which incident an episode belongs to, as a pure function of the incidents of its (class, key): the one whose
/// signal span overlaps the episode's or lies less than ReopenWithin from it, an open one before a closed one, the
/// newest first; else an open declared incident without a signal, when the episode is live. Used by the reconciler
/// to decide and by the detect handler to re-check under the write lock.
/// </summary>
internal static class IncidentMatching
{
    public static (EpisodeDecision Decision, IncidentRow? Incident) Decide(IEnumerable<IncidentRow> sameClassKey, DetectedEpisode episode, TimeSpan reopenWithin)
    {
        var candidates = sameClassKey.ToList();
        var match = candidates
            .Where(r => r.HasSignal && Touches(r, episode, reopenWithin))
            .OrderBy(r => IsTerminal(r) ? 1 : 0)
            .ThenByDescending(r => r.Number)
            .FirstOrDefault();
        if (match is null)
        {
            var declared = episode.Active
                ? candidates.Where(r => !r.HasSignal && !IsTerminal(r)).OrderByDescending(r => r.Number).FirstOrDefault()
                : null;
            return declared is null ? (EpisodeDecision.Create, null) : (EpisodeDecision.Update, declared);
        }

        // Closed by people while the signal was off, and now it is on again: that is a new incident for the on-call
        // engineer (a closed incident cannot reopen), not a line in an old one.
        if (IsTerminal(match) && match.SignalActive == 0 && episode.Active)
        {
            return (EpisodeDecision.Create, null);
        }

        return Differs(match, episode) ? (EpisodeDecision.Update, match) : (EpisodeDecision.Nothing, match);
    }

    /// <summary>The signal the stored one becomes: its start never moves later (a partial pass sees a truncated episode).</summary>
    public static DateTimeOffset MergedStart(IncidentRow row, DetectedEpisode episode) =>
        row.SignalStartedAt is { } stored && stored <= episode.StartedAt.ToUnixTimeMilliseconds()
            ? IncidentStore.Time(stored)
            : episode.StartedAt;

    /// <summary>
    /// Whether the episode changes the signal's state: rule, active/cleared, start or clear time. The evidence alone
    /// never counts — a live value (a burn rate, the worst ratio so far) moves every tick, and a write per tick would
    /// bump the version each second (an operator's expectedVersion stale at once, an audit entry a second). The
    /// evidence is refreshed together with the next state change.
    /// </summary>
    public static bool Differs(IncidentRow row, DetectedEpisode episode)
    {
        if (!row.HasSignal)
        {
            return true;
        }

        var next = row.Copy();
        next.SetSignal(episode, MergedStart(row, episode));
        return next.SignalRule != row.SignalRule
            || next.SignalActive != row.SignalActive
            || next.SignalStartedAt != row.SignalStartedAt
            || next.SignalClearedAt != row.SignalClearedAt;
    }

    /// <summary>Whether the episode lies in [from, to] at all (a partial pass must not touch what it did not look at).</summary>
    public static bool Within(DetectedEpisode episode, DateTimeOffset from, DateTimeOffset to) =>
        episode.StartedAt <= to && (episode.ClearedAt is not { } cleared || cleared >= from);

    /// <summary>Whether the episode is (part of) the signal the incident shows: their spans overlap or lie less than <paramref name="gap"/> apart.</summary>
    public static bool Touches(IncidentRow row, DetectedEpisode episode, TimeSpan gap)
    {
        var rowStart = row.SignalStartedAt!.Value;
        var rowEnd = row.SignalClearedAt ?? long.MaxValue;
        var start = episode.StartedAt.ToUnixTimeMilliseconds();
        var end = episode.ClearedAt?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        var gapMs = (long)gap.TotalMilliseconds;
        return start <= Plus(rowEnd, gapMs) && rowStart <= Plus(end, gapMs);
    }

    private static long Plus(long value, long gap) => value > long.MaxValue - gap ? long.MaxValue : value + gap;

    internal static bool IsTerminal(IncidentRow row) => IncidentWire.Parse<IncidentStatus>(row.Status).IsTerminal();
}
