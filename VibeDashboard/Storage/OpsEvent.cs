namespace VibeDashboard.Storage;

/// <summary>
/// One row of the <c>ops_events</c> telemetry contract (README). <see cref="OccurredAt"/> is unix ms UTC,
/// already normalised. Settable properties so Dapper can map SQLite's Int64/REAL columns straight in.
/// </summary>
public sealed class OpsEvent
{
    public long Seq { get; set; }
    public string Id { get; set; } = "";
    public long OccurredAt { get; set; }
    public string? Source { get; set; }
    public string EventType { get; set; } = "";
    public string? AppId { get; set; }
    public string? UserId { get; set; }
    public string? InstanceId { get; set; }
    public string? PolicyTier { get; set; }
    public string? Status { get; set; }
    public double? DurationMs { get; set; }
    public double? CostUsd { get; set; }
    public long? TokensIn { get; set; }
    public long? TokensOut { get; set; }
    public string? Provider { get; set; }
    public string? Model { get; set; }
    public string? ErrorCode { get; set; }
    public string? Message { get; set; }
    public string? AttrsJson { get; set; }

    /// <summary>Values in <see cref="StoreSchema.OpsEventColumns"/> order, for the bulk writer.</summary>
    public object?[] ToRow() =>
    [
        Id, OccurredAt, Source, EventType, AppId, UserId, InstanceId, PolicyTier, Status,
        DurationMs, CostUsd, TokensIn, TokensOut, Provider, Model, ErrorCode, Message, AttrsJson,
    ];
}
