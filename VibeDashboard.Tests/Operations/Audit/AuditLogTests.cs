using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Tests.Operations.Commands;

namespace VibeDashboard.Tests.Operations.Audit;

public sealed class AuditLogTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private CommandHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await new CommandHarness().InitializeAsync();
        // 1: olivia creates a at 12:00; 2: ada creates b at 12:10; 3: olivia edits a at 12:20;
        // 4: the wall token is denied at 12:30; 5: a refused token.create at 12:40.
        await _harness.SendAsync(new SetNote("a", "one"));
        _harness.Time.Advance(TimeSpan.FromMinutes(10));
        await _harness.SendAsync(new SetNote("b", "two"), CommandHarness.Admin);
        _harness.Time.Advance(TimeSpan.FromMinutes(10));
        await _harness.SendAsync(new SetNote("a", "three", ExpectedVersion: 1));
        _harness.Time.Advance(TimeSpan.FromMinutes(10));
        await _harness.SendAsync(new SetNote("c", "x"), CommandHarness.Viewer);
        _harness.Time.Advance(TimeSpan.FromMinutes(10));
        await _harness.Pipeline.RecordRejectedAsync("token.create", "token", "", CommandHarness.Viewer, CommandOutcome.Denied, "403");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private async Task<long[]> SeqsAsync(string? from = null, string? to = null, string? actor = null, string? action = null, string? target = null, string? limit = null)
    {
        Assert.True(AuditQuery.TryParse(from, to, actor, action, target, limit, out var query, out var error), error);
        return (await _harness.Log.QueryAsync(query)).Entries.Select(e => e.Seq).ToArray();
    }

    [Fact]
    public async Task Newest_first_without_filters() => Assert.Equal(new long[] { 5, 4, 3, 2, 1 }, await SeqsAsync());

    [Fact]
    public async Task Actor_is_a_case_insensitive_part_of_the_name()
    {
        Assert.Equal(new long[] { 3, 1 }, await SeqsAsync(actor: "OLIVIA"));
        Assert.Equal(new long[] { 3, 2, 1 }, await SeqsAsync(actor: "@example.com"));
        Assert.Equal(new long[] { 5, 4 }, await SeqsAsync(actor: "wall"));
        Assert.Empty(await SeqsAsync(actor: "%"));
    }

    [Fact]
    public async Task Action_is_exact_or_a_prefix_ending_in_a_dot_or_star()
    {
        Assert.Equal(new long[] { 4, 2, 1 }, await SeqsAsync(action: "note.create"));
        Assert.Equal(new long[] { 4, 3, 2, 1 }, await SeqsAsync(action: "note."));
        Assert.Equal(new long[] { 4, 3, 2, 1 }, await SeqsAsync(action: "note*"));
        Assert.Empty(await SeqsAsync(action: "note"));
        Assert.Equal(new long[] { 5 }, await SeqsAsync(action: "token."));
    }

    [Fact]
    public async Task Target_is_a_type_or_a_type_and_id()
    {
        Assert.Equal(new long[] { 4, 3, 2, 1 }, await SeqsAsync(target: "note"));
        Assert.Equal(new long[] { 3, 1 }, await SeqsAsync(target: "note:a"));
        Assert.Equal(new long[] { 5 }, await SeqsAsync(target: "token"));
        Assert.Empty(await SeqsAsync(target: "note:z"));
    }

    [Fact]
    public async Task From_is_inclusive_and_to_exclusive()
    {
        Assert.Equal(new long[] { 3, 2 }, await SeqsAsync(from: "2026-12-01T12:10:00Z", to: "2026-12-01T12:30:00Z"));
        Assert.Equal(new long[] { 3, 2 }, await SeqsAsync(from: "2026-12-01T13:10:00+01:00", to: "2026-12-01T12:30:00"));
        Assert.Equal(new long[] { 5, 4, 3, 2, 1 }, await SeqsAsync(from: "2026-12-01"));
    }

    [Fact]
    public async Task Filters_combine_and_the_limit_cuts_the_oldest_and_says_so()
    {
        Assert.Equal(new long[] { 3 }, await SeqsAsync(actor: "olivia", action: "note.edit", target: "note:a"));

        Assert.True(AuditQuery.TryParse(null, null, null, null, null, "2", out var query, out _));
        var page = await _harness.Log.QueryAsync(query);
        Assert.Equal([5L, 4], page.Entries.Select(e => e.Seq));
        Assert.True(page.More);
        Assert.False((await _harness.Log.QueryAsync(query with { Limit = 5 })).More);
    }

    [Fact]
    public async Task Entries_carry_the_typed_vocabulary()
    {
        var entry = (await _harness.Log.QueryAsync(new AuditQuery(Limit: 1))).Entries.Single();

        Assert.Equal((ActorKind.Token, DashboardRole.Viewer, CommandOutcome.Denied), (entry.ActorKind, entry.ActorRole, entry.Outcome));
        Assert.Equal(Start.AddMinutes(40), entry.At);
        Assert.Equal(entry, await _harness.Log.FindAsync(5));
    }

    [Theory]
    [InlineData("yesterday", null, null, "from:")]
    [InlineData(null, "12/01/2026 25:00", null, "to:")]
    [InlineData("2026-12-02", "2026-12-01", null, "to: it is before from")]
    [InlineData(null, null, "0", "limit:")]
    [InlineData(null, null, "1001", "limit:")]
    [InlineData(null, null, "ten", "limit:")]
    public void A_bad_parameter_is_named(string? from, string? to, string? limit, string expected)
    {
        Assert.False(AuditQuery.TryParse(from, to, null, null, null, limit, out _, out var error));
        Assert.StartsWith(expected, error);
    }

    [Fact]
    public void A_target_without_a_type_is_named()
    {
        Assert.False(AuditQuery.TryParse(null, null, null, null, ":wall", null, out _, out var error));
        Assert.StartsWith("target:", error);
    }

    [Fact]
    public async Task The_csv_has_one_header_and_one_row_per_entry_and_defuses_formulas()
    {
        await _harness.SendAsync(new SetNote("=HYPERLINK(\"http://x\")", "x", Reason: "=1+1"), CommandHarness.Admin);
        var entries = (await _harness.Log.QueryAsync(new AuditQuery(Actor: "ada"))).Entries;

        var text = new StringWriter();
        await AuditCsv.WriteAsync(text, entries);
        var lines = text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(string.Join(',', AuditCsv.Header), lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("6,2026-12-01T12:40:00.000Z,ada@example.com,user,admin,note.create,note,", lines[1]);
        Assert.Contains("'=1+1", lines[1]);
        Assert.DoesNotContain(",=", lines[1]);
        Assert.Contains(entries[0].Hash, lines[1]);
    }
}
