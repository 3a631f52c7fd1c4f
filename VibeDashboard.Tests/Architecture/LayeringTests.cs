using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using VibeDashboard.Hosting;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace VibeDashboard.Tests.Architecture;

// The arrows of STYLE.md ("The control plane"): a folder is a namespace, and a lower layer never imports a higher
// one. ArchUnitNET reads the IL, so a type used only inside a method body (or a lambda, or an async state machine)
// counts as a dependency just as a field or a signature does.
public sealed class LayeringTests
{
    private const string Root = "VibeDashboard";

    // Loaded once: reading the assembly's IL is the slow part.
    private static readonly ArchitectureModel App =
        new ArchLoader().LoadAssemblies(typeof(VibeDashboardHosting).Assembly).Build();

    // STYLE.md's list, plus what one-way flow already implies: nothing below Hubs imports them, and Model (which
    // reads Aggregation and Ingestion to build page state) is not read back by them.
    public static TheoryData<string, string[]> ForbiddenArrows => new()
    {
        { "Storage", ["Ingestion", "Aggregation", "Operations", "Model", "Components", "Hubs"] },
        { "Aggregation", ["Operations", "Model", "Components", "Hubs"] },
        { "Ingestion", ["Aggregation", "Operations", "Model", "Components", "Hubs"] },
        { "Hubs", ["Components"] },
        { "Components", ["Storage"] },
        { "Operations", ["Components", "Hubs"] },
    };

    [Theory]
    [MemberData(nameof(ForbiddenArrows))]
    public void A_layer_does_not_import_the_folders_above_it(string layer, string[] forbidden)
    {
        var forbiddenTypes = Types().That().ResideInNamespaceOrBelow($"{Root}.{forbidden[0]}");
        foreach (var folder in forbidden.Skip(1))
        {
            forbiddenTypes = forbiddenTypes.Or().ResideInNamespaceOrBelow($"{Root}.{folder}");
        }

        Types().That().ResideInNamespaceOrBelow($"{Root}.{layer}")
            // The Razor compiler puts a page's generic type-inference helpers in "__Blazor.<page namespace>".
            .Or().ResideInNamespaceOrBelow($"__Blazor.{Root}.{layer}")
            .Should().NotDependOnAny(forbiddenTypes.As(string.Join(", ", forbidden)))
            .Because($"{layer} sits below {string.Join(", ", forbidden)} (STYLE.md, \"Arrows\")")
            .Check(App);
    }

    [Fact]
    public void Configuration_holds_plain_options_that_import_no_other_folder()
    {
        var restOfTheApp = Types().That().ResideInNamespaceOrBelow(Root)
            .And().DoNotResideInNamespaceOrBelow($"{Root}.Configuration")
            .As("the rest of VibeDashboard");

        Types().That().ResideInNamespaceOrBelow($"{Root}.Configuration")
            .Should().NotDependOnAny(restOfTheApp)
            .Because("options are read by every layer, so they may not point back at one")
            .Check(App);
    }

    [Fact]
    public void Pages_read_feeds_and_send_commands_but_never_touch_a_repository()
    {
        var repositories = Types().That().ResideInNamespaceOrBelow(Root).And().HaveNameEndingWith("Repository")
            .As("repositories");

        Types().That().ResideInNamespaceOrBelow($"{Root}.Components")
            .Or().ResideInNamespaceOrBelow($"__Blazor.{Root}.Components")
            .Should().NotDependOnAny(repositories)
            .Because("a page that writes through a repository skips the command pipeline's authorization and audit")
            .Check(App);
    }

    [Fact]
    public void Every_folder_the_rules_name_exists()
    {
        // A renamed folder would make its rule pass vacuously.
        string[] folders = ["Storage", "Aggregation", "Ingestion", "Hubs", "Components", "Operations", "Configuration", "Model"];
        var namespaces = App.Namespaces.Select(n => n.FullName).ToList();
        Assert.All(folders, folder => Assert.Contains(namespaces, n => n == $"{Root}.{folder}" || n.StartsWith($"{Root}.{folder}.", StringComparison.Ordinal)));
    }
}
