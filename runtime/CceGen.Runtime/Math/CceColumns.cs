using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CceGen.Runtime;

/// <summary>
/// Column access for kernels with a small compile-time C (at most 16): a group of 16 (AVX-512) or 8 (AVX2) rows is
/// read column by column, one row per lane, so the row reductions run as vertical operations.
/// </summary>
/// <remarks>
/// Gathers read exactly the addressed elements (rows of the group, columns below C; float16 columns are read as pairs
/// of neighbouring halves that both lie in the row), so nothing outside the rows is touched. .NET exposes no 512-bit
/// gather, so a 16-row column is two 256-bit gathers.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CceColumns
{
    /// <summary>Largest row stride whose 16-row offsets (15 x stride + 15) fit the gathers' 32-bit indices.</summary>
    public const int MaxRowStride = (int.MaxValue / 16) - 1;

    /// <summary>How many groups of rows ahead <see cref="PrefetchGroup(ref float, int, nint)"/> asks for.</summary>
    /// <remarks>
    /// The gathers of a column group do not train the hardware prefetchers as a stream of loads does. On an AMD EPYC
    /// (Zen 4) the C = 10 column path ran at 1.38 ns/elem from DRAM and 0.92 in L2; asking for the group 2, 4 or 8 groups
    /// ahead brought it to 0.97-1.00 (probe, interleaved). 4 is the middle of that flat range.
    /// </remarks>
    public const int PrefetchGroups = 4;

    /// <summary>
    /// Asks for the cache lines of the group of <paramref name="rows"/> rows that starts <see cref="PrefetchGroups"/>
    /// groups after <paramref name="group"/>: every line of a dense group, or the first and last line of each row's 16
    /// floats when the rows are further apart. Hints only: they never fault, so lines past the buffer are harmless.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void PrefetchGroup(ref float group, int rows, nint rowStride) =>
        PrefetchGroup((byte*)Unsafe.AsPointer(ref group), rows, rowStride * sizeof(float), 16 * sizeof(float));

    /// <summary>As <see cref="PrefetchGroup(ref float, int, nint)"/> for rows of halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void PrefetchGroup(ref Half group, int rows, nint rowStride) =>
        PrefetchGroup((byte*)Unsafe.AsPointer(ref group), rows, rowStride * sizeof(ushort), 16 * sizeof(ushort));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchGroup(byte* group, int rows, nint rowBytes, nint usedBytes)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        byte* ahead = group + (PrefetchGroups * rows * rowBytes);
        if (rowBytes <= usedBytes)
        {
            // Dense: the group is one run of rows * rowBytes bytes.
            nint bytes = rows * rowBytes;
            for (nint b = 0; b < bytes; b += 64)
            {
                Sse.Prefetch0(ahead + b);
            }

            Sse.Prefetch0(ahead + bytes - 1);
        }
        else
        {
            for (int r = 0; r < rows; r++)
            {
                Sse.Prefetch0(ahead + (r * rowBytes));
                Sse.Prefetch0(ahead + (r * rowBytes) + usedBytes - 1);
            }
        }
    }

    /// <summary>0, stride, 2 x stride, ... for 16 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> RowOffsets512(int rowStride) => Vector512<int>.Indices * rowStride;

    /// <summary>0, stride, 2 x stride, ... for 8 rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> RowOffsets256(int rowStride) => Vector256<int>.Indices * rowStride;

    /// <summary>origin[offsets[i]] for 16 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> Gather512(ref float origin, Vector512<int> offsets)
    {
        fixed (float* p = &origin)
        {
            return Join(Avx2.GatherVector256(p, offsets.GetLower(), 4), Avx2.GatherVector256(p, offsets.GetUpper(), 4));
        }
    }

    /// <summary>origin[offsets[i]] for 8 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Gather256(ref float origin, Vector256<int> offsets)
    {
        fixed (float* p = &origin)
        {
            return Avx2.GatherVector256(p, offsets, 4);
        }
    }

    /// <summary>
    /// The 32 bits at origin + offsets[i] halves for 16 lanes: a pair of neighbouring halves, the first in the low 16 bits.
    /// The caller keeps the pair inside the row (the second element is at most column C - 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<uint> GatherPairs512(ref Half origin, Vector512<int> offsets)
    {
        fixed (Half* p = &origin)
        {
            return Join(Avx2.GatherVector256((uint*)p, offsets.GetLower(), 2), Avx2.GatherVector256((uint*)p, offsets.GetUpper(), 2));
        }
    }

    /// <summary>The 32 bits at origin + offsets[i] halves for 8 lanes (see <see cref="GatherPairs512"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<uint> GatherPairs256(ref Half origin, Vector256<int> offsets)
    {
        fixed (Half* p = &origin)
        {
            return Avx2.GatherVector256((uint*)p, offsets, 2);
        }
    }

    /// <summary>The first half of each gathered pair, widened exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenLow(Vector512<uint> pairs) => HalfWidening.ToSingle(pairs); // reads bits 0-15 only

    /// <summary>The second half of each gathered pair, widened exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenHigh(Vector512<uint> pairs) => HalfWidening.ToSingle(pairs >>> 16);

    /// <summary>The first half of each gathered pair, widened exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenLow(Vector256<uint> pairs) => HalfWidening.ToSingle(pairs);

    /// <summary>The second half of each gathered pair, widened exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenHigh(Vector256<uint> pairs) => HalfWidening.ToSingle(pairs >>> 16);

    // Vector512.Create(lower, upper) compiles to a load of a stack temporary and two inserts; this is one insert.
    // (The kernels call the 16-lane gathers on the AVX-512 path only; without AVX-512, Vector512 is emulated.)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Join<T>(Vector256<T> lower, Vector256<T> upper) =>
        Avx512F.IsSupported
            ? Avx512F.InsertVector256(lower.ToVector512Unsafe().AsSingle(), upper.AsSingle(), 1).As<float, T>()
            : Vector512.Create(lower, upper);

    /// <summary>The labels of rows <paramref name="row0"/> .. +15, checked against C in row order (the first bad
    /// row throws, as the per-row code would).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Labels512(ref int labels, int row0, int labelStride, int classCount, string parameterName)
    {
        if (labelStride == 1)
        {
            Vector512<int> v = Vector512.LoadUnsafe(ref Unsafe.Add(ref labels, row0));
            if (!Vector512.GreaterThanOrEqualAny(v.AsUInt32(), Vector512.Create((uint)classCount)))
            {
                return v;
            }
        }

        return Gathered(ref labels, row0, labelStride, 16, classCount, parameterName);
    }

    /// <summary>The labels of 16 rows from <c>long</c> labels, checked in row order.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector512<int> Labels512(ref long labels, int row0, int labelStride, int classCount, string parameterName) =>
        Gathered(ref labels, row0, labelStride, 16, classCount, parameterName);

    /// <summary>The labels of rows <paramref name="row0"/> .. +7, checked in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Labels256(ref int labels, int row0, int labelStride, int classCount, string parameterName)
    {
        if (labelStride == 1)
        {
            Vector256<int> v = Vector256.LoadUnsafe(ref Unsafe.Add(ref labels, row0));
            if (!Vector256.GreaterThanOrEqualAny(v.AsUInt32(), Vector256.Create((uint)classCount)))
            {
                return v;
            }
        }

        return Gathered(ref labels, row0, labelStride, 8, classCount, parameterName).GetLower();
    }

    /// <summary>The labels of 8 rows from <c>long</c> labels, checked in row order.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector256<int> Labels256(ref long labels, int row0, int labelStride, int classCount, string parameterName) =>
        Gathered(ref labels, row0, labelStride, 8, classCount, parameterName).GetLower();

    /// <summary>total + v[0] + v[1] + ... in lane (row) order, in double: the kernels' row-order sum.</summary>
    /// <remarks>
    /// The 16 losses are widened to double (exact) by two vector conversions and stored once; the sixteen ordered adds then
    /// take their operands from memory. (A GetElement loop compiles to a 64-byte store and a reload per lane.)
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AddInRowOrder(double total, Vector512<float> losses)
    {
        DoubleLanes16 lanes;
        lanes.Lower = Vector512.WidenLower(losses);
        lanes.Upper = Vector512.WidenUpper(losses);
        ref double d = ref Unsafe.As<DoubleLanes16, double>(ref lanes);
        total += d;
        total += Unsafe.Add(ref d, 1);
        total += Unsafe.Add(ref d, 2);
        total += Unsafe.Add(ref d, 3);
        total += Unsafe.Add(ref d, 4);
        total += Unsafe.Add(ref d, 5);
        total += Unsafe.Add(ref d, 6);
        total += Unsafe.Add(ref d, 7);
        total += Unsafe.Add(ref d, 8);
        total += Unsafe.Add(ref d, 9);
        total += Unsafe.Add(ref d, 10);
        total += Unsafe.Add(ref d, 11);
        total += Unsafe.Add(ref d, 12);
        total += Unsafe.Add(ref d, 13);
        total += Unsafe.Add(ref d, 14);
        total += Unsafe.Add(ref d, 15);
        return total;
    }

    /// <summary>total + v[0] + ... + v[7] in lane (row) order, in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AddInRowOrder(double total, Vector256<float> losses)
    {
        DoubleLanes8 lanes;
        lanes.Lower = Vector256.WidenLower(losses);
        lanes.Upper = Vector256.WidenUpper(losses);
        ref double d = ref Unsafe.As<DoubleLanes8, double>(ref lanes);
        total += d;
        total += Unsafe.Add(ref d, 1);
        total += Unsafe.Add(ref d, 2);
        total += Unsafe.Add(ref d, 3);
        total += Unsafe.Add(ref d, 4);
        total += Unsafe.Add(ref d, 5);
        total += Unsafe.Add(ref d, 6);
        total += Unsafe.Add(ref d, 7);
        return total;
    }

    private struct DoubleLanes16
    {
        public Vector512<double> Lower;
        public Vector512<double> Upper;
    }

    private struct DoubleLanes8
    {
        public Vector256<double> Lower;
        public Vector256<double> Upper;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<int> Gathered(ref int labels, int row0, int labelStride, int count, int classCount, string parameterName)
    {
        Vector512<int> buffer = default;
        for (int r = 0; r < count; r++)
        {
            int label = Unsafe.Add(ref labels, (nint)(row0 + r) * labelStride);
            if ((uint)label >= (uint)classCount)
            {
                CceThrowHelper.LabelOutOfRange(parameterName, row0 + r, label, classCount);
            }

            buffer = buffer.WithElement(r, label);
        }

        return buffer;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<int> Gathered(ref long labels, int row0, int labelStride, int count, int classCount, string parameterName)
    {
        Vector512<int> buffer = default;
        for (int r = 0; r < count; r++)
        {
            long label = Unsafe.Add(ref labels, (nint)(row0 + r) * labelStride);
            if ((ulong)label >= (ulong)classCount)
            {
                CceThrowHelper.LabelOutOfRange(parameterName, row0 + r, label, classCount);
            }

            buffer = buffer.WithElement(r, (int)label);
        }

        return buffer;
    }
}
