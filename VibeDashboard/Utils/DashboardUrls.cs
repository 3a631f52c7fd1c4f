using Microsoft.AspNetCore.WebUtilities;
using VibeDashboard.Aggregation;

namespace VibeDashboard.Utils;

/// <summary>Every link of the dashboard, built in one place so pages and tests agree on them.</summary>
public static class DashboardUrls
{
    public const string Home = "/";
    public const string Imports = "/imports";
    public const string Healthz = "/healthz";
    public const string Readyz = "/readyz";
    public const string Logout = "/logout";
    public const string Forbidden = "/forbidden";
    public const string LoginWithProviderPath = "/login/oidc";

    /// <summary>Starts the OpenID Connect provider's sign-in, coming back to <paramref name="returnUrl"/>.</summary>
    public static string LoginWithProvider(string? returnUrl = null) =>
        string.IsNullOrEmpty(returnUrl) || returnUrl == Home ? LoginWithProviderPath : QueryHelpers.AddQueryString(LoginWithProviderPath, "returnUrl", returnUrl);

    /// <summary>
    /// The sign-in page; <paramref name="returnUrl"/> is where it sends the browser after (a local path only).
    /// With <paramref name="token"/>: a sign-in link (the start-up link, or an API token for a wall screen).
    /// </summary>
    public static string Login(string? returnUrl = null, string? token = null, bool signedOut = false, string? error = null)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (!string.IsNullOrEmpty(token))
        {
            query.Add(new("t", token));
        }

        if (!string.IsNullOrEmpty(returnUrl) && returnUrl != Home)
        {
            query.Add(new("returnUrl", returnUrl));
        }

        if (signedOut)
        {
            query.Add(new("signedOut", "1"));
        }

        if (!string.IsNullOrEmpty(error))
        {
            query.Add(new("error", error));
        }

        return query.Count == 0 ? "/login" : QueryHelpers.AddQueryString("/login", query);
    }

    /// <summary>Query parameter names shared by the pages' <c>[SupplyParameterFromQuery]</c> properties.</summary>
    public const string RangeParameter = "range";
    public const string TierParameter = "tier";

    /// <summary>The range every page shows when the URL names none (and which links therefore leave out).</summary>
    public const DashboardRange DefaultRange = DashboardRange.SixHours;

    public static string Overview(DashboardRange range = DefaultRange) => WithQuery(Home, range, null);

    public static string Slo(string sloKey, DashboardRange range = DefaultRange) =>
        WithQuery($"/slo/{Uri.EscapeDataString(sloKey)}", range, null);

    public static string Metrics(string area, DashboardRange range = DefaultRange, string? tier = null) =>
        WithQuery($"/metrics/{Uri.EscapeDataString(area)}", range, tier);

    /// <summary>The same page with another range (tier and the path kept): for range pickers.</summary>
    public static string WithRange(string currentUri, DashboardRange range) => Replace(currentUri, RangeParameter, range == DefaultRange ? null : range.ToQuery());

    /// <summary>The same page with another tier (null = all tiers).</summary>
    public static string WithTier(string currentUri, string? tier) => Replace(currentUri, TierParameter, string.IsNullOrEmpty(tier) ? null : tier);

    private static string WithQuery(string path, DashboardRange range, string? tier)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (range != DefaultRange)
        {
            query.Add(new(RangeParameter, range.ToQuery()));
        }

        if (!string.IsNullOrEmpty(tier))
        {
            query.Add(new(TierParameter, tier));
        }

        return query.Count == 0 ? path : QueryHelpers.AddQueryString(path, query);
    }

    private static string Replace(string currentUri, string name, string? value)
    {
        // Works on absolute and relative URIs alike; the result is always relative (path + query).
        var uri = new Uri(new Uri("http://x"), currentUri);
        var query = QueryHelpers.ParseQuery(uri.Query)
            .Where(q => q.Key != name)
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .ToList();
        if (value is not null)
        {
            query.Add(new(name, value));
        }

        // A stable order keeps links comparable (range before tier).
        query.Sort((a, b) => Order(a.Key).CompareTo(Order(b.Key)));
        return query.Count == 0 ? uri.AbsolutePath : QueryHelpers.AddQueryString(uri.AbsolutePath, query);
    }

    private static int Order(string key) => key switch
    {
        RangeParameter => 0,
        TierParameter => 1,
        _ => 2,
    };

    public const string AuditPath = "/audit";
    public const string AuditCsvPath = "/api/audit.csv";

    /// <summary>
    /// The Audit page with its filters (the same query words as <c>/api/audit</c>: from, to, actor, action, target,
    /// limit); empty filters are left out, so the plain page is <c>/audit</c>.
    /// </summary>
    public static string Audit(string? from = null, string? to = null, string? actor = null, string? action = null, string? target = null, int? limit = null) =>
        AuditQueryString(AuditPath, from, to, actor, action, target, limit);

    /// <summary>The CSV export of what the Audit page shows with these filters.</summary>
    public static string AuditCsv(string? from = null, string? to = null, string? actor = null, string? action = null, string? target = null, int? limit = null) =>
        AuditQueryString(AuditCsvPath, from, to, actor, action, target, limit);

    private static string AuditQueryString(string path, string? from, string? to, string? actor, string? action, string? target, int? limit)
    {
        var query = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add(new(name, value.Trim()));
            }
        }

        Add("from", from);
        Add("to", to);
        Add("actor", actor);
        Add("action", action);
        Add("target", target);
        Add("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return query.Count == 0 ? path : QueryHelpers.AddQueryString(path, query);
    }

    /// <summary>The Access page (admins): API tokens and role mappings.</summary>
    public static string Access() => "/access";
}
