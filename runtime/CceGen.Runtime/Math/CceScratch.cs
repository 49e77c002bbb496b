using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CceGen.Runtime;

/// <summary>
/// A per-thread scratch row for the fused gradient: pass 2 keeps exp(x - max) there (in L1/L2), so pass 3 can write
/// the gradient with non-temporal stores instead of reading its lines for ownership first.
/// </summary>
/// <remarks>One array per thread, grown to the largest C seen (at most <see cref="MaxFloats"/>); no allocation after that.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CceScratch
{
    /// <summary>Largest row kept in scratch: 131,072 floats (512 KiB, within L2). Longer rows keep their exps in the gradient row.</summary>
    public const int MaxFloats = 1 << 17;

    [ThreadStatic]
    private static float[]? t_row;

    /// <summary>The start of a scratch row of at least <paramref name="count"/> + 16 floats (count &lt;= <see cref="MaxFloats"/>;
    /// the 16 extra let a partial last block be stored whole).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Row(int count)
    {
        float[]? row = t_row;
        if (row is null || row.Length < count + 16)
        {
            row = Grow(count);
        }

        return ref MemoryMarshal.GetArrayDataReference(row);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[] Grow(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxFloats);
        float[] row = GC.AllocateUninitializedArray<float>(Math.Max(count + 16, 1024));
        t_row = row;
        return row;
    }
}
