using System.Text.Json;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Review;

namespace VibeDashboard.Tests.Operations.Review;

public sealed class MonthlyReviewBuilderTests
{
    private static readonly ReviewMonth October = new(2026, 10);
    private static readonly ReviewMonth November = new(2026, 11);

    // An event at 23:59:59.999 on the last day counts in the month; one at 00:00:00.000 the next day does not.
    private static Task<ReviewStore> EdgeStoreAsync() => ReviewStore.CreateAsync(s =>
    {
        s.Add(ReviewStore.Ms(2026, 9, 15), "probe", "probe");
        foreach (var (at, cost) in new[] { (ReviewStore.Ms(2026, 10, 31, 23, 59, 59, 999), 5.0), (ReviewStore.Ms(2026, 11, 1), 7.0) })
        {
            s.Add(at, "probe", "probe", e => e.Status = "error");
            s.Add(at, "agent", "generation_started", e => e.AppId = $"app-{cost}");
            s.Add(at, "ai_gateway", "llm_call", e => { e.AppId = $"app-{cost}"; e.Provider = "openai"; e.Model = "gpt"; e.CostUsd = cost; });
        }

        s.Incidents.Add(new IncidentRow(1, "provider_outage", "openai", "SEV2", "investigating", "detected", ReviewStore.Ms(2026, 10, 31, 23, 59, 59, 999), null, null, null));
        s.Incidents.Add(new IncidentRow(2, "sandbox_instability", "sandbox", "SEV3", "investigating", "detected", ReviewStore.Ms(2026, 11, 1), null, null, null));
        s.Alerts.Add(new AlertRow(ReviewStore.Ms(2026, 10, 31, 23, 59, 59, 999), "availability", "ok", "page"));
    });

    [Fact]
    public async Task Month_edges_count_the_last_millisecond_and_not_the_next_midnight()
    {
        await using var store = await EdgeStoreAsync();
        var builder = store.Builder();
        var october = await builder.BuildAsync(October);
        var november = await builder.BuildAsync(November);

        var availability = october.Slos!.Single(s => s.Key == "availability");
        Assert.Equal((1L, 1L), (availability.Events, availability.Bad));
        Assert.Equal(new DateOnly(2026, 10, 31), availability.WorstDay!.Day);
        Assert.Equal(1, availability.PageMs);
        Assert.Equal(5.0, october.Spend!.CostUsd);
        Assert.Equal(1, october.Spend.Generations);
        Assert.Equal(5.0, october.Spend.Weeks[^1].CostUsd);
        Assert.Equal(1, Assert.Single(october.Routing!).Figures.Generations);
        Assert.Equal(IncidentClass.ProviderOutage, Assert.Single(october.Incidents!.Classes, c => c.Count > 0).Class);

        var next = november.Slos!.Single(s => s.Key == "availability");
        Assert.Equal((1L, 1L), (next.Events, next.Bad));
        Assert.Equal(7.0, november.Spend!.CostUsd);
        Assert.Equal("2026-W44", november.Spend.Weeks[0].Week);
        Assert.Equal(november.From, november.Spend.Weeks[0].From);
        Assert.Equal(IncidentClass.SandboxInstability, Assert.Single(november.Incidents!.Classes, c => c.Count > 0).Class);
        // October's provider outage went to none in November: kept, with its change.
        var gone = november.Incidents.Classes.Single(c => c.Class == IncidentClass.ProviderOutage);
        Assert.Equal((0L, 1L, -1L), (gone.Count, gone.PreviousCount!.Value, gone.CountChange!.Value));
    }

    [Fact]
    public async Task Months_the_data_does_not_reach_say_so_instead_of_zeros()
    {
        await using var store = await ReviewStore.CreateAsync();
        var builder = store.Builder();

        var august = await builder.BuildAsync(new ReviewMonth(2026, 8));
        Assert.Equal(CoverageState.BeforeData, august.Coverage.State);
        Assert.Contains("2026-09-03", august.Coverage.Reason);
        Assert.False(august.HasData);
        Assert.Null(august.Incidents);
        Assert.Null(august.Slos);
        Assert.Null(august.Spend);
        Assert.Null(august.Routing);

        var december = await builder.BuildAsync(new ReviewMonth(2026, 12));
        Assert.Equal(CoverageState.Future, december.Coverage.State);
        Assert.Null(december.Slos);

        // September is the first month: no comparison with August (null, not a change from zero).
        var september = await builder.BuildAsync(new ReviewMonth(2026, 9));
        Assert.All(september.Incidents!.Classes, c => Assert.Null(c.PreviousCount));
        Assert.All(september.Slos!, s => Assert.Null(s.PreviousSli));
        Assert.All(september.Routing!, r => Assert.Null(r.Previous));
        Assert.Null(september.Spend!.PreviousCostPerGenerationUsd);
    }

