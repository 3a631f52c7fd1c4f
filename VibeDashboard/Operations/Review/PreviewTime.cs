namespace VibeDashboard.Operations.Review;

/// <summary>
/// Preview time as docs/metrics.md defines it, over one range: per <c>instance_id</c>, from its <c>sandbox_started</c>
/// and <c>sandbox_stopped</c> events in time order (a start before a stop at the same ms), an instance runs from a start
/// until the next stop after it, and after its last start up to the range's end. A stop with no start before it is
/// ignored; a second start while running changes nothing. An instance whose last edge before the range is a start
/// runs from the range's start.
/// </summary>
public static class PreviewTime
{
    /// <summary>One start or stop of an instance.</summary>
    public readonly record struct Edge(string Instance, long AtMs, bool Stop);

    /// <summary>
    /// The running stretches [from, to) in ms within [<paramref name="fromMs"/>, <paramref name="toMs"/>).
    /// <paramref name="runningAtStart"/>: the instances whose last edge before the range was a start.
    /// </summary>
    public static IReadOnlyList<(long From, long To)> Stretches(IEnumerable<Edge> edges, IEnumerable<string> runningAtStart, long fromMs, long toMs)
    {
        var since = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var instance in runningAtStart)
        {
            since[instance] = fromMs;
        }

        var stretches = new List<(long, long)>();
        foreach (var edge in edges.Where(e => e.AtMs >= fromMs && e.AtMs < toMs).OrderBy(e => e.AtMs).ThenBy(e => e.Stop))
        {
            if (!edge.Stop)
            {
                since.TryAdd(edge.Instance, edge.AtMs);
            }
            else if (since.Remove(edge.Instance, out var start) && edge.AtMs > start)
            {
                stretches.Add((start, edge.AtMs));
            }
        }

        foreach (var start in since.Values.Where(s => s < toMs))
        {
            stretches.Add((start, toMs));
        }

        return stretches;
    }

    /// <summary>Hours of the stretches inside [<paramref name="fromMs"/>, <paramref name="toMs"/>).</summary>
    public static double Hours(IEnumerable<(long From, long To)> stretches, long fromMs, long toMs) =>
        stretches.Sum(s => (double)Math.Max(0, Math.Min(s.To, toMs) - Math.Max(s.From, fromMs))) / 3_600_000d;
}
