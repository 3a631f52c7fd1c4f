using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace VibeDashboard.Components.Layout;

/// <summary>Sets <c>document.title</c> to <see cref="Text"/> whenever it changes (see DocumentTitle.razor for why).</summary>
public sealed partial class DocumentTitle
{
    /// <summary>The function blazor-start.js defines on <c>window</c>.</summary>
    public const string SetTitleFunction = "vdSetTitle";

    private string? _shown;

    [Inject] public required IJSRuntime JS { get; init; }

    [Parameter, EditorRequired] public required string Text { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!RendererInfo.IsInteractive || _shown == Text)
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
