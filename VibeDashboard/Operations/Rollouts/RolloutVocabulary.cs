using System.Text.Json.Serialization;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>A rollout's state (the API's <c>state</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RolloutState>))]
public enum RolloutState
{
    [JsonStringEnumMemberName("draft")]
    Draft,

    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>No expansion until an operator resumes (an alert in scope, a guardrail breach, five Errors in a row, or by hand).</summary>
    [JsonStringEnumMemberName("paused")]
    Paused,

    /// <summary>The current wave is ready: its stable clock reached the observation window with the minimum sample.</summary>
    [JsonStringEnumMemberName("ready")]
    Ready,

    [JsonStringEnumMemberName("rolled_back")]
    RolledBack,

    [JsonStringEnumMemberName("aborted")]
    Aborted,

    [JsonStringEnumMemberName("completed")]
    Completed,
}

/// <summary>One wave's state.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WaveState>))]
public enum WaveState
{
    /// <summary>Not yet exposed.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Exposed, gates checked, the stable clock running.</summary>
    [JsonStringEnumMemberName("observing")]
    Observing,

    /// <summary>Exposed, but a check was Fail, Inconclusive or Error: not promotable, the stable clock restarted (Fail) or stopped.</summary>
    [JsonStringEnumMemberName("held")]
    Held,

    [JsonStringEnumMemberName("ready")]
    Ready,

    /// <summary>Promoted: the next wave is exposed (its tiers stay exposed).</summary>
    [JsonStringEnumMemberName("promoted")]
    Promoted,

    /// <summary>Its tiers left the exposure (a gate failed two consecutive checks, or an operator rolled it back).</summary>
    [JsonStringEnumMemberName("rolled_back")]
    RolledBack,
}

/// <summary>One check of one gate (Argo Rollouts' analysis states).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GateResult>))]
public enum GateResult
{
    [JsonStringEnumMemberName("pass")]
    Pass,

    [JsonStringEnumMemberName("fail")]
    Fail,

    /// <summary>Fewer events than the gate's minimum: neither grows nor resets the streak.</summary>
    [JsonStringEnumMemberName("inconclusive")]
    Inconclusive,

    /// <summary>No data, or data older than <c>Health:StaleAfter</c>: stale data never passes a gate.</summary>
    [JsonStringEnumMemberName("error")]
    Error,
}

/// <summary>What a gate judges; follows from its definition's fields (<see cref="GateDefinition.Kind"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GateKind>))]
public enum GateKind
{
    /// <summary>A snapshot metric of the cohort against a threshold.</summary>
    [JsonStringEnumMemberName("metric")]
    Metric,

    /// <summary>The cohort against the tiers not yet in the rollout: not worse by more than Δ.</summary>
    [JsonStringEnumMemberName("baseline")]
    Baseline,

    /// <summary>No alert above a level on the listed SLOs; error budget remaining at least a floor.</summary>
    [JsonStringEnumMemberName("slo")]
    Slo,

    /// <summary>Cost guardrails: cost per generation, per preview hour, or the cost burn against the monthly budget.</summary>
    [JsonStringEnumMemberName("cost")]
    Cost,

    /// <summary>Quota guardrails: rate-limit breaches per hour.</summary>
    [JsonStringEnumMemberName("quota")]
    Quota,

    /// <summary>No open incident of the listed classes at or above a severity.</summary>
    [JsonStringEnumMemberName("incident")]
    Incident,
}
