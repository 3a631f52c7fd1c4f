using System.Text.Json;
using Bunit;
using VibeDashboard.Components.Controls.Charts;
using VibeDashboard.Model;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Components.Controls;

public sealed class ApexChartTests : DashboardComponentTest
{
    private static ApexChartConfig Config(double y) => new()
    {
        Unit = MetricUnit.Ratio,
        Series = [new ChartSeries("SLI", [1000, 2000], [y, null])],
        Thresholds = [new ChartThreshold(14.4, "page", ChartTone.Critical)],
    };

    private BunitJSModuleInterop Module => JSInterop.SetupModule(ApexChart.ModulePath);

    [Fact]
    public void Renders_once_with_the_typed_options()
    {
        var module = Module;
        var chart = Render<ApexChart>(p => p.Add(c => c.Config, Config(0.5)));

        chart.WaitForAssertion(() => Assert.Single(module.Invocations, i => i.Identifier == "render"));
        var render = module.Invocations.Single(i => i.Identifier == "render");
        Assert.Equal(chart.Instance.ElementId, render.Arguments[0]);
        Assert.Equal(chart.Instance.ElementId, chart.Find("div.vd-apexchart").Id);
        var payload = (JsonElement)render.Arguments[1]!;
        Assert.Equal("line", payload.GetProperty("type").GetString());
        Assert.Equal("ratio", payload.GetProperty("unit").GetString());
        Assert.Equal([1000, 2000], payload.GetProperty("series")[0].GetProperty("x").EnumerateArray().Select(x => x.GetInt64()));
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("series")[0].GetProperty("y")[1].ValueKind);
        Assert.Equal(14.4, payload.GetProperty("thresholds")[0].GetProperty("y").GetDouble());
        Assert.Equal("critical", payload.GetProperty("thresholds")[0].GetProperty("tone").GetString());
        Assert.DoesNotContain(module.Invocations, i => i.Identifier == "update");
    }

    [Fact]
    public void Updates_in_place_when_a_new_config_arrives_and_not_when_the_same_one_is_rendered_again()
    {
        var module = Module;
        var first = Config(0.5);
        var chart = Render<ApexChart>(p => p.Add(c => c.Config, first));
        chart.WaitForAssertion(() => Assert.Single(module.Invocations, i => i.Identifier == "render"));

        chart.Render(p => p.Add(c => c.Config, first));
        Assert.DoesNotContain(module.Invocations, i => i.Identifier == "update");

        chart.Render(p => p.Add(c => c.Config, Config(0.7)));
        chart.WaitForAssertion(() => Assert.Single(module.Invocations, i => i.Identifier == "update"));
        var update = module.Invocations.Single(i => i.Identifier == "update");
        Assert.Equal(chart.Instance.ElementId, update.Arguments[0]);
        Assert.Equal(0.7, ((JsonElement)update.Arguments[1]!).GetProperty("series")[0].GetProperty("y")[0].GetDouble());
        Assert.Single(module.Invocations, i => i.Identifier == "render");
    }

    [Fact]
    public void Re_themes_when_the_layout_flips_dark_mode()
    {
        var module = Module;
        var config = Config(0.5);
        var chart = Render<ThemedChartHost>(p => p.Add(c => c.Config, config).Add(c => c.Dark, true));
        chart.WaitForAssertion(() => Assert.Single(module.Invocations, i => i.Identifier == "render"));
        Assert.True(((JsonElement)module.Invocations.Single().Arguments[1]!).GetProperty("dark").GetBoolean());

        chart.Render(p => p.Add(c => c.Config, config).Add(c => c.Dark, false));

        chart.WaitForAssertion(() => Assert.Single(module.Invocations, i => i.Identifier == "update"));
        Assert.False(((JsonElement)module.Invocations.Single(i => i.Identifier == "update").Arguments[1]!).GetProperty("dark").GetBoolean());
    }

    [Fact]
    public async Task Destroys_its_chart_on_dispose()
    {
        var module = Module;
        var chart = Render<ApexChart>(p => p.Add(c => c.Config, Config(0.5)));
        chart.WaitForAssertion(() => Assert.Single(module.Invocations, i => i.Identifier == "render"));
        var id = chart.Instance.ElementId;

        await DisposeComponentsAsync();

        var destroy = Assert.Single(module.Invocations, i => i.Identifier == "destroy");
        Assert.Equal(id, destroy.Arguments[0]);
    }

    [Fact]
    public void Each_instance_has_its_own_element_id()
    {
        var a = Render<ApexChart>(p => p.Add(c => c.Config, Config(0.1)));
        var b = Render<ApexChart>(p => p.Add(c => c.Config, Config(0.2)));

        Assert.NotEqual(a.Instance.ElementId, b.Instance.ElementId);
    }
}
