using System.Collections.Concurrent;
using VibeDashboard.Aggregation;
using VibeDashboard.Model;

namespace VibeDashboard.Components.Controls.Charts;

/// <summary>
/// The overview's SLO sparklines, built once per snapshot version and range and shared by every circuit:
/// configs are immutable records, so a hundred open overviews hold one copy (and query the feed once) instead
/// of a hundred. Passing the same instance again also tells the chart control there is nothing to send.
/// </summary>
public sealed class SparklineCache(IMetricsFeed feed)
{
    private readonly ConcurrentDictionary<(string SloKey, DashboardRange Range), (long Version, ApexChartConfig Config)> _configs = new();

    public ApexChartConfig For(Snapshot snapshot, SloStatus slo, DashboardRange range)
    {
        var key = (slo.Key, range);
        if (_configs.TryGetValue(key, out var cached) && cached.Version == snapshot.Version)
        {
            return cached.Config;
        }

        // Two circuits may build the same version at once; either result is right, and the last one stays.
        var config = ChartConfigs.SloSparkline(feed.SloSeries(slo.Key, range), slo, SloCardModel.From(slo).Tone);
        _configs[key] = (snapshot.Version, config);
        return config;
    }
}
