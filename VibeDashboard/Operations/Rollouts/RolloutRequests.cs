using System.Text.Json;
using System.Text.Json.Nodes;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Operations.Rollouts;

/// <summary>
/// The API's request bodies into rollout commands, and its answers' shape. Strict: an unknown field, a value of the
/// wrong type or a missing <c>expectedVersion</c> is refused with a reason naming the field, before any command.
/// </summary>
public static class RolloutRequests
{
    /// <summary>The controls, by the name in the path (<c>POST /api/rollouts/{id}/{action}</c>).</summary>
    public static readonly IReadOnlyList<string> Actions = ["start", "pause", "resume", "promote", "force-promote", "rollback", "abort", "retry"];

    private static readonly string[] ControlFields = ["expectedVersion", "reason", "overrideReadiness"];

    private static readonly string[] AttestFields = ["expectedVersion", "item", "link", "reason"];

    /// <summary>
    /// <c>POST /api/rollouts</c>: <c>{"template": "name"}</c> picks a template of <paramref name="templates"/>; any
    /// other body is a full definition, parsed (and checked against <paramref name="context"/>) by <see cref="RolloutDefinitionJson"/>.
    /// </summary>
    // JSON may escape half of a surrogate pair (\ud800), which .NET refuses to decode: not a name.
    private static string? TextOf(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public static bool TryCreate(JsonElement body, IReadOnlyList<RolloutDefinition> templates, RolloutDefinitionContext context, out CreateRolloutCommand? command, out string? error)
    {
        command = null;
        if (body.TryGetProperty("template", out var template))
        {
            var others = body.EnumerateObject().Select(p => p.Name).Where(n => n != "template").ToList();
            if (others.Count > 0)
            {
                error = $"unknown field{(others.Count > 1 ? "s" : "")} {string.Join(", ", others)}: send a template's name alone ({{\"template\": \"…\"}}), or a full definition without it";
                return false;
            }

            if (template.ValueKind != JsonValueKind.String || TextOf(template) is not { Length: > 0 } name)
            {
                error = "template: must be a template's name";
                return false;
            }

            var found = templates.FirstOrDefault(t => t.Name == name);
            if (found is null)
            {
                error = templates.Count == 0
                    ? $"template: there is no template \"{name}\": none is configured (Rollouts:Templates); post a full definition"
                    : $"template: there is no template \"{name}\": use one of {string.Join(", ", templates.Select(t => $"\"{t.Name}\""))}";
                return false;
            }

