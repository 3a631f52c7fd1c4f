using System.Text.Json;

namespace VibeDashboard.Ingestion.Demo;

/// <summary>
/// A fault injected into the live demo: from <see cref="From"/> until <see cref="Until"/> the generations of one
/// policy tier's users fail (<see cref="DemoDataGenerator.FaultEvents"/>), so a rollout's gates, SLO alerts and incident
/// detection can be watched reacting to a tier's quality dropping. Kept in the store's meta table (written by the
/// audited demo-fault command, read by <see cref="DemoSeeder.AppendLiveAsync"/>) and dropped with the demo.
/// </summary>
public sealed record DemoFault(string Tier, DateTimeOffset From, DateTimeOffset Until, string By)
{
    /// <summary>The <c>_vd_meta</c> key that holds the current fault as JSON.</summary>
    public const string MetaKey = "demo_fault";

    /// <summary>Longest fault one command can set: a demo left degraded should mend itself.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool ActiveAt(DateTimeOffset now) => now >= From && now < Until;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored fault, or null when the text is missing or not one (a fault never breaks the live feed).</summary>
    public static DemoFault? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DemoFault>(json, Json) is { Tier.Length: > 0 } fault && fault.Until > fault.From ? fault : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
