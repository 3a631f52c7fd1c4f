using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using Microsoft.Extensions.Configuration;
using VibeDashboard.Hosting;

namespace VibeDashboard.Tests.Configuration;

public sealed class WallOptionsTests
{
    [Fact]
    public void The_sample_shows_every_wall_key_with_its_default() =>
        new SampleSettingsTests().Each_sample_section_shows_every_key_with_the_default_the_app_uses(typeof(WallOptions), WallOptions.Section);

    [Fact]
    public void The_sample_shows_the_demo_rate_multiplier_too() =>
        new SampleSettingsTests().Each_sample_section_shows_every_key_with_the_default_the_app_uses(typeof(DemoOptions), DemoOptions.Section);

    [Theory]
    [InlineData("Wall:ReloadEvery", "00:00:30")]
    [InlineData("Wall:QuietFor", "02:00:00")]
    [InlineData("Wall:MaxIncidents", "0")]
    [InlineData("Demo:RateMultiplier", "0")]
    public void A_bad_value_stops_the_start_naming_the_key(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection();
        VibeDashboardHosting.AddOptions<WallOptions>(services, configuration, WallOptions.Section);
        VibeDashboardHosting.AddOptions<DemoOptions>(services, configuration, DemoOptions.Section);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => key.StartsWith("Wall", StringComparison.Ordinal)
            ? (object)provider.GetRequiredService<IOptions<WallOptions>>().Value
            : provider.GetRequiredService<IOptions<DemoOptions>>().Value);
        Assert.Contains(key.Split(':')[1], error.Message);
    }
}
