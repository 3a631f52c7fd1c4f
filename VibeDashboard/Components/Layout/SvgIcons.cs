using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;

namespace VibeDashboard.Components.Layout;

/// <summary>
/// A Material icon (MudBlazor's <c>Icons.*</c> strings are SVG path markup) as one markup frame in its parent:
/// no component per icon (a component costs about 3 KB of render-tree state per circuit), and one string per
/// icon shared by every circuit. Styled by <c>.vd-svg-icon</c> in app.css.
/// </summary>
public static partial class SvgIcons
{
    private static readonly ConcurrentDictionary<string, MarkupString> Cache = new(StringComparer.Ordinal);

    public static MarkupString Markup(string icon) => Cache.GetOrAdd(icon, static i =>
        new MarkupString($"""<svg class="vd-svg-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">{Drawn(i)}</svg>"""));

    /// <summary>
    /// The icon's markup without what draws nothing: Material icons carry their 24×24 box as an unfilled, unstroked
    /// shape (<c>&lt;path d="M0 0h24v24H0z" fill="none"/&gt;</c>, <c>&lt;rect fill="none" width="24" height="24"/&gt;</c>)
    /// and wrap paths in bare <c>&lt;g&gt;</c> groups. Each is an element the browser parses, styles and lays out on
    /// every page that shows the icon (a third of an icon's elements, about 40 on the overview's first paint).
    /// Shapes with a stroke stay, and so do all the groups of an icon that has one with attributes (its closing tags
    /// could not be told apart).
    /// </summary>
    internal static string Drawn(string icon)
    {
        var shapes = InvisibleBox().Replace(icon, "");
        return shapes.Contains("<g ", StringComparison.Ordinal) ? shapes : BareGroup().Replace(shapes, "");
    }

    // An unfilled path or rect whose attributes are geometry alone (no stroke, no class, no style).
    [GeneratedRegex("""<(path|rect)(?=[^>]*\sfill="none")(?:\s+(?:d|fill|width|height|x|y)="[^"]*")*\s*(?:/>|></\1>)""")]
    private static partial Regex InvisibleBox();

    [GeneratedRegex("</?g>")]
    private static partial Regex BareGroup();
}
