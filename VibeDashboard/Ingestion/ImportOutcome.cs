using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion;

public enum ImportOutcome
{
    Succeeded,
    Rejected,
    Failed,

    /// <summary>Read completely but not applied: it would empty a VibeSDK table or shrink it by more than half (the reason says which).</summary>
    Held,
}

/// <summary>The typed outcome of a history row, which Storage keeps as the outcome's name.</summary>
public static class ImportRecordOutcome
{
    extension(ImportRecord record)
    {
        /// <summary>An outcome this version does not know (a newer one wrote the row) reads as failed.</summary>
        public ImportOutcome OutcomeKind => Enum.TryParse<ImportOutcome>(record.Outcome, out var outcome) ? outcome : ImportOutcome.Failed;

        public bool Succeeded => record.OutcomeKind == ImportOutcome.Succeeded;

        public bool Held => record.OutcomeKind == ImportOutcome.Held;
    }
}
