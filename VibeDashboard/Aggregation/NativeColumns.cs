using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace VibeDashboard.Aggregation;

/// <summary>
/// Column reads of a stepped statement for the full-recompute scan (≈ 30 per row, millions of rows). SQLitePCL's
/// wrappers marshal the statement as a SafeHandle and dispatch through an interface on every call, which cost more
/// than the scan itself; these call the same e_sqlite3 library Microsoft.Data.Sqlite loaded, with the raw handle and
/// <see cref="SuppressGCTransitionAttribute"/> (the column functions are short and never call back). When that
/// library is not the one in use (another SQLitePCL provider), every call falls back to SQLitePCL.
/// </summary>
internal static unsafe partial class NativeColumns
{
    private const string Library = "e_sqlite3";

    /// <summary>True when the e_sqlite3 exports answer and are the library SQLitePCL uses.</summary>
    public static readonly bool Direct = Probe();

    private static bool Probe()
    {
        try
        {
            return sqlite3_libversion_number() == raw.sqlite3_libversion_number();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Type(sqlite3_stmt statement, nint handle, int column) =>
        Direct ? sqlite3_column_type(handle, column) : raw.sqlite3_column_type(statement, column);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Int64(sqlite3_stmt statement, nint handle, int column) =>
        Direct ? sqlite3_column_int64(handle, column) : raw.sqlite3_column_int64(statement, column);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Double(sqlite3_stmt statement, nint handle, int column) =>
        Direct ? sqlite3_column_double(handle, column) : raw.sqlite3_column_double(statement, column);

    /// <summary>A TEXT (or BLOB) cell's bytes, valid until the next step; empty for NULL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Bytes(sqlite3_stmt statement, nint handle, int column)
    {
        if (!Direct)
        {
            return raw.sqlite3_column_blob(statement, column);
        }

        var p = sqlite3_column_blob(handle, column);
        return p == 0 ? default : new ReadOnlySpan<byte>((void*)p, sqlite3_column_bytes(handle, column));
    }

    [DllImport(Library), SuppressGCTransition]
    private static extern int sqlite3_libversion_number();

    [DllImport(Library), SuppressGCTransition]
    private static extern int sqlite3_column_type(nint statement, int column);

    [DllImport(Library), SuppressGCTransition]
    private static extern long sqlite3_column_int64(nint statement, int column);

    [DllImport(Library), SuppressGCTransition]
    private static extern double sqlite3_column_double(nint statement, int column);

    [DllImport(Library), SuppressGCTransition]
    private static extern nint sqlite3_column_blob(nint statement, int column);

    [DllImport(Library), SuppressGCTransition]
    private static extern int sqlite3_column_bytes(nint statement, int column);
}
