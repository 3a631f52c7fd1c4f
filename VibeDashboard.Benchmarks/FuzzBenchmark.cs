using System.Diagnostics;
using VibeDashboard.Tests.Ingestion.Fuzz;

namespace VibeDashboard.Benchmarks;

/// <summary>
/// Issue 8 item 8: the fuzz test, run longer. <c>fuzz --iterations N --seed S</c> imports N mutated real exports
/// (default 100,000) into stores holding a baseline import and prints tried, imported, quarantined, rejected, held,
/// failed and crashed (goal 0), per mutation kind, and the first reproductions. Options: <c>--workers N</c> (stores
/// side by side, default 2), <c>--depth N</c> (deepest nesting written, default 50,000: the unfixed recursive parser
/// dies of a stack overflow there, which .NET cannot catch), <c>--only I</c> (one iteration), <c>--write DIR</c>
/// (save the mutated exports that broke something, or with <c>--only</c> that one, to reproduce by hand),
/// <c>--kind K</c> (only the iterations whose mutation is of that kind).
/// Exit 0 when nothing crashed or broke, 1 otherwise.
/// </summary>
public sealed class FuzzBenchmark : IBenchmark
{
    private static readonly DateTimeOffset Now = new(2025, 11, 26, 0, 0, 0, TimeSpan.Zero);

    public string Name => "fuzz";

    public string Description => "imports N mutated exports and counts crashes (--iterations N --seed S [--workers N --depth N --only I --kind K --write DIR])";

    public async Task<int> RunAsync(string[] args)
    {
        var seed = ImportBenchmark.IntOption(args, "--seed", 1);
        var iterations = ImportBenchmark.IntOption(args, "--iterations", 100_000);
        var workers = Math.Max(1, ImportBenchmark.IntOption(args, "--workers", 2));
        var depth = ImportBenchmark.IntOption(args, "--depth", 50_000);
        var only = ImportBenchmark.IntOption(args, "--only", -1);
        var write = ImportBenchmark.StringOption(args, "--write");
        var kind = ImportBenchmark.StringOption(args, "--kind") is { Length: > 0 } k ? Enum.Parse<MutationKind>(k, ignoreCase: true) : (MutationKind?)null;
        var testData = Path.Combine(AppContext.BaseDirectory, "TestData");
        var baseline = Path.Combine(testData, ExportMutator.BaselineFixture);
        var mutator = ExportMutator.FromTestData(testData, depth);
        var first = only >= 0 ? only : 0;
        var count = only >= 0 ? 1 : iterations;
        if (only >= 0 && write is { Length: > 0 })
        {
            Save(write, mutator.Mutate(seed, only));
        }

        Console.WriteLine($"fuzz: {count:N0} mutated exports, seed {seed}, {workers} stores, nesting up to {depth:N0} deep");
        var tally = new FuzzTally();
        var done = 0;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var report = new Lock();
        var timings = new System.Collections.Concurrent.ConcurrentBag<Dictionary<string, double>>();
        var tasks = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            await using var harness = await FuzzHarness.CreateAsync(baseline, Now);
            timings.Add(harness.Timings);
            for (var i = first + worker; i < first + count; i += workers)
            {
                var export = mutator.Mutate(seed, i);
                if (kind is not null && export.Kind != kind)
                {
                    Interlocked.Increment(ref done);
                    continue;
                }

                if (export.Kind == MutationKind.DeepNesting && export.Bytes.Length > 160_000)
                {
                    // A stack overflow ends the process without a word: name the export first, so it can be reproduced.
                    Console.WriteLine($"  importing {export.Reproduction}");
                }

                var result = await harness.RunAsync(export);
                if (tally.Add(result))
                {
                    Console.WriteLine("  NEW FAILURE " + result.Describe());
                    if (write is { Length: > 0 })
                    {
                        Save(write, export);
                    }
                }

                var n = Interlocked.Increment(ref done);
                lock (report)
                {
                    if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(10))
                    {
                        lastReport = clock.Elapsed;
                        var t = tally.Total;
                        Console.WriteLine($"  {n:N0}/{count:N0} in {clock.Elapsed.TotalSeconds:F0} s ({n / clock.Elapsed.TotalSeconds:F0}/s): imported {t.Imported:N0}, rejected {t.Rejected:N0}, held {t.Held:N0}, failed {t.Failed:N0}, crashed {t.Crashed:N0}, broken {t.Broken:N0}");
                    }
                }
            }
        }));
        await Task.WhenAll(tasks);

        Console.WriteLine();
        Console.WriteLine($"{count:N0} mutated exports in {clock.Elapsed.TotalSeconds:F0} s ({count / clock.Elapsed.TotalSeconds:F0}/s)");
        Console.Write(tally.Table());
        var tried = Math.Max(1, tally.Total.Tried);
        var phases = timings.SelectMany(t => t).GroupBy(p => p.Key).Select(g => $"{g.Key} {g.Sum(p => p.Value) / tried:F1}");
        Console.WriteLine($"ms per export, summed over the stores: {string.Join(", ", phases.Select(p => p))}");
        Console.WriteLine("(quarantined: imports that succeeded with quarantined rows; broken: an invariant other than a crash failed — store changed on a refusal, tick threw, snapshot unserialisable or over 1 MB, an offender query threw)");
        if (tally.Distinct.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"{tally.Distinct.Count} distinct failures (by mutation kind and what went wrong):");
            Console.Write(tally.DistinctFailures());
        }

        if (tally.Broken.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"first {tally.Broken.Count} reproductions:");
            foreach (var broken in tally.Broken)
            {
                Console.WriteLine("  " + broken.Describe());
            }
        }

        Console.WriteLine($"crashed: {tally.Total.Crashed:N0}   goal: 0 over >= 100,000 mutated exports");
        return tally.Total.Crashed == 0 && tally.Total.Broken == 0 ? 0 : 1;
    }

    private static void Save(string directory, MutatedExport export)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"fuzz-{export.Seed}-{export.Iteration}-{export.Kind}.sql");
        File.WriteAllBytes(path, export.Bytes);
        Console.WriteLine($"  wrote {path}");
    }
}
