using System;
using System.ComponentModel;
using System.Numerics;
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

    /// <summary>
    /// The number of rows of a group that count as correct: the first column holding the row max is the label, and
    /// the row's sum is a number (a row whose loss is NaN never counts), as <see cref="CceRow.IsFirstMax(ref float, nint, float)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountCorrect(Vector512<int> firstMax, Vector512<int> label, Vector512<float> sum) =>
        BitOperations.PopCount((Vector512.Equals(firstMax, label) & Vector512.Equals(sum, sum).AsInt32()).ExtractMostSignificantBits());

    /// <inheritdoc cref="CountCorrect(Vector512{int}, Vector512{int}, Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountCorrect(Vector256<int> firstMax, Vector256<int> label, Vector256<float> sum) =>
        BitOperations.PopCount((Vector256.Equals(firstMax, label) & Vector256.Equals(sum, sum).AsInt32()).ExtractMostSignificantBits());

    /// <summary>1 in the rows whose label is <paramref name="column"/>, 0 elsewhere: column j of the one-hot matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> OneHot(Vector512<int> label, int column) =>
        Vector512.ConditionalSelect(Vector512.Equals(label, Vector512.Create(column)).AsSingle(), Vector512<float>.One, Vector512<float>.Zero);

    /// <inheritdoc cref="OneHot(Vector512{int}, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> OneHot(Vector256<int> label, int column) =>
        Vector256.ConditionalSelect(Vector256.Equals(label, Vector256.Create(column)).AsSingle(), Vector256<float>.One, Vector256<float>.Zero);

    /// <summary>
    /// Stores a group of 16 rows given as columns (<paramref name="columns"/>[j], lane r = element j of row r): a 16 x 16
    /// transpose in registers (unpack 32-bit, unpack 64-bit, two rounds of 128-bit shuffles), then the first
    /// <paramref name="classCount"/> elements of each row r at <paramref name="rows"/> + r * <paramref name="rowStride"/>.
    /// Nothing else is written, so padding between rows is left alone. The tile is transposed in place; columns at or
    /// past <paramref name="classCount"/> may hold anything (their lanes are never stored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRows(ref float rows, int rowStride, int classCount, ref CceColumnTile512 columns)
    {
        Transpose16(ref columns);
        for (int r = 0; r < 16; r++)
        {
            CceVector.StorePartial(ref Unsafe.Add(ref rows, (nint)r * rowStride), columns[r], classCount);
        }
    }

    /// <inheritdoc cref="StoreRows(ref float, int, int, ref CceColumnTile512)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRows(ref Half rows, int rowStride, int classCount, ref CceColumnTile512 columns)
    {
        Transpose16(ref columns);
        for (int r = 0; r < 16; r++)
        {
            CceVector.StorePartial(ref Unsafe.Add(ref rows, (nint)r * rowStride), columns[r], classCount);
        }
    }

    /// <summary>
    /// Stores a group of 8 rows given as 16 columns of 8 lanes: columns 0-7 and 8-15 are two 8 x 8 transposes; row r's
    /// elements 0-7 come from the first, 8-15 from the second; the first <paramref name="classCount"/> are stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRows(ref float rows, int rowStride, int classCount, ref CceColumnTile256 columns)
    {
        Transpose8(ref columns[0]);
        if (classCount > 8)
        {
            Transpose8(ref columns[8]);
        }

        for (int r = 0; r < 8; r++)
        {
            ref float row = ref Unsafe.Add(ref rows, (nint)r * rowStride);
            CceVector.StorePartial(ref row, columns[r], Math.Min(classCount, 8)); // a whole vector for 8
            if (classCount > 8)
            {
                CceVector.StorePartial(ref Unsafe.Add(ref row, 8), columns[8 + r], classCount - 8);
            }
        }
    }

    /// <inheritdoc cref="StoreRows(ref float, int, int, ref CceColumnTile256)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreRows(ref Half rows, int rowStride, int classCount, ref CceColumnTile256 columns)
    {
        Transpose8(ref columns[0]);
        if (classCount > 8)
        {
            Transpose8(ref columns[8]);
        }

        for (int r = 0; r < 8; r++)
        {
            ref Half row = ref Unsafe.Add(ref rows, (nint)r * rowStride);
            CceVector.StorePartial(ref row, columns[r], Math.Min(classCount, 8));
            if (classCount > 8)
            {
                CceVector.StorePartial(ref Unsafe.Add(ref row, 8), columns[8 + r], classCount - 8);
            }
        }
    }

    /// <summary>
    /// The rows of a group whose gradient can hold a NaN, as a bit mask (bit r = row r): the lanes of
    /// <paramref name="sumTimesScale"/> that are not finite, the vector form of <see cref="CceRow.GradientMayHoldNaN"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong NonFiniteRows(Vector512<float> sumTimesScale) =>
        (~Vector512.Equals(sumTimesScale - sumTimesScale, Vector512<float>.Zero)).ExtractMostSignificantBits();

    /// <inheritdoc cref="NonFiniteRows(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong NonFiniteRows(Vector256<float> sumTimesScale) =>
        (~Vector256.Equals(sumTimesScale - sumTimesScale, Vector256<float>.Zero)).ExtractMostSignificantBits();

    /// <summary>
    /// Every NaN of the group's rows named by <paramref name="rowMask"/> (from <see cref="NonFiniteRows(Vector512{float})"/>)
    /// rewritten as <see cref="float.NaN"/> by <see cref="CceRow.CanonicalizeNaNs(ref float, int)"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CanonicalizeRows(ref float rows, int rowStride, int classCount, ulong rowMask)
    {
        for (; rowMask != 0; rowMask &= rowMask - 1)
        {
            CceRow.CanonicalizeNaNs(ref Unsafe.Add(ref rows, (nint)BitOperations.TrailingZeroCount(rowMask) * rowStride), classCount);
        }
    }

    /// <inheritdoc cref="CanonicalizeRows(ref float, int, int, ulong)"/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CanonicalizeRows(ref Half rows, int rowStride, int classCount, ulong rowMask)
    {
        for (; rowMask != 0; rowMask &= rowMask - 1)
        {
            CceRow.CanonicalizeNaNs(ref Unsafe.Add(ref rows, (nint)BitOperations.TrailingZeroCount(rowMask) * rowStride), classCount);
        }
    }

    /// <summary>In-place 16 x 16 transpose: afterwards element [r][j] is what [j][r] was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(ref CceColumnTile512 m)
    {
        // Stage 1: t[2k] / t[2k+1] interleave columns 2k and 2k+1 (32-bit lanes, within each 128-bit block).
        Vector512<float> t0 = Avx512F.UnpackLow(m[0], m[1]), t1 = Avx512F.UnpackHigh(m[0], m[1]);
        Vector512<float> t2 = Avx512F.UnpackLow(m[2], m[3]), t3 = Avx512F.UnpackHigh(m[2], m[3]);
        Vector512<float> t4 = Avx512F.UnpackLow(m[4], m[5]), t5 = Avx512F.UnpackHigh(m[4], m[5]);
        Vector512<float> t6 = Avx512F.UnpackLow(m[6], m[7]), t7 = Avx512F.UnpackHigh(m[6], m[7]);
        Vector512<float> t8 = Avx512F.UnpackLow(m[8], m[9]), t9 = Avx512F.UnpackHigh(m[8], m[9]);
        Vector512<float> t10 = Avx512F.UnpackLow(m[10], m[11]), t11 = Avx512F.UnpackHigh(m[10], m[11]);
        Vector512<float> t12 = Avx512F.UnpackLow(m[12], m[13]), t13 = Avx512F.UnpackHigh(m[12], m[13]);
        Vector512<float> t14 = Avx512F.UnpackLow(m[14], m[15]), t15 = Avx512F.UnpackHigh(m[14], m[15]);

        // Stage 2: u[4g + i], block b = row 4b + i, columns 4g .. 4g + 3 (64-bit interleave).
        Vector512<float> u0 = Lo64(t0, t2), u1 = Hi64(t0, t2), u2 = Lo64(t1, t3), u3 = Hi64(t1, t3);
        Vector512<float> u4 = Lo64(t4, t6), u5 = Hi64(t4, t6), u6 = Lo64(t5, t7), u7 = Hi64(t5, t7);
        Vector512<float> u8 = Lo64(t8, t10), u9 = Hi64(t8, t10), u10 = Lo64(t9, t11), u11 = Hi64(t9, t11);
        Vector512<float> u12 = Lo64(t12, t14), u13 = Hi64(t12, t14), u14 = Lo64(t13, t15), u15 = Hi64(t13, t15);

        // Stages 3 and 4: row 4b + i = block b of u[i], u[4 + i], u[8 + i], u[12 + i] (a 4 x 4 transpose of blocks).
        Rows4(ref m, 0, u0, u4, u8, u12);
        Rows4(ref m, 1, u1, u5, u9, u13);
        Rows4(ref m, 2, u2, u6, u10, u14);
        Rows4(ref m, 3, u3, u7, u11, u15);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Lo64(Vector512<float> a, Vector512<float> b) => Avx512F.UnpackLow(a.AsDouble(), b.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Hi64(Vector512<float> a, Vector512<float> b) => Avx512F.UnpackHigh(a.AsDouble(), b.AsDouble()).AsSingle();

    /// <summary>Rows i, 4 + i, 8 + i and 12 + i from the four vectors whose block b holds row 4b + i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows4(ref CceColumnTile512 m, int i, Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        Vector512<float> ab01 = Avx512F.Shuffle4x128(a, b, 0x44), ab23 = Avx512F.Shuffle4x128(a, b, 0xEE); // [a0 a1 b0 b1], [a2 a3 b2 b3]
        Vector512<float> cd01 = Avx512F.Shuffle4x128(c, d, 0x44), cd23 = Avx512F.Shuffle4x128(c, d, 0xEE);
        m[i] = Avx512F.Shuffle4x128(ab01, cd01, 0x88);      // [a0 b0 c0 d0]
        m[4 + i] = Avx512F.Shuffle4x128(ab01, cd01, 0xDD);  // [a1 b1 c1 d1]
        m[8 + i] = Avx512F.Shuffle4x128(ab23, cd23, 0x88);  // [a2 b2 c2 d2]
        m[12 + i] = Avx512F.Shuffle4x128(ab23, cd23, 0xDD); // [a3 b3 c3 d3]
    }

    /// <summary>In-place 8 x 8 transpose of the 8 vectors starting at <paramref name="m0"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(ref Vector256<float> m0)
    {
        ref Vector256<float> m = ref m0;
        Vector256<float> t0 = Avx.UnpackLow(m, Unsafe.Add(ref m, 1)), t1 = Avx.UnpackHigh(m, Unsafe.Add(ref m, 1));
        Vector256<float> t2 = Avx.UnpackLow(Unsafe.Add(ref m, 2), Unsafe.Add(ref m, 3)), t3 = Avx.UnpackHigh(Unsafe.Add(ref m, 2), Unsafe.Add(ref m, 3));
        Vector256<float> t4 = Avx.UnpackLow(Unsafe.Add(ref m, 4), Unsafe.Add(ref m, 5)), t5 = Avx.UnpackHigh(Unsafe.Add(ref m, 4), Unsafe.Add(ref m, 5));
        Vector256<float> t6 = Avx.UnpackLow(Unsafe.Add(ref m, 6), Unsafe.Add(ref m, 7)), t7 = Avx.UnpackHigh(Unsafe.Add(ref m, 6), Unsafe.Add(ref m, 7));
        // u[4g + i], 128-bit block b = row 4b + i, columns 4g .. 4g + 3.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        m = Avx.Permute2x128(u0, u4, 0x20);
        Unsafe.Add(ref m, 1) = Avx.Permute2x128(u1, u5, 0x20);
        Unsafe.Add(ref m, 2) = Avx.Permute2x128(u2, u6, 0x20);
        Unsafe.Add(ref m, 3) = Avx.Permute2x128(u3, u7, 0x20);
        Unsafe.Add(ref m, 4) = Avx.Permute2x128(u0, u4, 0x31);
        Unsafe.Add(ref m, 5) = Avx.Permute2x128(u1, u5, 0x31);
        Unsafe.Add(ref m, 6) = Avx.Permute2x128(u2, u6, 0x31);
        Unsafe.Add(ref m, 7) = Avx.Permute2x128(u3, u7, 0x31);
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

/// <summary>16 columns of a 16-row group (AVX-512): element [j] lane r is column j of row r.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[InlineArray(16)]
public struct CceColumnTile512
{
    private Vector512<float> _column0;
}

/// <summary>16 columns of an 8-row group (AVX2): element [j] lane r is column j of row r.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[InlineArray(16)]
public struct CceColumnTile256
{
    private Vector256<float> _column0;
}
