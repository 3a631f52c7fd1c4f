using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using CsvHelper;
using VibeDashboard.Operations.Incidents;

namespace VibeDashboard.Operations.Review;

/// <summary>The review's CSV sections (<c>/api/review/{yyyy-MM}/{section}.csv</c>), by their wire names.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReviewSection>))]
public enum ReviewSection
{
    [JsonStringEnumMemberName("incidents")]
    Incidents,

    [JsonStringEnumMemberName("recurring")]
    Recurring,

    [JsonStringEnumMemberName("slos")]
    Slos,

    [JsonStringEnumMemberName("spend_weeks")]
    SpendWeeks,

    [JsonStringEnumMemberName("spend_providers")]
    SpendProviders,

    [JsonStringEnumMemberName("routing")]
    Routing,

    [JsonStringEnumMemberName("rollouts")]
    Rollouts,

    [JsonStringEnumMemberName("follow_ups")]
    FollowUps,

    [JsonStringEnumMemberName("retire")]
    Retire,
}

public static class ReviewSections
{
    public static readonly IReadOnlyList<ReviewSection> All = Enum.GetValues<ReviewSection>();

    public static string Name(this ReviewSection section) => section switch
    {
        ReviewSection.Incidents => "incidents",
        ReviewSection.Recurring => "recurring",
        ReviewSection.Slos => "slos",
        ReviewSection.SpendWeeks => "spend_weeks",
        ReviewSection.SpendProviders => "spend_providers",
        ReviewSection.Routing => "routing",
        ReviewSection.Rollouts => "rollouts",
        ReviewSection.FollowUps => "follow_ups",
        ReviewSection.Retire => "retire",
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, null),
    };

    /// <summary>Exactly a wire name (lower case); anything else is not a section.</summary>
    public static bool TryParse(string? text, out ReviewSection section)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), text, StringComparison.Ordinal))
            {
                section = candidate;
                return true;
            }
        }

        section = default;
        return false;
    }
}

