using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace VibeDashboard.Components.Layout;

/// <summary>
/// The theme's CSS variables as one static stylesheet (<c>/theme.css</c>), built once from
/// <see cref="DashboardTheme.Theme"/> by MudBlazor's own <see cref="MudThemeProvider"/> rendered to HTML.
/// Why not the provider in the layout: it renders the whole theme (~20 KB of variables) into every circuit's
/// render tree and calls JavaScript on start, on every page of every open screen, for a theme that never changes.
/// Dark is the default on <c>:root</c>; the light palette applies under <c>.vd-root[data-theme=light]</c>, which the
/// layout's toggle sets, so switching themes is one attribute and no new styles.
/// </summary>
public static partial class ThemeStylesheet
{
    public const string Path = "/theme.css";

    public const string LightScope = ".vd-root[data-theme=light]";

    /// <summary>Serves the stylesheet, built once (started right away so the first page view does not wait for it).</summary>
    public static IEndpointConventionBuilder MapThemeStylesheet(this WebApplication app)
    {
        var css = new Lazy<Task<string>>(() => BuildAsync(app.Services, DashboardTheme.Theme));
        _ = css.Value;
        return app.MapGet(Path, async Task<IResult> (HttpContext context) =>
        {
            // Same theme for the life of the process: cacheable, revalidated after a deploy by the ETag.
            var text = await css.Value;
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8)}\"";
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers.ETag = etag;
            return context.Request.Headers.IfNoneMatch == etag ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Text(text, "text/css");
        });
    }

    /// <summary>Builds the stylesheet with the provider's own output, so the variable names and values are MudBlazor's.</summary>
    public static async Task<string> BuildAsync(IServiceProvider services, MudTheme theme)
    {
        var dark = await RenderProviderAsync(services, theme, dark: true);
        var light = await RenderProviderAsync(services, theme, dark: false);
        var css = new StringBuilder();
        css.AppendLine("/* Generated at startup from DashboardTheme by MudThemeProvider (see ThemeStylesheet.cs). */");
        css.AppendLine(StyleContent(dark));
        // Only the variable block differs between the modes; the rest (scrollbars, typography) is shared.
        css.AppendLine(RootBlock().Replace(RootVariables(light), LightScope + "{", 1));
        return css.ToString();
    }

    private static async Task<string> RenderProviderAsync(IServiceProvider services, MudTheme theme, bool dark)
    {
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
        string? css = null;
        await renderer.Dispatcher.InvokeAsync(() => renderer.RenderComponentAsync<CapturingThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(MudThemeProvider.Theme)] = theme,
            [nameof(MudThemeProvider.IsDarkMode)] = dark,
            [nameof(CapturingThemeProvider.Capture)] = (Action<string>)(value => css = value),
        })));
        return css ?? throw new InvalidOperationException("MudThemeProvider did not build its theme; the theme stylesheet cannot be built.");
    }

    /// <summary>The provider with its parameters applied as in a circuit; hands over the styles instead of rendering them.</summary>
    private sealed class CapturingThemeProvider : MudThemeProvider
    {
        [Parameter] public required Action<string> Capture { get; set; }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder) =>
            Capture(BuildMudBlazorScrollbar() + "\n" + BuildTheme());
    }

    private static string StyleContent(string html) => StyleElement().Matches(html) is { Count: > 0 } styles
        ? string.Join('\n', styles.Select(m => m.Groups[1].Value))
        : throw new InvalidOperationException("MudThemeProvider rendered no <style>; the theme stylesheet cannot be built.");

    // The light stylesheet keeps only its :root variable block, re-scoped.
    private static string RootVariables(string html)
    {
        var content = StyleContent(html);
        var match = RootBlock().Match(content);
        return match.Success
            ? content.Substring(match.Index, FindBlockEnd(content, match.Index + match.Length) - match.Index)
            : throw new InvalidOperationException("MudThemeProvider rendered no :root block; the theme stylesheet cannot be built.");
    }

    private static int FindBlockEnd(string css, int afterOpeningBrace)
    {
        var end = css.IndexOf('}', afterOpeningBrace);
        return end < 0 ? css.Length : end + 1;
    }

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();

    [GeneratedRegex(@":root\s*\{")]
    private static partial Regex RootBlock();
}
