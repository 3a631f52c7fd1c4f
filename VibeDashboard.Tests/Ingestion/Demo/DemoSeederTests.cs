using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Ingestion.Demo;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Ingestion.Demo;

public sealed class DemoSeederTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 21, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private TempStore _temp = null!;

    private DemoSeeder Seeder => _temp.Services.GetRequiredService<DemoSeeder>();

    public Task InitializeAsync()
    {
        _temp = new TempStore(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "2" }, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [Fact]
    public async Task An_empty_store_without_sources_gets_demo_data_ending_now()
    {
        Assert.True(await Seeder.EnsureDemoAsync());

        Assert.True(await _temp.Store.IsDemoAsync());
        Assert.True(await _temp.CountAsync("ops_events") > 10_000);
        foreach (var table in (string[])["users", "apps", "sessions", "auth_attempts", "d1_migrations", "audit_logs"])
        {
            Assert.True(await _temp.CountAsync(table) > 0, table);
        }

        var newest = (await _temp.Store.NewestEventAsync())!.Value;
        Assert.InRange(newest, Start.AddMinutes(-5), Start);
        var oldest = (long)(await _temp.ScalarAsync("SELECT MIN(occurred_at) FROM ops_events"))!;
        Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(oldest), Start.AddDays(-2), Start.AddDays(-2).AddMinutes(5));
    }

    [Fact]
    public async Task The_same_seed_builds_the_same_demo()
    {
        await Seeder.EnsureDemoAsync();
        var first = await FingerprintAsync(_temp);

        await using var other = new TempStore(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Demo:Days"] = "2" }, new FakeTimeProvider(Start));
        await other.Services.GetRequiredService<DemoSeeder>().EnsureDemoAsync();

        Assert.Equal(first, await FingerprintAsync(other));
    }

    [Fact]
    public async Task Live_events_are_appended_as_time_passes()
    {
        await Seeder.EnsureDemoAsync();
        var before = await _temp.CountAsync("ops_events");

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await Seeder.AppendLiveAsync());

        Assert.True(await _temp.CountAsync("ops_events") > before);
        Assert.InRange((await _temp.Store.NewestEventAsync())!.Value, Start, Start.AddMinutes(2));
    }

    [Fact]
    public async Task A_stored_fault_adds_its_tiers_failing_generations_for_the_span_it_covers_once()
    {
        await Seeder.EnsureDemoAsync();
        var fault = new DemoFault("pro", Start.AddMinutes(1), Start.AddMinutes(3), "olivia@example.com");
        await _temp.ScalarAsync($"INSERT OR REPLACE INTO _vd_meta (key, value) VALUES ('{DemoFault.MetaKey}', '{fault.ToJson()}')");
        const string FaultErrors = "SELECT COUNT(*) FROM ops_events WHERE error_code = 'DEMO_FAULT'";

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await Seeder.AppendLiveAsync());
        var first = (long)(await _temp.ScalarAsync(FaultErrors))!;
        Assert.InRange(first, 1, 15); // about six in its first minute
        Assert.Equal(0L, await _temp.ScalarAsync($"SELECT COUNT(*) FROM ops_events WHERE error_code = 'DEMO_FAULT' AND (occurred_at < {fault.From.ToUnixTimeMilliseconds()} OR policy_tier <> 'pro')"));

        _time.Advance(TimeSpan.FromMinutes(3));
        Assert.True(await Seeder.AppendLiveAsync());
        var all = (long)(await _temp.ScalarAsync(FaultErrors))!;
        Assert.InRange(all, first + 1, 30);
        Assert.Equal(all, (long)(await _temp.ScalarAsync($"SELECT COUNT(*) FROM ops_events WHERE error_code = 'DEMO_FAULT' AND occurred_at < {fault.Until.ToUnixTimeMilliseconds()}"))!);
        Assert.Equal(all, Seeder.Generator!.FaultEvents("pro", fault.From.ToUnixTimeMilliseconds(), fault.Until.ToUnixTimeMilliseconds()).Count(e => e.EventType == "error"));

        // A rebuilt demo starts without the fault.
        await using (var connection = await _temp.Connections.OpenAsync())
        await using (var transaction = connection.BeginTransaction())
        {
            await DemoSeeder.ClearAsync(connection, transaction);
            await transaction.CommitAsync();
        }

        Assert.Null(await _temp.ScalarAsync($"SELECT value FROM _vd_meta WHERE key = '{DemoFault.MetaKey}'"));
    }

    [Fact]
    public async Task The_first_real_import_replaces_the_demo_and_stops_the_live_feed()
    {
        await Seeder.EnsureDemoAsync();

        var result = await _temp.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));

        Assert.True(result.Succeeded, result.Record.Error);
        Assert.False(await _temp.Store.IsDemoAsync());
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
        Assert.Equal(5, await _temp.CountAsync("users"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await Seeder.AppendLiveAsync());
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
    }

    [Fact]
    public async Task A_store_holding_imported_data_is_never_overwritten_by_the_demo()
    {
        await _temp.ImportAsync(Fixtures.Wrangler("vibesdk-full.sql"));

        Assert.False(await Seeder.EnsureDemoAsync());
        Assert.Equal(60, await _temp.CountAsync("ops_events"));
        Assert.False(await _temp.Store.IsDemoAsync());
    }

    [Fact]
    public async Task No_demo_when_a_source_is_configured()
    {
        await using var configured = new TempStore(new Dictionary<string, string?> { ["Demo:Enabled"] = "true", ["Ingestion:WatchFolder"] = "/nonexistent" }, _time);

        Assert.False(await configured.Services.GetRequiredService<DemoSeeder>().EnsureDemoAsync());
        Assert.Equal(0, await configured.CountAsync("ops_events"));
    }

    private static async Task<string> FingerprintAsync(TempStore store) =>
        $"{await store.ScalarAsync("SELECT COUNT(*) || ':' || SUM(occurred_at) || ':' || group_concat(id, ',') FROM (SELECT id, occurred_at FROM ops_events ORDER BY id LIMIT 500)")}" +
        $"|{await store.CountAsync("ops_events")}|{await store.ScalarAsync("SELECT group_concat(id) FROM (SELECT id FROM apps ORDER BY id LIMIT 50)")}";
}
