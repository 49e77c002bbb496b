using System;
using System.Collections.Generic;
using System.Globalization;
using CceGen.Runtime;
using Xunit.Sdk;

namespace CceGen.Kernels.Tests;

/// <summary>
/// How a (B, C) problem is laid out in memory for one call. <see cref="RowStride"/> is used by kernels that take a
/// runtime row stride (dense kernels use C, fixed-stride kernels their RowStride); <see cref="LabelStride"/> only by
/// kernels that take a label stride. A trimmed buffer stops right after the last row's last class / the last label.
/// </summary>
public readonly record struct Layout(int RowStride, bool TrimLastRow, int LabelStride, bool TrimLastLabel)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"rowStride {RowStride}{(TrimLastRow ? " (trimmed)" : string.Empty)}, labelStride {LabelStride}{(TrimLastLabel ? " (trimmed)" : string.Empty)}");
}

/// <summary>Builds call arguments with garbage in every gap, runs kernels on a forced path and checks results.</summary>
public static class Runner
{
    /// <summary>Sentinel bits around every None-reduction output range.</summary>
    public const uint CanaryBits = 0xDEADBEEF;

    /// <summary>Number of canary floats before and after the output range.</summary>
    public const int CanaryCount = 8;

    private static readonly int[] s_intGarbage = { int.MinValue, -1, int.MaxValue, 1 << 30 };
    private static readonly long[] s_longGarbage = { 1L << 40, long.MinValue, -1, long.MaxValue };

    /// <summary>Extra padding columns used for strided layouts.</summary>
    public const int Padding = 3;

    /// <summary>The layouts a kernel is tested with for class count <paramref name="classCount"/>.</summary>
    public static IReadOnlyList<Layout> LayoutsFor(KernelInfo kernel, int classCount)
    {
        (int Stride, bool Trim)[] rows = kernel.Stride switch
        {
            StrideKind.Runtime => new[] { (classCount + Padding, true), (classCount + Padding, false), (classCount, false) },
            StrideKind.Fixed => new[] { (kernel.FixedRowStride, true), (kernel.FixedRowStride, false) },
            _ => new[] { (classCount, false) },
        };
        (int Stride, bool Trim)[] labels = kernel.HasLabelStride
            ? new[] { (3, true), (3, false), (1, false) }
            : new[] { (1, false) };
        var result = new List<Layout>();
        for (int i = 0; i < Math.Max(rows.Length, labels.Length); i++)
        {
            var r = rows[i % rows.Length];
            var l = labels[i % labels.Length];
            result.Add(new Layout(r.Stride, r.Trim, l.Stride, l.Trim));
        }

        return result;
    }

    /// <summary>The row stride <paramref name="kernel"/> uses under <paramref name="layout"/>.</summary>
    public static int EffectiveRowStride(KernelInfo kernel, int classCount, Layout layout) => kernel.Stride switch
    {
        StrideKind.Runtime => layout.RowStride,
        StrideKind.Fixed => kernel.FixedRowStride,
        _ => classCount,
    };

