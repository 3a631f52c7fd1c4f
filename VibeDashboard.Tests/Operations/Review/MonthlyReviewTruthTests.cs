using System.Globalization;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Operations.Review;
using VibeDashboard.Storage;

namespace VibeDashboard.Tests.Operations.Review;

/// <summary>One generated store shared by the truth tests (they only read it).</summary>
public sealed class GeneratedReviewStore : IAsyncLifetime
{
    public ReviewStore Store { get; private set; } = null!;

    public MonthlyReview October { get; private set; } = null!;

    public MonthlyReview September { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await ReviewStore.CreateAsync();
        var builder = Store.Builder();
        October = await builder.BuildAsync(new ReviewMonth(2026, 10));
        September = await builder.BuildAsync(new ReviewMonth(2026, 9));
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();
}

/// <summary>
/// The review's numbers against an independent computation: plain LINQ over the rows the generator wrote, with the
/// definitions of docs/metrics.md (and the SLOs' own <see cref="SloDefinition.Matches"/>/<see cref="SloDefinition.IsGood"/>),
/// never the review's SQL.
/// </summary>
public sealed class MonthlyReviewTruthTests(GeneratedReviewStore fixture) : IClassFixture<GeneratedReviewStore>
{
    private static readonly long From = ReviewStore.Ms(2026, 10, 1);
    private static readonly long To = ReviewStore.Ms(2026, 11, 1);
    private const int Precision = 9;

    private ReviewStore Data => fixture.Store;

    private static bool In(long at, long from, long to) => at >= from && at < to;

    private static bool IsError(string? status) => string.Equals(status, "error", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void October_is_complete_and_september_starts_mid_month()
    {
        Assert.Equal(CoverageState.Complete, fixture.October.Coverage.State);
        Assert.False(fixture.October.Coverage.StartsMidMonth);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), fixture.October.To);
        Assert.Equal(CoverageState.Complete, fixture.September.Coverage.State);
        Assert.True(fixture.September.Coverage.StartsMidMonth);
        Assert.Equal(ReviewStore.DataStart, fixture.September.Coverage.DataStartsAt);
    }

    [Fact]
    public void Incident_counts_severity_mtta_and_mttr_per_class_match_linq()
    {
        var incidents = Data.Incidents.Where(i => In(i.StartedAt, From, To) && i.Status is not ("declined" or "duplicate")).ToList();
        var section = fixture.October.Incidents!;
        Assert.Equal(incidents.Count, section.Total);

        foreach (var group in incidents.GroupBy(i => i.Class))
        {
            var row = Assert.Single(section.Classes, c => c.Class.Name() == group.Key);
            Assert.Equal(group.Count(), row.Count);
            Assert.Equal(group.Count(i => i.Severity == "SEV1"), row.Severity.Sev1);
            Assert.Equal(group.Count(i => i.Severity == "SEV2"), row.Severity.Sev2);
            Assert.Equal(group.Count(i => i.Severity == "SEV3"), row.Severity.Sev3);
            Assert.Equal(group.Count(i => i.Severity == "SEV4"), row.Severity.Sev4);

            var acks = group.Where(i => i.AcknowledgedAt is not null).Select(i => (double)(i.AcknowledgedAt!.Value - i.StartedAt)).ToList();
            Assert.Equal(acks.Count, row.Acknowledged);
            AssertClose(acks.Count == 0 ? null : acks.Average(), row.MttaMs);

            // Historical incidents (found in past data) end when their signal cleared: ended − started.
            var repairs = group.Select(i => i.Source == "historical" ? i.EndedAt : i.ResolvedAt).Zip(group)
                .Where(x => x.First is not null).Select(x => (double)(x.First!.Value - x.Second.StartedAt)).ToList();
            Assert.Equal(repairs.Count, row.Resolved);
            AssertClose(repairs.Count == 0 ? null : repairs.Average(), row.MttrMs);
            Assert.Equal(group.Count() - repairs.Count, row.Unresolved);
        }

        // Ranked by count; the previous month's count beside it.
        Assert.Equal(section.Classes.OrderByDescending(c => c.Count).Select(c => c.Count), section.Classes.Select(c => c.Count));
        Assert.Equal(Enumerable.Range(1, section.Classes.Count), section.Classes.Select(c => c.Rank));
        var september = Data.Incidents.Where(i => In(i.StartedAt, ReviewStore.Ms(2026, 9, 1), From) && i.Status is not ("declined" or "duplicate")).ToList();
        foreach (var row in section.Classes)
        {
            Assert.Equal(september.Count(i => i.Class == row.Class.Name()), row.PreviousCount);
        }
    }

