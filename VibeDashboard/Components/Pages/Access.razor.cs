using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;

namespace VibeDashboard.Components.Pages;

/// <summary>
/// API tokens and role mappings, for admins. Reads the access feed (the same in-memory state authentication uses)
/// and changes it only through commands, so every change is authorized again and audited; refreshes whenever the
/// feed changes (a command here, the CLI, another admin).
/// </summary>
public sealed partial class Access : IDisposable
{
    private static readonly DashboardRole[] Roles = Enum.GetValues<DashboardRole>();

    private IReadOnlyList<ApiTokenView> _tokens = [];
    private IReadOnlyList<RoleMappingView> _mappings = [];
    private readonly Dictionary<string, DashboardRole> _edits = new(StringComparer.Ordinal);
    private IDisposable? _subscription;

    private string? _name;
    private DashboardRole _role = DashboardRole.Viewer;
    private string? _expires;
    private CreatedToken? _created;
    private bool _copied;
    private bool _copyFailed;
    private string? _confirmRevoke;
    private string? _newClaim;
    private DashboardRole _newClaimRole = DashboardRole.Viewer;
    private bool _busy;
    private string? _error;
    private bool _conflict;

    [Inject] public required CommandSender Commands { get; init; }
    [Inject] public required IAccessFeed Feed { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }

    protected override void OnInitialized()
    {
        _subscription = Feed.Subscribe(() => InvokeAsync(() =>
        {
            Load();
            StateHasChanged();
        }));
        Load();
    }

    private void Load()
    {
        _tokens = Feed.Tokens();
        _mappings = Feed.RoleMappings();
        // Edits of rows that changed or went away are stale: drop them rather than save over someone else's change.
        foreach (var value in _edits.Keys.ToList())
        {
            if (!_mappings.Any(m => m.Source == RoleMappingSource.Store && m.ClaimValue == value))
            {
                _edits.Remove(value);
            }
        }
    }

    private void Reload()
    {
        _edits.Clear();
        _error = null;
        _conflict = false;
        Load();
    }

    private async Task CreateAsync()
    {
        var result = await SendAsync(new CreateTokenCommand(_name?.Trim() ?? "", _role, string.IsNullOrWhiteSpace(_expires) ? null : _expires.Trim()));
        if (result?.Succeeded == true)
        {
            _created = result.Value;
            _copied = false;
            _copyFailed = false;
            _name = null;
            _expires = null;
        }
    }

    private async Task CopyAsync()
    {
        if (_created?.Token is { } token)
        {
            // navigator.clipboard needs no script of ours (the CSP allows none inline). Browsers refuse it outside a
            // secure context (plain http on another host than localhost): then say so, the text stays selectable.
            try
            {
                await JS.InvokeVoidAsync("navigator.clipboard.writeText", token);
                _copied = true;
                _copyFailed = false;
            }
            catch (JSException)
            {
                _copyFailed = true;
            }
        }
    }

    private void DismissCreated() => _created = null;

    private async Task RevokeAsync(string name)
    {
        var result = await SendAsync(new RevokeTokenCommand(name));
        if (result?.Succeeded == true)
        {
            _confirmRevoke = null;
            if (_created?.Name == name)
            {
                _created = null;
            }
        }
    }

    private DashboardRole EditedRole(RoleMappingView mapping) => _edits.TryGetValue(mapping.ClaimValue, out var role) ? role : mapping.Role;

    private async Task SaveMappingAsync(RoleMappingView mapping)
    {
        var result = await SendAsync(new SetRoleMappingCommand(mapping.ClaimValue, EditedRole(mapping), mapping.Version ?? 0));
        if (result?.Succeeded == true)
        {
            _edits.Remove(mapping.ClaimValue);
        }
    }

    private async Task RemoveMappingAsync(RoleMappingView mapping)
    {
        var result = await SendAsync(new RemoveRoleMappingCommand(mapping.ClaimValue, mapping.Version));
        if (result?.Succeeded == true)
        {
            _edits.Remove(mapping.ClaimValue);
        }
    }

    private async Task AddMappingAsync()
    {
        // Expected version 0: "there is no stored mapping for this value yet"; an existing one is a conflict, not an overwrite.
        var result = await SendAsync(new SetRoleMappingCommand(_newClaim?.Trim() ?? "", _newClaimRole, 0));
        if (result?.Succeeded == true)
        {
            _newClaim = null;
        }
    }

    /// <summary>Sends a command and shows what went wrong, naming the problem; null only when the send itself threw.</summary>
    private async Task<CommandResult<T>?> SendAsync<T>(ICommand<T> command)
    {
        _busy = true;
        _error = null;
        _conflict = false;
        try
        {
            var result = await Commands.SendAsync(command);
            if (!result.Succeeded)
            {
                _conflict = result.Outcome == CommandOutcome.Conflict && command is SetRoleMappingCommand or RemoveRoleMappingCommand;
                _error = result.Outcome switch
                {
                    CommandOutcome.Conflict when _conflict => $"Changed by someone else, reload: {result.Error}",
                    CommandOutcome.Denied => $"Not allowed: {result.Error}",
                    _ => result.Error ?? "The change was refused.",
                };
            }

            Load();
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _error = $"The change could not be saved: {e.Message}";
            return null;
        }
        finally
        {
            _busy = false;
        }
    }

    private static string ExpiryText(DateTimeOffset? expires) => expires is { } at ? $"expires {Model.Freshness.FormatInstant(at)}" : "never expires";

    private static Color StateColor(TokenState state) => state switch
    {
        TokenState.Active => Color.Success,
        TokenState.Expired => Color.Warning,
        _ => Color.Default,
    };

    public void Dispose() => _subscription?.Dispose();
}
