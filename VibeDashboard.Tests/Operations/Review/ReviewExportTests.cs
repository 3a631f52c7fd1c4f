using System.Text;
using VibeDashboard.Operations.Review;

namespace VibeDashboard.Tests.Operations.Review;

public sealed class ReviewExportTests(GeneratedReviewStore fixture) : IClassFixture<GeneratedReviewStore>
{
    [Fact]
    public void Markdown_has_a_heading_per_section_and_well_formed_tables()
    {
        var md = ReviewExport.Markdown(fixture.October);
        string[] headings =
        [
            "# Monthly review 2026-10", "## Incidents by class", "### Recurring failures", "## SLO attainment", "## Spend", "### By week",
            "### By provider and model", "## Model routing", "## Rollouts", "### Rollbacks", "### Pauses", "## Follow-ups", "## Retire candidates",
        ];
        var lines = md.Split('\n');
        var at = -1;
        foreach (var heading in headings)
        {
            var next = Array.IndexOf(lines, heading, at + 1);
            Assert.True(next > at, $"{heading} missing or out of order");
            at = next;
        }

        // Every table row has as many cells as its header (pipes inside cells are escaped), and a separator row.
        foreach (var table in Tables(lines))
        {
            var columns = Cells(table[0]);
            Assert.Matches(@"^\|(---\|)+$", table[1]);
            Assert.Equal(columns, table[1].Count(c => c == '|') - 1);
            Assert.All(table.Skip(2), row => Assert.Equal(columns, Cells(row)));
        }

        Assert.Contains(@"=HYPERLINK(""x"") \| pipe", md);
        Assert.Contains("| 2026-W40 | 2026-10-01 00:00 | 2026-10-05 00:00 |", md);
        Assert.Contains("| Availability | 99.9 % |", md);
        Assert.Contains("Waves promoted: 1; paused: 1; rolled back: 2.", md);
        Assert.Contains("| completion_rate |", md);
        Assert.Contains("| source | legacy_cron |", md);
    }

    [Fact]
    public async Task Markdown_of_a_month_before_the_data_gives_the_reason_only()
    {
        var review = await fixture.Store.Builder().BuildAsync(new ReviewMonth(2026, 7));
        var md = ReviewExport.Markdown(review);
        Assert.Contains("# Monthly review 2026-07", md);
        Assert.Contains("before_data", md);
        Assert.Contains("> the data starts on 2026-09-03 08:00 UTC: 2026-07 ended before it", md);
        Assert.DoesNotContain("## ", md);
        foreach (var section in ReviewSections.All)
        {
            Assert.Equal(ReviewExport.CsvHeaders[section], Assert.Single(Parse(await ReviewExport.CsvAsync(review, section))));
        }
    }

    [Fact]
    public async Task Csv_per_section_has_its_header_and_a_row_per_item()
    {
        var review = fixture.October;
        var expectedRows = new Dictionary<ReviewSection, int>
        {
            [ReviewSection.Incidents] = review.Incidents!.Classes.Count,
            [ReviewSection.Recurring] = review.Incidents.Recurring.Count,
            [ReviewSection.Slos] = review.Slos!.Count,
            [ReviewSection.SpendWeeks] = review.Spend!.Weeks.Count,
            [ReviewSection.SpendProviders] = review.Spend.Providers.Count,
            [ReviewSection.Routing] = review.Routing!.Count,
            [ReviewSection.Rollouts] = review.Rollouts!.Rollbacks.Count + review.Rollouts.PauseEntries.Count,
            [ReviewSection.FollowUps] = review.FollowUps!.Items.Count,
            [ReviewSection.Retire] = review.Retire!.Candidates.Count,
        };
        foreach (var section in ReviewSections.All)
        {
            var rows = Parse(await ReviewExport.CsvAsync(review, section));
            Assert.Equal(ReviewExport.CsvHeaders[section], rows[0]);
            Assert.Equal(expectedRows[section], rows.Count - 1);
            Assert.True(rows.Count > 1, section.Name());
            Assert.All(rows.Skip(1), r => Assert.Equal(rows[0].Length, r.Length));
            Assert.All(rows.Skip(1), r => Assert.Equal("2026-10", r[0]));
            Assert.All(rows.SelectMany(r => r), cell => Assert.DoesNotMatch("[0-9]E[+-][0-9]", cell));
        }

        var weeks = Parse(await ReviewExport.CsvAsync(review, ReviewSection.SpendWeeks));
        Assert.Equal(["2026-10", "2026-W40", "2026-10-01T00:00:00.000Z", "2026-10-05T00:00:00.000Z"], weeks[1][..4]);
        var cost = double.Parse(weeks[1][Array.IndexOf(weeks[0], "cost_per_generation_usd")], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(review.Spend.Weeks[0].CostPerGenerationUsd!.Value, cost, 9);

        // A title that looks like a formula is defused for spreadsheets.
        var followUps = Parse(await ReviewExport.CsvAsync(review, ReviewSection.FollowUps));
        Assert.Contains(followUps, r => r[Array.IndexOf(followUps[0], "title")] == "'=HYPERLINK(\"x\") | pipe");

        var rollouts = Parse(await ReviewExport.CsvAsync(review, ReviewSection.Rollouts));
        Assert.Equal(["paused", "rolled_back", "rolled_back"], rollouts.Skip(1).Select(r => r[1]));
        Assert.Equal("completion_rate", rollouts[2][Array.IndexOf(rollouts[0], "gate")]);
    }

    [Fact]
    public void Sections_parse_by_their_wire_names_only()
    {
        foreach (var section in ReviewSections.All)
        {
            Assert.True(ReviewSections.TryParse(section.Name(), out var parsed));
            Assert.Equal(section, parsed);
        }

        Assert.False(ReviewSections.TryParse("Incidents", out _));
        Assert.False(ReviewSections.TryParse("spend-weeks", out _));
        Assert.False(ReviewSections.TryParse(null, out _));
    }

    [Theory]
    [InlineData(null, "–")]
    [InlineData(1_400d, "1.4 s")]
    [InlineData(61_000d, "1 min 01 s")]
    [InlineData(3_720_000d, "1 h 02 min")]
    [InlineData(90_000_000d, "1 d 01 h")]
    public void Durations_read_as_people_say_them(double? ms, string text) => Assert.Equal(text, ReviewExport.Duration(ms));

    [Fact]
    public void A_cell_stays_one_cell() => Assert.Equal(@"a \| b &lt;i&gt; c \\ d", ReviewExport.Cell("a | b <i>\nc \\ d"));

    private static IEnumerable<string[]> Tables(string[] lines)
    {
        var table = new List<string>();
        foreach (var line in lines.Append(""))
        {
            if (line.StartsWith('|'))
            {
                table.Add(line);
            }
            else if (table.Count > 0)
            {
                yield return [.. table];
                table.Clear();
            }
        }
    }

    // Cells between unescaped pipes.
    private static int Cells(string row)
    {
        var pipes = 0;
        for (var i = 0; i < row.Length; i++)
        {
            if (row[i] == '\\')
            {
                i++;
            }
            else if (row[i] == '|')
            {
                pipes++;
            }
        }

        return pipes - 1;
    }

    // RFC 4180: quoted fields, doubled quotes, CRLF or LF line ends.
    private static List<string[]> Parse(string csv)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString());
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add([.. row]);
        }

        return rows;
    }
}
