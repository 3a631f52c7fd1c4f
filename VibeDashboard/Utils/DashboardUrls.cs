namespace VibeDashboard.Utils;

/// <summary>Every link of the dashboard, built in one place so pages and tests agree on them.</summary>
public static class DashboardUrls
{
    public const string Home = "/";
    public const string Imports = "/imports";
    public const string Healthz = "/healthz";
    public const string Readyz = "/readyz";
}
