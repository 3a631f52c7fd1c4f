using System.Text.Json;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Tests.Operations.Commands;

public sealed class CommandPipelineTests : IAsyncLifetime
{
    private CommandHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await new CommandHarness().InitializeAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_command_applies_and_its_audit_entry_records_actor_target_before_and_after()
    {
        var created = await _harness.SendAsync(new SetNote("n1", "first"));
        var edited = await _harness.SendAsync(new SetNote("n1", "second", ExpectedVersion: 1, Reason: "typo"));

        Assert.Equal(CommandOutcome.Ok, created.Outcome);
        Assert.Equal(new Note("n1", "first", 1), created.Value);
        Assert.Equal(1, created.AuditSeq);
        Assert.Equal(CommandOutcome.Ok, edited.Outcome);
        Assert.Equal(2, edited.CurrentVersion);
        Assert.Equal(2, edited.AuditSeq);
        Assert.Equal(new Note("n1", "second", 2), await _harness.NoteAsync("n1"));

        var entry = (await _harness.EntriesAsync())[1];
        Assert.Equal(2, entry.Seq);
        Assert.Equal(_harness.Time.GetUtcNow(), entry.At);
        Assert.Equal(("olivia@example.com", ActorKind.User, DashboardRole.Operator), (entry.ActorName, entry.ActorKind, entry.ActorRole));
        Assert.Equal(("note.edit", "note", "n1"), (entry.Action, entry.TargetType, entry.TargetId));
        Assert.Equal(CommandOutcome.Ok, entry.Outcome);
        Assert.Equal("typo", entry.Reason);
        Assert.Null(entry.Error);
        Assert.Equal(("192.0.2.10", "Mozilla/5.0 test"), (entry.ClientIp, entry.UserAgent));
        Assert.Equal("first", JsonDocument.Parse(entry.BeforeJson!).RootElement.GetProperty("text").GetString());
        Assert.Equal(2, JsonDocument.Parse(entry.AfterJson!).RootElement.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Two_commands_with_the_same_expected_version_one_applies_and_the_other_gets_a_conflict_with_the_current_version()
    {
        await _harness.SendAsync(new SetNote("n1", "v1"));

        var results = await Task.WhenAll(
            Task.Run(() => _harness.SendAsync(new SetNote("n1", "from alice", ExpectedVersion: 1))),
            Task.Run(() => _harness.SendAsync(new SetNote("n1", "from bob", ExpectedVersion: 1))));

        Assert.Single(results, r => r.Outcome == CommandOutcome.Ok);
        var conflict = Assert.Single(results, r => r.Outcome == CommandOutcome.Conflict);
        Assert.Equal(2, conflict.CurrentVersion);
        Assert.Contains("version 2, not 1", conflict.Error);
        var winner = results.Single(r => r.Succeeded).Value!;
        Assert.Equal(winner, await _harness.NoteAsync("n1"));

        var entries = await _harness.EntriesAsync();
        Assert.Equal([CommandOutcome.Ok, CommandOutcome.Ok, CommandOutcome.Conflict], entries.Select(e => e.Outcome).Order());
        Assert.Contains("version 2, not 1", entries.Single(e => e.Outcome == CommandOutcome.Conflict).Error);
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_applies_once_and_the_second_returns_the_first_result()
    {
        var first = await _harness.SendAsync(new SetNote("n1", "hello", IdempotencyKey: "retry-1"));
        _harness.Time.Advance(TimeSpan.FromSeconds(30));
        var second = await _harness.SendAsync(new SetNote("n1", "hello", IdempotencyKey: "retry-1"));

        Assert.Equal(CommandOutcome.Ok, second.Outcome);
        Assert.True(second.Replayed);
        Assert.False(first.Replayed);
        Assert.Equal(first.Value, second.Value);
        Assert.Equal(first.AuditSeq, second.AuditSeq);
        Assert.Equal(first.CurrentVersion, second.CurrentVersion);
        Assert.Equal(1, _harness.Counter.Applied);
        Assert.Equal(new Note("n1", "hello", 1), await _harness.NoteAsync("n1"));
        Assert.Single(await _harness.EntriesAsync());
    }

    [Fact]
    public async Task A_key_reused_for_another_action_or_by_another_actor_is_invalid_naming_the_key()
    {
        await _harness.SendAsync(new SetNote("n1", "hello", IdempotencyKey: "k-7"));

        var otherAction = await _harness.SendAsync(new SetNote("n1", "edit", ExpectedVersion: 1, IdempotencyKey: "k-7"));
        var otherActor = await _harness.SendAsync(new SetNote("n1", "hello", IdempotencyKey: "k-7"), CommandHarness.Admin);

        Assert.Equal(CommandOutcome.Invalid, otherAction.Outcome);
        Assert.Contains("'k-7'", otherAction.Error);
        Assert.Equal(CommandOutcome.Invalid, otherActor.Outcome);
        Assert.Contains("'k-7'", otherActor.Error);
        Assert.Equal(new Note("n1", "hello", 1), await _harness.NoteAsync("n1"));
        var entries = await _harness.EntriesAsync();
        Assert.Equal([CommandOutcome.Ok, CommandOutcome.Invalid, CommandOutcome.Invalid], entries.Select(e => e.Outcome));
    }

    [Fact]
    public async Task A_rejected_command_does_not_use_up_its_key_so_the_corrected_retry_applies()
    {
        var stale = await _harness.SendAsync(new SetNote("n1", "x", ExpectedVersion: 4, IdempotencyKey: "k-1"));
        var retry = await _harness.SendAsync(new SetNote("n1", "x", IdempotencyKey: "k-2"));

        Assert.True(stale.NotFound);
        Assert.Equal(CommandOutcome.Ok, retry.Outcome);
        Assert.False(retry.Replayed);
    }

    [Fact]
    public async Task A_viewer_sending_an_admin_command_is_denied_and_the_attempt_is_audited()
    {
        var result = await _harness.SendAsync(new SetNote("n1", "x", RequiredRole: DashboardRole.Admin), CommandHarness.Viewer);

        Assert.Equal(CommandOutcome.Denied, result.Outcome);
        Assert.False(result.Unauthenticated);
        Assert.Equal("note.create needs the admin role; wall has viewer", result.Error);
        Assert.Null(await _harness.NoteAsync("n1"));
        Assert.Equal(0, _harness.Counter.Applied);
        var entry = Assert.Single(await _harness.EntriesAsync());
        Assert.Equal(result.AuditSeq, entry.Seq);
        Assert.Equal((CommandOutcome.Denied, "wall", ActorKind.Token, DashboardRole.Viewer), (entry.Outcome, entry.ActorName, entry.ActorKind, entry.ActorRole));
        Assert.Equal(("note.create", "note", "n1"), (entry.Action, entry.TargetType, entry.TargetId));
        Assert.Equal(result.Error, entry.Error);
        Assert.Equal("192.0.2.20", entry.ClientIp);
    }

    [Fact]
    public async Task An_operator_sending_an_admin_command_is_denied_and_an_admin_may()
    {
        Assert.Equal(CommandOutcome.Denied, (await _harness.SendAsync(new SetNote("n1", "x", RequiredRole: DashboardRole.Admin), CommandHarness.Operator)).Outcome);
        Assert.Equal(CommandOutcome.Ok, (await _harness.SendAsync(new SetNote("n1", "x", RequiredRole: DashboardRole.Admin), CommandHarness.Admin)).Outcome);
        Assert.Equal(CommandOutcome.Ok, (await _harness.SendAsync(new SetNote("n2", "x", RequiredRole: DashboardRole.Admin), Actor.System())).Outcome);
    }

    [Fact]
    public async Task An_anonymous_caller_is_denied_as_unauthenticated_and_audited()
    {
        var result = await _harness.SendAsync(new SetNote("n1", "x"), Actor.Anonymous("198.51.100.7", "evil/1.0"));

        Assert.Equal(CommandOutcome.Denied, result.Outcome);
        Assert.True(result.Unauthenticated);
        var entry = Assert.Single(await _harness.EntriesAsync());
        Assert.Equal((CommandOutcome.Denied, "anonymous", (DashboardRole?)null, "198.51.100.7", "evil/1.0"), (entry.Outcome, entry.ActorName, entry.ActorRole, entry.ClientIp, entry.UserAgent));
        Assert.StartsWith("sign in first", entry.Error);
    }

    [Fact]
    public async Task An_invalid_command_is_audited_with_what_was_wrong_and_never_applied()
    {
        var result = await _harness.SendAsync(new SetNote("n1", " "));

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.Equal("text: must not be empty", result.Error);
        Assert.Equal(0, _harness.Counter.Applied);
        var entry = Assert.Single(await _harness.EntriesAsync());
        Assert.Equal((CommandOutcome.Invalid, "text: must not be empty"), (entry.Outcome, entry.Error));
        Assert.Null(entry.BeforeJson);
    }

    [Fact]
    public async Task A_missing_target_is_invalid_and_not_found()
    {
        var result = await _harness.SendAsync(new SetNote("ghost", "x", ExpectedVersion: 1));

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.True(result.NotFound);
        Assert.Equal(CommandOutcome.Invalid, Assert.Single(await _harness.EntriesAsync()).Outcome);
    }

    [Fact]
    public async Task An_overlong_idempotency_key_is_invalid()
    {
        var result = await _harness.SendAsync(new SetNote("n1", "x", IdempotencyKey: new string('k', CommandPipeline.MaxIdempotencyKeyLength + 1)));

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.StartsWith("Idempotency-Key", result.Error);
        Assert.Null(await _harness.NoteAsync("n1"));
    }

    [Fact]
    public async Task A_handler_that_throws_after_writing_leaves_neither_state_nor_audit()
    {
        await _harness.SendAsync(new SetNote("n0", "before"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => _harness.SendAsync(new ExplodingNote("n1")));

        Assert.Null(await _harness.NoteAsync("n1"));
        Assert.Single(await _harness.EntriesAsync());
        // The next command takes the next number: no hole where the failed one was.
        var next = await _harness.SendAsync(new SetNote("n2", "after"));
        Assert.Equal(2, next.AuditSeq);
        Assert.True((await _harness.Verifier.VerifyAsync()).Holds);
    }

    [Fact]
    public async Task Subscribers_hear_after_the_commit_and_a_failing_one_does_not_fail_the_command()
    {
        var seen = new List<long>();
        using var failing = _harness.Pipeline.Subscribe(() => throw new InvalidOperationException("page gone"));
        using var subscription = _harness.Pipeline.Subscribe(async () =>
        {
            // Another connection sees the entry: the callback runs after the commit, not inside the transaction.
            seen.Add(await _harness.ScalarAsync<long>("SELECT COUNT(*) FROM _vd_audit"));
        });

        var result = await _harness.SendAsync(new SetNote("n1", "x"));
        await _harness.SendAsync(new SetNote("n1", "y", ExpectedVersion: 9));

        Assert.Equal(CommandOutcome.Ok, result.Outcome);
        Assert.Equal([1, 2], seen);
    }

    [Fact]
    public async Task A_disposed_subscription_hears_nothing_more()
    {
        var calls = 0;
        var subscription = _harness.Pipeline.Subscribe(() =>
        {
            calls++;
            return Task.CompletedTask;
        });
        await _harness.SendAsync(new SetNote("n1", "x"));
        subscription.Dispose();
        await _harness.SendAsync(new SetNote("n2", "x"));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_refused_http_call_is_recorded_with_the_routes_action_and_target()
    {
        var seq = await _harness.Pipeline.RecordRejectedAsync("token.create", "token", "", Actor.Anonymous("203.0.113.5", "curl/8"), CommandOutcome.Denied, "401: no credentials");

        var entry = Assert.Single(await _harness.EntriesAsync());
        Assert.Equal(seq, entry.Seq);
        Assert.Equal(("token.create", "token", "", CommandOutcome.Denied, "401: no credentials"), (entry.Action, entry.TargetType, entry.TargetId, entry.Outcome, entry.Error));
        Assert.Equal("203.0.113.5", entry.ClientIp);
    }

    [Fact]
    public async Task Two_processes_writing_at_once_keep_the_sequence_contiguous_and_the_chain_whole()
    {
        // A second pipeline on the same file: the CLI, or another host. Only BEGIN IMMEDIATE serialises the two.
        await using var other = await new CommandHarness(_harness.StorePath, _harness.Time).InitializeAsync();

        var sends = Enumerable.Range(0, 20).Select(i => Task.Run(() => (i % 2 == 0 ? _harness : other).SendAsync(new SetNote($"n{i}", "x"))));
        var results = await Task.WhenAll(sends);

        Assert.All(results, r => Assert.Equal(CommandOutcome.Ok, r.Outcome));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), results.Select(r => r.AuditSeq).Order());
        var verification = await _harness.Verifier.VerifyAsync();
        Assert.True(verification.Holds, verification.Reason);
        Assert.Equal(20, verification.Entries);
    }

    [Fact]
    public async Task A_command_without_a_registered_handler_is_a_programming_error_not_an_audit_entry()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _harness.Pipeline.SendAsync(new Unhandled(), CommandHarness.Admin));

        Assert.Contains("AddCommandHandler", error.Message);
        Assert.Empty(await _harness.EntriesAsync());
    }

    private sealed record Unhandled : ICommand<int>
    {
        public string Action => "x.y";
        public DashboardRole RequiredRole => DashboardRole.Viewer;
        public string TargetType => "x";
        public string TargetId => "";
        public long? ExpectedVersion => null;
        public string? IdempotencyKey => null;
        public string? Reason => null;
    }
}
