using VibeDashboard.Configuration;

namespace VibeDashboard.Ingestion;

/// <summary>
/// The grammar's limits for one import (from <see cref="IngestionOptions"/>). The parser and the readers check
/// them while reading, so no input — however deep, long or wide — can exhaust the stack or the memory; each
/// limit is a rejection naming the line and the <c>Ingestion:*</c> key.
/// </summary>
public sealed record ExportLimits(
    int MaxStatementChars,
    int MaxNestingDepth,
    int MaxValueBytes,
    int MaxIdentifierLength,
    int MaxColumns)
{
    /// <summary>The defaults of <see cref="IngestionOptions"/>.</summary>
    public static readonly ExportLimits Default = From(new IngestionOptions());

    public static ExportLimits From(IngestionOptions options) => new(
        options.MaxStatementBytes, options.MaxNestingDepth, options.MaxValueBytes, options.MaxIdentifierLength, options.MaxColumns);
}
