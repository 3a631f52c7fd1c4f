using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace VibeDashboard.Components.Layout;

/// <summary>Sets <c>document.title</c> to <see cref="Text"/> whenever it changes (see DocumentTitle.razor for why).</summary>
public sealed partial class DocumentTitle
{
    /// <summary>The function blazor-start.js defines on <c>window</c>.</summary>
    public const string SetTitleFunction = "vdSetTitle";

    /// <summary>The cascading value's name (App.razor, around static pages only).</summary>
    public const string StaticRenderCascade = "vd-static-render";

    private string? _shown;

    [CascadingParameter(Name = StaticRenderCascade)] public bool StaticRender { get; set; }

    [Inject] public required IJSRuntime JS { get; init; }

    [Parameter, EditorRequired] public required string Text { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (StaticRender || _shown == Text)
        {
            return;
        }

        _shown = Text;
        try
        {
            await JS.InvokeVoidAsync(SetTitleFunction, Text);
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the document with it.
        }
    }
}
