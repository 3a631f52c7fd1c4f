using System.Text.Json;
using System.Text.Json.Serialization;

namespace VibeDashboard.Aggregation;

/// <summary>
/// An SLO's alert state (the playbook's multiwindow rules). Ordered: a page outranks a ticket, which outranks ok.
/// On the wire (<c>/api/snapshot</c>, the hub) and in <c>_vd_alert_history</c>: <c>ok</c>, <c>ticket</c>, <c>page</c>.
/// </summary>
[JsonConverter(typeof(AlertStateJsonConverter))]
public enum AlertState
{
    Ok,
    Ticket,
    Page,
}

public static class AlertStates
{
    /// <summary>The lower-case name, as stored and sent.</summary>
    public static string Name(this AlertState state) => state switch
    {
        AlertState.Ok => "ok",
        AlertState.Ticket => "ticket",
        AlertState.Page => "page",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static bool TryParse(string? value, out AlertState state)
    {
        switch (value)
        {
            case "ok":
                state = AlertState.Ok;
                return true;
            case "ticket":
                state = AlertState.Ticket;
                return true;
            case "page":
                state = AlertState.Page;
                return true;
            default:
                state = default;
                return false;
        }
    }
}

/// <summary>
/// On the type, so every serialiser (minimal APIs, SignalR, a test's client) writes <c>"ok"</c>/<c>"ticket"</c>/<c>"page"</c>
/// whatever its options; integers are refused rather than guessed.
/// </summary>
public sealed class AlertStateJsonConverter() : JsonStringEnumConverter<AlertState>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);