            command = new CreateRolloutCommand(found, name);
            error = null;
            return true;
        }

        if (!RolloutDefinitionJson.TryParse(body, context, out var definition, out var problems))
        {
            error = string.Join("; ", problems.Take(10));
            return false;
        }

        command = new CreateRolloutCommand(definition);
        error = null;
        return true;
    }

    /// <summary>
    /// <c>{expectedVersion, reason?, overrideReadiness?}</c> for <paramref name="action"/> on rollout <paramref name="id"/>.
    /// <paramref name="headerVersion"/> is <c>If-Match</c>'s (either it or <c>expectedVersion</c> is required; both given must agree).
    /// </summary>
    public static bool TryControl(string action, string id, JsonElement body, long? headerVersion, out RolloutControlCommand? command, out string? error)
    {
        command = null;
        var fields = new Fields(body, ControlFields);
        var version = fields.ExpectedVersion(headerVersion);
        var reason = fields.String("reason");
        var overrideReadiness = fields.Bool("overrideReadiness") ?? false;
        error = fields.Error ?? (overrideReadiness && action != "start" ? "overrideReadiness: only a start can override readiness" : null);
        if (error is not null)
        {
            return false;
        }

        RolloutInput input = action switch
        {
            "start" => new RolloutInput.Start(),
            "pause" => new RolloutInput.Pause(reason),
            "resume" => new RolloutInput.Resume(),
            "promote" => new RolloutInput.Promote(),
            "force-promote" => new RolloutInput.ForcePromote(reason ?? ""),
            "rollback" => new RolloutInput.Rollback(reason),
            "abort" => new RolloutInput.Abort(reason),
            "retry" => new RolloutInput.Retry(),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action, "not a rollout control"),
        };
        command = new RolloutControlCommand(id, input, overrideReadiness) { ExpectedVersion = version, Reason = reason };
        return true;
    }

    /// <summary><c>{expectedVersion, item, link, reason?}</c>: an admin's attestation of a readiness item.</summary>
    public static bool TryAttest(string id, JsonElement body, long? headerVersion, out AttestReadinessCommand? command, out string? error)
    {
        command = null;
        var fields = new Fields(body, AttestFields);
        var version = fields.ExpectedVersion(headerVersion);
        var itemName = fields.String("item", required: true);
        var link = fields.String("link", required: true);
        var reason = fields.String("reason");
        error = fields.Error;
        if (error is not null)
        {
            return false;
        }

        var item = ReadinessJudge.Items.Cast<ReadinessItemKey?>().FirstOrDefault(k => k!.Value.Name() == itemName);
        if (item is null)
        {
            error = $"item: use {string.Join(", ", ReadinessJudge.Items.Select(k => k.Name()))}";
            return false;
        }

        command = new AttestReadinessCommand(id, item.Value, link) { ExpectedVersion = version, Reason = reason };
        return true;
    }

    /// <summary>
    /// A rollout as the API answers it (README): the issue's fields (<c>id, release, state, currentWave, waves, gates,
    /// readiness, version</c>) and beside them the name, the enabled tiers, when the wave is promotable, the pause,
    /// the definition and the timeline.
    /// </summary>
    public static JsonObject Body(RolloutView view)
    {
        var status = view.Status;
        var definition = view.Definition;
        var body = new JsonObject
        {
            ["id"] = view.Id,
            ["name"] = definition.Name,
            ["release"] = definition.Release,
            ["state"] = RolloutWire.Name(status.State),
            ["currentWave"] = status.CurrentWave,
            ["waves"] = new JsonArray([.. status.Waves.Select((w, i) => (JsonNode)new JsonObject
            {
                ["tiers"] = Node(definition.Waves[i].Tiers),
                ["state"] = RolloutWire.Name(w.State),
                ["startedAt"] = Node(w.StartedAt),
                ["readyAt"] = Node(w.ReadyAt),
                ["stableSince"] = Node(w.StableSince),
                ["endedAt"] = Node(w.EndedAt),
                ["forced"] = w.Forced,
            })]),
            ["gates"] = new JsonArray([.. status.Gates.Select(g => (JsonNode)new JsonObject
            {
                ["name"] = g.Name,
                ["kind"] = RolloutWire.Name(g.Kind),
                ["lastResult"] = g.Last is { } last ? RolloutWire.Name(last.Result) : null,
                ["failStreak"] = g.FailStreak,
                ["value"] = Number(g.Last?.Value),
                ["threshold"] = Number(g.Last?.Threshold),
                ["checkedAt"] = Node(g.Last?.CheckedAt),
                ["reason"] = g.Last?.Reason,
            })]),
            ["readiness"] = new JsonArray([.. view.Readiness.Select(r => (JsonNode)new JsonObject
            {
                ["item"] = r.Item.Name(),
                ["title"] = r.Title,
                ["result"] = r.Result.Name(),
                ["evidence"] = r.Evidence,
                ["attestation"] = JsonSerializer.SerializeToNode(r.Attestation, CommandJson.Options),
            })]),
            ["version"] = view.Version,
            ["enabledTiers"] = Node(status.EnabledTiers(definition)),
            ["promotableAt"] = Node(RolloutMachine.PromotableAt(definition, status)),
            ["pause"] = JsonSerializer.SerializeToNode(status.Pause, CommandJson.Options),
            ["startedAt"] = Node(status.StartedAt),
            ["endedAt"] = Node(status.EndedAt),
            ["createdAt"] = Node(view.CreatedAt),
            ["createdBy"] = view.CreatedBy,
            ["definition"] = RolloutDefinitionJson.ToJson(definition),
            ["timeline"] = new JsonArray([.. view.Timeline.Select(l => (JsonNode)new JsonObject
            {
                ["at"] = Node(l.At),
                ["wave"] = l.Wave,
                ["text"] = l.Text,
                ["event"] = l.Event is { } e ? RolloutWire.Name(e) : null,
                ["automatic"] = l.Automatic,
                ["forced"] = l.Forced,
            })]),
        };
        return body;
    }

    private static JsonNode Node(IReadOnlyList<string> items) => new JsonArray([.. items.Select(t => (JsonNode)JsonValue.Create(t))]);

    private static JsonNode? Node(DateTimeOffset? at) => at is { } t ? JsonValue.Create(t) : null;

    // JSON has no NaN or infinity: a value that is not a number is written as null.
    private static JsonNode? Number(double? value) => value is { } v && double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>Reads typed fields of one JSON object; the first problem is kept in <see cref="Error"/> and later reads yield nothing.</summary>
    private sealed class Fields
    {
        private readonly JsonElement _body;

        public Fields(JsonElement body, IReadOnlyCollection<string> allowed)
        {
            _body = body;
            var unknown = body.EnumerateObject().Select(p => p.Name).Where(n => !allowed.Contains(n)).ToList();
            if (unknown.Count > 0)
            {
                Error = $"unknown field{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}: this action takes {string.Join(", ", allowed)}";
            }
        }

        public string? Error { get; private set; }

        public long? ExpectedVersion(long? header)
        {
            var fromBody = Read<long?>("expectedVersion", false, e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) ? v : Fail<long?>("expectedVersion: must be a whole number"));
            if (Error is not null)
            {
                return null;
            }

            if (fromBody is null && header is null)
            {
                Error = "expectedVersion: required (the version you read; or send If-Match)";
                return null;
            }

            if (fromBody is { } b && header is { } h && b != h)
            {
                Error = $"expectedVersion ({b}) and If-Match ({h}) disagree: send one";
                return null;
            }

            return fromBody ?? header;
        }

        public string? String(string name, bool required = false) =>
            Read(name, required, e => e.ValueKind != JsonValueKind.String ? Fail<string>($"{name}: must be a string") : StringOf(e) ?? Fail<string>($"{name}: is not valid text"));

        public bool? Bool(string name) =>
            Read<bool?>(name, false, e => e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : Fail<bool?>($"{name}: must be true or false"));

        // JSON may escape half of a surrogate pair (\ud800), which .NET refuses to decode.
        private static string? StringOf(JsonElement element)
        {
            try
            {
                return element.GetString();
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        private TValue? Read<TValue>(string name, bool required, Func<JsonElement, TValue?> read)
        {
            if (Error is not null)
            {
                return default;
            }

            if (!_body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Error = $"{name}: required";
                }

                return default;
            }

            return read(element);
        }

        private TValue? Fail<TValue>(string error)
        {
            Error ??= error;
            return default;
        }
    }
}
