namespace VibeDashboard.Ingestion.Demo;
public sealed record DemoTable(string Name, string CreateSql, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);
public sealed class DemoDataGenerator(int seed, long anchorMs)
{
    public int Seed => seed; public long AnchorMs => anchorMs;
    public IEnumerable<VibeDashboard.Storage.OpsEvent> Events(long fromMs, long toMs) => [];
    public IEnumerable<object?[]> AuthAttempts(long fromMs, long toMs) => [];
    public static IReadOnlyList<string> AuthAttemptColumns { get; } = [];
    public IReadOnlyList<DemoTable> Tables(int days) => [];
}
