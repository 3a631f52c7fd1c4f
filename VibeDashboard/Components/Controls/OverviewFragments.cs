using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using VibeDashboard.Aggregation;
using VibeDashboard.Model;
using VibeDashboard.Utils;

namespace VibeDashboard.Components.Controls;

/// <summary>What every open overview shows for one snapshot and range: the model, and the SLO card texts and area
/// tiles already rendered to HTML.</summary>
public sealed record OverviewView(
    long Version,
    OverviewModel Model,
    IReadOnlyDictionary<string, MarkupString> CardTexts,
    IReadOnlyDictionary<string, MarkupString> Tiles);

/// <summary>
/// Builds <see cref="OverviewView"/> once per snapshot version and range and shares it between circuits. The card
/// texts and tiles are plain output (no events, no state), so a wall of open overviews need not each keep a
/// component and a double-buffered render tree per card and tile (about 3 KB each per circuit, plus the frames):
/// they are rendered here with <see cref="HtmlRenderer"/> from their Razor components (<see cref="SloCardSummary"/>,
/// <see cref="AreaTile"/>) and each page holds one markup frame per card and tile.
/// </summary>
public sealed class OverviewFragments(IServiceScopeFactory scopes, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<DashboardRange, OverviewView> _views = new();

    public OverviewView For(Snapshot snapshot, DashboardRange range)
    {
        if (_views.TryGetValue(range, out var cached) && cached.Version == snapshot.Version)
        {
            return cached;
        }

        // Two circuits may build the same version at once; both results are equal, and the last one stays.
        var view = Build(snapshot, range);
        _views[range] = view;
        return view;
    }

    private OverviewView Build(Snapshot snapshot, DashboardRange range)
    {
        var model = OverviewModel.Build(snapshot, WindowChoice.ForRange(range));
        using var scope = scopes.CreateScope();
        using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
        // The renderer has its own dispatcher, free here, and these components render synchronously: the
        // call completes inline rather than blocking on another thread.
        return renderer.Dispatcher.InvokeAsync(async () =>
        {
            var cards = new Dictionary<string, MarkupString>(StringComparer.Ordinal);
            foreach (var card in model.Slos)
            {
                cards[card.Key] = await RenderAsync<SloCardSummary>(renderer, new()
                {
                    [nameof(SloCardSummary.Model)] = card,
                    [nameof(SloCardSummary.Href)] = DashboardUrls.Slo(card.Key, range),
                });
            }

            var tiles = new Dictionary<string, MarkupString>(StringComparer.Ordinal);
            foreach (var tile in model.Areas)
            {
                tiles[tile.Area.Key] = await RenderAsync<AreaTile>(renderer, new()
                {
                    [nameof(AreaTile.Model)] = tile,
                    [nameof(AreaTile.Href)] = DashboardUrls.Metrics(tile.Area.Key, range),
                });
            }

            return new OverviewView(snapshot.Version, model, cards, tiles);
        }).GetAwaiter().GetResult();
    }

    private static async Task<MarkupString> RenderAsync<TComponent>(HtmlRenderer renderer, Dictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        var output = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
        return new MarkupString(output.ToHtmlString());
    }
}
