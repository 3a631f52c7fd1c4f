using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Review;

/// <summary>
/// Computes the monthly review from the store on demand: the month's events (<c>ops_events</c>), incidents and their
/// follow-ups, rollout timelines and the SLO alert history, with SQL per question (<see cref="ReviewQueries"/>) and the
/// definitions of docs/metrics.md; the aggregator's in-memory windows (30 days at most) play no part.
/// </summary>
/// <remarks>
/// A closed month is cached with marks of what its numbers depend on (the newest successful import and the data's
/// start for the events; the incidents' versions, the follow-ups, the alert history and the rollout timelines): a later
/// import, or an incident of the month resolved after it, recomputes it; the live appender's present-day events do not.
/// The month in progress is never cached. The retire candidates ask about all the history before the month, so the
/// names each closed month saw are kept apart, keyed by the events' marks alone. On the 30-day demo store (~594k
/// events, 2 shared cores, Debug) a closed month takes about 3–4 s once, then nothing; the month in progress about
/// 0.4 s a day into it. Computations run one at a time, so that a meeting's worth of clicks does not load the box.
/// </remarks>
public sealed class MonthlyReviewBuilder(SqliteConnectionFactory connections, StoreSchema schema, IOptions<SloOptions> slos, TimeProvider time)
{
    private const long WeekMs = 7 * 86_400_000L;
    private const long DayMs = 86_400_000L;

    private readonly ConcurrentDictionary<ReviewMonth, Cached> _cache = new();
    private readonly ConcurrentDictionary<ReviewMonth, CachedNames> _names = new();
    private readonly SemaphoreSlim _compute = new(1, 1);

    private sealed record Cached(string Marks, MonthFigures Figures, MonthlyReview? Review);

    private sealed record CachedNames(string Marks, IReadOnlyList<NamesData> Rows);

    /// <summary>The month <c>/review</c> opens on: the last complete calendar month (UTC).</summary>
    public ReviewMonth DefaultMonth => ReviewMonth.LastComplete(time.GetUtcNow());

    /// <summary>The month in progress (its review is partial: to date).</summary>
    public ReviewMonth CurrentMonth => ReviewMonth.Current(time.GetUtcNow());

    /// <summary>Whether a review of <paramref name="month"/> is held (closed months only).</summary>
    internal bool IsCached(ReviewMonth month) => _cache.TryGetValue(month, out var hit) && hit.Review is not null;

