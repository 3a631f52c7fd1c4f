using System.Text.Json;

namespace VibeDashboard.Hosting;

/// <summary>A request's JSON object, or why it is not one (a 400's detail).</summary>
internal readonly record struct JsonBody(JsonElement Value, string? Error);

/// <summary>
/// Reading the JSON bodies of the command endpoints: 400s that say what is wrong, never a 500 from the input. A body
/// is refused past <paramref name="maxBytes"/> before it is parsed (chunked bodies, which carry no length, are read
/// to one chunk past the limit), and nesting deeper than <paramref name="maxDepth"/> is invalid JSON.
/// </summary>
internal static class JsonBodies
{
    /// <summary>The largest body a command endpoint reads (a rollout definition of 20 waves and 30 gates is a few KB).</summary>
    public const int DefaultMaxBytes = 256 * 1024;

    public static async Task<JsonBody> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken, int maxBytes = DefaultMaxBytes, int maxDepth = 64)
    {
        if (!request.HasJsonContentType())
        {
            return new(default, "send a JSON object with Content-Type: application/json");
        }

        if (request.ContentLength > maxBytes)
        {
            return new(default, $"the body is larger than {maxBytes / 1024} KB");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                return new(default, $"the body is larger than {maxBytes / 1024} KB");
            }
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = maxDepth });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new(document.RootElement.Clone(), null)
                : new(default, "the body must be a JSON object");
        }
        catch (JsonException e)
        {
            return new(default, $"the body is not valid JSON ({e.Message})");
        }
    }

    /// <summary>A string element's text, or null when it holds half of a surrogate pair (<c>"\ud800"</c>), which .NET cannot decode.</summary>
    public static string? Text(JsonElement element)
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
}
