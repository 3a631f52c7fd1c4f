using System.Globalization;
using System.Text.RegularExpressions;

namespace VibeDashboard.Model;

/// <summary>
/// <c>?rotate=30s&amp;pages=wall,slo/availability,incidents</c>: a wall screen that cycles pages. Parsed from the
/// URL on every page (the query travels with each step, so the next page continues the cycle); a value that does
/// not parse is ignored and said so in <see cref="Notes"/>, which the screen shows, rather than silently rotating
/// at some other pace or to some other place.
/// </summary>
public sealed partial record WallRotation(TimeSpan? Interval, IReadOnlyList<string> Pages, IReadOnlyList<string> Notes)
{
    public const string RotateParameter = "rotate";
    public const string PagesParameter = "pages";

    /// <summary>Below this a page has hardly drawn before it goes, and a loop of reloads is one typo away.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    public const int MaxPages = 20;

    public static readonly WallRotation None = new(null, [], []);

    /// <summary>Rotating: a valid interval and at least two pages to go between.</summary>
    public bool Active => Interval is not null && Pages.Count >= 2;

    public static WallRotation Parse(string? rotate, string? pages)
    {
        if (rotate is null && pages is null)
        {
            return None;
        }

        var notes = new List<string>();
        var interval = ParseInterval(rotate, notes);
        var list = ParsePages(pages, notes);
        if (rotate is null)
        {
            notes.Add("pages= without rotate= does nothing: add rotate=30s to cycle them");
        }
        else if (pages is null)
        {
            notes.Add("rotate= needs pages=, e.g. pages=wall,incidents");
        }
        else if (interval is not null && list.Count < 2)
        {
            notes.Add("fewer than two valid pages: nothing to rotate");
        }

        return new WallRotation(interval, list, notes);
    }

    /// <summary>The page after <paramref name="currentPath"/> in the cycle (the first when the current one is not in it).</summary>
    public string Next(string currentPath)
    {
        var current = Normalize(currentPath);
        var index = -1;
        for (var i = 0; i < Pages.Count; i++)
        {
            if (string.Equals(Normalize(Pages[i]), current, StringComparison.OrdinalIgnoreCase))
            {
                index = i;
                break;
            }
        }

        return Pages[(index + 1) % Pages.Count];
    }

    /// <summary>The address of a page of the cycle with the same query, so that page goes on rotating.</summary>
    public static string Url(string page, string query) => page + query;

    private static string Normalize(string path) => "/" + path.Trim('/');

    private static TimeSpan? ParseInterval(string? rotate, List<string> notes)
    {
        if (rotate is null)
        {
            return null;
        }

        var match = IntervalPattern().Match(rotate.Trim());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            notes.Add($"rotate=\"{Shorten(rotate)}\" ignored: give a duration such as 30s, 2m or 1h");
            return null;
        }

        var interval = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "m" or "min" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromSeconds(amount),
        };
        if (interval < MinInterval)
        {
            notes.Add($"rotate={Shorten(rotate)} ignored: the minimum is {(int)MinInterval.TotalSeconds} s");
            return null;
        }

        if (interval > MaxInterval)
        {
            notes.Add($"rotate={Shorten(rotate)} ignored: the maximum is 24 h");
            return null;
        }

        return interval;
    }

    private static List<string> ParsePages(string? pages, List<string> notes)
    {
        var list = new List<string>();
        if (pages is null)
        {
            return list;
        }

        foreach (var raw in pages.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // A page of this dashboard only: a relative path of plain segments (no scheme, no host, no "..").
            var path = raw.Trim('/');
            if (raw == "/" || path.Length == 0)
            {
                list.Add("/");
            }
            else if (!raw.Contains("//", StringComparison.Ordinal) && PagePattern().IsMatch(path) && !path.Split('/').Any(s => s is "." or ".."))
            {
                list.Add("/" + path);
            }
            else
            {
                notes.Add($"page \"{Shorten(raw)}\" ignored: not a page of this dashboard");
            }

            if (list.Count == MaxPages)
            {
                notes.Add($"only the first {MaxPages} pages rotate");
                break;
            }
        }

        return list;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex(@"^(\d{1,7})(s|m|min|h)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IntervalPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PagePattern();
}
