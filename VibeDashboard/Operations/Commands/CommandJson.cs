using System.Text.Json;
using System.Text.Json.Serialization;

namespace VibeDashboard.Operations.Commands;

/// <summary>
/// The JSON of the command path: audit before/after, stored idempotent results and the HTTP answers. Web defaults
/// (camelCase properties) with enums as snake_case strings (<c>viewer</c>, <c>ok</c>), as on every wire of the dashboard.
/// </summary>
public static class CommandJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
