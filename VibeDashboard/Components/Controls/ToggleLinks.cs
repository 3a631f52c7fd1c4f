namespace VibeDashboard.Components.Controls;

/// <summary>
/// Filter links drawn as a toggle group (the board's and the Deliveries page's filters): plain links, so a filter
/// is an address that survives a reload, styled and announced as pressed when they are the current choice.
/// </summary>
public static class ToggleLinks
{
    public static string Class(bool on) => on ? "vd-toggle vd-toggle-on" : "vd-toggle";

    public static string Pressed(bool on) => on ? "true" : "false";
}
