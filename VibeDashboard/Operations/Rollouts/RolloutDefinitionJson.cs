using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using VibeDashboard.Aggregation;
using VibeDashboard.Operations.Incidents;
using SnapshotWindows = VibeDashboard.Aggregation.Windows;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// What a definition is checked against beyond its own fields: the configured SLO keys (<c>Slos</c>) an slo gate may
/// name, and <c>Rollouts:MonthlyCostBudgetUsd</c>, without which a <c>cost_burn</c> gate has nothing to divide by.
/// <paramref name="Stored"/>: a definition read back from the store, valid when it was created; the rules added since
/// (baseline gates need a better direction, no minEvents on counts of bad events, no bidi or invisible-only names)
/// refuse new definitions only, so that a rollout stored before them stays readable (its list, its exposure).
/// </summary>
public sealed record RolloutDefinitionContext(IReadOnlySet<string> SloKeys, double? MonthlyCostBudgetUsd, bool Stored = false);

/// <summary>
/// One thing wrong with a definition, at <see cref="Path"/>: a JSON path (<c>waves[1].observation</c>, <c>$</c> for the
/// whole document) or, for a template, its configuration key (<c>Rollouts:Templates:0:Gates:2:Threshold</c>).
/// </summary>
public sealed record RolloutDefinitionProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// Rollout definitions to and from the issue's JSON shape (camelCase keys; a template in configuration has the same
/// shape with keys in any case). Parsing is strict and names every problem by its path: an unknown field, a field
/// that does not belong to the gate's kind, a value of the wrong type, a duration that is not <c>90s</c>/<c>30m</c>/<c>6h</c>,
/// a name with a control character or a lone surrogate, a list over its bound. A definition that parses is valid;
/// <see cref="Validate"/> checks one built in code the same way.
/// </summary>
public static class RolloutDefinitionJson
{
    public const int MaxWaves = 20;

    public const int MaxGates = 30;

    /// <summary>Names of the rollout, its release and its gates.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The aggregator keeps 32 tiers apart by default (<c>Aggregation:MaxTiers</c>); a cohort beyond that has no metrics of its own.</summary>
    public const int MaxTiers = 32;

    /// <summary>Longer than this and two strikes take most of a working day to roll a bad wave back.</summary>
    public static readonly TimeSpan MaxCheckInterval = TimeSpan.FromHours(1);

    // A hostile body should cost a bounded answer, not one line per broken element.
    private const int MaxProblems = 50;

    private static readonly JsonSerializerOptions Written = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions WrittenIndented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    private static readonly string[] RootFields = ["name", "release", "checkInterval", "autoPromote", "waves", "gates"];

    private static readonly string[] WaveFields = ["tiers", "observation", "minEvents"];

    private static readonly string[] GateFields =
        ["name", "metric", "stat", "window", "op", "threshold", "baseline", "maxWorseBy", "minEvents", "slos", "maxAlert", "minBudgetRemaining", "incidentClasses", "maxSeverity"];

    private static readonly string[] MetricGateFields = ["name", "metric", "stat", "window", "op", "threshold", "baseline", "minEvents"];

    private static readonly string[] BaselineGateFields = ["name", "metric", "stat", "window", "baseline", "maxWorseBy", "minEvents"];

    private static readonly string[] SloGateFields = ["name", "slos", "maxAlert", "minBudgetRemaining"];

    private static readonly string[] IncidentGateFields = ["name", "incidentClasses", "maxSeverity"];

    private static readonly IReadOnlyList<(string Name, MetricStat Stat)> Stats =
        [("value", MetricStat.Value), ("p50", MetricStat.P50), ("p95", MetricStat.P95), ("p99", MetricStat.P99)];

    private static readonly IReadOnlyList<(string Name, GateOperator Op)> Operators =
        [(">=", GateOperator.AtLeast), ("<=", GateOperator.AtMost), (">", GateOperator.Above), ("<", GateOperator.Below)];

    /// <summary>Parses JSON text; text that is not JSON is one problem at <c>$</c>.</summary>
    public static bool TryParse(string json, RolloutDefinitionContext context, [NotNullWhen(true)] out RolloutDefinition? definition, out IReadOnlyList<RolloutDefinitionProblem> problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            definition = null;
            problems = [new RolloutDefinitionProblem("$", $"not JSON: {e.Message}")];
            return false;
        }

