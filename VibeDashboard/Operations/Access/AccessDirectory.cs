using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Storage;

namespace VibeDashboard.Operations.Access;

/// <summary>
/// Tokens and role mappings in memory, for authentication (every request) and for reading (<see cref="IAccessFeed"/>).
/// Reloads when <c>_vd_access_state.version</c> moves: right after a command commits in this process (the pipeline's
/// signal) and, for changes made by another process such as the CLI, on a one-second poll. Lookups never touch the
/// store; "last used" is recorded in memory and written by the poll loop, at most once a minute per token.
/// </summary>
public sealed class AccessDirectory(
    SqliteConnectionFactory connections,
    StoreSchema schema,
    ICommandPipeline pipeline,
    IOptions<AuthOptions> options,
    TimeProvider time,
    ILogger<AccessDirectory> logger) : BackgroundService, IAccessDirectory, IAccessFeed
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>A token used all day long is written once a minute, not once a request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly AccessStore _store = new(connections, schema);
    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly Lock _subscribersLock = new();
    private readonly ConcurrentDictionary<string, long> _lastUse = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _pendingUse = new(StringComparer.Ordinal);
    private List<Func<Task>> _subscribers = [];
    private IDisposable? _pipelineSubscription;
    private PeriodicTimer? _timer;
    private volatile State _state = State.Empty;

    public long Version => Math.Max(0, _state.Version);

    // ---- authentication ----

    public ApiTokenIdentity? Authenticate(string presented)
    {
        if (!ApiTokenFormat.TryParse(presented, out var id, out var secret) || !_state.ById.TryGetValue(id, out var token))
        {
            return null;
        }

        if (!ApiTokenFormat.Matches(secret, token.Hash) || !IsValid(token, time.GetUtcNow()))
        {
            return null;
        }

        RecordUse(id);
        return token.Identity;
    }

    public ApiTokenIdentity? FindValid(string tokenId) =>
        _state.ById.TryGetValue(tokenId, out var token) && IsValid(token, time.GetUtcNow()) ? token.Identity : null;

    public DashboardRole? RoleForProviderClaims(IReadOnlyCollection<string> values)
    {
        DashboardRole? best = null;
        var effective = _state.EffectiveMappings;
        foreach (var value in values)
        {
            if (effective.TryGetValue(value, out var role) && (best is null || role > best))
            {
                best = role;
            }
        }

        return best;
    }

    private static bool IsValid(LoadedToken token, DateTimeOffset now) =>
        token.RevokedAt is null && (token.ExpiresAt is not { } expires || now < expires);

    private void RecordUse(string id)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_lastUse.TryGetValue(id, out var previous) && now - previous < (long)LastUsedResolution.TotalMilliseconds)
        {
            return;
        }

        _lastUse[id] = now;
        _pendingUse[id] = now;
    }

    // ---- the feed ----

    public IReadOnlyList<ApiTokenView> Tokens()
    {
        var now = time.GetUtcNow();
        return _state.Tokens.Select(t => new ApiTokenView(
            t.Name, t.Role, t.Identity.Prefix, t.CreatedAt, t.CreatedBy,
            _lastUse.TryGetValue(t.Identity.Id, out var used) ? DateTimeOffset.FromUnixTimeMilliseconds(used) : null,
            t.ExpiresAt, t.RevokedAt, t.RevokedBy,
            t.RevokedAt is not null ? TokenState.Revoked : IsValid(t, now) ? TokenState.Active : TokenState.Expired,
            t.Version)).ToList();
    }

    public IReadOnlyList<RoleMappingView> RoleMappings() => _state.Mappings;

    public IDisposable Subscribe(Func<Task> changed)
    {
        lock (_subscribersLock)
        {
            _subscribers = [.. _subscribers, changed];
        }

        return new Unsubscriber(this, changed);
    }

    private sealed class Unsubscriber(AccessDirectory owner, Func<Task> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._subscribersLock)
            {
                owner._subscribers = [.. owner._subscribers.Where(s => s != handler)];
            }
        }
    }

    // ---- loading ----

    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        bool changed;
        await _reload.WaitAsync(cancellationToken);
        try
        {
            var version = await _store.VersionAsync(cancellationToken);
            if (version == _state.Version)
            {
                return;
            }

            var rows = await _store.LoadAsync(cancellationToken);
            var previous = _state;
            _state = Build(rows);
            // The first load is no change anyone subscribed to.
            changed = previous.Version >= 0;
        }
        finally
        {
            _reload.Release();
        }

        if (changed)
        {
            await RaiseAsync();
        }
    }

    private State Build(AccessRows rows)
    {
        var tokens = rows.Tokens
            .Select(row =>
            {
                DashboardRoles.TryParse(row.Role, out var role);
                var expires = row.ExpiresAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : (DateTimeOffset?)null;
                if (row.LastUsedAt is { } used)
                {
                    // Another process's use counts for the once-a-minute throttle and the list.
                    _lastUse.AddOrUpdate(row.Id, used, (_, mine) => Math.Max(mine, used));
                }

                return new LoadedToken(
                    new ApiTokenIdentity(row.Id, row.Name, role, ApiTokenFormat.PrefixOf(row.Id), expires),
                    Convert.FromHexString(row.Hash),
                    DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), row.CreatedBy, expires,
                    row.RevokedAt is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : null, row.RevokedBy, row.Version);
            })
            .OrderByDescending(t => t.CreatedAt)
            .ToList();

        var configured = new Dictionary<string, DashboardRole>(StringComparer.Ordinal);
        var roles = options.Value.OpenIdConnect.Roles;
        foreach (var (role, values) in new[] { (DashboardRole.Viewer, roles.Viewer), (DashboardRole.Operator, roles.Operator), (DashboardRole.Admin, roles.Admin) })
        {
            foreach (var value in values.Where(v => !string.IsNullOrWhiteSpace(v)))
            {
                // A value listed under two roles gets the higher one, as a person holding both would.
                configured[value] = configured.TryGetValue(value, out var held) && held > role ? held : role;
            }
        }

        var stored = rows.Mappings
            .Where(m => DashboardRoles.TryParse(m.Role, out _))
            .ToDictionary(m => m.ClaimValue, StringComparer.Ordinal);
        var effective = new Dictionary<string, DashboardRole>(configured, StringComparer.Ordinal);
        var views = new List<RoleMappingView>();
        foreach (var (value, role) in configured.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            views.Add(new RoleMappingView(value, role, RoleMappingSource.Config, null, null, null, Overridden: stored.ContainsKey(value)));
        }

        foreach (var row in stored.Values.OrderBy(m => m.ClaimValue, StringComparer.Ordinal))
        {
            DashboardRoles.TryParse(row.Role, out var role);
            effective[row.ClaimValue] = role;
            views.Add(new RoleMappingView(row.ClaimValue, role, RoleMappingSource.Store, row.Version, DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt), row.UpdatedBy));
        }

        return new State(rows.Version, tokens.ToDictionary(t => t.Identity.Id, StringComparer.Ordinal), tokens, effective, views);
    }

    private async Task RaiseAsync()
    {
        foreach (var subscriber in _subscribers)
        {
            try
            {
                await subscriber();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "An access directory subscriber failed");
            }
        }
    }

    /// <summary>Writes the uses recorded since the last flush; on failure they are kept for the next one.</summary>
    public async Task FlushLastUsedAsync(CancellationToken cancellationToken = default)
    {
        if (_pendingUse.IsEmpty)
        {
            return;
        }

        var batch = new List<(string Id, long At)>();
        foreach (var id in _pendingUse.Keys)
        {
            if (_pendingUse.TryRemove(id, out var at))
            {
                batch.Add((id, at));
            }
        }

        try
        {
            await _store.RecordLastUsedAsync(batch, cancellationToken);
        }
        catch
        {
            foreach (var (id, at) in batch)
            {
                _pendingUse.AddOrUpdate(id, at, (_, newer) => Math.Max(newer, at));
            }

            throw;
        }
    }

    // ---- the hosted service ----

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Loaded before the server takes requests: a token must work from the first one.
        await RefreshAsync(cancellationToken);
        _pipelineSubscription = pipeline.Subscribe(OnCommittedAsync);
        // Created here, not in ExecuteAsync: that runs on a background thread (.NET 10), and the first poll must be
        // one interval after the start, not after whenever the thread got going.
        _timer = new PeriodicTimer(PollInterval, time);
        await base.StartAsync(cancellationToken);
    }

    private async Task OnCommittedAsync()
    {
        try
        {
            await RefreshAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Reloading access state after a command failed; the poll retries");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = _timer ?? new PeriodicTimer(PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushLastUsedAsync(stoppingToken);
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A locked or unreachable store: keep serving the state we have, and try again next tick.
                    logger.LogWarning(e, "Reading access state failed; keeping the previous state");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _pipelineSubscription?.Dispose();
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushLastUsedAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Recording API token use at shutdown failed");
        }
    }

    public override void Dispose()
    {
        _pipelineSubscription?.Dispose();
        _reload.Dispose();
        base.Dispose();
    }

    private sealed record LoadedToken(
        ApiTokenIdentity Identity,
        byte[] Hash,
        DateTimeOffset CreatedAt,
        string CreatedBy,
        DateTimeOffset? ExpiresAt,
        DateTimeOffset? RevokedAt,
        string? RevokedBy,
        long Version)
    {
        public string Name => Identity.Name;

        public DashboardRole Role => Identity.Role;
    }

    private sealed record State(
        long Version,
        IReadOnlyDictionary<string, LoadedToken> ById,
        IReadOnlyList<LoadedToken> Tokens,
        IReadOnlyDictionary<string, DashboardRole> EffectiveMappings,
        IReadOnlyList<RoleMappingView> Mappings)
    {
        public static readonly State Empty = new(-1, new Dictionary<string, LoadedToken>(), [], new Dictionary<string, DashboardRole>(), []);
    }
}