/// <summary>
/// The review as a document: Markdown that pastes into a wiki (a heading per section, pipe tables) and one CSV per
/// section (CsvHelper; one header row, snake_case columns, plain invariant numbers — fractions, ms and USD as the
/// JSON has them, never exponents — and UTC ISO times). A month without data gives its reason in Markdown and a CSV
/// with the header only.
/// </summary>
public static class ReviewExport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    // Names, titles and reasons come from the data and from people: a cell starting with = + - @ must not become a
    // formula when the file is opened in a spreadsheet.
    private static readonly CsvWriterOptions CsvOptions = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    // ---- Markdown ----

    public static string Markdown(MonthlyReview review)
    {
        ArgumentNullException.ThrowIfNull(review);
        var md = new StringBuilder();
        md.Append("# Monthly review ").Append(review.Month).Append("\n\n");
        md.Append("Period: ").Append(Time(review.From)).Append(" → ").Append(Time(review.To)).Append(" UTC (")
            .Append(CoverageName(review.Coverage.State)).Append("). Generated ").Append(Time(review.GeneratedAt)).Append(" UTC.\n\n");
        if (review.Coverage.Reason is { } reason)
        {
            md.Append("> ").Append(Cell(reason)).Append("\n\n");
        }

        if (review.Coverage.StartsMidMonth && review.Coverage.DataStartsAt is { } starts)
        {
            md.Append("> The data starts on ").Append(Time(starts)).Append(" UTC, within this month.\n\n");
        }

        if (!review.HasData)
        {
            return md.ToString();
        }

        Incidents(md, review.Incidents!);
        Slos(md, review.Slos!);
        Spend(md, review.Spend!);
        Routing(md, review.Routing!);
        Rollouts(md, review.Rollouts!);
        FollowUps(md, review.FollowUps!);
        Retire(md, review.Retire!);
        return md.ToString();
    }

    private static void Incidents(StringBuilder md, IncidentsSection section)
    {
        md.Append("## Incidents by class\n\n");
        md.Append(section.Total).Append(section.Total == 1 ? " incident" : " incidents").Append(" started this month.\n\n");
        if (section.Classes.Count > 0)
        {
            Table(md, ["#", "Class", "Incidents", "vs previous month", "SEV1", "SEV2", "SEV3", "SEV4", "MTTA", "MTTR", "Unresolved"],
                section.Classes.Select(c => new[]
                {
                    c.Rank.ToString(Invariant), c.Class.Name(), c.Count.ToString(Invariant), Change(c.CountChange),
                    c.Severity.Sev1.ToString(Invariant), c.Severity.Sev2.ToString(Invariant), c.Severity.Sev3.ToString(Invariant), c.Severity.Sev4.ToString(Invariant),
                    Duration(c.MttaMs), Duration(c.MttrMs), c.Unresolved.ToString(Invariant),
                }));
        }

        md.Append("### Recurring failures\n\n");
        if (section.Recurring.Count == 0)
        {
            md.Append("No class and key recurred this month.\n\n");
            return;
        }

        md.Append("The same class and key at least twice: candidates to convert into an automated mitigation.\n\n");
        Table(md, ["Class", "Key", "Occurrences", "Incidents", "Follow-ups", "Candidate"],
            section.Recurring.Select(r => new[]
            {
                r.Class.Name(), r.Key, r.Occurrences.ToString(Invariant), string.Join(", ", r.Incidents.Select(n => $"inc-{n}")),
                r.FollowUps.Count == 0 ? "none" : string.Join("; ", r.FollowUps.Select(f => $"{f.Title} ({KindName(f.Kind)}, {StateName(f.State)})")),
                r.Mitigated ? "no: mitigated" : r.MitigationPlanned ? "yes: mitigation planned" : "yes",
            }));
    }

    private static void Slos(StringBuilder md, IReadOnlyList<SloAttainment> slos)
    {
        md.Append("## SLO attainment\n\n");
        Table(md, ["SLO", "Objective", "SLI", "Met", "Events", "Budget spent", "Worst day", "Time in page", "Time in ticket", "vs previous month"],
            slos.Select(s => new[]
            {
                s.Name, Percent(s.Objective), Percent(s.Sli), s.Met is { } met ? met ? "yes" : "no" : "–", s.Events.ToString(Invariant),
                s.BudgetSpentPercent is { } b ? b.ToString("0.#", Invariant) + " %" : "–",
                s.WorstDay is { } w ? $"{w.Day:yyyy-MM-dd} ({Percent(w.Sli)})" : "–",
                Duration(s.PageMs), Duration(s.TicketMs),
                s.Sli is { } now && s.PreviousSli is { } before ? PointChange(now - before) : "–",
            }));
    }

    private static void Spend(StringBuilder md, SpendSection spend)
    {
        md.Append("## Spend\n\n");
        md.Append("Provider cost ").Append(Usd(spend.CostUsd)).Append(" over ").Append(spend.Generations.ToString(Invariant))
            .Append(" generations: ").Append(Usd(spend.CostPerGenerationUsd)).Append(" per generation");
        if (spend.PreviousCostPerGenerationUsd is { } previous)
        {
            md.Append(" (previous month ").Append(Usd(previous)).Append(')');
        }

        md.Append(". Runtime cost ").Append(Usd(spend.RuntimeCostUsd)).Append(" over ").Append(spend.PreviewHours.ToString("0.#", Invariant))
            .Append(" preview hours: ").Append(Usd(spend.RuntimeCostPerPreviewHourUsd)).Append(" per preview hour.\n\n");
        md.Append("### By week\n\n");
        Table(md, ["Week", "From", "To", "Provider cost", "Generations", "Cost per generation", "Runtime cost", "Preview hours", "Cost per preview hour"],
            spend.Weeks.Select(w => new[]
            {
                w.Week, Time(w.From), Time(w.To), Usd(w.CostUsd), w.Generations.ToString(Invariant), Usd(w.CostPerGenerationUsd),
                Usd(w.RuntimeCostUsd), w.PreviewHours.ToString("0.#", Invariant), Usd(w.RuntimeCostPerPreviewHourUsd),
            }));
        md.Append("### By provider and model\n\n");
        if (spend.Providers.Count == 0)
        {
            md.Append("No provider calls this month.\n\n");
            return;
        }

        Table(md, ["Provider", "Model", "Calls", "Cost", "Cost per generation", "Share"],
            spend.Providers.Select(p => new[]
            {
                p.Provider, p.Model ?? "(all)", p.Calls.ToString(Invariant), Usd(p.CostUsd), Usd(p.CostPerGenerationUsd), Percent(p.Share),
            }));
    }

    private static void Routing(StringBuilder md, IReadOnlyList<ModelRoutingRow> routing)
    {
        md.Append("## Model routing\n\n");
        if (routing.Count == 0)
        {
            md.Append("No provider calls with a model this month.\n\n");
            return;
        }

        md.Append("Ranked by quality per dollar (successful generations per USD).\n\n");
        Table(md, ["Rank", "Provider", "Model", "Generations", "Completion success", "Fix loops per app", "Time to deployable", "Error rate",
                "Cost per successful generation", "Successful per USD", "Rank last month", "Completion vs last month"],
            routing.Select(r => new[]
            {
                r.Rank.ToString(Invariant), r.Provider, r.Model, r.Figures.Generations.ToString(Invariant), Percent(r.Figures.CompletionSuccess),
                r.Figures.FixLoopsPerApp is { } f ? f.ToString("0.##", Invariant) : "–", Duration(r.Figures.TimeToDeployableMs),
                Percent(r.Figures.ErrorRate), Usd(r.Figures.CostPerSuccessfulGenerationUsd),
                r.Figures.QualityPerDollar is { } q ? q.ToString("0.##", Invariant) : "–",
                r.PreviousRank?.ToString(Invariant) ?? "–", r.CompletionSuccessChange is { } c ? PointChange(c) : "–",
            }));
    }

    private static void Rollouts(StringBuilder md, RolloutsSection rollouts)
    {
        md.Append("## Rollouts\n\n");
        md.Append("Waves promoted: ").Append(rollouts.WavesPromoted.ToString(Invariant)).Append("; paused: ").Append(rollouts.Pauses.ToString(Invariant))
            .Append("; rolled back: ").Append(rollouts.RolledBack.ToString(Invariant)).Append(".\n\n");
        if (rollouts.Rollbacks.Count > 0)
        {
            md.Append("### Rollbacks\n\n");
            Table(md, ["Rollout", "Wave", "At", "How", "Gate", "Reason"],
                rollouts.Rollbacks.Select(r => new[]
                {
                    $"ro-{r.Rollout} {r.Name}", r.Wave.ToString(Invariant), Time(r.At), r.Automatic ? "automatic" : "by hand", r.Gate ?? "–", r.Reason,
                }));
        }

        if (rollouts.PauseEntries.Count > 0)
        {
            md.Append("### Pauses\n\n");
            Table(md, ["Rollout", "Wave", "At", "How", "Reason"],
                rollouts.PauseEntries.Select(p => new[]
                {
                    $"ro-{p.Rollout} {p.Name}", p.Wave.ToString(Invariant), Time(p.At), p.Automatic ? "automatic" : "by hand", p.Reason,
                }));
        }
    }

    private static void FollowUps(StringBuilder md, FollowUpsSection followUps)
    {
        md.Append("## Follow-ups\n\n");
        md.Append("Created: ").Append(followUps.Created.ToString(Invariant)).Append("; closed: ").Append(followUps.Closed.ToString(Invariant))
            .Append("; open at the end: ").Append(followUps.OpenAtEnd.ToString(Invariant)).Append(", of which overdue: ")
            .Append(followUps.OverdueAtEnd.ToString(Invariant)).Append(".\n\n");
        if (followUps.Items.Count > 0)
        {
            Table(md, ["Incident", "Follow-up", "Kind", "Owner", "Due", "State"],
                followUps.Items.Select(f => new[]
                {
                    $"inc-{f.Incident}", f.Title, KindName(f.Kind), f.Owner, f.Due?.ToString("yyyy-MM-dd", Invariant) ?? "–", StateName(f.State),
                }));
        }
    }

    private static void Retire(StringBuilder md, RetireSection retire)
    {
        md.Append("## Retire candidates\n\n");
        if (retire.Candidates.Count == 0)
        {
            md.Append("Everything seen in earlier months had traffic this month.\n\n");
            return;
        }

        md.Append("Seen in earlier months, no traffic this month.\n\n");
        Table(md, ["Kind", "Name", "Last seen", "Events before"],
            retire.Candidates.Select(c => new[] { RetireName(c.Kind), c.Name, Time(c.LastSeenAt), c.EventsBefore.ToString(Invariant) }));
    }

    private static void Table(StringBuilder md, string[] header, IEnumerable<string[]> rows)
    {
        md.Append("| ").AppendJoin(" | ", header.Select(Cell)).Append(" |\n");
        md.Append('|').AppendJoin("|", header.Select(_ => "---")).Append("|\n");
        foreach (var row in rows)
        {
            md.Append("| ").AppendJoin(" | ", row.Select(Cell)).Append(" |\n");
        }

        md.Append('\n');
    }

    // A cell is one line: a pipe would end it, a newline the table, and HTML would render in most wikis.
    internal static string Cell(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => sb.Append(@"\\"),
                '|' => sb.Append(@"\|"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                _ when char.IsControl(c) => sb.Append(' '),
                _ => sb.Append(c),
            };
        }

        return sb.ToString().Trim();
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Invariant);

    private static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("0.###", Invariant) + " %" : "–";

    private static string PointChange(double fractionDelta) =>
        (fractionDelta >= 0 ? "+" : "−") + Math.Abs(fractionDelta * 100).ToString("0.###", Invariant) + " pp";

    private static string Change(long? delta) => delta is { } d ? d > 0 ? $"+{d}" : d < 0 ? $"−{-d}" : "±0" : "–";

    private static string Usd(double? usd) => usd is { } v ? "$" + v.ToString(v != 0 && Math.Abs(v) < 1 ? "0.0000" : "#,0.00", Invariant) : "–";

    internal static string Duration(double? ms)
    {
        if (ms is not { } v)
        {
            return "–";
        }

        var span = TimeSpan.FromMilliseconds(Math.Round(v));
        return span.TotalSeconds < 60 ? $"{span.TotalSeconds.ToString("0.#", Invariant)} s"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min {span.Seconds:D2} s"
            : span.TotalHours < 24 ? $"{(int)span.TotalHours} h {span.Minutes:D2} min"
            : $"{(int)span.TotalDays} d {span.Hours:D2} h";
    }

    private static string CoverageName(CoverageState state) => Wire.Name(state);

    private static string KindName(FollowUpKind kind) => Wire.Name(kind);

    private static string StateName(FollowUpState state) => Wire.Name(state);

    private static string RetireName(RetireKind kind) => Wire.Name(kind);

    // ---- CSV ----

    public static readonly IReadOnlyDictionary<ReviewSection, string[]> CsvHeaders = new Dictionary<ReviewSection, string[]>
    {
        [ReviewSection.Incidents] =
        [
            "month", "rank", "class", "count", "previous_count", "sev1", "sev2", "sev3", "sev4", "acknowledged", "mtta_ms", "resolved", "mttr_ms", "unresolved",
        ],
        [ReviewSection.Recurring] =
            ["month", "class", "key", "occurrences", "incidents", "first_started_at", "last_started_at", "mitigation_planned", "mitigated", "follow_ups_open", "follow_ups_overdue", "follow_ups_closed"],
        [ReviewSection.Slos] =
        [
            "month", "slo", "name", "objective", "events", "good", "bad", "sli", "met", "budget_spent_percent", "worst_day", "worst_day_sli", "page_ms", "ticket_ms", "previous_sli",
        ],
        [ReviewSection.SpendWeeks] =
        [
            "month", "week", "from", "to", "cost_usd", "generations", "cost_per_generation_usd", "runtime_cost_usd", "preview_hours", "runtime_cost_per_preview_hour_usd",
        ],
        [ReviewSection.SpendProviders] = ["month", "provider", "model", "calls", "cost_usd", "cost_per_generation_usd", "share"],
        [ReviewSection.Routing] =
        [
            "month", "rank", "provider", "model", "apps", "generations", "completed", "failed", "completion_success", "cohort_apps", "fix_loops_per_app",
            "deployed_apps", "time_to_deployable_ms", "time_to_deployable_p50_ms", "calls", "errors", "error_rate", "cost_usd",
            "cost_per_successful_generation_usd", "quality_per_dollar", "previous_rank", "previous_completion_success",
            "previous_cost_per_successful_generation_usd", "previous_error_rate",
        ],
        [ReviewSection.Rollouts] = ["month", "event", "rollout", "name", "wave", "at", "automatic", "gate", "reason"],
        [ReviewSection.FollowUps] = ["month", "id", "incident", "title", "owner", "kind", "due", "state", "created_at", "done_at"],
        [ReviewSection.Retire] = ["month", "kind", "name", "last_seen_at", "events_before"],
    };

    /// <summary>One section as CSV text.</summary>
    public static async Task<string> CsvAsync(MonthlyReview review, ReviewSection section, CancellationToken cancellationToken = default)
    {
        await using var writer = new StringWriter(Invariant);
        await WriteCsvAsync(writer, review, section, cancellationToken);
        return writer.ToString();
    }

    /// <summary>Writes one section as CSV: the header, then a row per item (as <see cref="FollowUpsSection.Items"/> for the follow-ups).</summary>
    public static async Task WriteCsvAsync(TextWriter writer, MonthlyReview review, ReviewSection section, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(review);
        await using var csv = CsvWriter.Create(writer, CsvOptions, leaveOpen: true);
        csv.WriteHeader(CsvHeaders[section]);
        foreach (var row in review.HasData ? Rows(review, section) : [])
        {
            await csv.WriteRecordAsync([review.Month.ToString(), .. row], cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
    }

    private static IEnumerable<string[]> Rows(MonthlyReview review, ReviewSection section) => section switch
    {
        ReviewSection.Incidents => review.Incidents!.Classes.Select(c => new[]
        {
            N(c.Rank), c.Class.Name(), N(c.Count), N(c.PreviousCount), N(c.Severity.Sev1), N(c.Severity.Sev2), N(c.Severity.Sev3), N(c.Severity.Sev4),
            N(c.Acknowledged), N(c.MttaMs), N(c.Resolved), N(c.MttrMs), N(c.Unresolved),
        }),
        ReviewSection.Recurring => review.Incidents!.Recurring.Select(r => new[]
        {
            r.Class.Name(), r.Key, N(r.Occurrences), string.Join(" ", r.Incidents.Select(n => N(n))), Iso(r.FirstStartedAt), Iso(r.LastStartedAt),
            B(r.MitigationPlanned), B(r.Mitigated),
            N(r.FollowUps.Count(f => f.State == FollowUpState.Open)), N(r.FollowUps.Count(f => f.State == FollowUpState.Overdue)), N(r.FollowUps.Count(f => f.State == FollowUpState.Closed)),
        }),
        ReviewSection.Slos => review.Slos!.Select(s => new[]
        {
            s.Key, s.Name, N(s.Objective), N(s.Events), N(s.Good), N(s.Bad), N(s.Sli), s.Met is { } m ? B(m) : "", N(s.BudgetSpentPercent),
            s.WorstDay?.Day.ToString("yyyy-MM-dd", Invariant) ?? "", N(s.WorstDay?.Sli), N(s.PageMs), N(s.TicketMs), N(s.PreviousSli),
        }),
        ReviewSection.SpendWeeks => review.Spend!.Weeks.Select(w => new[]
        {
            w.Week, Iso(w.From), Iso(w.To), N(w.CostUsd), N(w.Generations), N(w.CostPerGenerationUsd), N(w.RuntimeCostUsd), N(w.PreviewHours), N(w.RuntimeCostPerPreviewHourUsd),
        }),
        ReviewSection.SpendProviders => review.Spend!.Providers.Select(p => new[]
        {
            p.Provider, p.Model ?? "", N(p.Calls), N(p.CostUsd), N(p.CostPerGenerationUsd), N(p.Share),
        }),
        ReviewSection.Routing => review.Routing!.Select(r => new[]
        {
            N(r.Rank), r.Provider, r.Model, N(r.Figures.Apps), N(r.Figures.Generations), N(r.Figures.Completed), N(r.Figures.Failed), N(r.Figures.CompletionSuccess),
            N(r.Figures.CohortApps), N(r.Figures.FixLoopsPerApp), N(r.Figures.DeployedApps), N(r.Figures.TimeToDeployableMs), N(r.Figures.TimeToDeployableP50Ms),
            N(r.Figures.Calls), N(r.Figures.Errors), N(r.Figures.ErrorRate), N(r.Figures.CostUsd), N(r.Figures.CostPerSuccessfulGenerationUsd), N(r.Figures.QualityPerDollar),
            N(r.PreviousRank), N(r.Previous?.CompletionSuccess), N(r.Previous?.CostPerSuccessfulGenerationUsd), N(r.Previous?.ErrorRate),
        }),
        ReviewSection.Rollouts => review.Rollouts!.Rollbacks.Select(r => (r.At, Row: new[]
            {
                "rolled_back", N(r.Rollout), r.Name, N(r.Wave), Iso(r.At), B(r.Automatic), r.Gate ?? "", r.Reason,
            }))
            .Concat(review.Rollouts.PauseEntries.Select(p => (p.At, Row: new[]
            {
                "paused", N(p.Rollout), p.Name, N(p.Wave), Iso(p.At), B(p.Automatic), "", p.Reason,
            })))
            .OrderBy(x => x.At).Select(x => x.Row),
        ReviewSection.FollowUps => review.FollowUps!.Items.Select(f => new[]
        {
            N(f.Id), N(f.Incident), f.Title, f.Owner, KindName(f.Kind), f.Due?.ToString("yyyy-MM-dd", Invariant) ?? "", StateName(f.State), Iso(f.CreatedAt),
            f.DoneAt is { } done ? Iso(done) : "",
        }),
        ReviewSection.Retire => review.Retire!.Candidates.Select(c => new[] { RetireName(c.Kind), c.Name, Iso(c.LastSeenAt), N(c.EventsBefore) }),
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, null),
    };

    // Plain decimals: a spreadsheet or a script reads 0.00012 where "1.2E-04" would be text to some of them.
    private static string N(double? value) => value is { } v ? v.ToString("0.############", Invariant) : "";

    private static string N(long? value) => value?.ToString(Invariant) ?? "";

    private static string N(int? value) => value?.ToString(Invariant) ?? "";

    private static string B(bool value) => value ? "true" : "false";

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Invariant);
}
