using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using VibeDashboard.Model;

namespace VibeDashboard.Components.Controls.Charts;

/// <summary>
/// The one component that owns ApexCharts. It imports its collocated module on first render, calls
/// <c>render</c> once and <c>update</c> (in place, no animation) whenever a new <see cref="Config"/> instance
/// or theme arrives, and <c>destroy</c> on dispose. Passing the same config instance again costs nothing,
/// which is how pages keep chart work on their own slower cadence.
/// </summary>
public sealed partial class ApexChart : IAsyncDisposable
{
    public const string ModulePath = "./Components/Controls/Charts/ApexChart.razor.js";

    private static long s_nextId;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    // Payloads are pure functions of an immutable config and the theme; configs shared between circuits
    // (the overview's sparklines) then share one serialized payload too. Entries go with their config.
    private static readonly ConditionalWeakTable<ApexChartConfig, JsonElement?[]> Payloads = new();

    private readonly string _id = $"vd-chart-{Interlocked.Increment(ref s_nextId)}";
    private IJSObjectReference? _module;
    private ApexChartConfig? _shown;
    private bool _shownDark;
    private bool _rendered;
    private bool _syncing;
    private bool _disposed;

    [Inject] public required IJSRuntime JS { get; init; }

    [Parameter, EditorRequired] public required ApexChartConfig Config { get; set; }

    [Parameter] public string? Class { get; set; }

    [Parameter] public string? TestId { get; set; }

    /// <summary>Set by the layout; the chart re-themes when it flips.</summary>
    [CascadingParameter(Name = ThemeMode.CascadeName)] public bool Dark { get; set; } = true;

    public string ElementId => _id;

    private int PointCount => Config.Series.Sum(s => s.Y.Count(y => y is not null));

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            try
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            }
            catch (JSDisconnectedException)
            {
                return;
            }
        }

        await SyncAsync();
    }

    /// <summary>Brings the browser's chart up to the latest config; re-entrant calls merge into the running loop.</summary>
    private async Task SyncAsync()
    {
        if (_module is null || _syncing || _disposed)
        {
            return;
        }

        _syncing = true;
        try
        {
            while (!_disposed && (!_rendered || !ReferenceEquals(_shown, Config) || _shownDark != Dark))
            {
                var config = Config;
                var dark = Dark;
                var payload = PayloadFor(config, dark);
                await _module.InvokeVoidAsync(_rendered ? "update" : "render", _id, payload);
                _rendered = true;
                _shown = config;
                _shownDark = dark;
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; nothing left to draw on.
        }
        finally
        {
            _syncing = false;
        }
    }

    internal static JsonElement PayloadFor(ApexChartConfig config, bool dark)
    {
        // Built on first use per theme; two circuits racing build equal payloads, and either may stay.
        var slots = Payloads.GetValue(config, static _ => new JsonElement?[2]);
        return slots[dark ? 1 : 0] ??= ToPayload(config, dark);
    }

    /// <summary>The JSON the script expects (kept flat and small; the script builds ApexCharts' options).</summary>
    internal static JsonElement ToPayload(ApexChartConfig config, bool dark) => JsonSerializer.SerializeToElement(new
    {
        type = config.Type,
        dark,
        unit = config.Unit,
        height = config.Height,
        sparkline = config.Sparkline,
        stepped = config.Stepped,
        yMin = config.YMin,
        yMax = config.YMax,
        categories = config.Categories,
        series = config.Series.Select(s => new { name = s.Name, x = s.X, y = s.Y, color = s.Color }),
        thresholds = config.Thresholds.Select(t => new { y = t.Y, label = t.Label, tone = t.Tone }),
        spans = config.Spans.Count == 0 ? null : config.Spans.Select(s => new { x = s.From, x2 = s.To, label = s.Label, tone = s.Tone }),
        markers = config.Markers.Count == 0 ? null : config.Markers.Select(m => new { x = m.At, label = m.Label, tone = m.Tone }),
    }, Json);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_module is null)
        {
            return;
        }

        try
        {
            if (_rendered)
            {
                await _module.InvokeVoidAsync("destroy", _id);
            }

            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }
}
