using System.Reflection;
using System.Xml.Linq;
using MudBlazor;
using VibeDashboard.Components.Layout;

namespace VibeDashboard.Tests.Components.Layout;

/// <summary>
/// Icons lose only what draws nothing (their invisible 24×24 box, bare groups): over every Material icon MudBlazor
/// ships, each drawn shape keeps its attributes and the attributes of the groups around it, and the markup stays
/// well formed.
/// </summary>
public sealed class SvgIconsTests
{
    public static IEnumerable<object[]> IconSets() =>
        typeof(Icons.Material).GetNestedTypes().Select(t => new object[] { t.Name });

    [Theory]
    [MemberData(nameof(IconSets))]
    public void Every_icon_keeps_every_shape_it_draws(string set)
    {
        var icons = typeof(Icons.Material).GetNestedType(set)!
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(string))
            .Select(f => (Name: f.Name, Markup: (string)f.GetValue(null)!))
            .ToList();
        Assert.NotEmpty(icons);

        foreach (var (name, markup) in icons)
        {
            var drawn = SvgIcons.Drawn(markup);
            Assert.True(Shapes(markup).SequenceEqual(Shapes(drawn)), $"{set}.{name}: {markup} became {drawn}");
        }
    }

    [Fact]
    public void The_dashboard_icon_loses_its_box_and_the_fire_icon_its_box_and_groups()
    {
        Assert.Equal("""<path d="M3 13h8V3H3v10zm0 8h8v-6H3v6zm10 0h8V11h-8v10zm0-18v6h8V3h-8z"/>""", SvgIcons.Drawn(Icons.Material.Filled.Dashboard));
        var fire = SvgIcons.Drawn(Icons.Material.Filled.LocalFireDepartment);
        Assert.DoesNotContain("<g", fire, StringComparison.Ordinal);
        Assert.DoesNotContain("fill=\"none\"", fire, StringComparison.Ordinal);
        Assert.Equal(2, fire.Split("<path", StringSplitOptions.None).Length - 1);
    }

    [Fact]
    public void A_stroked_shape_and_a_group_with_attributes_stay()
    {
        const string Stroked = """<path d="M2 2h20" fill="none" stroke="currentColor"/>""";
        Assert.Equal(Stroked, SvgIcons.Drawn(Stroked));
        const string Grouped = """<g opacity=".3"><path d="M1 1h2"/></g><g><path d="M0 0h24v24H0z" fill="none"/><path d="M4 4h2"/></g>""";
        Assert.Equal("""<g opacity=".3"><path d="M1 1h2"/></g><g><path d="M4 4h2"/></g>""", SvgIcons.Drawn(Grouped));
    }

    // Each shape that draws (filled, or stroked), with its own attributes and those of every group around it.
    private static IEnumerable<string> Shapes(string markup) =>
        XElement.Parse($"<svg>{markup}</svg>").Descendants()
            .Where(e => e.Name.LocalName != "g" && !(e.Attribute("fill")?.Value == "none" && e.Attribute("stroke") is null))
            .Select(e => string.Join(" | ", e.AncestorsAndSelf().TakeWhile(a => a.Name.LocalName != "svg")
                .Select(a => a.Name.LocalName + string.Concat(a.Attributes().OrderBy(x => x.Name.LocalName).Select(x => $" {x.Name.LocalName}={x.Value}")))
                .Where(a => a != "g")));
}
