namespace VibeDashboard.Components.Controls.Charts;

/// <summary>The layout cascades its dark/light flag under this name; charts re-theme when it changes.</summary>
public static class ThemeMode
{
    public const string CascadeName = "DarkMode";
}
