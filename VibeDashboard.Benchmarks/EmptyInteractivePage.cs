using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;

namespace VibeDashboard.Benchmarks;

/// <summary>
/// The <c>ui</c> benchmark's floor: the least an interactive-server page can be. The host document
/// (<see cref="EmptyInteractiveDocument"/>) loads the same stylesheets as the benchmark's static page and starts
/// Blazor as the app does (blazor.web.js, then blazor-start.js: straight to the WebSocket); this component, the
/// whole page, renders once on the circuit, with the app's render mode (interactive server, no prerendering).
/// It says it is interactive as the app's layout does (<c>.vd-root[data-interactive=true]</c> from
/// <see cref="ComponentBase.RendererInfo"/>), so both pages are timed to the same signal.
/// Written in C# rather than Razor so the benchmark project needs no Razor SDK; the render tree is what
/// <c>&lt;div class="vd-root" data-interactive="…"&gt;…&lt;/div&gt;</c> compiles to.
/// </summary>
public sealed class EmptyInteractivePage : ComponentBase
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "div");
        builder.AddAttribute(1, "class", "vd-root");
        builder.AddAttribute(2, "data-interactive", RendererInfo.IsInteractive ? "true" : "false");
        builder.OpenElement(3, "h1");
        builder.AddContent(4, "Empty interactive page");
        builder.CloseElement();
        builder.CloseElement();
    }
}

/// <summary>
/// The document around <see cref="EmptyInteractivePage"/>, served by the benchmark's host through a
/// <c>RazorComponentResult</c> (so the app's router and layout stay out of it, and the product ships no benchmark
/// page); what <c>&lt;EmptyInteractivePage @rendermode="…" /&gt;</c> in a host page compiles to.
/// </summary>
public sealed class EmptyInteractiveDocument : ComponentBase
{
    // The app's render mode (App.razor): interactive server, prerendering off.
    private static readonly IComponentRenderMode Interactive = new InteractiveServerRenderMode(prerender: false);

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.AddMarkupContent(0, """
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><base href="/">
            <link rel="icon" type="image/svg+xml" href="favicon.svg">
            <link rel="stylesheet" href="lib/mudblazor/MudBlazor.min.css"><link rel="stylesheet" href="theme.css"><link rel="stylesheet" href="app.css">
            <title>empty interactive</title></head><body>
            """);
        builder.OpenComponent<EmptyInteractivePage>(1);
        builder.AddComponentRenderMode(Interactive);
        builder.CloseComponent();
        builder.AddMarkupContent(2, """
            <script src="_framework/blazor.web.js" autostart="false"></script><script src="blazor-start.js"></script>
            </body></html>
            """);
    }
}
