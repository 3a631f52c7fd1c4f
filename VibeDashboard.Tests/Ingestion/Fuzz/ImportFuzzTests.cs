using Xunit.Abstractions;

namespace VibeDashboard.Tests.Ingestion.Fuzz;

/// <summary>
/// Issue 8 item 8, fuzzing as a standing test: thousands of mutated real exports through the importer, each
/// checked for what a user would notice (the dashboard keeps serving, a bad export is refused with a reason and
/// leaves the store as it was). Seeded, so a failure names the seed and iteration that reproduce it
/// (<c>dotnet run -c Release --project VibeDashboard.Benchmarks -- fuzz --seed S --only I --write DIR</c>).
/// </summary>
public sealed class ImportFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 8;

    private const int Iterations = 3_000;

    /// <summary>
    /// A stack overflow cannot be caught in .NET: it ends the test process, and the whole suite with it. The suite
    /// therefore nests values at most this deep: far past Ingestion:MaxNestingDepth (32 by default, 1000 at most), so
    /// the rejection path is exercised, yet shallow enough that even the old recursive parser without a limit survived
    /// it (measured on the 2-core dev box: 10,000 deep in Debug, 20,000 in Release; ~25,000 frames overflowed), so a
    /// regression fails this test instead of killing the suite. The fuzz command goes to 50,000 by default: there a
    /// parser without a depth limit shows as a dead process, and the command names the export it was importing.
    /// </summary>
    private const int MaxNestingDepth = 5_000;

    /// <summary>The fixtures' events fall on 2025-11-24/25: a clock a little after keeps them inside every window.</summary>
    internal static readonly DateTimeOffset Now = new(2025, 11, 26, 0, 0, 0, TimeSpan.Zero);

    internal static ExportMutator Mutator(int maxNestingDepth = MaxNestingDepth) =>
        ExportMutator.FromTestData(Path.Combine(AppContext.BaseDirectory, "TestData"), maxNestingDepth);

    [Fact]
    public async Task Thousands_of_mutated_exports_neither_crash_the_import_nor_break_the_dashboard()
    {
        var mutator = Mutator();
        var tally = new FuzzTally();
        // Two stores side by side: an import is mostly one thread's work, and this machine has two cores.
        var workers = Enumerable.Range(0, 2).Select(async worker =>
        {
            await using var harness = await FuzzHarness.CreateAsync(Path.Combine(AppContext.BaseDirectory, "TestData", ExportMutator.BaselineFixture), Now);
            for (var i = worker; i < Iterations; i += 2)
            {
                tally.Add(await harness.RunAsync(mutator.Mutate(Seed, i)));
            }
        });
        await Task.WhenAll(workers);

        output.WriteLine(tally.Table());
        foreach (var broken in tally.Broken)
        {
            output.WriteLine(broken.Describe());
        }

        Assert.Equal(Iterations, tally.Total.Tried);
        var failures = tally.DistinctFailures() + "\n" + string.Join("\n", tally.Broken.Take(5).Select(b => b.Describe()));
        Assert.True(tally.Total.Crashed == 0, $"{tally.Total.Crashed} imports crashed (an exception escaped ImportFileAsync); first ones:\n{failures}\n{tally.Table()}");
        Assert.True(tally.Total.Broken == 0, $"{tally.Total.Broken} imports broke an invariant; first ones:\n{failures}\n{tally.Table()}");
        // The mutator is worth its name only if it makes all three: exports that still import, ones that must be
        // refused, and ones that would empty or halve a table the store holds.
        Assert.True(tally.Total.Imported > 0, "no mutated export imported");
        Assert.True(tally.Total.Rejected > 0, "no mutated export was rejected");
        Assert.True(tally.Total.Held > 0, "no mutated export was held");
    }

    [Fact]
    public void A_seed_and_iteration_always_make_the_same_export_and_every_mutation_kind_is_used()
    {
        var mutator = Mutator();
        var first = Enumerable.Range(0, 600).Select(i => mutator.Mutate(Seed, i)).ToList();
        var again = Enumerable.Range(0, 600).Select(i => Mutator().Mutate(Seed, i)).ToList();

        Assert.All(first.Zip(again), pair => Assert.Equal(pair.First.Bytes, pair.Second.Bytes));
        Assert.Equal(Enum.GetValues<MutationKind>().Order(), first.Select(m => m.Kind).Distinct().Order());
        Assert.All(first, m => Assert.True(m.Bytes.Length <= 4 * ExportMutator.MaxFileChars + 16, $"{m.Reproduction}: {m.Bytes.Length:N0} bytes"));
        Assert.NotEqual(mutator.Mutate(Seed, 1).Bytes, mutator.Mutate(Seed + 1, 1).Bytes);
    }
}
