using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion.Demo;

/// <summary>
/// <c>Demo:RateMultiplier</c> m &gt; 1 (the wall's soak benchmark): the live demo writes every generated event m times,
/// once at its own time and m − 1 more times delayed by 1 … m − 1 seconds under new ids (<c>{id}-x{k}</c>). The store,
/// the aggregator and the pages then carry m times the demo's event rate, while every ratio, latency and cost stays
/// the demo's (each copy is the same seeded stream, shifted). It is one generator call per append over a window only
/// m − 1 seconds wider, so the multiplier costs writes, not generation. History is not multiplied: only live appends.
/// </summary>
public static class DemoReplay
{
    public const long ShiftMs = 1_000;

    /// <summary>The replayed copies whose delayed time falls in [<paramref name="fromMs"/>, <paramref name="toMs"/>).</summary>
    public static IEnumerable<OpsEvent> Copies(DemoDataGenerator generator, long fromMs, long toMs, int multiplier)
    {
        if (multiplier <= 1 || toMs <= fromMs)
        {
            yield break;
        }

        foreach (var e in generator.Events(fromMs - (multiplier - 1) * ShiftMs, toMs - ShiftMs))
        {
            for (var k = 1; k < multiplier; k++)
            {
                var at = e.OccurredAt + k * ShiftMs;
                if (at >= fromMs && at < toMs)
                {
                    yield return Copy(e, at, k);
                }
            }
        }
    }

    private static OpsEvent Copy(OpsEvent e, long at, int k) => new()
    {
        Id = $"{e.Id}-x{k}",
        OccurredAt = at,
        Source = e.Source,
        EventType = e.EventType,
        AppId = e.AppId,
        UserId = e.UserId,
        InstanceId = e.InstanceId,
        PolicyTier = e.PolicyTier,
        Status = e.Status,
        DurationMs = e.DurationMs,
        CostUsd = e.CostUsd,
        TokensIn = e.TokensIn,
        TokensOut = e.TokensOut,
        Provider = e.Provider,
        Model = e.Model,
        ErrorCode = e.ErrorCode,
        Message = e.Message,
        AttrsJson = e.AttrsJson,
    };
}
