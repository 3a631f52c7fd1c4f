using MudBlazor;

namespace VibeDashboard.Components.Layout;

/// <summary>The one palette of the dashboard. Dark is the default (war-room wall screens); light for meeting rooms.</summary>
public static class DashboardTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4F46E5",
            Secondary = "#0EA5E9",
            Success = "#15803D",
            Warning = "#B45309",
            Error = "#B91C1C",
            AppbarBackground = "#1E1B4B",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#818CF8",
            Secondary = "#38BDF8",
            Success = "#4ADE80",
            Warning = "#FBBF24",
            Error = "#F87171",
            Background = "#0F1117",
            Surface = "#171A23",
            DrawerBackground = "#12151C",
            AppbarBackground = "#12151C",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["Inter", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"] },
        },
    };
}
