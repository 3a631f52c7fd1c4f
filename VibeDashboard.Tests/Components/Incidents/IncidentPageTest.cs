using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Components;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Incidents;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Components.Incidents;

/// <summary>
/// The incident pages' bUnit base: a <see cref="FakeIncidentBoard"/>, the default runbooks, a
/// <see cref="RecordingPipeline"/> behind the real <see cref="CommandSender"/>, and a signed-in user whose role
/// each test picks with <see cref="SignIn"/> (operator unless it says).
/// </summary>
public abstract class IncidentPageTest : DashboardComponentTest
{
    private readonly BunitAuthorizationContext _auth;

    protected IncidentPageTest()
    {
        Services.AddSingleton<IIncidentBoard>(Board);
        Services.AddSingleton(new IncidentRunbooks(Options.Create(new IncidentOptions())));
        Services.AddSingleton<ICommandPipeline>(Pipeline);
        Services.AddScoped<CircuitClient>();
        Services.AddScoped<CommandSender>();
        _auth = AddAuthorization();
        SignIn(DashboardRole.Operator);
    }

    protected FakeIncidentBoard Board { get; } = new();

    protected RecordingPipeline Pipeline { get; } = new();

    protected DateTimeOffset Now => Time.GetUtcNow();

    protected void SignIn(DashboardRole role, string name = "olivia@example.com") =>
        _auth.SetAuthorized(name).SetClaims(new Claim(DashboardClaims.Role, role.Name()), new Claim(DashboardClaims.ActorKind, "user"));

    /// <summary>An incident as the store would list it; each test changes what it is about.</summary>
    protected IncidentSummary Incident(long number, IncidentClass incidentClass = IncidentClass.ProviderOutage, string? title = null,
        IncidentStatus status = IncidentStatus.Triage, Severity severity = Severity.Sev2, TimeSpan? age = null, long version = 1) =>
        new(IncidentCommand.TargetOf(number), number, incidentClass, "anthropic", title ?? $"Incident {number}", severity, status, IncidentSource.Detected,
            Now - (age ?? TimeSpan.FromMinutes(12)), Now - (age ?? TimeSpan.FromMinutes(12)), null, null, null,
            status.IsTerminal() ? Now - TimeSpan.FromMinutes(1) : null, null, null, null, null, null, version);

    protected static IncidentSignalView ActiveSignal(DateTimeOffset startedAt) => new("provider_error_ratio", true, startedAt, null,
        new SignalEvidence("anthropic: 83 of 100 llm_call errors in 5 min",
            [new EvidenceValue("error_ratio", 0.83, "≥", 0.25), new EvidenceValue("calls", 100, "≥", 20)],
            ["upstream_503", "timeout"], ["free", "pro"], 0.6));
}