    /// <summary>The review of <paramref name="month"/>: every section, or a coverage state saying why there is none.</summary>
    public async Task<MonthlyReview> BuildAsync(ReviewMonth month, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await schema.EnsureCreatedAsync(cancellationToken);
        await _compute.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            var dataStart = await ReviewQueries.DataStartAsync(connection, cancellationToken);
            if (Uncovered(month, now, dataStart) is { } empty)
            {
                return empty;
            }

            var closed = month.End <= now;
            var marks = await ReviewQueries.MarksAsync(connection, cancellationToken);
            if (closed && _cache.TryGetValue(month, out var hit) && hit.Marks == marks.All && hit.Review is { } cached)
            {
                return cached;
            }

            var context = new Context(connection, now, dataStart!.Value, marks);
            var figures = await FiguresAsync(context, month, cancellationToken);
            var previous = month.Previous.EndMs <= context.DataStart ? null : await CachedFiguresAsync(context, month.Previous, cancellationToken);
            var start = DateTimeOffset.FromUnixTimeMilliseconds(context.DataStart);
            var review = Assemble(month, figures, previous, now, new ReviewCoverage(
                closed ? CoverageState.Complete : CoverageState.Partial,
                closed ? null : $"{month} is in progress: numbers to {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC",
                start,
                start > month.Start));
            if (closed)
            {
                _cache[month] = new Cached(marks.All, figures, review);
            }

            return review;
        }
        finally
        {
            _compute.Release();
        }
    }

    /// <summary>What one computation reads everything through: the connection, its clock reading and the store's marks.</summary>
    private sealed record Context(DbConnection Connection, DateTimeOffset Now, long DataStart, StoreMarks Marks);

    /// <summary>The review of the default month (<see cref="DefaultMonth"/>).</summary>
    public Task<MonthlyReview> BuildDefaultAsync(CancellationToken cancellationToken = default) => BuildAsync(DefaultMonth, cancellationToken);

    private MonthlyReview? Uncovered(ReviewMonth month, DateTimeOffset now, long? dataStart)
    {
        ReviewCoverage? coverage = null;
        if (month.Start > now)
        {
            coverage = new(CoverageState.Future, $"{month} has not begun (it is {now.UtcDateTime:yyyy-MM-dd} UTC)", Start(dataStart), false);
        }
        else if (dataStart is null)
        {
            coverage = new(CoverageState.NoData, "the store holds no events yet", null, false);
        }
        else if (month.EndMs <= dataStart)
        {
            coverage = new(CoverageState.BeforeData,
                $"the data starts on {Start(dataStart)!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {month} ended before it", Start(dataStart), false);
        }

        return coverage is null ? null : new MonthlyReview
        {
            Month = month,
            From = month.Start,
            To = month.End,
            GeneratedAt = now,
            Coverage = coverage,
        };
    }

    private static DateTimeOffset? Start(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    private async Task<MonthFigures> CachedFiguresAsync(Context context, ReviewMonth month, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(month, out var hit) && hit.Marks == context.Marks.All)
        {
            return hit.Figures;
        }

        var figures = await FiguresAsync(context, month, cancellationToken);
        _cache[month] = new Cached(context.Marks.All, figures, null);
        return figures;
    }

    // ---- one month's figures, before any comparison ----

    internal sealed record MonthFigures(
        DateTimeOffset To,
        IReadOnlyList<IncidentClassRowData> Classes,
        IReadOnlyList<RecurringFailure> Recurring,
        IReadOnlyList<SloAttainment> Slos,
        SpendSection Spend,
        IReadOnlyList<(string Provider, string Model, RoutingFigures Figures)> Routing,
        RolloutsSection Rollouts,
        FollowUpsSection FollowUps,
        RetireSection Retire);

    private async Task<MonthFigures> FiguresAsync(Context context, ReviewMonth month, CancellationToken cancellationToken)
    {
        var (connection, now) = (context.Connection, context.Now);
        var from = month.StartMs;
        // The month in progress counts what happened before now; rows dated later wait for their time (docs/metrics.md).
        var to = month.End <= now ? month.EndMs : now.ToUnixTimeMilliseconds();
        var end = month.End <= now ? month.End : now;

        var classes = await ReviewQueries.IncidentClassesAsync(connection, from, to, cancellationToken);
        var recurring = await RecurringAsync(connection, from, to, end, cancellationToken);
        var sloRows = await SlosAsync(connection, from, to, cancellationToken);
        var calls = await ReviewQueries.ModelCallsAsync(connection, from, to, cancellationToken);
        var spend = await SpendAsync(connection, from, to, calls, cancellationToken);
        var routing = await RoutingAsync(connection, from, to, calls, cancellationToken);
        var rollouts = await RolloutsAsync(connection, from, to, cancellationToken);
        var followUps = await FollowUpsAsync(connection, from, to, end, cancellationToken);
        var retire = await RetireAsync(context, month, to, cancellationToken);
        return new MonthFigures(end, classes, recurring, sloRows, spend, routing, rollouts, followUps, retire);
    }

    private static async Task<IReadOnlyList<RecurringFailure>> RecurringAsync(DbConnection connection, long from, long to, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var rows = await ReviewQueries.RecurringAsync(connection, from, to, cancellationToken);
        var groups = rows
            .Select(r => (Row: r, Class: Wire.TryParse<IncidentClass>(r.Class), Numbers: r.Numbers.Split(',').Select(n => long.Parse(n, CultureInfo.InvariantCulture)).Order().ToList()))
            .Where(g => g.Class is not null)
            .ToList();
        var followUps = (await ReviewQueries.FollowUpsOfAsync(connection, [.. groups.SelectMany(g => g.Numbers)], cancellationToken))
            .Select(f => FollowUpAt(f, end)).OfType<ReviewFollowUp>().ToList();
        return
        [
            .. groups.Select(g =>
            {
                var own = followUps.Where(f => g.Numbers.Contains(f.Incident)).ToList();
                var mitigations = own.Where(f => f.Kind == FollowUpKind.AutomatedMitigation).ToList();
                return new RecurringFailure(g.Class!.Value, g.Row.Key, g.Row.Occurrences, g.Numbers,
                    DateTimeOffset.FromUnixTimeMilliseconds(g.Row.FirstStartedAt), DateTimeOffset.FromUnixTimeMilliseconds(g.Row.LastStartedAt),
                    mitigations.Count > 0, mitigations.Any(f => f.State == FollowUpState.Closed), own);
            }),
        ];
    }

    /// <summary>A follow-up with its state at <paramref name="end"/>; null for a kind this version does not know.</summary>
    internal static ReviewFollowUp? FollowUpAt(FollowUpRowData row, DateTimeOffset end)
    {
        if (Wire.TryParse<FollowUpKind>(row.Kind) is not { } kind)
        {
            return null;
        }

        DateOnly? due = DateOnly.TryParseExact(row.Due, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var endMs = end.ToUnixTimeMilliseconds();
        var state = row.Done != 0 && (row.DoneAt is null || row.DoneAt < endMs) ? FollowUpState.Closed
            : due is { } day && day < DateOnly.FromDateTime(end.UtcDateTime) ? FollowUpState.Overdue
            : FollowUpState.Open;
        return new ReviewFollowUp(row.Id, row.Incident, row.Title, row.Owner, kind, due, state,
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), row.DoneAt is { } done ? DateTimeOffset.FromUnixTimeMilliseconds(done) : null);
    }

    private async Task<IReadOnlyList<SloAttainment>> SlosAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken)
    {
        var transitions = (await ReviewQueries.AlertTransitionsAsync(connection, from, to, cancellationToken)).ToLookup(t => t.SloKey, StringComparer.Ordinal);
        var result = new List<SloAttainment>();
        var definitions = slos.Value.Effective;
        var perSlo = await ReviewQueries.SloDaysAsync(connection, definitions, from, to, cancellationToken);
        foreach (var (slo, days) in definitions.Zip(perSlo))
        {
            var total = days.Sum(d => d.Total);
            var good = days.Sum(d => d.Good);
            var bad = total - good;
            double? sli = total == 0 ? null : (double)good / total;
            var allowed = (1 - slo.Objective) * total;
            var worst = days.Where(d => d.Total > 0)
                .Select(d => new WorstDay(DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(d.Day)), (double)d.Good / d.Total, d.Total, d.Total - d.Good))
                .OrderBy(d => d.Sli).ThenBy(d => d.Day).FirstOrDefault();
            var (page, ticket) = TimeInStates(transitions[slo.Key], to);
            result.Add(new SloAttainment(slo.Key, string.IsNullOrWhiteSpace(slo.Name) ? slo.Key : slo.Name, slo.Objective, total, good, bad, sli,
                sli is { } s ? s >= slo.Objective : null,
                total > 0 && allowed > 0 ? bad / allowed * 100 : null,
                worst, page, ticket, null));
        }

        return result;
    }

    // The rows start with the state at the range's start (when there was a transition before it), then each change.
    private static (double PageMs, double TicketMs) TimeInStates(IEnumerable<AlertTransitionData> rows, long to)
    {
        double page = 0, ticket = 0;
        var list = rows.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var until = i + 1 < list.Count ? list[i + 1].AtMs : to;
            var span = Math.Max(0, until - list[i].AtMs);
            if (list[i].ToState == "page")
            {
                page += span;
            }
            else if (list[i].ToState == "ticket")
            {
                ticket += span;
            }
        }

        return (page, ticket);
    }

    private static async Task<SpendSection> SpendAsync(DbConnection connection, long from, long to, IReadOnlyList<ModelCallsData> calls, CancellationToken cancellationToken)
    {
        var weekly = (await ReviewQueries.WeeklySpendAsync(connection, from, to, cancellationToken)).ToDictionary(w => w.WeekDay);
        var stretches = PreviewTime.Stretches(
            await ReviewQueries.InstanceEdgesAsync(connection, from, to, cancellationToken),
            await ReviewQueries.RunningAtStartAsync(connection, from, cancellationToken),
            from, to);

        var weeks = new List<SpendWeek>();
        var firstDay = Math.DivRem(from, DayMs).Quotient;
        for (var monday = firstDay - (firstDay + 3) % 7; monday * DayMs < to; monday += 7)
        {
            var weekFrom = Math.Max(monday * DayMs, from);
            var weekTo = Math.Min(monday * DayMs + WeekMs, to);
            var w = weekly.GetValueOrDefault(monday);
            var hours = PreviewTime.Hours(stretches, weekFrom, weekTo);
            var mondayDate = DateTime.UnixEpoch.AddDays(monday);
            weeks.Add(new SpendWeek(
                $"{ISOWeek.GetYear(mondayDate):D4}-W{ISOWeek.GetWeekOfYear(mondayDate):D2}",
                DateTimeOffset.FromUnixTimeMilliseconds(weekFrom), DateTimeOffset.FromUnixTimeMilliseconds(weekTo),
                w?.CostUsd ?? 0, w?.Generations ?? 0, Per(w?.CostUsd ?? 0, w?.Generations ?? 0),
                w?.RuntimeCostUsd ?? 0, hours, Per(w?.RuntimeCostUsd ?? 0, hours)));
        }

        var cost = weeks.Sum(w => w.CostUsd);
        var generations = weeks.Sum(w => w.Generations);
        var runtime = weeks.Sum(w => w.RuntimeCostUsd);
        var previewHours = PreviewTime.Hours(stretches, from, to);

        var providers = new List<ProviderSpend>();
        foreach (var provider in calls.GroupBy(c => c.Provider, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var providerCost = provider.Sum(c => c.CostUsd);
            providers.Add(new ProviderSpend(provider.Key, null, provider.Sum(c => c.Calls), providerCost, Per(providerCost, generations), Per(providerCost, cost)));
            providers.AddRange(provider.Where(c => c.Model is not null).OrderBy(c => c.Model, StringComparer.Ordinal)
                .Select(c => new ProviderSpend(provider.Key, c.Model, c.Calls, c.CostUsd, Per(c.CostUsd, generations), Per(c.CostUsd, cost))));
        }

        return new SpendSection(cost, generations, Per(cost, generations), runtime, previewHours, Per(runtime, previewHours), weeks, providers, null);
    }

    private static double? Per(double value, double count) => count > 0 ? value / count : null;

    private static async Task<IReadOnlyList<(string Provider, string Model, RoutingFigures Figures)>> RoutingAsync(
        DbConnection connection, long from, long to, IReadOnlyList<ModelCallsData> allCalls, CancellationToken cancellationToken)
    {
        var apps = (await ReviewQueries.RoutedAppsAsync(connection, from, to, cancellationToken))
            .ToLookup(a => (a.Provider, a.Model));
        var calls = allCalls.Where(c => c.Model is not null).ToList();
        var result = new List<(string, string, RoutingFigures)>();
        foreach (var route in calls.OrderBy(c => c.Provider, StringComparer.Ordinal).ThenBy(c => c.Model, StringComparer.Ordinal))
        {
            var routed = apps[(route.Provider, route.Model!)].ToList();
            var completed = routed.Sum(a => a.Completed);
            var failed = routed.Sum(a => a.Failed);
            var cohort = routed.Where(a => a.FirstStart >= from && a.FirstStart < to).ToList();
            var deploys = routed
                .Where(a => a.FirstDeploy >= from && a.FirstDeploy < to && a.FirstStart is { } s && a.FirstDeploy >= s)
                .Select(a => (double)(a.FirstDeploy!.Value - a.FirstStart!.Value)).Order().ToList();
            result.Add((route.Provider, route.Model!, new RoutingFigures(
                routed.Count,
                routed.Sum(a => a.Generations),
                completed,
                failed,
                Per(completed, completed + failed),
                cohort.Count,
                Per(cohort.Sum(a => a.Fixes), cohort.Count),
                deploys.Count,
                deploys.Count == 0 ? null : deploys.Average(),
                deploys.Count == 0 ? null : deploys[Math.Max(0, (int)Math.Ceiling(0.5 * deploys.Count) - 1)],
                route.Calls,
                route.Errors,
                Per(route.Errors, route.Calls),
                route.CostUsd,
                Per(route.CostUsd, completed),
                Per(completed, route.CostUsd))));
        }

        return result;
    }

    private static async Task<RolloutsSection> RolloutsAsync(DbConnection connection, long from, long to, CancellationToken cancellationToken)
    {
        var lines = await ReviewQueries.RolloutLinesAsync(connection, from, to, cancellationToken);
        var rollbacks = lines.Where(l => l.Event == "rollout.rolled_back")
            .Select(l => new RolloutRollback(l.Rollout, l.Name, (int)l.Wave + 1, DateTimeOffset.FromUnixTimeMilliseconds(l.At), l.Automatic != 0, GateOf(l.Evidence), l.Text))
            .ToList();
        var pauses = lines.Where(l => l.Event == "rollout.paused")
            .Select(l => new RolloutPauseEntry(l.Rollout, l.Name, (int)l.Wave + 1, DateTimeOffset.FromUnixTimeMilliseconds(l.At), l.Automatic != 0, l.Text))
            .ToList();
        return new RolloutsSection(lines.Count(l => l.Event == "rollout.wave_promoted"), pauses.Count, rollbacks.Count, rollbacks, pauses);
    }

    // An automatic rollback's evidence is the failing gate's two checks (GateCheck as camelCase JSON); one by hand has none.
    private static string? GateOf(string? evidence)
    {
        if (string.IsNullOrEmpty(evidence))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(evidence);
            return document.RootElement.ValueKind == JsonValueKind.Array
                   && document.RootElement.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first
                   && first.TryGetProperty("gate", out var gate) && gate.ValueKind == JsonValueKind.String
                ? gate.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<FollowUpsSection> FollowUpsAsync(DbConnection connection, long from, long to, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var endDate = DateOnly.FromDateTime(end.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var counts = await ReviewQueries.FollowUpCountsAsync(connection, from, to, endDate, cancellationToken);
        var items = (await ReviewQueries.MonthFollowUpsAsync(connection, from, to, cancellationToken))
            .Select(f => FollowUpAt(f, end)).OfType<ReviewFollowUp>()
            .OrderBy(f => f.State == FollowUpState.Closed).ToList();
        return new FollowUpsSection(counts.Created, counts.Closed, counts.OpenAtEnd, counts.OverdueAtEnd, items);
    }

    private async Task<RetireSection> RetireAsync(Context context, ReviewMonth month, long to, CancellationToken cancellationToken)
    {
        // Earlier months one by one, each read once and kept while no import changes the events: the question spans
        // all the history, and the history only grows.
        var floor = new ReviewMonth(ReviewMonth.MinYear, 1);
        var rows = new List<NamesData>();
        if (context.DataStart < floor.StartMs)
        {
            rows.AddRange(await ReviewQueries.NamesAsync(context.Connection, long.MinValue, floor.StartMs, cancellationToken));
        }

        var first = context.DataStart < floor.StartMs ? floor : ReviewMonth.Of(DateTimeOffset.FromUnixTimeMilliseconds(context.DataStart));
        for (var m = first; m < month; m = m.Next)
        {
            rows.AddRange(await MonthNamesAsync(context, m, m.EndMs, cancellationToken));
        }

        var before = Names(rows);
        var inside = Names(await MonthNamesAsync(context, month, to, cancellationToken)).Select(n => (n.Kind, n.Name)).ToHashSet();
        return new RetireSection(
        [
            .. before.Where(n => !inside.Contains((n.Kind, n.Name)))
                .OrderBy(n => n.Kind).ThenBy(n => n.Name, StringComparer.Ordinal)
                .Select(n => new RetireCandidate(n.Kind, n.Name, DateTimeOffset.FromUnixTimeMilliseconds(n.LastSeen), n.Events)),
        ]);
    }

    private async Task<IReadOnlyList<NamesData>> MonthNamesAsync(Context context, ReviewMonth month, long to, CancellationToken cancellationToken)
    {
        var closed = to == month.EndMs && month.End <= context.Now;
        if (closed && _names.TryGetValue(month, out var hit) && hit.Marks == context.Marks.Events)
        {
            return hit.Rows;
        }

        var rows = await ReviewQueries.NamesAsync(context.Connection, month.StartMs, to, cancellationToken);
        if (closed)
        {
            _names[month] = new CachedNames(context.Marks.Events, rows);
        }

        return rows;
    }

    private static IEnumerable<(RetireKind Kind, string Name, long LastSeen, long Events)> Names(IReadOnlyList<NamesData> rows)
    {
        IEnumerable<(RetireKind, string, long, long)> Of(RetireKind kind, Func<NamesData, string?> name) =>
            rows.Where(r => name(r) is not null)
                .GroupBy(r => name(r)!, StringComparer.Ordinal)
                .Select(g => (kind, g.Key, g.Max(r => r.LastSeen), g.Sum(r => r.Events)));

        return Of(RetireKind.Source, r => r.Source)
            .Concat(Of(RetireKind.Provider, r => r.Provider))
            .Concat(Of(RetireKind.Model, r => r.Provider is not null && r.Model is not null ? $"{r.Provider}/{r.Model}" : null))
            .Concat(Of(RetireKind.Limiter, r => r.Limiter))
            .Concat(Of(RetireKind.PolicyTier, r => r.Tier));
    }

    // ---- the review: this month's figures beside the previous month's ----

    private static MonthlyReview Assemble(ReviewMonth month, MonthFigures figures, MonthFigures? previous, DateTimeOffset now, ReviewCoverage coverage) => new()
    {
        Month = month,
        From = month.Start,
        To = figures.To,
        GeneratedAt = now,
        Coverage = coverage,
        Incidents = Incidents(figures, previous),
        Slos = [.. figures.Slos.Select(s => s with { PreviousSli = previous?.Slos.FirstOrDefault(p => p.Key == s.Key)?.Sli })],
        Spend = figures.Spend with { PreviousCostPerGenerationUsd = previous?.Spend.CostPerGenerationUsd },
        Routing = Routing(figures, previous),
        Rollouts = figures.Rollouts,
        FollowUps = figures.FollowUps,
        Retire = figures.Retire,
    };

    private static IncidentsSection Incidents(MonthFigures figures, MonthFigures? previous)
    {
        var current = Parsed(figures.Classes);
        var before = previous is null ? null : Parsed(previous.Classes).ToDictionary(c => c.Class, c => c.Row.Count);
        // A class that had incidents last month and none now is kept (count 0): its drop is part of the change.
        var gone = before?.Keys.Where(k => current.All(c => c.Class != k)).Select(k => (Class: k, Row: new IncidentClassRowData { Class = k.Name() })) ?? [];
        var rows = current.Concat(gone)
            .OrderByDescending(c => c.Row.Count).ThenByDescending(c => c.Row.MttrMs ?? -1).ThenBy(c => c.Class.Name(), StringComparer.Ordinal)
            .Select((c, i) => new IncidentClassRow(c.Class, c.Row.Count, new SeverityMix(c.Row.Sev1, c.Row.Sev2, c.Row.Sev3, c.Row.Sev4),
                c.Row.Acknowledged, c.Row.MttaMs, c.Row.Resolved, c.Row.MttrMs, c.Row.Count - c.Row.Resolved, i + 1,
                before is null ? null : before.GetValueOrDefault(c.Class)))
            .ToList();
        return new IncidentsSection(rows.Sum(r => r.Count), rows, figures.Recurring);
    }

    private static List<(IncidentClass Class, IncidentClassRowData Row)> Parsed(IEnumerable<IncidentClassRowData> rows) =>
        [.. rows.Select(r => (Class: Wire.TryParse<IncidentClass>(r.Class), Row: r)).Where(r => r.Class is not null).Select(r => (r.Class!.Value, r.Row))];

    private static IReadOnlyList<ModelRoutingRow> Routing(MonthFigures figures, MonthFigures? previous)
    {
        var ranked = Ranked(figures.Routing);
        var before = previous is null ? null : Ranked(previous.Routing).ToDictionary(r => (r.Provider, r.Model));
        return
        [
            .. ranked.Select(r =>
            {
                var p = before?.GetValueOrDefault((r.Provider, r.Model));
                return new ModelRoutingRow(r.Provider, r.Model, r.Rank, r.Figures, p?.Figures, p?.Rank);
            }),
        ];
    }

    // Quality per dollar, best first; routes without a cost (nothing to divide by) after them; then by name.
    private static List<(string Provider, string Model, RoutingFigures Figures, int Rank)> Ranked(IEnumerable<(string Provider, string Model, RoutingFigures Figures)> routes) =>
    [
        .. routes.OrderBy(r => r.Figures.QualityPerDollar is null).ThenByDescending(r => r.Figures.QualityPerDollar)
            .ThenBy(r => r.Provider, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal)
            .Select((r, i) => (r.Provider, r.Model, r.Figures, i + 1)),
    ];
}

/// <summary>The store's enum wire names (<c>provider_outage</c>, <c>automated_mitigation</c>); a name a newer version wrote is null, not a guess.</summary>
internal static class Wire
{
    public static string Name<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value).Trim('"');

    public static T? TryParse<T>(string? text) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(text));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
