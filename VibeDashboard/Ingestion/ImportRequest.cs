namespace VibeDashboard.Ingestion;

/// <summary>How one import may behave beyond the defaults (<see cref="Importer.ImportFileAsync(string, ImportRequest, CancellationToken)"/>).</summary>
public sealed record ImportRequest
{
    public static readonly ImportRequest Default = new();

    /// <summary>
    /// Apply the export even when it would empty a VibeSDK table or shrink it by more than half (the CLI's
    /// <c>--allow-shrink</c>, the Imports page's "Apply anyway"). Without it such an export is held.
    /// </summary>
    public bool AllowShrink { get; init; }
}

/// <summary>An export read completely but not applied, because it would empty or halve VibeSDK tables.</summary>
public sealed class ImportHeldException(IReadOnlyList<TableShrink> shrinks)
    : Exception(string.Join("; ", shrinks) + ": held; import with --allow-shrink or confirm on the Imports page")
{
    public IReadOnlyList<TableShrink> Shrinks { get; } = shrinks;
}
