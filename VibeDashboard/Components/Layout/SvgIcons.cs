using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;

namespace VibeDashboard.Components.Layout;

/// <summary>
/// A Material icon (MudBlazor's <c>Icons.*</c> strings are SVG path markup) as one markup frame in its parent:
/// no component per icon (a component costs about 3 KB of render-tree state per circuit), and one string per
/// icon shared by every circuit. Styled by <c>.vd-svg-icon</c> in app.css.
/// </summary>
public static class SvgIcons
{
    private static readonly ConcurrentDictionary<string, MarkupString> Cache = new(StringComparer.Ordinal);

    public static MarkupString Markup(string icon) => Cache.GetOrAdd(icon, static i =>
        new MarkupString($"""<svg class="vd-svg-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">{i}</svg>"""));
}