    [Fact]
    public async Task The_app_services_can_build_it()
    {
        await using var store = await ReviewStore.CreateAsync(_ => { });
        var builder = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<MonthlyReviewBuilder>(store.Store.Services);
        Assert.Equal(October, builder.DefaultMonth);
    }

    [Fact]
    public async Task An_empty_store_has_no_data()
    {
        await using var store = await ReviewStore.CreateAsync(_ => { });
        var review = await store.Builder().BuildAsync(October);
        Assert.Equal(CoverageState.NoData, review.Coverage.State);
        Assert.Null(review.Incidents);
    }

    [Fact]
    public async Task The_current_month_is_partial_to_now_and_never_cached()
    {
        await using var store = await ReviewStore.CreateAsync();
        var builder = store.Builder();
        Assert.Equal(October, builder.DefaultMonth);
        Assert.Equal(November, builder.CurrentMonth);

        var first = await builder.BuildAsync(November);
        Assert.Equal(CoverageState.Partial, first.Coverage.State);
        Assert.Contains("in progress", first.Coverage.Reason);
        Assert.Equal(ReviewStore.Now, first.To);
        Assert.Equal(ReviewStore.Now, first.Spend!.Weeks[^1].To);
        Assert.False(builder.IsCached(November));

        store.Time.Advance(TimeSpan.FromHours(1));
        await store.AddEventsAsync(new Storage.OpsEvent { Id = "late", OccurredAt = ReviewStore.Now.AddMinutes(30).ToUnixTimeMilliseconds(), Source = "probe", EventType = "probe", Status = "error" });
        var second = await builder.BuildAsync(November);
        Assert.NotSame(first, second);
        Assert.Equal(first.Slos!.Single(s => s.Key == "availability").Events + 1, second.Slos!.Single(s => s.Key == "availability").Events);
    }

    [Fact]
    public async Task A_closed_month_is_cached_until_the_store_changes_under_it()
    {
        await using var store = await ReviewStore.CreateAsync();
        var builder = store.Builder();
        var first = await builder.BuildAsync(October);
        Assert.True(builder.IsCached(October));
        Assert.Same(first, await builder.BuildAsync(October));

        // A follow-up written later (to an October incident) is part of what October's review shows.
        var incident = store.Incidents.First(i => i.StartedAt >= ReviewStore.Ms(2026, 10, 1) && i.StartedAt < ReviewStore.Ms(2026, 11, 1));
        await store.AddFollowUpAsync(new FollowUpRow(500, incident.Number, "late", "ops", "2026-10-02", "runbook_change", false, ReviewStore.Ms(2026, 10, 25), null));
        var second = await builder.BuildAsync(October);
        Assert.NotSame(first, second);
        Assert.Equal(first.FollowUps!.Created + 1, second.FollowUps!.Created);
        Assert.Equal(first.FollowUps.OverdueAtEnd + 1, second.FollowUps.OverdueAtEnd);
    }

    [Fact]
    public async Task The_json_has_every_section_with_wire_names()
    {
        await using var store = await ReviewStore.CreateAsync();
        var review = await store.Builder().BuildAsync(October);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(review, ReviewJson.Options));
        var root = json.RootElement;
        Assert.Equal("2026-10", root.GetProperty("month").GetString());
        Assert.Equal("complete", root.GetProperty("coverage").GetProperty("state").GetString());
        foreach (var section in new[] { "incidents", "slos", "spend", "routing", "rollouts", "followUps", "retire" })
        {
            Assert.True(root.TryGetProperty(section, out var value) && value.ValueKind != JsonValueKind.Null, section);
        }

        var firstClass = root.GetProperty("incidents").GetProperty("classes")[0];
        Assert.Contains(firstClass.GetProperty("class").GetString(), new[] { "provider_outage", "sandbox_instability", "migration_regression", "auth_policy_failure", "unclassified" });
        Assert.True(firstClass.GetProperty("severity").TryGetProperty("sev1", out _));
        Assert.True(root.GetProperty("routing")[0].TryGetProperty("completionSuccessChange", out _));
        Assert.Equal("source", root.GetProperty("retire").GetProperty("candidates")[0].GetProperty("kind").GetString());
        Assert.False(root.TryGetProperty("hasData", out _));

        var before = JsonSerializer.Serialize(await store.Builder().BuildAsync(new ReviewMonth(2026, 8)), ReviewJson.Options);
        Assert.Contains("\"state\":\"before_data\"", before);
        Assert.Contains("\"incidents\":null", before);
    }
}
