using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Storage;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Operations.Access;

public sealed class AccessDirectoryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly TempStore _temp = new();
    private AccessHost _host = null!;

    public async Task InitializeAsync() => _host = await new AccessHost(_temp.StorePath, _time).StartAsync();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _temp.DisposeAsync();
    }

    [Fact]
    public async Task A_created_token_authenticates_with_its_name_and_role()
    {
        var token = await _host.CreateTokenAsync("wall", DashboardRole.Viewer);

        Assert.Matches("^vd_[a-z2-7]{10}_[A-Za-z0-9_-]{43}$", token);
        var identity = _host.Directory.Authenticate(token);
        Assert.NotNull(identity);
        Assert.Equal("wall", identity.Name);
        Assert.Equal(DashboardRole.Viewer, identity.Role);
        Assert.Equal(token[..13], identity.Prefix);
        Assert.Equal(Start.AddDays(90), identity.ExpiresAt);
        Assert.Equal(identity, _host.Directory.FindValid(identity.Id));
    }

    [Fact]
    public async Task A_wrong_secret_with_the_right_id_is_refused()
    {
        var token = await _host.CreateTokenAsync("wall");
        var last = token[^1] == 'A' ? 'B' : 'A';

        Assert.Null(_host.Directory.Authenticate(token[..^1] + last));
        Assert.Null(_host.Directory.Authenticate(token[..14] + new string('x', 43)));
        Assert.Null(_host.Directory.Authenticate(token + "x"));
        Assert.Null(_host.Directory.Authenticate("vd_"));
        Assert.Null(_host.Directory.Authenticate(""));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_once_in_the_same_process()
    {
        var token = await _host.CreateTokenAsync("wall");
        var id = _host.Directory.Authenticate(token)!.Id;

        var revoked = await _host.SendAsync(new RevokeTokenCommand("wall"));

        Assert.True(revoked.Succeeded, revoked.Error);
        Assert.Null(_host.Directory.Authenticate(token));
        Assert.Null(_host.Directory.FindValid(id));
        Assert.Equal(TokenState.Revoked, Assert.Single(_host.Directory.Tokens()).State);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var token = await _host.CreateTokenAsync("short", expires: "30m");
        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.NotNull(_host.Directory.Authenticate(token));

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(_host.Directory.Authenticate(token));
        Assert.Equal(TokenState.Expired, Assert.Single(_host.Directory.Tokens()).State);
    }

    [Fact]
    public async Task A_never_expiring_token_has_no_expiry()
    {
        var token = await _host.CreateTokenAsync("platform", DashboardRole.Operator, "never");
        // Past the 90-day default. Not years: FakeTimeProvider fires the directory's 1-second poll timer once per
        // second it advances (5,000 days took 16 s alone and minutes in a busy suite).
        _time.Advance(TimeSpan.FromDays(100));

        Assert.Null(_host.Directory.Authenticate(token)!.ExpiresAt);
    }

    [Fact]
    public async Task The_store_holds_neither_the_token_nor_its_secret_and_the_audit_log_neither_token_nor_hash()
    {
        var token = await _host.CreateTokenAsync("wall");
        var secret = token[14..];
        SqliteConnectionClearPools();

        var bytes = await File.ReadAllBytesAsync(_temp.StorePath);
        var wal = File.Exists(_temp.StorePath + "-wal") ? await File.ReadAllBytesAsync(_temp.StorePath + "-wal") : [];
        var text = System.Text.Encoding.Latin1.GetString([.. bytes, .. wal]);
        Assert.DoesNotContain(secret, text);
        Assert.DoesNotContain(token, text);

        var hash = (string)(await _temp.ScalarAsync("SELECT hash FROM _vd_api_tokens"))!;
        Assert.Equal(Convert.ToHexStringLower(ApiTokenFormat.HashSecret(secret)), hash);
        var audit = (string)(await _temp.ScalarAsync("SELECT after_json FROM _vd_audit WHERE action = 'token.create'"))!;
        Assert.Contains("wall", audit);
        Assert.DoesNotContain(hash, audit);
        Assert.DoesNotContain(secret, audit);
    }

    private static void SqliteConnectionClearPools() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

    [Fact]
    public async Task A_second_active_token_with_the_same_name_is_a_conflict_and_after_a_revoke_the_name_is_free()
    {
        await _host.CreateTokenAsync("wall");

        var duplicate = await _host.SendAsync(new CreateTokenCommand("wall", DashboardRole.Admin));
        Assert.Equal(CommandOutcome.Conflict, duplicate.Outcome);
        Assert.Contains("already exists", duplicate.Error);

        await _host.SendAsync(new RevokeTokenCommand("wall"));
        var again = await _host.CreateTokenAsync("wall", DashboardRole.Admin);
        Assert.Equal(DashboardRole.Admin, _host.Directory.Authenticate(again)!.Role);
        Assert.Equal(2, _host.Directory.Tokens().Count);
    }

    [Theory]
    [InlineData("", "name: required")]
    [InlineData("has space", "name:")]
    [InlineData("ünï", "name:")]
    public async Task Bad_names_are_invalid_naming_the_field(string name, string error)
    {
        var result = await _host.SendAsync(new CreateTokenCommand(name, DashboardRole.Viewer));

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.StartsWith(error, result.Error);
    }

    [Theory]
    [InlineData("90")]
    [InlineData("0d")]
    [InlineData("1y")]
    [InlineData("-5m")]
    [InlineData("4000d")]
    public async Task Bad_expiries_are_invalid_naming_the_field(string expires)
    {
        var result = await _host.SendAsync(new CreateTokenCommand("wall", DashboardRole.Viewer, expires));

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.StartsWith("expires:", result.Error);
    }

    [Fact]
    public async Task Revoking_an_unknown_name_is_not_found()
    {
        var result = await _host.SendAsync(new RevokeTokenCommand("nobody"));

        Assert.Equal(CommandOutcome.Invalid, result.Outcome);
        Assert.True(result.NotFound);
    }

    [Fact]
    public async Task A_viewer_cannot_create_a_token_and_the_refusal_is_audited()
    {
        var result = await _host.SendAsync(new CreateTokenCommand("sneaky", DashboardRole.Admin), AccessHost.Viewer);

        Assert.Equal(CommandOutcome.Denied, result.Outcome);
        Assert.Empty(_host.Directory.Tokens());
        Assert.Equal("denied", await _temp.ScalarAsync("SELECT outcome FROM _vd_audit WHERE action = 'token.create'"));
    }

    [Fact]
    public async Task Another_process_sees_a_revoke_within_its_poll()
    {
        var token = await _host.CreateTokenAsync("wall");
        await using var cli = new AccessHost(_temp.StorePath, _time);
        Assert.NotNull(_host.Directory.Authenticate(token));

        // The CLI's process: its own pipeline and directory on the same store, not started (no host there).
        var revoked = await cli.SendAsync(new RevokeTokenCommand("wall"));
        Assert.True(revoked.Succeeded, revoked.Error);
        Assert.NotNull(_host.Directory.Authenticate(token)); // not noticed yet: nothing polled

        var changed = _host.NextChangeAsync();
        _time.Advance(AccessDirectory.PollInterval);
        await changed;

        Assert.Null(_host.Directory.Authenticate(token));
    }

    [Fact]
    public async Task A_token_created_by_another_process_works_after_the_poll()
    {
        await using var cli = new AccessHost(_temp.StorePath, _time);
        var token = await cli.CreateTokenAsync("script", DashboardRole.Operator);
        Assert.Null(_host.Directory.Authenticate(token));

        var changed = _host.NextChangeAsync();
        _time.Advance(AccessDirectory.PollInterval);
        await changed;

        Assert.Equal(DashboardRole.Operator, _host.Directory.Authenticate(token)!.Role);
    }

    [Fact]
    public async Task Use_is_recorded_off_the_request_path_at_most_once_a_minute()
    {
        var token = await _host.CreateTokenAsync("wall");
        Assert.Null(Assert.Single(_host.Directory.Tokens()).LastUsedAt);

        _host.Directory.Authenticate(token);
        Assert.Equal(Start, Assert.Single(_host.Directory.Tokens()).LastUsedAt);
        Assert.Null(await _temp.ScalarAsync("SELECT last_used_at FROM _vd_api_tokens")); // not on the request path

        _time.Advance(TimeSpan.FromSeconds(30));
        _host.Directory.Authenticate(token);
        Assert.Equal(Start, Assert.Single(_host.Directory.Tokens()).LastUsedAt);

        await _host.Directory.FlushLastUsedAsync();
        Assert.Equal(Start.ToUnixTimeMilliseconds(), await _temp.ScalarAsync("SELECT last_used_at FROM _vd_api_tokens"));

        _time.Advance(TimeSpan.FromSeconds(31));
        _host.Directory.Authenticate(token);
        await _host.Directory.FlushLastUsedAsync();
        Assert.Equal(Start.AddSeconds(61).ToUnixTimeMilliseconds(), await _temp.ScalarAsync("SELECT last_used_at FROM _vd_api_tokens"));
        // Recording use is not an access change: nothing reloads, nothing is audited.
        Assert.Equal(1L, await _temp.ScalarAsync("SELECT version FROM _vd_access_state"));
        Assert.Equal(1L, await _temp.ScalarAsync("SELECT COUNT(*) FROM _vd_audit"));
    }

    [Fact]
    public async Task Every_access_command_bumps_the_state_version()
    {
        await _host.CreateTokenAsync("a");
        await _host.SendAsync(new RevokeTokenCommand("a"));
        await _host.SendAsync(new SetRoleMappingCommand("ops", DashboardRole.Operator, 0));
        await _host.SendAsync(new RemoveRoleMappingCommand("ops", null));

        Assert.Equal(4L, await _temp.ScalarAsync("SELECT version FROM _vd_access_state"));
        Assert.Equal(4, _host.Directory.Version);
    }

    [Fact]
    public async Task A_replayed_create_returns_the_first_result_without_the_secret()
    {
        var first = await _host.SendAsync(new CreateTokenCommand("wall", DashboardRole.Viewer) { IdempotencyKey = "k-1" });
        var second = await _host.SendAsync(new CreateTokenCommand("wall", DashboardRole.Viewer) { IdempotencyKey = "k-1" });

        Assert.True(first.Succeeded);
        Assert.NotNull(first.Value!.Token);
        Assert.True(second.Replayed);
        Assert.Equal(first.Value.Prefix, second.Value!.Prefix);
        Assert.Null(second.Value.Token);
        Assert.Single(_host.Directory.Tokens());
        var stored = (string)(await _temp.ScalarAsync("SELECT result_json FROM _vd_command_keys"))!;
        Assert.DoesNotContain(first.Value.Token[14..], stored);
    }
}
