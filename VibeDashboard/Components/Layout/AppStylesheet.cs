using Microsoft.AspNetCore.Components;

namespace VibeDashboard.Components.Layout;

/// <summary>
/// The app's own stylesheet (<c>wwwroot/app.css</c>, about 5 KB), inlined in the document's head rather than linked.
/// Why: over HTTP/1.1 a browser opens six connections per host, and a page's document asked for seven files that all
/// hold up Blazor's start (four stylesheets, MudBlazor's script, blazor.web.js and the start script: scripts run only
/// once the stylesheets before them have loaded), so the seventh waited for a second round of requests. Inlined, the
/// six fit one round. Read once per process: an edit of app.css shows after a restart.
/// </summary>
public sealed class AppStylesheet(IWebHostEnvironment environment)
{
    public const string File = "app.css";

    private readonly Lazy<MarkupString> _css = new(() =>
    {
        var file = environment.WebRootFileProvider.GetFileInfo(File);
        if (!file.Exists)
        {
            throw new InvalidOperationException($"{File} is missing from the web root ({environment.WebRootPath}).");
        }

        using var reader = new StreamReader(file.CreateReadStream());
        return new MarkupString(reader.ReadToEnd());
    });

    /// <summary>The stylesheet's text, for a <c>&lt;style&gt;</c> element.</summary>
    public MarkupString Css => _css.Value;
}
