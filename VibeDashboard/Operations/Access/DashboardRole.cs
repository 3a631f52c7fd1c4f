namespace VibeDashboard.Operations.Access;

/// <summary>
/// What a signed-in principal may do. Ordered: each role includes the ones below it, so a check is
/// <c>role &gt;= required</c>. On the wire and in the audit log the lower-case name (<c>viewer</c>, …).
/// </summary>
public enum DashboardRole
{
    /// <summary>Reads everything: pages, <c>/api/snapshot</c>, <c>/api/audit</c>, the hub. Wall screens, review meetings.</summary>
    Viewer = 1,

    /// <summary>Also acts on incidents and rollouts.</summary>
    Operator = 2,

    /// <summary>Also manages tokens and role mappings, and takes forced actions (with a reason).</summary>
    Admin = 3,
}

public static class DashboardRoles
{
    public static string Name(this DashboardRole role) => role switch
    {
        DashboardRole.Viewer => "viewer",
        DashboardRole.Operator => "operator",
        DashboardRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static bool TryParse(string? value, out DashboardRole role)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "viewer":
                role = DashboardRole.Viewer;
                return true;
            case "operator":
                role = DashboardRole.Operator;
                return true;
            case "admin":
                role = DashboardRole.Admin;
                return true;
            default:
                role = default;
                return false;
        }
    }

    public static bool Includes(this DashboardRole held, DashboardRole required) => held >= required;
}