        using (document)
        {
            return TryParse(document.RootElement, context, out definition, out problems);
        }
    }

    /// <summary>Parses a definition body (<c>POST /api/rollouts</c>); problems name JSON paths.</summary>
    public static bool TryParse(JsonElement json, RolloutDefinitionContext context, [NotNullWhen(true)] out RolloutDefinition? definition, out IReadOnlyList<RolloutDefinitionProblem> problems) =>
        Parse(new JsonSource(json, "$"), context, out definition, out problems);

    /// <summary>Parses a template (an element of <c>Rollouts:Templates</c>); problems name configuration keys.</summary>
    public static bool TryParse(IConfigurationSection section, RolloutDefinitionContext context, [NotNullWhen(true)] out RolloutDefinition? definition, out IReadOnlyList<RolloutDefinitionProblem> problems) =>
        Parse(new ConfigSource(section), context, out definition, out problems);

    /// <summary>
    /// The problems of a definition built in code, by the JSON paths of its written form: it is valid exactly when
    /// its JSON would parse. Fields that do not belong to a gate's kind are written, so they are refused too.
    /// </summary>
    public static IReadOnlyList<RolloutDefinitionProblem> Validate(RolloutDefinition definition, RolloutDefinitionContext context)
    {
        // The written form keeps whole seconds only; a fraction would be validated as something else than it is.
        var fractions = new List<RolloutDefinitionProblem>();
        if (definition.CheckInterval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            fractions.Add(new("checkInterval", "must be whole seconds"));
        }

        for (var i = 0; i < (definition.Waves?.Count ?? 0); i++)
        {
            if (definition.Waves![i] is { } wave && wave.Observation.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                fractions.Add(new($"waves[{I(i)}].observation", "must be whole seconds"));
            }
        }

        // JSON cannot carry a lone surrogate (the writer would quietly make it U+FFFD, which is valid): such text is
        // named here and written as U+0000, which the parse refuses, so it can never pass.
        var lone = new List<RolloutDefinitionProblem>();
        void Scan(string? text, string path)
        {
            if (text is not null && LoneSurrogateAt(text) >= 0)
            {
                lone.Add(new(path, "is not valid text (it holds a lone UTF-16 surrogate)"));
            }
        }

        Scan(definition.Name, "name");
        Scan(definition.Release, "release");
        for (var i = 0; i < (definition.Waves?.Count ?? 0); i++)
        {
            for (var j = 0; j < (definition.Waves![i]?.Tiers?.Count ?? 0); j++)
            {
                Scan(definition.Waves[i].Tiers[j], $"waves[{I(i)}].tiers[{I(j)}]");
            }
        }

        for (var i = 0; i < (definition.Gates?.Count ?? 0); i++)
        {
            if (definition.Gates![i] is not { } gate)
            {
                continue;
            }

            Scan(gate.Name, $"gates[{I(i)}].name");
            Scan(gate.Metric, $"gates[{I(i)}].metric");
            Scan(gate.Window, $"gates[{I(i)}].window");
            for (var j = 0; j < (gate.Slos?.Count ?? 0); j++)
            {
                Scan(gate.Slos![j], $"gates[{I(i)}].slos[{I(j)}]");
            }
        }

        var element = JsonSerializer.SerializeToElement(ToJson(definition, forValidation: true), Written);
        Parse(new JsonSource(element, "$"), context, out _, out var problems);
        return [.. fractions, .. lone, .. problems.Where(p => !lone.Any(l => l.Path == p.Path))];
    }

    /// <summary>The definition in the issue's JSON shape, fields in a fixed order, defaults of its kind written out (for the API and templates on the page).</summary>
    public static JsonObject ToJson(RolloutDefinition definition) => ToJson(definition, forValidation: false);

    /// <summary>The JSON text of <see cref="ToJson(RolloutDefinition)"/>; <c>&lt;=</c> and non-ASCII are written as they are, not escaped.</summary>
    public static string Serialize(RolloutDefinition definition, bool indented = false) =>
        ToJson(definition).ToJsonString(indented ? WrittenIndented : Written);

    private static JsonObject ToJson(RolloutDefinition definition, bool forValidation)
    {
        string? T(string? text) => text is null ? null : forValidation ? Encodable(text) : text;

        var waves = new JsonArray();
        foreach (var wave in definition.Waves ?? [])
        {
            waves.Add(wave is null ? null : new JsonObject
            {
                ["tiers"] = new JsonArray([.. (wave.Tiers ?? []).Select(t => (JsonNode?)JsonValue.Create(T(t)))]),
                ["observation"] = Durations.Format(wave.Observation),
                ["minEvents"] = wave.MinEvents,
            });
        }

        var gates = new JsonArray();
        foreach (var gate in definition.Gates ?? [])
        {
            if (gate is null)
            {
                gates.Add(null);
                continue;
            }

            var o = new JsonObject { ["name"] = T(gate.Name) };
            if (gate.Metric is not null)
            {
                o["metric"] = T(gate.Metric);
            }

            if (gate.Stat != MetricStat.Value)
            {
                o["stat"] = StatName(gate.Stat);
            }

            if (gate.Window is not null)
            {
                o["window"] = T(gate.Window);
            }

            if (gate.Op is { } op)
            {
                o["op"] = OperatorName(op);
            }

            if (gate.Threshold is { } threshold)
            {
                o["threshold"] = Number(threshold);
            }

            if (gate.Baseline)
            {
                o["baseline"] = true;
            }

            if (gate.MaxWorseBy is { } maxWorseBy)
            {
                o["maxWorseBy"] = Number(maxWorseBy);
            }

            if (gate.MinEvents != 0)
            {
                o["minEvents"] = gate.MinEvents;
            }

            if (gate.Slos is not null)
            {
                o["slos"] = new JsonArray([.. gate.Slos.Select(s => (JsonNode?)JsonValue.Create(T(s)))]);
            }

            if (gate.Kind == GateKind.Slo || gate.MaxAlert != AlertState.Ok)
            {
                o["maxAlert"] = Enum.IsDefined(gate.MaxAlert) ? gate.MaxAlert.Name() : ((int)gate.MaxAlert).ToString(CultureInfo.InvariantCulture);
            }

            if (gate.MinBudgetRemaining is { } floor)
            {
                o["minBudgetRemaining"] = Number(floor);
            }

            if (gate.IncidentClasses is not null)
            {
                o["incidentClasses"] = new JsonArray([.. gate.IncidentClasses.Select(c => (JsonNode?)JsonValue.Create(Enum.IsDefined(c) ? c.Name() : ((int)c).ToString(CultureInfo.InvariantCulture)))]);
            }

            if (gate.Kind == GateKind.Incident || gate.MaxSeverity != Severity.Sev3)
            {
                o["maxSeverity"] = Enum.IsDefined(gate.MaxSeverity) ? gate.MaxSeverity.Name() : ((int)gate.MaxSeverity).ToString(CultureInfo.InvariantCulture);
            }

            gates.Add(o);
        }

        return new JsonObject
        {
            ["name"] = T(definition.Name),
            ["release"] = T(definition.Release),
            ["checkInterval"] = Durations.Format(definition.CheckInterval),
            ["autoPromote"] = definition.AutoPromote,
            ["waves"] = waves,
            ["gates"] = gates,
        };
    }

    // JSON has no NaN or infinity: they are written as text (so writing never throws), which the parse refuses as "must be a number".
    private static JsonNode Number(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture));

    // U+0000 stands in for a lone surrogate in the form Validate parses: it is refused wherever text is.
    private static string Encodable(string text)
    {
        if (LoneSurrogateAt(text) < 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\0';
            }
        }

        return new string(chars);
    }

    private static int LoneSurrogateAt(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public static string StatName(MetricStat stat) => Stats.FirstOrDefault(s => s.Stat == stat).Name ?? ((int)stat).ToString(CultureInfo.InvariantCulture);

    public static string OperatorName(GateOperator op) => Operators.FirstOrDefault(o => o.Op == op).Name ?? ((int)op).ToString(CultureInfo.InvariantCulture);

    private static bool Parse(Source root, RolloutDefinitionContext context, out RolloutDefinition? definition, out IReadOnlyList<RolloutDefinitionProblem> problems)
    {
        var p = new Problems(root.Path);
        definition = new Parser(p, context).Definition(root);
        problems = p.List;
        if (problems.Count > 0)
        {
            definition = null;
        }

        return definition is not null;
    }

    private sealed class Parser(Problems problems, RolloutDefinitionContext context)
    {
        public RolloutDefinition? Definition(Source root)
        {
            var f = Fields.Of(root, RootFields, problems, "a rollout definition");
            if (f is null)
            {
                return null;
            }

            var name = Name(f, "name");
            var release = Name(f, "release");
            var checkInterval = Duration(f, "checkInterval", required: false) ?? RolloutDefinition.DefaultCheckInterval;
            if (f.Has("checkInterval") && (checkInterval < RolloutDefinition.MinCheckInterval || checkInterval > MaxCheckInterval))
            {
                problems.Add(f.PathOf("checkInterval"), $"is {Durations.Format(checkInterval)}: it must be between {Durations.Format(RolloutDefinition.MinCheckInterval)} and {Durations.Format(MaxCheckInterval)}");
            }

            var autoPromote = Bool(f, "autoPromote") ?? false;
            var waves = Waves(f, checkInterval);
            var gates = Gates(f);
            return name is null || release is null || waves is null || gates is null
                ? null
                : new RolloutDefinition(name, release, checkInterval, autoPromote, waves, gates);
        }

        private List<WaveDefinition>? Waves(Fields f, TimeSpan checkInterval)
        {
            var items = List(f, "waves", MaxWaves, "waves", required: true);
            if (items is null)
            {
                return null;
            }

            if (items.Count == 0)
            {
                problems.Add(f.PathOf("waves"), "list at least one wave");
                return null;
            }

            var waves = new List<WaveDefinition>();
            var tierAt = new Dictionary<string, string>(StringComparer.Ordinal);
            var tierCount = 0;
            foreach (var item in items)
            {
                var w = Fields.Of(item, WaveFields, problems, "a wave");
                if (w is null)
                {
                    continue;
                }

                var tierItems = List(w, "tiers", MaxTiers, "tiers", required: true);
                var tiers = new List<string>();
                if (tierItems is { Count: 0 })
                {
                    problems.Add(w.PathOf("tiers"), "list at least one policy tier");
                }

                foreach (var tierItem in tierItems ?? [])
                {
                    if (String(tierItem) is not { } tier)
                    {
                        continue;
                    }

                    if (tier.Length == 0 || !MetricEngine.IsShowableTier(tier))
                    {
                        problems.Add(tierItem.Path, $"{Show(tier)} is not a tier name the aggregator keeps: use 1 to {MetricEngine.MaxTierNameLength} printable ASCII characters");
                    }
                    else if (tierAt.TryGetValue(tier, out var first))
                    {
                        problems.Add(tierItem.Path, $"{Show(tier)} is already at {first}: each tier joins the rollout in one wave");
                    }
                    else if (++tierCount > MaxTiers)
                    {
                        problems.Add(tierItem.Path, $"at most {MaxTiers} tiers in all waves together (the aggregator keeps no more apart)");
                    }
                    else
                    {
                        tierAt[tier] = tierItem.Path;
                        tiers.Add(tier);
                    }
                }

                var observation = Duration(w, "observation", required: true);
                if (observation is { } o && o < checkInterval)
                {
                    problems.Add(w.PathOf("observation"), $"is {Durations.Format(o)}, shorter than checkInterval ({Durations.Format(checkInterval)}): the wave would be ready before its gates were checked");
                }

                var minEvents = Count(w, "minEvents") ?? 0;
                if (observation is not null && tierItems is { Count: > 0 })
                {
                    waves.Add(new WaveDefinition(tiers, observation.Value, minEvents));
                }
            }

            return waves.Count == items.Count ? waves : null;
        }

        private List<GateDefinition>? Gates(Fields f)
        {
            var items = List(f, "gates", MaxGates, "gates", required: false);
            if (items is null)
            {
                return f.Has("gates") ? null : [];
            }

            var gates = new List<GateDefinition>();
            var nameAt = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (Gate(item, nameAt) is { } gate)
                {
                    gates.Add(gate);
                }
            }

            return gates.Count == items.Count ? gates : null;
        }

        private GateDefinition? Gate(Source item, Dictionary<string, string> nameAt)
        {
            var g = Fields.Of(item, GateFields, problems, "a gate");
            if (g is null)
            {
                return null;
            }

            var before = problems.Count;
            var name = Name(g, "name");
            if (name is not null && !nameAt.TryAdd(name, item.Path))
            {
                problems.Add(g.PathOf("name"), $"{Show(name)} is already the name of {nameAt[name]}: gate names are unique");
            }

            // The kind follows from the fields, as GateDefinition.Kind decides it; fields of another kind are refused
            // rather than ignored, so a threshold on an slo gate does not look like it is checked.
            // A baseline flag of the wrong type is refused; with a maxWorseBy it still reads as a baseline gate, so the
            // one mistake is not reported as three.
            var flag = g.Peek("baseline");
            bool? baseline = flag is null ? false : flag.TryBool(out var isBaseline) ? isBaseline : null;
            if (baseline is null)
            {
                problems.Add(flag!.Path, "must be true or false");
            }

            var (kind, allowed) = g.Has("slos") ? ("an slo", SloGateFields)
                : g.Has("incidentClasses") ? ("an incident", IncidentGateFields)
                : baseline ?? g.Has("maxWorseBy") ? ("a baseline", BaselineGateFields)
                : ("a metric", MetricGateFields);
            foreach (var field in g.Present.Where(n => !allowed.Contains(n)))
            {
                var hint = field == "maxWorseBy" && kind == "a metric" ? " (add \"baseline\": true for a baseline gate)" : "";
                problems.Add(g.PathOf(field), $"{kind} gate takes no {field}{hint}: it takes {string.Join(", ", allowed)}");
            }

            GateDefinition? gate = kind switch
            {
                "an slo" => SloGate(g, name),
                "an incident" => IncidentGate(g, name),
                _ => MetricGate(g, name, baseline: kind == "a baseline"),
            };
            return problems.Count == before ? gate : null;
        }

        private GateDefinition? MetricGate(Fields g, string? name, bool baseline)
        {
            var metric = String(g, "metric", required: true);
            if (metric is not null)
            {
                if (GateMetrics.WhyNot(metric) is { } why)
                {
                    problems.Add(g.PathOf("metric"), why);
                    metric = null;
                }
                else if (baseline && !context.Stored && MetricDirections.Of(metric) is null)
                {
                    // A total or a count (growth, breaches, spend) has no better direction, and a small cohort's total is
                    // not comparable with the baseline's: every check would be Error until the errors paused the rollout.
                    problems.Add(g.PathOf("metric"), $"{metric} has no better direction to compare with a baseline (it is a total or a count): use a metric gate with a threshold, or one of {string.Join(", ", GateMetrics.All.Where(m => MetricDirections.Of(m) is not null))}");
                    metric = null;
                }
                else if (metric == RolloutMetrics.CostBurn && context.MonthlyCostBudgetUsd is not > 0)
                {
                    problems.Add(g.PathOf("metric"), "cost_burn needs Rollouts:MonthlyCostBudgetUsd (the monthly budget the spend rate is compared with)");
                }
            }

            var stat = Choice(g, "stat", Stats, "value, p50, p95 or p99") ?? MetricStat.Value;
            if (stat != MetricStat.Value && metric is not null && !GateMetrics.HasPercentiles(metric))
            {
                problems.Add(g.PathOf("stat"), $"{metric} has no percentiles: use value (percentiles are kept for {string.Join(", ", GateMetrics.Latencies)})");
            }

            var window = String(g, "window", required: true);
            if (window is not null && !SnapshotWindows.All.Any(w => w.Name == window))
            {
                problems.Add(g.PathOf("window"), $"{Show(window)} is not a snapshot window: use one of {string.Join(", ", SnapshotWindows.All.Select(w => w.Name))}");
            }

            var minEvents = Count(g, "minEvents") ?? 0;
            if (minEvents > 0 && !context.Stored && metric is not null && GateMetrics.CountsBadEvents(metric))
            {
                var what = metric == MetricKeys.RateLimitBreaches ? "breaches" : "crashes";
                problems.Add(g.PathOf("minEvents"), $"{metric} counts the {what}, not a sample: a minimum would hold a healthy wave inconclusive until it had that many");
            }

            if (baseline)
            {
                var maxWorseBy = Real(g, "maxWorseBy", required: true);
                if (maxWorseBy is < 0)
                {
                    problems.Add(g.PathOf("maxWorseBy"), $"must be at least 0 (how much worse than the baseline is tolerated): it is {D(maxWorseBy.Value)}");
                }
                else if (maxWorseBy is > 1 && metric is not null && GateMetrics.IsShare(metric))
                {
                    problems.Add(g.PathOf("maxWorseBy"), $"{metric} is a share from 0 to 1: a difference of {D(maxWorseBy.Value)} could never be exceeded");
                }

                return name is null || metric is null || window is null || maxWorseBy is null
                    ? null
                    : new GateDefinition(name, metric, stat, window, MinEvents: minEvents, Baseline: true, MaxWorseBy: maxWorseBy);
            }

            var op = Choice(g, "op", Operators, ">=, <=, > or <", required: true);
            var threshold = Real(g, "threshold", required: true);
            if (threshold is { } t && metric is not null)
            {
                if (GateMetrics.IsShare(metric) && t is < 0 or > 1)
                {
                    problems.Add(g.PathOf("threshold"), $"{metric} is a share from 0 to 1 (0.95 is 95 %): it is {D(t)}");
                }
                else if (t < 0)
                {
                    problems.Add(g.PathOf("threshold"), $"{metric} is never negative: it is {D(t)}");
                }
            }

            return name is null || metric is null || window is null || op is null || threshold is null
                ? null
                : new GateDefinition(name, metric, stat, window, op, threshold, minEvents);
        }

        private GateDefinition? SloGate(Fields g, string? name)
        {
            var slos = new List<string>();
            var items = List(g, "slos", 64, "SLO keys", required: true);
            if (items is { Count: 0 })
            {
                problems.Add(g.PathOf("slos"), "list at least one SLO key");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items ?? [])
            {
                if (String(item) is not { } key)
                {
                    continue;
                }

                if (!context.SloKeys.Contains(key))
                {
                    problems.Add(item.Path, $"{Show(key)} is not a configured SLO: use one of {string.Join(", ", context.SloKeys.Order(StringComparer.Ordinal))}");
                }
                else if (!seen.Add(key))
                {
                    problems.Add(item.Path, $"{Show(key)} is listed twice");
                }
                else
                {
                    slos.Add(key);
                }
            }

            var maxAlert = Choice(g, "maxAlert", [("ok", AlertState.Ok), ("ticket", AlertState.Ticket), ("page", AlertState.Page)], "ok, ticket or page") ?? AlertState.Ok;
            var floor = Real(g, "minBudgetRemaining", required: false);
            if (floor is < 0 or > 1)
            {
                problems.Add(g.PathOf("minBudgetRemaining"), $"must be from 0 to 1 (the share of the error budget left): it is {D(floor.Value)}");
            }

            if (maxAlert == AlertState.Page && floor is null)
            {
                problems.Add(g.PathOf("maxAlert"), "page tolerates every alert and there is no minBudgetRemaining: the gate could never fail");
            }

            return name is null ? null : new GateDefinition(name, Slos: slos, MaxAlert: maxAlert, MinBudgetRemaining: floor);
        }

        private GateDefinition? IncidentGate(Fields g, string? name)
        {
            var classes = new List<IncidentClass>();
            var names = Enum.GetValues<IncidentClass>().Select(c => (c.Name(), c)).ToList();
            var items = List(g, "incidentClasses", 16, "incident classes", required: true);
            if (items is { Count: 0 })
            {
                problems.Add(g.PathOf("incidentClasses"), "list at least one incident class");
            }

            foreach (var item in items ?? [])
            {
                if (Choice(item, names, string.Join(", ", names.Select(n => n.Item1))) is not { } incidentClass)
                {
                    continue;
                }

                if (classes.Contains(incidentClass))
                {
                    problems.Add(item.Path, $"{incidentClass.Name()} is listed twice");
                }
                else
                {
                    classes.Add(incidentClass);
                }
            }

            var severities = Enum.GetValues<Severity>().Select(s => (s.Name(), s)).ToList();
            var maxSeverity = Choice(g, "maxSeverity", severities, "SEV1, SEV2, SEV3 or SEV4") ?? Severity.Sev3;
            if (maxSeverity == Severity.Sev1)
            {
                problems.Add(g.PathOf("maxSeverity"), "SEV1 tolerates every open incident: the gate could never fail (SEV3 fails on SEV1 and SEV2)");
            }

            return name is null ? null : new GateDefinition(name, IncidentClasses: classes, MaxSeverity: maxSeverity);
        }

        private string? Name(Fields f, string field)
        {
            var text = String(f, field, required: true);
            if (text is null)
            {
                return null;
            }

            if (NameProblem(text, strict: !context.Stored) is { } problem)
            {
                problems.Add(f.PathOf(field), problem);
                return null;
            }

            return text;
        }

        private TimeSpan? Duration(Fields f, string field, bool required)
        {
            var text = String(f, field, required);
            if (text is null)
            {
                return null;
            }

            if (!Durations.TryParse(text, out var duration))
            {
                problems.Add(f.PathOf(field), $"use a duration like 30m: a whole number and s, m, h or d (90s, 30m, 6h), up to 365d; {Show(text)} is not one");
                return null;
            }

            return duration;
        }

        private List<Source>? List(Fields f, string field, int max, string what, bool required)
        {
            if (f.Get(field, required) is not { } node)
            {
                return null;
            }

            if (!node.TryItems(max, out var items, out var count))
            {
                problems.Add(node.Path, $"must be a list of {what}");
                return null;
            }

            if (items is null)
            {
                problems.Add(node.Path, $"at most {max} {what}: it has {I(count)}");
                return null;
            }

            return items;
        }

        private string? String(Fields f, string field, bool required) => f.Get(field, required) is { } node ? String(node) : null;

        private string? String(Source node)
        {
            if (!node.TryString(out var text, out var invalid))
            {
                problems.Add(node.Path, invalid ? "is not valid text (it holds a lone UTF-16 surrogate)" : "must be a string");
                return null;
            }

            if (text.Length > MaxNameLength * 4)
            {
                problems.Add(node.Path, $"is {I(text.Length)} characters: at most {MaxNameLength}");
                return null;
            }

            return text;
        }

        private bool? Bool(Fields f, string field)
        {
            if (f.Get(field, required: false) is not { } node)
            {
                return null;
            }

            if (!node.TryBool(out var value))
            {
                problems.Add(node.Path, "must be true or false");
                return null;
            }

            return value;
        }

        private long? Count(Fields f, string field)
        {
            if (f.Get(field, required: false) is not { } node)
            {
                return null;
            }

            if (!node.TryLong(out var value) || value < 0)
            {
                problems.Add(node.Path, "must be a whole number, 0 or more");
                return null;
            }

            return value;
        }

        private double? Real(Fields f, string field, bool required)
        {
            if (f.Get(field, required) is not { } node)
            {
                return null;
            }

            if (!node.TryDouble(out var value) || !double.IsFinite(value))
            {
                problems.Add(node.Path, "must be a number");
                return null;
            }

            return value;
        }

        private T? Choice<T>(Fields f, string field, IReadOnlyList<(string Name, T Value)> choices, string names, bool required = false) where T : struct =>
            f.Get(field, required) is { } node ? Choice(node, choices, names) : null;

        private T? Choice<T>(Source node, IReadOnlyList<(string Name, T Value)> choices, string names) where T : struct
        {
            if (!node.TryString(out var text, out _))
            {
                problems.Add(node.Path, $"use {names}");
                return null;
            }

            foreach (var (name, value) in choices)
            {
                if (string.Equals(name, text, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            problems.Add(node.Path, $"{Show(text)} is not one: use {names}");
            return null;
        }
    }

    /// <summary>Why a rollout, release or gate name is refused, or null.</summary>
    public static string? NameProblem(string text) => NameProblem(text, strict: true);

    // Not strict: a stored name, read back by the rules it was created under (before bidi and invisible-only names were refused).
    private static string? NameProblem(string text, bool strict)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "must not be empty";
        }

        if (text.Length > MaxNameLength)
        {
            return $"is {I(text.Length)} characters: at most {MaxNameLength}";
        }

        if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return "must not start or end with white space";
        }

        if (LoneSurrogateAt(text) >= 0)
        {
            return "is not valid text (it holds a lone UTF-16 surrogate)";
        }

        foreach (var c in text)
        {
            // Line and paragraph separators are not control characters to .NET but break a line all the same.
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return $"holds a control character (U+{(int)c:X4}): names are shown on one line";
            }

            // A bidi embedding, override or isolate reorders the text after it wherever the name is shown (the audit
            // log, the timeline, a webhook): "release \u202E1.21.6202" reads as another release.
            if (strict && c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            {
                return $"holds a bidi control character (U+{(int)c:X4}): it reorders how the name reads";
            }
        }

        // Zero-width characters (U+200B, U+FEFF…) are format characters, not white space: a name of nothing else shows as nothing.
        if (strict && text.All(c => char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format))
        {
            return "must not be empty (it holds only invisible characters)";
        }

        return null;
    }

    // A user's text in a message: quoted, escaped, and cut short, so that a message stays one readable line.
    internal static string Show(string text)
    {
        var shown = text.Length > 64 ? text[..64] + "…" : text;
        return JsonSerializer.Serialize(Encodable(shown), Written);
    }

    private static string D(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The problems found so far, bounded; past the bound one last line says how many more there were.</summary>
    private sealed class Problems(string rootPath)
    {
        private readonly List<RolloutDefinitionProblem> _list = [];
        private int _more;

        public int Count => _list.Count + _more;

        public IReadOnlyList<RolloutDefinitionProblem> List =>
            _more == 0 ? _list : [.. _list, new RolloutDefinitionProblem(rootPath, $"and {I(_more)} more problem{(_more == 1 ? "" : "s")}")];

        public void Add(string path, string message)
        {
            if (_list.Count < MaxProblems)
            {
                _list.Add(new RolloutDefinitionProblem(path, message));
            }
            else
            {
                _more++;
            }
        }
    }

    /// <summary>The fields of one object, by their canonical (camelCase) names; unknown and repeated fields are problems.</summary>
    private sealed class Fields
    {
        private readonly Source _node;
        private readonly Problems _problems;
        private readonly Dictionary<string, Source> _present = new(StringComparer.Ordinal);

        private Fields(Source node, Problems problems) => (_node, _problems) = (node, problems);

        /// <summary>The fields present (not null), in the order of <see cref="GateFields"/> and the like.</summary>
        public IReadOnlyList<string> Present => [.. _present.Keys];

        public static Fields? Of(Source node, IReadOnlyList<string> known, Problems problems, string what)
        {
            if (!node.TryFields(out var fields))
            {
                problems.Add(node.Path, $"must be an object: {what}");
                return null;
            }

            var result = new Fields(node, problems);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (given, value) in fields)
            {
                var canonical = known.FirstOrDefault(k => node.SameName(given, k));
                if (canonical is null)
                {
                    problems.Add(node.ChildPath(given), $"unknown field: {what} takes {string.Join(", ", known)}");
                }
                else if (!seen.Add(canonical))
                {
                    problems.Add(value.Path, "given twice");
                }
                else if (!value.IsNull)
                {
                    result._present[canonical] = value;
                }
            }

            return result;
        }

        public bool Has(string field) => _present.ContainsKey(field);

        /// <summary>The field's value without reporting anything (to decide a gate's kind).</summary>
        public Source? Peek(string field) => _present.GetValueOrDefault(field);

        public string PathOf(string field) => _present.TryGetValue(field, out var value) ? value.Path : _node.ChildPath(_node.Canonical(field));

        public Source? Get(string field, bool required)
        {
            if (_present.TryGetValue(field, out var value))
            {
                return value;
            }

            if (required)
            {
                _problems.Add(PathOf(field), "required");
            }

            return null;
        }
    }

    /// <summary>One node of the document, from JSON or from configuration, with the path problems name it by.</summary>
    private abstract class Source(string path)
    {
        public string Path { get; } = path;

        public abstract bool IsNull { get; }

        public abstract bool TryFields(out List<(string Name, Source Value)> fields);

        /// <summary>A list's items, or null items when there are more than <paramref name="max"/> (counted, not built).</summary>
        public abstract bool TryItems(int max, out List<Source>? items, out int count);

        public abstract bool TryString([NotNullWhen(true)] out string? text, out bool invalid);

        public abstract bool TryBool(out bool value);

        public abstract bool TryLong(out long value);

        public abstract bool TryDouble(out double value);

        /// <summary>Whether a field as given is the canonical field (JSON: exactly; configuration keys ignore case).</summary>
        public abstract bool SameName(string given, string canonical);

        /// <summary>How a field's name is written in this source's paths (configuration keys are PascalCase).</summary>
        public abstract string Canonical(string field);

        public abstract string ChildPath(string name);
    }

    private sealed class JsonSource(JsonElement element, string path) : Source(path)
    {
        public override bool IsNull => element.ValueKind == JsonValueKind.Null;

        public override bool TryFields(out List<(string Name, Source Value)> fields)
        {
            fields = [];
            if (element.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var property in element.EnumerateObject())
            {
                fields.Add((property.Name, new JsonSource(property.Value, ChildPath(property.Name))));
            }

            return true;
        }

        public override bool TryItems(int max, out List<Source>? items, out int count)
        {
            items = null;
            count = 0;
            if (element.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            count = element.GetArrayLength();
            if (count <= max)
            {
                items = [.. element.EnumerateArray().Select((item, i) => (Source)new JsonSource(item, $"{Path}[{I(i)}]"))];
            }

            return true;
        }

        public override bool TryString([NotNullWhen(true)] out string? text, out bool invalid)
        {
            text = null;
            invalid = false;
            if (element.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            try
            {
                text = element.GetString()!;
                return true;
            }
            catch (InvalidOperationException)
            {
                // JSON may escape half of a surrogate pair (\ud800), which .NET refuses to decode.
                invalid = true;
                return false;
            }
        }

        public override bool TryBool(out bool value)
        {
            value = element.ValueKind == JsonValueKind.True;
            return element.ValueKind is JsonValueKind.True or JsonValueKind.False;
        }

        public override bool TryLong(out long value)
        {
            value = 0;
            return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
        }

        public override bool TryDouble(out double value)
        {
            value = 0;
            return element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value);
        }

        public override bool SameName(string given, string canonical) => string.Equals(given, canonical, StringComparison.Ordinal);

        public override string Canonical(string field) => field;

        public override string ChildPath(string name)
        {
            var shown = name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? name : null;
            return shown is null ? $"{Path}[{Show(name)}]" : Path == "$" ? shown : $"{Path}.{shown}";
        }
    }

    /// <summary>
    /// A configuration section: every value is text (numbers and booleans are parsed invariantly), keys ignore case,
    /// and a list is a section whose keys are 0, 1, …; an empty list is an absent key.
    /// </summary>
    private sealed class ConfigSource(IConfigurationSection section) : Source(section.Path)
    {
        public override bool IsNull => section.Value is null or "" && !section.GetChildren().Any();

        public override bool TryFields(out List<(string Name, Source Value)> fields)
        {
            fields = [.. section.GetChildren().Select(c => (c.Key, (Source)new ConfigSource(c)))];
            return section.Value is null || fields.Count > 0;
        }

        public override bool TryItems(int max, out List<Source>? items, out int count)
        {
            var children = section.GetChildren().ToList();
            count = children.Count;
            items = count <= max ? [.. children.Select(c => (Source)new ConfigSource(c))] : null;
            return children.All(c => uint.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                && (children.Count > 0 || section.Value is null or "");
        }

        public override bool TryString([NotNullWhen(true)] out string? text, out bool invalid)
        {
            invalid = false;
            text = section.Value;
            return text is not null && !section.GetChildren().Any();
        }

        public override bool TryBool(out bool value)
        {
            value = false;
            return TryString(out var text, out _) && bool.TryParse(text, out value);
        }

        public override bool TryLong(out long value)
        {
            value = 0;
            return TryString(out var text, out _) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        public override bool TryDouble(out double value)
        {
            value = 0;
            return TryString(out var text, out _)
                && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
        }

        public override bool SameName(string given, string canonical) => string.Equals(given, canonical, StringComparison.OrdinalIgnoreCase);

        public override string Canonical(string field) => char.ToUpperInvariant(field[0]) + field[1..];

        public override string ChildPath(string name) => ConfigurationPath.Combine(Path, name);
    }
}

/// <summary>
/// The metrics a gate may read for a cohort: the snapshot's metrics that are computed per policy tier, and the
/// guardrails of <see cref="RolloutMetrics"/>. Which of them keep percentiles, which are shares (0–1), and which
/// way is better, for the baseline gate's "worse by".
/// </summary>
public static class GateMetrics
{
    /// <summary>Snapshot metrics with p50/p95/p99.</summary>
    public static readonly IReadOnlyList<string> Latencies =
        [MetricKeys.TimeToDeployableMs, MetricKeys.FixLoopCount, MetricKeys.PreviewStartupLatencyMs, MetricKeys.D1QueryLatencyMs];

    private static readonly IReadOnlySet<string> Shares = new HashSet<string>(StringComparer.Ordinal)
    {
        MetricKeys.CompletionSuccessRate, ExtraMetricKeys.PreviewStartupFailureRate, MetricKeys.Availability,
        MetricKeys.MigrationErrorRate, MetricKeys.ProviderErrorRate,
    };

    private static readonly IReadOnlySet<string> HigherBetter = new HashSet<string>(StringComparer.Ordinal)
    {
        MetricKeys.CompletionSuccessRate, MetricKeys.Availability,
    };

    // Computed for all tiers together only: a cohort has no value of its own.
    private static readonly IReadOnlySet<string> AllTiersOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        MetricKeys.AuthFailureRate, ExtraMetricKeys.AppsCreated, ExtraMetricKeys.AuthFailureAnomaly, ExtraMetricKeys.MigrationDrift,
    };

    /// <summary>Every metric a gate may name, in a fixed order.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        MetricKeys.CompletionSuccessRate, MetricKeys.TimeToDeployableMs, MetricKeys.FixLoopCount, MetricKeys.PreviewStartupLatencyMs,
        ExtraMetricKeys.PreviewStartupFailureRate, MetricKeys.CrashRestartRate, MetricKeys.Availability, MetricKeys.D1QueryLatencyMs,
        MetricKeys.MigrationErrorRate, MetricKeys.ArtifactGrowth, MetricKeys.ProviderCostPerGenerationUsd, MetricKeys.RuntimeCostPerPreviewHourUsd,
        MetricKeys.RateLimitBreaches, MetricKeys.ProviderErrorRate, RolloutMetrics.CostBurn, RolloutMetrics.RateLimitBreachesPerHour,
    ];

    public static bool HasPercentiles(string metric) => Latencies.Contains(metric, StringComparer.Ordinal);

    // The snapshot's count of these is the bad events themselves (breaches; crashes, over preview hours), not a sample.
    private static readonly IReadOnlySet<string> BadEventCounts = new HashSet<string>(StringComparer.Ordinal)
    {
        MetricKeys.RateLimitBreaches, MetricKeys.CrashRestartRate,
    };

    /// <summary>
    /// Whether the snapshot's count of <paramref name="metric"/> counts the bad events themselves (rate-limit breaches,
    /// crashes and restarts): a count of 0 with a value is a healthy window, not a quiet one.
    /// </summary>
    public static bool CountsBadEvents(string metric) => BadEventCounts.Contains(metric);

    /// <summary>A fraction from 0 to 1 (thresholds above 1 could never be crossed).</summary>
    public static bool IsShare(string metric) => Shares.Contains(metric);

    /// <summary>True for success and availability; every other gate metric (latency, cost, error and breach rates) is better lower.</summary>
    public static bool HigherIsBetter(string metric) => HigherBetter.Contains(metric);

    /// <summary>Why a gate cannot read <paramref name="metric"/>, or null when it can.</summary>
    public static string? WhyNot(string metric) =>
        All.Contains(metric, StringComparer.Ordinal) ? null
        : AllTiersOnly.Contains(metric) ? $"{metric} is computed for all tiers together, not per tier: a gate judges the wave's own tiers"
        : $"{RolloutDefinitionJson.Show(metric)} is not a metric a gate can read: use one of {string.Join(", ", All)}";
}
