using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Layout;

/// <summary>The drawer's links; the current page's link is marked <c>active</c> (as NavLink would: exact for the overview, by prefix otherwise).</summary>
public sealed partial class NavMenu : IDisposable
{
    private const string AuditPath = DashboardUrls.AuditPath;
    private const string AccessPath = "/access";
    private const string IncidentsPath = Model.IncidentBoardFilter.BoardPath;
    private const string RolloutsPath = Model.RolloutFormat.ListPath;
    private const string DeliveriesPath = Model.IncidentBoardFilter.DeliveriesPath;
    private const string ReviewPath = Model.ReviewFormat.PagePath;

    // The war-room wall's page belongs to another part of issue 12; its address is all the menu needs.
    private const string WallPath = "/wall";

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>The signed-in role (null when signed out), to leave out links the role cannot use.</summary>
    [Parameter] public VibeDashboard.Operations.Access.DashboardRole? Role { get; set; }

    protected override void OnInitialized() => Navigation.LocationChanged += OnLocationChanged;

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => _ = InvokeAsync(StateHasChanged);

    private string LinkClass(string href, bool exact, string? extra = null)
    {
        var active = IsActive(CurrentPath(), PathOf(href), exact);
        return (active, extra) switch
        {
            (true, null) => "vd-nav-link active",
            (true, _) => $"vd-nav-link {extra} active",
            (false, null) => "vd-nav-link",
            (false, _) => $"vd-nav-link {extra}",
        };
    }

    private string CurrentPath() => PathOf("/" + Navigation.ToBaseRelativePath(Navigation.Uri));

    internal static bool IsActive(string current, string link, bool exact) => exact
        ? string.Equals(current, link, StringComparison.OrdinalIgnoreCase)
        : current.StartsWith(link, StringComparison.OrdinalIgnoreCase)
          && (current.Length == link.Length || link.EndsWith('/') || current[link.Length] == '/');

    // Links carry the range in the query string; matching, like NavLink's, is on the path only.
    private static string PathOf(string url)
    {
        var end = url.IndexOfAny(['?', '#']);
        var path = end < 0 ? url : url[..end];
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    public void Dispose() => Navigation.LocationChanged -= OnLocationChanged;
}