    [Fact]
    public void Recurring_failures_are_class_and_key_twice_with_their_follow_ups()
    {
        var expected = Data.Incidents.Where(i => In(i.StartedAt, From, To) && i.Status is not ("declined" or "duplicate"))
            .GroupBy(i => (i.Class, i.Key)).Where(g => g.Count() >= 2)
            .ToDictionary(g => g.Key, g => g.Select(i => i.Number).Order().ToList());
        var recurring = fixture.October.Incidents!.Recurring;
        Assert.NotEmpty(recurring);
        Assert.Equal(expected.Count, recurring.Count);
        foreach (var r in recurring)
        {
            var numbers = expected[(r.Class.Name(), r.Key)];
            Assert.Equal(numbers, r.Incidents);
            Assert.Equal(numbers.Count, r.Occurrences);
            var followUps = Data.FollowUps.Where(f => numbers.Contains(f.Incident)).ToList();
            Assert.Equal(followUps.Select(f => f.Id).Order(), r.FollowUps.Select(f => f.Id).Order());
            Assert.Equal(followUps.Any(f => f.Kind == "automated_mitigation"), r.MitigationPlanned);
            Assert.Equal(followUps.Any(f => f.Kind == "automated_mitigation" && f.Done && f.DoneAt < To), r.Mitigated);
            Assert.Equal(!r.Mitigated, r.MitigationCandidate);
        }
    }

