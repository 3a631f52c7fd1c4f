namespace VibeDashboard.Ingestion;

/// <summary>
/// An export that is malformed, hostile or incomplete. Nothing of it is applied; <see cref="Line"/> is the
/// 1-based line where the offending statement starts (0 when the export is not a text dump).
/// </summary>
public sealed class ExportRejectedException(long line, string reason) : Exception(line > 0 ? $"line {line}: {reason}" : reason)
{
    public long Line { get; } = line;

    public string Reason { get; } = reason;
}