    /// <summary>Lays <paramref name="batch"/> out for <paramref name="kernel"/>: NaN between rows, garbage between labels.</summary>
    public static CallArgs Build(KernelInfo kernel, Batch batch, Layout layout)
    {
        int b = batch.Rows, c = batch.ClassCount;
        int rowStride = EffectiveRowStride(kernel, c, layout);
        int labelStride = kernel.HasLabelStride ? layout.LabelStride : 1;
        int predLength = b == 0 ? 0 : layout.TrimLastRow ? ((b - 1) * rowStride) + c : b * rowStride;
        int labelLength = b == 0 ? 0 : layout.TrimLastLabel ? ((b - 1) * labelStride) + 1 : b * labelStride;
        var args = new CallArgs { ClassCount = c, RowStride = rowStride, LabelStride = labelStride };
        if (batch.Dtype == Dtype.Float)
        {
            float[] p = new float[predLength];
            p.AsSpan().Fill(float.NaN);
            float[] source = batch.FloatValues;
            for (int r = 0; r < b; r++)
            {
                source.AsSpan(r * c, c).CopyTo(p.AsSpan(r * rowStride));
            }

            args.FloatPredictions = p;
        }
        else
        {
            Half[] p = new Half[predLength];
            p.AsSpan().Fill(Half.NaN);
            Half[] source = batch.HalfValues;
            for (int r = 0; r < b; r++)
            {
                source.AsSpan(r * c, c).CopyTo(p.AsSpan(r * rowStride));
            }

            args.HalfPredictions = p;
        }

        if (kernel.LongLabels)
        {
            long[] l = new long[labelLength];
            for (int i = 0; i < l.Length; i++)
            {
                l[i] = s_longGarbage[i % s_longGarbage.Length];
            }

            for (int r = 0; r < b; r++)
            {
                l[r * labelStride] = batch.Labels[r];
            }

            args.LongLabels = l;
        }
        else
        {
            int[] l = new int[labelLength];
            for (int i = 0; i < l.Length; i++)
            {
                l[i] = s_intGarbage[i % s_intGarbage.Length];
            }

            for (int r = 0; r < b; r++)
            {
                l[r * labelStride] = checked((int)batch.Labels[r]);
            }

            args.IntLabels = l;
        }

        return args;
    }

    /// <summary>
    /// Runs <paramref name="kernel"/> on <paramref name="path"/>. None kernels write into a span of exactly
    /// <paramref name="rows"/> values inside a larger buffer whose canaries are checked afterwards.
    /// </summary>
    public static Outcome Run(KernelInfo kernel, CallArgs args, int rows, CpuPath path)
    {
        if (kernel.Reduction != CceReduction.None)
        {
            using (CpuDispatch.Force(path))
            {
                return new Outcome(kernel.Invoke(args, Span<float>.Empty), null);
            }
        }

        float[] buffer = NewCanaryBuffer(rows + (2 * CanaryCount));
        using (CpuDispatch.Force(path))
        {
            kernel.Invoke(args, buffer.AsSpan(CanaryCount, rows));
        }

        AssertCanaries(buffer, CanaryCount, rows, $"{kernel.Name} on {path}");
        return new Outcome(float.NaN, buffer.AsSpan(CanaryCount, rows).ToArray());
    }

    /// <summary>A buffer filled with <see cref="CanaryBits"/>.</summary>
    public static float[] NewCanaryBuffer(int length)
    {
        float[] buffer = new float[length];
        buffer.AsSpan().Fill(BitConverter.UInt32BitsToSingle(CanaryBits));
        return buffer;
    }

    /// <summary>Fails unless every value outside [start, start + count) still holds the canary bits.</summary>
    public static void AssertCanaries(float[] buffer, int start, int count, string context)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            if ((i < start || i >= start + count) && BitConverter.SingleToUInt32Bits(buffer[i]) != CanaryBits)
            {
                throw new XunitException(
                    $"{context}: the losses buffer was written outside the output range [{start}, {start + count}) at index {i} (value {buffer[i]}).");
            }
        }
    }

    /// <summary>Compares an outcome with reference row losses (per row for None, the mean or sum otherwise).</summary>
    public static void Compare(KernelInfo kernel, double[] referenceRows, Outcome outcome, Mismatches mismatches, Func<string> context)
    {
        switch (kernel.Reduction)
        {
            case CceReduction.None:
                float[] rows = outcome.Rows!;
                for (int i = 0; i < referenceRows.Length; i++)
                {
                    int row = i;
                    mismatches.Check(referenceRows[i], rows[i], Tolerance.Row(referenceRows[i]), () => $"{context()}, row {row}");
                }

                break;
            case CceReduction.Mean:
                mismatches.Check(Reference.Mean(referenceRows), outcome.Value, Tolerance.Mean(referenceRows), () => $"{context()}, mean");
                break;
            case CceReduction.Sum:
                mismatches.Check(Reference.Sum(referenceRows), outcome.Value, Tolerance.Sum(referenceRows), () => $"{context()}, sum");
                break;
        }
    }
}

/// <summary>What a kernel returned: the reduced value (Mean/Sum) or the row losses (None).</summary>
public sealed record Outcome(float Value, float[]? Rows);
