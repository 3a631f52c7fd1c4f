using Microsoft.Data.Sqlite;
using VibeDashboard.Storage;

namespace VibeDashboard.Ingestion;

/// <summary>
/// The last line of defence of an import, shared by the command line and the watch folder: an exception that
/// escaped the importer (the store cannot be opened or created, its folder is read-only, the disk is full) still
/// ends in a history row with its reason — when the store can take one at all.
/// </summary>
public static class ImportFailures
{
    /// <summary>One line, for a terminal, a log or the history: the message without a stack trace.</summary>
    public static string Describe(Exception exception)
    {
        var message = exception switch
        {
            // Microsoft.Data.Sqlite's messages carry the code ("SQLite Error 13: 'database or disk is full'.").
            SqliteException sqlite => sqlite.Message,
            AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
            _ => exception.Message,
        };
        // One line, and without the closing full stop: callers append "; the store is unchanged" and the like.
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
    }

    /// <summary>
    /// Whether the exception is an environment problem an operator expects (and so is logged without a stack trace)
    /// rather than a bug in the importer.
    /// </summary>
    public static bool IsExpected(Exception exception) =>
        exception is IOException or UnauthorizedAccessException or SqliteException or System.Text.DecoderFallbackException
            or Microsoft.Extensions.Options.OptionsValidationException;

    /// <summary>
    /// Writes a Failed history row for <paramref name="path"/>. Returns null when it was written, otherwise why not
    /// (the store itself is what failed, typically).
    /// </summary>
    public static async Task<string?> TryRecordAsync(ImportHistoryRepository history, TimeProvider time, string path, Exception exception, CancellationToken cancellationToken)
    {
        var record = new ImportRecord
        {
            Source = Path.GetFullPath(path),
            StartedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Outcome = nameof(ImportOutcome.Failed),
            Error = Describe(exception),
        };
        try
        {
            await history.AddAsync(record, cancellationToken: cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Describe(e);
        }
    }
}
