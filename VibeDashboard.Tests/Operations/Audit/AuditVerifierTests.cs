using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using VibeDashboard.Operations.Audit;
using VibeDashboard.Tests.Operations.Commands;

namespace VibeDashboard.Tests.Operations.Audit;

public sealed class AuditVerifierTests : IAsyncLifetime
{
    private CommandHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await new CommandHarness().InitializeAsync();
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    /// <summary>Five entries: creates, an edit, a rejection.</summary>
    private async Task WriteFiveAsync()
    {
        await _harness.SendAsync(new SetNote("a", "one"));
        _harness.Time.Advance(TimeSpan.FromMinutes(1));
        await _harness.SendAsync(new SetNote("b", "two"));
        await _harness.SendAsync(new SetNote("a", "three", ExpectedVersion: 1, Reason: "fix"));
        await _harness.SendAsync(new SetNote("a", "stale", ExpectedVersion: 1));
        await _harness.SendAsync(new SetNote("c", "five"));
    }

    [Fact]
    public async Task An_empty_log_holds()
    {
        var result = await _harness.Verifier.VerifyAsync();

        Assert.True(result.Holds);
        Assert.Equal(0, result.Entries);
        Assert.Equal(AuditChain.Genesis, result.HeadHash);
    }

    [Fact]
    public async Task An_untouched_log_holds_and_each_entry_chains_to_the_one_before()
    {
        await WriteFiveAsync();

        var result = await _harness.Verifier.VerifyAsync();
        var entries = await _harness.EntriesAsync();

        Assert.True(result.Holds, result.Reason);
        Assert.Equal(5, result.Entries);
        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Seq));
        Assert.Equal(AuditChain.Genesis, entries[0].PrevHash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PrevHash);
        }

        Assert.Equal(entries[^1].Hash, result.HeadHash);
    }

    [Fact]
    public async Task The_hash_is_the_documented_encoding_so_a_script_can_recompute_it()
    {
        await _harness.SendAsync(new SetNote("a", "one", Reason: "ünïcode"));
        var e = Assert.Single(await _harness.EntriesAsync());

        // Written from AuditChain's remarks, not from its code.
        static string F(string? v) => v is null ? "-\n" : $"{Encoding.UTF8.GetByteCount(v)}:{v}\n";
        var text = "vd-audit-v1\n" + F("1") + F(e.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)) + F("olivia@example.com") + F("user") + F("operator")
            + F("note.create") + F("note") + F("a") + F(e.BeforeJson) + F(e.AfterJson) + F("ünïcode") + F("ok") + F(null) + F("192.0.2.10")
            + F("Mozilla/5.0 test") + F(AuditChain.Genesis);
        Assert.Null(e.BeforeJson);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))), e.Hash);
    }

    [Theory]
    [InlineData("reason", "'nothing to see'")]
    [InlineData("outcome", "'denied'")]
    [InlineData("actor_name", "'someone else'")]
    [InlineData("after_json", "NULL")]
    [InlineData("at", "at + 1")]
    public async Task Editing_any_field_of_an_entry_is_named_by_its_seq(string column, string value)
    {
        await WriteFiveAsync();

        // Entry 3 is the edit, with a reason and before/after.
        Assert.Equal(1, await _harness.ExecuteAsync($"UPDATE _vd_audit SET {column} = {value} WHERE seq = 3"));
        var result = await _harness.Verifier.VerifyAsync();

        Assert.False(result.Holds);
        Assert.Equal(3, result.BrokenSeq);
        Assert.Equal("hash mismatch: the entry was edited after it was written", result.Reason);
    }

    [Fact]
    public async Task An_edit_that_also_recomputes_the_entrys_hash_breaks_the_next_entrys_link()
    {
        await WriteFiveAsync();
        var third = (await _harness.EntriesAsync())[2];
        var forged = AuditChain.Compute(new AuditRow
        {
            Seq = 3, At = third.At.ToUnixTimeMilliseconds(), ActorName = "someone else", ActorKind = "user", ActorRole = "operator", Action = third.Action,
            TargetType = third.TargetType, TargetId = third.TargetId, BeforeJson = third.BeforeJson, AfterJson = third.AfterJson, Reason = third.Reason,
            Outcome = "ok", Error = third.Error, ClientIp = third.ClientIp, UserAgent = third.UserAgent, PrevHash = third.PrevHash,
        });

        await _harness.ExecuteAsync("UPDATE _vd_audit SET actor_name = 'someone else', hash = @forged WHERE seq = 3", new { forged });
        var result = await _harness.Verifier.VerifyAsync();

        Assert.Equal(4, result.BrokenSeq);
        Assert.StartsWith("prev_hash mismatch", result.Reason);
    }

    [Fact]
    public async Task Deleting_a_middle_entry_is_named_by_its_seq()
    {
        await WriteFiveAsync();

        await _harness.ExecuteAsync("DELETE FROM _vd_audit WHERE seq = 3");
        var result = await _harness.Verifier.VerifyAsync();

        Assert.False(result.Holds);
        Assert.Equal(3, result.BrokenSeq);
        Assert.Equal("entry 3 is missing (deleted): the log goes from 2 to 4", result.Reason);
    }

    [Fact]
    public async Task Deleting_the_newest_entry_is_named_by_its_seq_through_the_head()
    {
        await WriteFiveAsync();

        await _harness.ExecuteAsync("DELETE FROM _vd_audit WHERE seq = 5");
        var result = await _harness.Verifier.VerifyAsync();

        Assert.False(result.Holds);
        Assert.Equal(5, result.BrokenSeq);
        Assert.Equal("entry 5 is missing (deleted): the head records 5 but the log ends at 4", result.Reason);
    }

    [Fact]
    public async Task Deleting_the_newest_entries_stays_visible_after_new_commands()
    {
        await WriteFiveAsync();
        await _harness.ExecuteAsync("DELETE FROM _vd_audit WHERE seq >= 4");

        await _harness.SendAsync(new SetNote("d", "six"));
        var result = await _harness.Verifier.VerifyAsync();

        Assert.Equal(4, result.BrokenSeq);
        Assert.Equal("entries 4..5 are missing (deleted): the log goes from 3 to 6", result.Reason);
    }

    [Fact]
    public async Task A_head_that_does_not_match_the_last_entry_is_named()
    {
        await WriteFiveAsync();

        await _harness.ExecuteAsync("UPDATE _vd_audit_head SET hash = @hash", new { hash = new string('f', 64) });
        var result = await _harness.Verifier.VerifyAsync();

        Assert.Equal(5, result.BrokenSeq);
        Assert.Equal("head mismatch: the head's hash is not entry 5's", result.Reason);
    }

    [Fact]
    public async Task A_removed_head_row_is_named()
    {
        await WriteFiveAsync();

        await _harness.ExecuteAsync("DELETE FROM _vd_audit_head");
        var result = await _harness.Verifier.VerifyAsync();

        Assert.Equal(6, result.BrokenSeq);
        Assert.StartsWith("head mismatch: the head row is missing", result.Reason);
    }
}
