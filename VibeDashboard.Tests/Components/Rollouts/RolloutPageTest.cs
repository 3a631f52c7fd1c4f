using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VibeDashboard.Components;
using VibeDashboard.Configuration;
using VibeDashboard.Operations.Access;
using VibeDashboard.Operations.Commands;
using VibeDashboard.Operations.Demo;
using VibeDashboard.Operations.Rollouts;
using VibeDashboard.Tests.Components.Incidents;
using VibeDashboard.Tests.Infrastructure;

namespace VibeDashboard.Tests.Components.Rollouts;

/// <summary>
/// The rollout pages' bUnit base: a <see cref="FakeRolloutBoard"/>, one configured template, a
/// <see cref="RecordingPipeline"/> behind the real <see cref="CommandSender"/>, and a signed-in user whose role each
/// test picks with <see cref="SignIn"/> (operator unless it says).
/// </summary>
public abstract class RolloutPageTest : DashboardComponentTest
{
    private readonly BunitAuthorizationContext _auth;

    protected RolloutPageTest()
    {
        Services.AddSingleton<IRolloutBoard>(Board);
        Services.AddSingleton<ICommandPipeline>(Pipeline);
        Services.AddSingleton(Options.Create(RolloutOptions));
        Services.AddSingleton(Options.Create(new SloOptions()));
        Services.AddSingleton<IRolloutTemplates>(sp => new ConfiguredTemplates(sp.GetRequiredService<IOptions<RolloutOptions>>().Value));
        Services.AddSingleton<IDemoFaults>(Demo);
        Services.AddScoped<CircuitClient>();
        Services.AddScoped<CommandSender>();
        _auth = AddAuthorization();
        SignIn(DashboardRole.Operator);
    }

    protected FakeRolloutBoard Board { get; } = new();

    /// <summary>Not the demo unless a test says (<see cref="FakeDemoFaults.State"/>).</summary>
    protected FakeDemoFaults Demo { get; } = new();

    protected RecordingPipeline Pipeline { get; } = new();

    protected RolloutOptions RolloutOptions { get; } = new() { Templates = TemplateSections() };

    protected DateTimeOffset Now => Time.GetUtcNow();

    protected void SignIn(DashboardRole role, string name = "olivia@example.com") =>
        _auth.SetAuthorized(name).SetClaims(new Claim(DashboardClaims.Role, role.Name()), new Claim(DashboardClaims.ActorKind, "user"));

    protected static readonly RolloutDefinition Definition = new(
        "vibesdk 2026.12", "2026.12.1", TimeSpan.FromMinutes(1), AutoPromote: false,
        [
            new WaveDefinition(["internal"], TimeSpan.FromMinutes(30), 50),
            new WaveDefinition(["pro"], TimeSpan.FromHours(2), 200),
            new WaveDefinition(["free"], TimeSpan.FromHours(6), 1000),
        ],
        [
            new GateDefinition("completion", Metric: "completion_success_rate", Window: "30m", Op: GateOperator.AtLeast, Threshold: 0.95, MinEvents: 20),
            new GateDefinition("startup p95", Metric: "preview_startup_latency_ms", Stat: MetricStat.P95, Window: "30m", Op: GateOperator.AtMost, Threshold: 10000),
        ]);

    /// <summary>A rollout as the board would show it; each test changes the status it is about.</summary>
    protected RolloutView Rollout(string id = "ro-1", Func<RolloutStatus, RolloutStatus>? status = null, TimeSpan? age = null,
        IReadOnlyList<ReadinessItem>? readiness = null, IReadOnlyList<RolloutLine>? timeline = null, RolloutDefinition? definition = null)
    {
        definition ??= Definition;
        var draft = RolloutStatus.Draft(definition);
        return new RolloutView(id, definition, status?.Invoke(draft) ?? draft, readiness ?? [], timeline ?? [], Now - (age ?? TimeSpan.FromHours(1)), "olivia@example.com");
    }

    /// <summary>Wave <paramref name="wave"/> observing, its stable clock started <paramref name="stableFor"/> ago, earlier waves promoted.</summary>
    protected RolloutStatus Running(RolloutStatus draft, int wave = 0, TimeSpan? stableFor = null, long version = 5)
    {
        var since = Now - (stableFor ?? TimeSpan.FromMinutes(18));
        return draft with
        {
            State = RolloutState.Running,
            CurrentWave = wave,
            StartedAt = Now - TimeSpan.FromHours(1),
            Version = version,
            Waves = draft.Waves.Select((w, i) => i < wave ? new WaveStatus(WaveState.Promoted, Now - TimeSpan.FromHours(3), EndedAt: Now - TimeSpan.FromHours(1))
                : i == wave ? new WaveStatus(WaveState.Observing, since, since)
                : w).ToList(),
        };
    }

    protected GateCheck Check(string gate, GateResult result, TimeSpan ago, double? value = 0.97, double? threshold = 0.95, string reason = "ok") =>
        new(gate, GateKind.Metric, result, value, threshold, 120, Now - ago, reason, []);

    private static List<IConfigurationSection> TemplateSections()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rollouts:Templates:0:Name"] = "canary",
            ["Rollouts:Templates:0:Release"] = "2026.12.2",
            ["Rollouts:Templates:0:Waves:0:Tiers:0"] = "internal",
            ["Rollouts:Templates:0:Waves:0:Observation"] = "30m",
            ["Rollouts:Templates:0:Waves:0:MinEvents"] = "50",
            ["Rollouts:Templates:0:Waves:1:Tiers:0"] = "pro",
            ["Rollouts:Templates:0:Waves:1:Observation"] = "2h",
            ["Rollouts:Templates:0:Waves:1:MinEvents"] = "200",
            ["Rollouts:Templates:0:Gates:0:Name"] = "completion",
            ["Rollouts:Templates:0:Gates:0:Metric"] = "completion_success_rate",
            ["Rollouts:Templates:0:Gates:0:Window"] = "30m",
            ["Rollouts:Templates:0:Gates:0:Op"] = ">=",
            ["Rollouts:Templates:0:Gates:0:Threshold"] = "0.95",
        }).Build();
        return config.GetSection("Rollouts:Templates").GetChildren().ToList();
    }

    /// <summary>The configured templates alone (the store-reading demo template is tested on a real host).</summary>
    private sealed class ConfiguredTemplates(RolloutOptions options) : IRolloutTemplates
    {
        public RolloutDefinitionContext Context => RolloutOptionsValidation.Context(options, RolloutOptionsValidation.SloKeys(new SloOptions()));

        public Task<IReadOnlyList<RolloutDefinition>> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult(RolloutOptionsValidation.Templates(options, RolloutOptionsValidation.SloKeys(new SloOptions())));
    }
}

/// <summary>The demo's fault state as a page reads it; a test sets <see cref="State"/>.</summary>
public sealed class FakeDemoFaults : IDemoFaults
{
    public DemoFaultState State { get; set; } = new(false, null, ["internal", "free", "pro", "enterprise"]);

    public Task<DemoFaultState> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(State);
}
