namespace VibeDashboard.Benchmarks;

/// <summary>One benchmark command: <c>dotnet run -c Release --project VibeDashboard.Benchmarks -- &lt;Name&gt; [options]</c>.</summary>
public interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args);
}