    [Fact]
    public void Slo_attainment_for_the_calendar_month_matches_the_slo_definitions()
    {
        foreach (var slo in SloOptions.Defaults)
        {
            var events = Data.Events.Where(e => In(e.OccurredAt, From, To) && slo.Matches(e.EventType, e.Source, e.AppId)).ToList();
            var good = events.Count(e => slo.IsGood(e.EventType, e.Status, e.DurationMs));
            var row = Assert.Single(fixture.October.Slos!, s => s.Key == slo.Key);
            Assert.True(events.Count > 0, slo.Key);
            Assert.Equal(events.Count, row.Events);
            Assert.Equal(good, row.Good);
            Assert.Equal(events.Count - good, row.Bad);
            var sli = (double)good / events.Count;
            AssertClose(sli, row.Sli);
            Assert.Equal(sli >= slo.Objective, row.Met);
            AssertClose((events.Count - good) / ((1 - slo.Objective) * events.Count) * 100, row.BudgetSpentPercent);

            var worst = events.GroupBy(e => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(e.OccurredAt).UtcDateTime))
                .Select(g => (Day: g.Key, Sli: (double)g.Count(e => slo.IsGood(e.EventType, e.Status, e.DurationMs)) / g.Count()))
                .OrderBy(d => d.Sli).ThenBy(d => d.Day).First();
            Assert.Equal(worst.Day, row.WorstDay!.Day);
            AssertClose(worst.Sli, row.WorstDay.Sli);

            var september = Data.Events.Where(e => In(e.OccurredAt, ReviewStore.Ms(2026, 9, 1), From) && slo.Matches(e.EventType, e.Source, e.AppId)).ToList();
            AssertClose((double)september.Count(e => slo.IsGood(e.EventType, e.Status, e.DurationMs)) / september.Count, row.PreviousSli);
        }
    }

    [Fact]
    public void Time_in_page_and_ticket_comes_from_the_alert_history_clipped_to_the_month()
    {
        var availability = fixture.October.Slos!.Single(s => s.Key == "availability");
        // Paging since 30 September 22:00 until 1 October 01:00 (1 h inside), then a ticket 10:00–11:00 and a page
        // 11:00–11:30 on 5 October.
        Assert.Equal(TimeSpan.FromMinutes(90).TotalMilliseconds, availability.PageMs);
        Assert.Equal(TimeSpan.FromHours(1).TotalMilliseconds, availability.TicketMs);
        // A ticket from 31 October 20:00 still open at the month's end counts up to it.
        var provider = fixture.October.Slos!.Single(s => s.Key == "provider_success");
        Assert.Equal(TimeSpan.FromHours(4).TotalMilliseconds, provider.TicketMs);
        Assert.Equal(0, provider.PageMs);
        Assert.All(fixture.October.Slos!.Where(s => s.Key is not ("availability" or "provider_success")), s => Assert.Equal(0, s.PageMs + s.TicketMs));
        // September: the page from 22:00 to its end.
        Assert.Equal(TimeSpan.FromHours(2).TotalMilliseconds, fixture.September.Slos!.Single(s => s.Key == "availability").PageMs);
    }

    [Fact]
    public void Cost_per_generation_per_iso_week_matches_linq()
    {
        var weeks = fixture.October.Spend!.Weeks;
        // 1 October 2026 is a Thursday (ISO week 40, from Monday 28 September); 31 October a Saturday (week 44).
        Assert.Equal(["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"], weeks.Select(w => w.Week));
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), weeks[0].From);
        Assert.Equal(new DateTimeOffset(2026, 10, 5, 0, 0, 0, TimeSpan.Zero), weeks[0].To);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), weeks[^1].To);

        var stretches = IndependentStretches(Data.Events, To);
        foreach (var week in weeks)
        {
            var (from, to) = (week.From.ToUnixTimeMilliseconds(), week.To.ToUnixTimeMilliseconds());
            var inWeek = Data.Events.Where(e => In(e.OccurredAt, from, to)).ToList();
            var cost = inWeek.Where(e => e.EventType == "llm_call").Sum(e => e.CostUsd ?? 0);
            var generations = inWeek.Count(e => e.EventType == "generation_started");
            Assert.True(generations > 0, week.Week);
            AssertClose(cost, week.CostUsd);
            Assert.Equal(generations, week.Generations);
            AssertClose(cost / generations, week.CostPerGenerationUsd);

            var runtime = inWeek.Where(e => e.EventType == "runtime_usage").Sum(e => e.CostUsd ?? 0);
            var hours = stretches.Sum(s => (double)Math.Max(0, Math.Min(s.To, to) - Math.Max(s.From, from))) / 3_600_000;
            AssertClose(runtime, week.RuntimeCostUsd);
            AssertClose(hours, week.PreviewHours);
            AssertClose(hours > 0 ? runtime / hours : null, week.RuntimeCostPerPreviewHourUsd);
        }

        var month = Data.Events.Where(e => In(e.OccurredAt, From, To)).ToList();
        var total = month.Where(e => e.EventType == "llm_call").Sum(e => e.CostUsd ?? 0);
        AssertClose(total / month.Count(e => e.EventType == "generation_started"), fixture.October.Spend.CostPerGenerationUsd);
        AssertClose(fixture.September.Spend!.CostPerGenerationUsd, fixture.October.Spend.PreviousCostPerGenerationUsd);
    }

    [Fact]
    public void Spend_by_provider_and_model_adds_up_to_the_cost_per_generation()
    {
        var spend = fixture.October.Spend!;
        var calls = Data.Events.Where(e => In(e.OccurredAt, From, To) && e.EventType == "llm_call" && !string.IsNullOrEmpty(e.Provider)).ToList();
        foreach (var route in ReviewStore.Routes)
        {
            var row = Assert.Single(spend.Providers, p => p.Provider == route.Provider && p.Model == route.Model);
            var own = calls.Where(e => e.Provider == route.Provider && e.Model == route.Model).ToList();
            Assert.Equal(own.Count, row.Calls);
            AssertClose(own.Sum(e => e.CostUsd ?? 0), row.CostUsd);
            AssertClose(own.Sum(e => e.CostUsd ?? 0) / spend.Generations, row.CostPerGenerationUsd);
        }

        var providers = spend.Providers.Where(p => p.Model is null).ToList();
        Assert.Equal(calls.Select(e => e.Provider).Distinct().Order(StringComparer.Ordinal), providers.Select(p => p.Provider));
        AssertClose(spend.CostPerGenerationUsd, providers.Sum(p => p.CostPerGenerationUsd ?? 0));
        AssertClose(1, providers.Sum(p => p.Share ?? 0));
    }

    [Fact]
    public void Model_routing_table_matches_linq_and_is_ranked_by_quality_per_dollar()
    {
        var expected = ExpectedRouting(Data.Events, From, To);
        var routing = fixture.October.Routing!;
        Assert.Equal(expected.Count, routing.Count);
        foreach (var row in routing)
        {
            var e = expected[(row.Provider, row.Model)];
            Assert.Equal(e.Apps, row.Figures.Apps);
            Assert.Equal(e.Generations, row.Figures.Generations);
            Assert.Equal(e.Completed, row.Figures.Completed);
            Assert.Equal(e.Failed, row.Figures.Failed);
            AssertClose(e.CompletionSuccess, row.Figures.CompletionSuccess);
            Assert.Equal(e.CohortApps, row.Figures.CohortApps);
            AssertClose(e.FixLoopsPerApp, row.Figures.FixLoopsPerApp);
            Assert.Equal(e.DeployedApps, row.Figures.DeployedApps);
            AssertClose(e.TimeToDeployableMs, row.Figures.TimeToDeployableMs);
            AssertClose(e.TimeToDeployableP50Ms, row.Figures.TimeToDeployableP50Ms);
            Assert.Equal(e.Calls, row.Figures.Calls);
            Assert.Equal(e.Errors, row.Figures.Errors);
            AssertClose(e.ErrorRate, row.Figures.ErrorRate);
            AssertClose(e.CostUsd, row.Figures.CostUsd);
            AssertClose(e.CostPerSuccessfulGenerationUsd, row.Figures.CostPerSuccessfulGenerationUsd);
            AssertClose(e.QualityPerDollar, row.Figures.QualityPerDollar);
        }

        Assert.Equal(expected.Values.Sum(v => v.Apps), Data.Events
            .Where(e => In(e.OccurredAt, From, To) && e.EventType == "llm_call" && !string.IsNullOrEmpty(e.AppId) && !string.IsNullOrEmpty(e.Model))
            .Select(e => e.AppId).Distinct().Count());
        var ranked = expected.OrderByDescending(x => x.Value.QualityPerDollar).Select(x => x.Key).ToList();
        Assert.Equal(ranked, routing.Select(r => (r.Provider, r.Model)));
        Assert.Equal(Enumerable.Range(1, routing.Count), routing.Select(r => r.Rank));

        // The change against September: September's own figures and rank.
        var september = ExpectedRouting(Data.Events, ReviewStore.Ms(2026, 9, 1), From);
        var septemberRanks = september.OrderByDescending(x => x.Value.QualityPerDollar).Select((x, i) => (x.Key, Rank: i + 1)).ToDictionary(x => x.Key, x => x.Rank);
        foreach (var row in routing)
        {
            var before = september[(row.Provider, row.Model)];
            Assert.Equal(septemberRanks[(row.Provider, row.Model)], row.PreviousRank);
            AssertClose(before.CompletionSuccess, row.Previous!.CompletionSuccess);
            AssertClose(row.Figures.CompletionSuccess - before.CompletionSuccess, row.CompletionSuccessChange);
            AssertClose(row.Figures.ErrorRate - before.ErrorRate, row.ErrorRateChange);
        }
    }

    [Fact]
    public void Rollouts_count_promotions_pauses_and_rollbacks_with_gate_and_reason()
    {
        var rollouts = fixture.October.Rollouts!;
        Assert.Equal(1, rollouts.WavesPromoted);
        Assert.Equal(1, rollouts.Pauses);
        Assert.Equal(2, rollouts.RolledBack);
        var automatic = rollouts.Rollbacks[0];
        Assert.Equal((1L, "release 1", 2, true, "completion_rate"), (automatic.Rollout, automatic.Name, automatic.Wave, automatic.Automatic, automatic.Gate));
        Assert.Contains("failed 2 consecutive checks", automatic.Reason);
        var byHand = rollouts.Rollbacks[1];
        Assert.Equal((2L, false, (string?)null), (byHand.Rollout, byHand.Automatic, byHand.Gate));
        Assert.Equal("wave 1 (internal) rolled back: cost spike", byHand.Reason);
        Assert.Equal("paused automatically: provider_success at ticket", Assert.Single(rollouts.PauseEntries).Reason);
    }

    [Fact]
    public void Follow_ups_are_counted_as_at_the_months_end()
    {
        var rows = Data.FollowUps;
        bool OpenAtEnd(FollowUpRow f) => f.CreatedAt < To && (!f.Done || f.DoneAt >= To);
        var section = fixture.October.FollowUps!;
        Assert.Equal(rows.Count(f => In(f.CreatedAt, From, To)), section.Created);
        Assert.Equal(rows.Count(f => f.Done && f.DoneAt is { } d && In(d, From, To)), section.Closed);
        Assert.Equal(rows.Count(OpenAtEnd), section.OpenAtEnd);
        Assert.Equal(rows.Count(f => OpenAtEnd(f) && f.Due is { } due && string.CompareOrdinal(due, "2026-11-01") < 0), section.OverdueAtEnd);
        var listed = rows.Where(f => In(f.CreatedAt, From, To) || (f.Done && f.DoneAt is { } d && In(d, From, To)) || OpenAtEnd(f));
        Assert.Equal(listed.Select(f => f.Id).Order(), section.Items.Select(f => f.Id).Order());
        Assert.Equal(section.OpenAtEnd, section.Items.Count(f => f.State != FollowUpState.Closed));
        Assert.Equal(section.OverdueAtEnd, section.Items.Count(f => f.State == FollowUpState.Overdue));
        // Closed by the end, even if only on its last millisecond; a follow-up done later is still open then.
        Assert.All(section.Items.Where(f => f.DoneAt >= new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)), f => Assert.NotEqual(FollowUpState.Closed, f.State));
        Assert.True(section.OverdueAtEnd > 0 && section.OverdueAtEnd < section.OpenAtEnd);
        // Due on the last day is overdue once the month is over; due the day after is not yet.
        var open = section.Items.Where(f => f.State != FollowUpState.Closed).ToList();
        Assert.Contains(open, f => f.Due == new DateOnly(2026, 10, 31));
        Assert.All(open.Where(f => f.Due == new DateOnly(2026, 10, 31)), f => Assert.Equal(FollowUpState.Overdue, f.State));
        Assert.All(open.Where(f => f.Due == new DateOnly(2026, 11, 1)), f => Assert.Equal(FollowUpState.Open, f.State));
    }

    [Fact]
    public void Retire_candidates_are_names_seen_before_the_month_but_not_in_it()
    {
        var candidates = fixture.October.Retire!.Candidates.Select(c => (c.Kind, c.Name)).ToHashSet();
        (RetireKind, string)[] expected =
        [
            (RetireKind.Source, "legacy_cron"), (RetireKind.Provider, "cohere"), (RetireKind.Model, "cohere/command"),
            (RetireKind.Model, "openai/gpt-retired"), (RetireKind.Limiter, "app_creation"), (RetireKind.PolicyTier, "beta"),
        ];
        Assert.Equal(expected.ToHashSet(), candidates);
        var model = fixture.October.Retire.Candidates.Single(c => c.Name == "openai/gpt-retired");
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(ReviewStore.Ms(2026, 9, 12, 10)), model.LastSeenAt);
        Assert.Equal(1, model.EventsBefore);
    }

    // ---- the independent computations ----

    private sealed record Route(
        long Apps, long Generations, long Completed, long Failed, double? CompletionSuccess, long CohortApps, double? FixLoopsPerApp,
        long DeployedApps, double? TimeToDeployableMs, double? TimeToDeployableP50Ms, long Calls, long Errors, double? ErrorRate, double CostUsd,
        double? CostPerSuccessfulGenerationUsd, double? QualityPerDollar);

    private static Dictionary<(string Provider, string Model), Route> ExpectedRouting(IReadOnlyList<OpsEvent> all, long from, long to)
    {
        var inside = all.Where(e => In(e.OccurredAt, from, to)).ToList();
        var calls = inside.Where(e => e.EventType == "llm_call" && !string.IsNullOrEmpty(e.Provider) && !string.IsNullOrEmpty(e.Model)).ToList();
        var routeOf = calls.Where(e => !string.IsNullOrEmpty(e.AppId)).GroupBy(e => e.AppId!)
            .ToDictionary(g => g.Key, g => g.GroupBy(e => (e.Provider!, e.Model!))
                .OrderByDescending(x => x.Count()).ThenByDescending(x => x.Sum(e => e.CostUsd ?? 0))
                .ThenBy(x => x.Key.Item1, StringComparer.Ordinal).ThenBy(x => x.Key.Item2, StringComparer.Ordinal).First().Key);
        string[] fixes = ["runtime_error_found", "code_fix_edits", "deterministic_code_fix_started"];

        var result = new Dictionary<(string, string), Route>();
        foreach (var route in calls.GroupBy(e => (e.Provider!, e.Model!)))
        {
            var apps = routeOf.Where(x => x.Value == route.Key).Select(x => x.Key).ToHashSet();
            var events = inside.Where(e => e.AppId is { } a && apps.Contains(a)).ToList();
            var completed = events.Count(e => e.EventType == "generation_complete" && !IsError(e.Status));
            var failed = events.Count(e => (e.EventType == "generation_complete" && IsError(e.Status)) || (e.EventType == "error" && e.Source == "agent"));
            long? FirstStart(string app) => all.Where(e => e.AppId == app && e.EventType == "generation_started" && e.OccurredAt < to).Min(e => (long?)e.OccurredAt);
            long? FirstDeploy(string app) => all.Where(e => e.AppId == app && e.EventType is "deployment_completed" or "cloudflare_deployment_completed" && e.OccurredAt < to)
                .Min(e => (long?)e.OccurredAt);
            var cohort = apps.Where(a => FirstStart(a) is { } s && In(s, from, to)).ToList();
            var deploys = apps.Select(a => (Start: FirstStart(a), Deploy: FirstDeploy(a)))
                .Where(x => x.Deploy is { } d && In(d, from, to) && x.Start is { } s && d >= s)
                .Select(x => (double)(x.Deploy!.Value - x.Start!.Value)).Order().ToList();
            var cost = route.Sum(e => e.CostUsd ?? 0);
            var errors = route.Count(e => IsError(e.Status));
            result[route.Key] = new Route(
                apps.Count, events.Count(e => e.EventType == "generation_started"), completed, failed,
                completed + failed == 0 ? null : (double)completed / (completed + failed),
                cohort.Count, cohort.Count == 0 ? null : (double)events.Count(e => cohort.Contains(e.AppId!) && fixes.Contains(e.EventType)) / cohort.Count,
                deploys.Count, deploys.Count == 0 ? null : deploys.Average(), deploys.Count == 0 ? null : deploys[(deploys.Count + 1) / 2 - 1],
                route.Count(), errors, (double)errors / route.Count(), cost,
                completed == 0 ? null : cost / completed, cost == 0 ? null : completed / cost);
        }

        return result;
    }

    /// <summary>Preview stretches by walking each instance's whole history (the review reads only the month plus the last edge before it).</summary>
    private static List<(long From, long To)> IndependentStretches(IEnumerable<OpsEvent> all, long now)
    {
        var result = new List<(long, long)>();
        foreach (var instance in all.Where(e => e.EventType is "sandbox_started" or "sandbox_stopped" && !string.IsNullOrEmpty(e.InstanceId)).GroupBy(e => e.InstanceId))
        {
            long? running = null;
            foreach (var e in instance.OrderBy(e => e.OccurredAt).ThenBy(e => e.EventType == "sandbox_stopped" ? 1 : 0))
            {
                if (e.EventType == "sandbox_started")
                {
                    running ??= e.OccurredAt;
                }
                else if (running is { } since)
                {
                    result.Add((since, e.OccurredAt));
                    running = null;
                }
            }

            if (running is { } open)
            {
                result.Add((open, now));
            }
        }

        return result;
    }

    private static void AssertClose(double? expected, double? actual)
    {
        if (expected is null || actual is null)
        {
            Assert.Equal(expected, actual);
            return;
        }

        Assert.Equal(expected.Value, actual.Value, Precision);
    }

    private static void AssertClose(double expected, double? actual) => AssertClose((double?)expected, actual);
}
