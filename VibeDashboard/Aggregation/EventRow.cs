namespace VibeDashboard.Aggregation;

/// <summary>The columns of an ops_events row the aggregator folds (read without attrs_json, see <see cref="AggregationReader"/>).</summary>
internal readonly record struct EventRow(
    long At,
    string Type,
    string? Source,
    string? AppId,
    string? InstanceId,
    string? Tier,
    string? Status,
    double? DurationMs,
    double? CostUsd,
    double? Bytes,
    string? Migration,
    string? Provider = null,
    string? Model = null,
    double? TokensIn = null,
    double? TokensOut = null)
{
    public bool IsError => string.Equals(Status, "error", StringComparison.OrdinalIgnoreCase);

    /// <summary>Status ok (as for error, case-insensitive); no status is neither.</summary>
    public bool IsOk => string.Equals(Status, "ok", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Event types of the ops_events contract the metrics use (DATA.md §3).</summary>
internal static class EventTypes
{
    public const string GenerationStarted = "generation_started";
    public const string GenerationComplete = "generation_complete";
    public const string Error = "error";
    public const string DeploymentCompleted = "deployment_completed";
    public const string CloudflareDeploymentCompleted = "cloudflare_deployment_completed";
    public const string DeploymentFailed = "deployment_failed";
    public const string RuntimeErrorFound = "runtime_error_found";
    public const string CodeFixEdits = "code_fix_edits";
    public const string DeterministicCodeFixStarted = "deterministic_code_fix_started";
    public const string SandboxStarted = "sandbox_started";
    public const string SandboxCrashed = "sandbox_crashed";
    public const string SandboxRestarted = "sandbox_restarted";
    public const string SandboxStopped = "sandbox_stopped";
    public const string Probe = "probe";
    public const string D1Query = "d1_query";
    public const string MigrationApplied = "migration_applied";
    public const string MigrationFailed = "migration_failed";
    public const string ArtifactStored = "artifact_stored";
    public const string LlmCall = "llm_call";
    public const string RuntimeUsage = "runtime_usage";
    public const string RateLimitExceeded = "rate_limit_exceeded";

    public static readonly IReadOnlyList<string> Used =
    [
        GenerationStarted, GenerationComplete, Error, DeploymentCompleted, CloudflareDeploymentCompleted, DeploymentFailed,
        RuntimeErrorFound, CodeFixEdits, DeterministicCodeFixStarted, SandboxStarted, SandboxCrashed, SandboxRestarted,
        SandboxStopped, Probe, D1Query, MigrationApplied, MigrationFailed, ArtifactStored, LlmCall, RuntimeUsage, RateLimitExceeded,
    ];
}

/// <summary>Extra metric keys beyond the list (README documents them).</summary>
public static class ExtraMetricKeys
{
    public const string PreviewStartupFailureRate = "preview_startup_failure_rate";
    public const string MigrationDrift = "migration_drift";
    public const string AppsCreated = "apps_created";
    public const string AuthFailureAnomaly = "auth_failure_anomaly";
}
