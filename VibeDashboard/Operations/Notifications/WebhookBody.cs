using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VibeDashboard.Configuration;

namespace VibeDashboard.Operations.Notifications;

/// <summary>
/// A delivery's bytes and signature. The body is built from stored values only (the event's time, not the
/// attempt's), so every retry of a delivery sends the same bytes with the same signature.
/// </summary>
public static class WebhookBody
{
    public const string SignatureHeader = "X-VibeDashboard-Signature";
    public const string EventHeader = "X-VibeDashboard-Event";
    public const string DeliveryHeader = "X-VibeDashboard-Delivery";

    /// <summary>
    /// json: <c>{"event", "delivery", "time", "aggregate", "data": payload}</c>; slack: <c>{"text": "[event] aggregate: summary"}</c>.
    /// </summary>
    public static byte[] Build(WebhookFormat format, string deliveryId, string @event, string aggregate, DateTimeOffset time, string payloadJson, string? summary)
    {
        JsonObject body = format switch
        {
            WebhookFormat.Json => new JsonObject
            {
                ["event"] = @event,
                ["delivery"] = deliveryId,
                ["time"] = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["aggregate"] = aggregate,
                ["data"] = JsonNode.Parse(payloadJson),
            },
            WebhookFormat.Slack => new JsonObject
            {
                ["text"] = SlackEscape($"[{@event}] {aggregate}: {(string.IsNullOrWhiteSpace(summary) ? payloadJson : summary)}"),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };

        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    /// <summary>
    /// Slack reads <c>&lt;…&gt;</c> as controls (<c>&lt;!channel&gt;</c> pings everyone, <c>&lt;https://x|text&gt;</c> hides
    /// a link behind any words): names, reasons and messages from people are text, so the three characters Slack asks
    /// to be escaped are.
    /// </summary>
    public static string SlackEscape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <paramref name="body"/> keyed with the UTF-8 secret.</summary>
    public static string Signature(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>What a receiver does: recompute and compare in constant time.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Signature(secret, body)), Encoding.ASCII.GetBytes(header));
}
