using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CceGen.Runtime;

namespace CceGen.Benchmarks;

/// <summary>
/// A measured what-if for docs/PERFORMANCE.md, not part of CceGen and not in the BenchmarkDotNet suite (only
/// <c>--probe</c> runs it): float32 logits, C = 10, Mean, AVX-512, with the rows <b>transposed</b> 16 at a time so every
/// step is a vertical operation on 16 rows (no per-row horizontal max/sum, one exp per column instead of one per row,
/// one vector log per 16 rows). It uses the runtime's own ExpOperator/LogOperator and reproduces the canonical 16-lane
/// fold with vertical adds, so it returns the same bits as the generated LogitsMean10 (checked by the probe).
/// </summary>
public static class Experiments
{
    // .NET exposes no 512-bit gather: two AVX2 vgatherdps of 8 lanes each.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> Gather(float* basePointer, Vector512<int> offsets) => Vector512.Create(
        Avx2.GatherVector256(basePointer, offsets.GetLower(), 4),
        Avx2.GatherVector256(basePointer, offsets.GetUpper(), 4));

    /// <summary>Same contract as Kernels.LogitsMean10 for valid inputs (labels in [0, 10)); AVX-512 only.</summary>
    public static unsafe float TransposedMean10(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels)
    {
        const int C = 10;
        int batch = labels.Length;
        if (logits.Length != batch * C || !Avx512F.IsSupported || !Avx2.IsSupported)
        {
            throw new ArgumentException("TransposedMean10 needs B*10 logits and AVX-512.");
        }

        double total = 0;
        Vector512<int> rowOffsets = Vector512<int>.Indices * C;         // 0, 10, ..., 150
        Span<float> losses = stackalloc float[16];
        fixed (float* x = logits)
        fixed (int* y = labels)
        {
            int row0 = 0;
            for (; row0 <= batch - 16; row0 += 16)
            {
                float* p = x + (nint)row0 * C;
                Vector512<int> label = Vector512.Load(y + row0);
                if (Vector512.GreaterThanOrEqualAny(label.AsUInt32(), Vector512.Create((uint)C)))
                {
                    throw new ArgumentOutOfRangeException(nameof(labels));
                }

                // Column j of the 16 rows: z[r][j] for r = 0..15.
                Vector512<float> z0 = Gather(p + 0, rowOffsets);
                Vector512<float> z1 = Gather(p + 1, rowOffsets);
                Vector512<float> z2 = Gather(p + 2, rowOffsets);
                Vector512<float> z3 = Gather(p + 3, rowOffsets);
                Vector512<float> z4 = Gather(p + 4, rowOffsets);
                Vector512<float> z5 = Gather(p + 5, rowOffsets);
                Vector512<float> z6 = Gather(p + 6, rowOffsets);
                Vector512<float> z7 = Gather(p + 7, rowOffsets);
                Vector512<float> z8 = Gather(p + 8, rowOffsets);
                Vector512<float> z9 = Gather(p + 9, rowOffsets);
                Vector512<float> zy = Gather(p, rowOffsets + label);

                // Row max: the canonical max fold (l[i] vs l[i+8], then +4, then (0,2),(1,3)); max is exact, any order.
                Vector512<float> max = Vector512.MaxNative(
                    Vector512.MaxNative(Vector512.MaxNative(Vector512.MaxNative(z0, z8), z4), Vector512.MaxNative(z2, z6)),
                    Vector512.MaxNative(Vector512.MaxNative(Vector512.MaxNative(z1, z9), z5), Vector512.MaxNative(z3, z7)));

                Vector512<float> e0 = ExpOperator.Invoke(z0 - max), e1 = ExpOperator.Invoke(z1 - max);
                Vector512<float> e2 = ExpOperator.Invoke(z2 - max), e3 = ExpOperator.Invoke(z3 - max);
                Vector512<float> e4 = ExpOperator.Invoke(z4 - max), e5 = ExpOperator.Invoke(z5 - max);
                Vector512<float> e6 = ExpOperator.Invoke(z6 - max), e7 = ExpOperator.Invoke(z7 - max);
                Vector512<float> e8 = ExpOperator.Invoke(z8 - max), e9 = ExpOperator.Invoke(z9 - max);

                // Canonical fold of lanes l[j] = e_j (j < 10), 0 otherwise: t8 = l[i] + l[i+8], t4 = t8[i] + t8[i+4],
                // sum = (t4[0] + t4[2]) + (t4[1] + t4[3]). Adding the +0 lanes is exact, so they are skipped.
                Vector512<float> t40 = (e0 + e8) + e4, t41 = (e1 + e9) + e5, t42 = e2 + e6, t43 = e3 + e7;
                Vector512<float> sum = (t40 + t42) + (t41 + t43);

                Vector512<float> loss = (max - zy) + LogOperator.Invoke(sum);
                loss.Store((float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(losses)));
                for (int r = 0; r < 16; r++)
                {
                    total += losses[r]; // row order, in double, as the kernels do
                }
            }

            // Tail rows (B % 16): the generated per-row kernel, added in row order (same bits).
            if (row0 < batch)
            {
                int rest = batch - row0;
                Kernels.LogitsNone10(logits.Slice(row0 * C, rest * C), labels.Slice(row0, rest), losses[..rest]);
                for (int r = 0; r < rest; r++)
                {
                    total += losses[r];
                }
            }
        }

        return (float)(total / batch);
    }

    /// <summary>
    /// The generated AVX-512 body of Kernels.LogitsMean (C at run time), copied verbatim from
    /// obj/.../CceGen.Benchmarks.Kernels.LogitsMean.g.cs, plus one software prefetch per 64-byte line in the exp pass
    /// (Sse.Prefetch1 of the line max(C, 2048) floats ahead). Same operations on the data, so the same bits.
    /// Prefetching past the end of the buffer is harmless (prefetches never fault).
    /// </summary>
    public static float PrefetchMean(ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels)
    {
        int batch = labels.Length;
        if (classCount <= 0 || logits.Length != batch * classCount || !Avx512F.IsSupported)
        {
            throw new ArgumentException("PrefetchMean needs B*C logits and AVX-512.");
        }

        double total = PrefetchAvx512(ref MemoryMarshal.GetReference(logits), ref MemoryMarshal.GetReference(labels), batch, classCount);
        return (float)(total / batch);
    }

    private static unsafe double PrefetchAvx512(ref float predictions, ref int labels, int batch, int classCount)
    {
        double total = 0;
        int distance = Math.Max(classCount, 2048); // floats ahead: the next row, at least 8 KiB
        // Logs are taken 16 rows at a time with one vector log: the same operations as the scalar log, so the
        // same bits, at a fraction of the cost. Row losses are then used in row order.
        CceScalarLanes logArgs = CceScalarLanes.Create(1f);
        CceScalarLanes offsets = default;
        for (int row0 = 0; row0 < batch; row0 += 16)
        {
            int rows = Math.Min(16, batch - row0);
            for (int r = 0; r < rows; r++)
            {
                int row = row0 + r;
                ref float x = ref Unsafe.Add(ref predictions, (nint)row * classCount);
                int label = Unsafe.Add(ref labels, row);
                if ((uint)label >= (uint)classCount)
                {
                    CceThrowHelper.LabelOutOfRange("labels", row, label, classCount);
                }

                // Pass 1: row maximum, 16 lanes at a time; the tail is padded with -inf.
                Vector512<float> max = Vector512.Create(float.NegativeInfinity);
                int j = 0;
                for (; j <= classCount - 16; j += 16)
                {
                    max = Vector512.MaxNative(max, CceVector.Load512(ref Unsafe.Add(ref x, j)));
                }
                if (j < classCount)
                {
                    int rest = classCount - j;
                    max = Vector512.MaxNative(max, CceVector.LoadPartial512(ref Unsafe.Add(ref x, j), rest, float.NegativeInfinity));
                }
                float rowMax = CceVector.Max(max);

                // Pass 2 (the row is now in L1): sum of exp(x - max) in the canonical lane order.
                Vector512<float> vmax = Vector512.Create(rowMax);
                Vector512<float> sum = Vector512<float>.Zero;
                for (j = 0; j <= classCount - 16; j += 16)
                {
                    // The only change: while the row is in L1/L2 and the exp pass is compute-bound, ask for the
                    // line 'distance' floats ahead (the next rows) so the next max pass does not wait for DRAM.
                    Sse.Prefetch1(Unsafe.AsPointer(ref Unsafe.Add(ref x, j + distance)));
                    sum += ExpOperator.Invoke(CceVector.Load512(ref Unsafe.Add(ref x, j)) - vmax);
                }
                if (j < classCount)
                {
                    int rest = classCount - j;
                    sum += ExpOperator.Invoke(CceVector.LoadPartial512(ref Unsafe.Add(ref x, j), rest, float.NegativeInfinity) - vmax);
                }
                float rowSum = CceVector.Sum(sum);
                // (max - z[y]) + log(sum): the difference first, so huge logits keep log(sum) (three 1e30 logits give log 3).
                offsets[r] = rowMax - CceVector.Element(ref x, (nint)label);
                logArgs[r] = rowSum;
            }
            CceVector.LogInPlace512(ref logArgs);
            for (int r = 0; r < rows; r++)
            {
                total += offsets[r] + logArgs[r];
            }
        }
        return total;
    }

    /// <summary>
    /// The generated AVX-512 body of Kernels.LogitsMean10 copied verbatim, with one change: the label check calls a
    /// throw helper that is [DoesNotReturn] but not [MethodImpl(NoInlining)], so the JIT can see that it never returns
    /// (CceThrowHelper.LabelOutOfRange is NoInlining, so the JIT treats the call as returning and keeps the loop's
    /// values, including the double accumulator, in stack slots around it). Same operations on the data: same bits.
    /// </summary>
    public static float ThrowFixMean10(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels)
    {
        int batch = labels.Length;
        if (logits.Length != batch * 10 || !Avx512F.IsSupported)
        {
            throw new ArgumentException("ThrowFixMean10 needs B*10 logits and AVX-512.");
        }

        return (float)(ThrowFixAvx512(ref MemoryMarshal.GetReference(logits), ref MemoryMarshal.GetReference(labels), batch) / batch);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLabel(int row, int label) =>
        throw new ArgumentOutOfRangeException("labels", label, $"Label at row {row} is {label}; valid labels are in [0, 10).");

    private static double ThrowFixAvx512(ref float predictions, ref int labels, int batch)
    {
        double total = 0;
        // Logs are taken 16 rows at a time with one vector log: the same operations as the scalar log, so the
        // same bits, at a fraction of the cost. Row losses are then used in row order.
        CceScalarLanes logArgs = CceScalarLanes.Create(1f);
        CceScalarLanes offsets = default;
        for (int row0 = 0; row0 < batch; row0 += 16)
        {
            int rows = Math.Min(16, batch - row0);
            for (int r = 0; r < rows; r++)
            {
                int row = row0 + r;
                ref float x = ref Unsafe.Add(ref predictions, (nint)row * 10);
                int label = Unsafe.Add(ref labels, row);
                if ((uint)label >= (uint)10)
                {
                    ThrowLabel(row, label);
                }

                // Load the row once; lanes past C hold -inf, which can neither win the max nor add to the sum.
                Vector512<float> v0 = CceVector.LoadPartial512(ref x, 10, float.NegativeInfinity);
                // Row maximum, then the sum of exp(x - max): the stable log-softmax order.
                float rowMax = CceVector.Max(v0);
                Vector512<float> vmax = Vector512.Create(rowMax);
                Vector512<float> e0 = ExpOperator.Invoke(v0 - vmax);
                Vector512<float> sum = e0;
                float rowSum = CceVector.Sum(sum);
                // (max - z[y]) + log(sum): the difference first, so huge logits keep log(sum) (three 1e30 logits give log 3).
                offsets[r] = rowMax - CceVector.Element(ref x, (nint)label);
                logArgs[r] = rowSum;
            }
            CceVector.LogInPlace512(ref logArgs);
            for (int r = 0; r < rows; r++)
            {
                total += offsets[r] + logArgs[r];
            }
        }
        return total;
    }
}
