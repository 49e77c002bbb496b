using System;
using System.Collections.Generic;
using System.Linq;
using CceGen;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>
/// Logits kernels with a compile-time C of at most 16 and a gradient or accuracy output: the register-row code (the
/// loss-only kernels of this C take the column path, these do not), checked on every path against float64 and against
/// the scalar path's bits, with ties for the first-argmax rule, strides, float16, (B, 1) labels, upstream and Parallel.
/// (Written for a column path for these outputs that was measured slower and reverted; they cover the per-row code.)
/// </summary>
internal static partial class SmallFixedCGradientKernels
{
    [SparseCceKernel(CceInput.Logits, CceReduction.Sum, ClassCount = 10, RowStride = 13)]
    public static partial float SumC10Stride13(ReadOnlySpan<float> z, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float MeanC10RowStride(ReadOnlySpan<float> z, int rowStride, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.None, ClassCount = 3, Labels = CceLabelShape.Column)]
    public static partial void NoneC3HalfUpstream(ReadOnlySpan<Half> z, ReadOnlySpan<long> y, int labelStride, Span<float> losses, Span<Half> g, ReadOnlySpan<float> upstream, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 16, Parallel = true)]
    public static partial float MeanC16Parallel(ReadOnlySpan<float> z, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 2)]
    public static partial float MeanC2HalfGradientOnly(ReadOnlySpan<Half> z, ReadOnlySpan<int> y, Span<float> g);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 7)]
    public static partial float MeanC7CorrectOnly(ReadOnlySpan<float> z, ReadOnlySpan<int> y, out int correct);
}

public sealed class SmallFixedCGradientTests
{
    private static readonly int[] s_batches = { 1, 7, 8, 9, 15, 16, 17, 31, 33, 100 };

    /// <summary>The float64 reference of one row: loss, gradient (before scaling) and whether the first argmax is the label.</summary>
    private static (double Loss, double[] Grad, bool Correct) RowReference(float[] z, int y)
    {
        double[] row = z.Select(v => (double)v).ToArray();
        return (Reference.Logits(row, y), GradientAccuracyTests.LogitsGrad(row, y), Array.IndexOf(z, z.Max()) == y);
    }

    /// <summary>Logits with ties (so the first-argmax rule matters) and a label that is often the max.</summary>
    private static (float[] Z, int[] Y) Batch(Random rng, int batch, int c, int stride, bool half)
    {
        var z = new float[batch * stride];
        z.AsSpan().Fill(float.NaN); // padding: never read
        var y = new int[batch];
        for (int r = 0; r < batch; r++)
        {
            for (int j = 0; j < c; j++)
            {
                float v = (float)(6 * rng.NextDouble() - 3);
                z[r * stride + j] = half ? (float)(Half)v : v;
            }

            y[r] = rng.Next(c);
            switch (rng.Next(4))
            {
                case 0: z[r * stride + y[r]] = 5f; break; // the label is the max
                case 1: z[r * stride + y[r]] = 5f; z[r * stride + rng.Next(c)] = 5f; break; // a tie, maybe before the label
                default: break;
            }
        }

        return (z, y);
    }

    private static float[] Row(float[] z, int r, int stride, int c) => z.AsSpan(r * stride, c).ToArray();

    private delegate (float[] Losses, float[] Grad, int Correct) Call(float[] z, int[] y);

    /// <summary>
    /// Every path against the float64 reference (losses to 2e-6 relative, gradient elements to 2e-6 absolute per unit
    /// scale, exact count), every path the same bits as the scalar path (which has no column code), padding untouched.
    /// </summary>
    private static void Check(string name, int c, int stride, bool half, bool gradient, Func<int, double> scaleOf, bool perRow, Call call)
    {
        var rng = new Random(c * 1000 + stride);
        foreach (int batch in s_batches)
        {
            var (z, y) = Batch(rng, batch, c, stride, half);
            var results = new List<(CpuPath Path, float[] Losses, float[] Grad, int Correct)>();
            foreach (CpuPath path in CpuDispatch.SupportedPaths)
            {
                using var _ = CpuDispatch.Force(path);
                var (losses, grad, correct) = call(z, y);
                results.Add((path, losses, grad, correct));
            }

            double total = 0;
            int refCorrect = 0;
            var refGrad = new double[batch][];
            var refLoss = new double[batch];
            for (int r = 0; r < batch; r++)
            {
                var (loss, g, ok) = RowReference(Row(z, r, stride, c), y[r]);
                refLoss[r] = loss;
                refGrad[r] = g;
                total += loss;
                refCorrect += ok ? 1 : 0;
            }

            foreach (var (path, losses, grad, correct) in results)
            {
                string at = $"{name}, {path}, B = {batch}";
                Assert.True(correct == NoCount || refCorrect == correct, $"{at}: correct {correct}, reference {refCorrect}");
                if (perRow)
                {
                    for (int r = 0; r < batch; r++)
                    {
                        Assert.True(Math.Abs(losses[r] - refLoss[r]) <= 2e-6 * Math.Max(1, refLoss[r]), $"{at}, row {r}: loss {losses[r]}, reference {refLoss[r]}");
                    }
                }
                else
                {
                    double expected = name.Contains("Mean") ? total / batch : total;
                    Assert.True(Math.Abs(losses[0] - expected) <= 2e-6 * Math.Max(1, Math.Abs(expected)), $"{at}: {losses[0]}, reference {expected}");
                }

                if (gradient)
                {
                    double tolerance = half ? 1e-3 : 2e-6; // a float16 gradient is rounded to half
                    for (int r = 0; r < batch; r++)
                    {
                        double scale = scaleOf(batch);
                        for (int j = 0; j < stride; j++)
                        {
                            float got = grad[r * stride + j];
                            if (j >= c)
                            {
                                Assert.True(float.IsNaN(got), $"{at}, row {r}: padding column {j} was written");
                                continue;
                            }

                            double want = refGrad[r][j] * (perRow ? scaleOf(r) : scale);
                            Assert.True(Math.Abs(got - want) <= tolerance * Math.Max(1, Math.Abs(perRow ? scaleOf(r) : scale)), $"{at}, row {r}, class {j}: {got}, reference {want}");
                        }
                    }
                }

                Assert.True(results[0].Losses.Select(BitConverter.SingleToInt32Bits).SequenceEqual(losses.Select(BitConverter.SingleToInt32Bits)), $"{at}: loss bits differ from {results[0].Path}");
                Assert.True(results[0].Grad.Select(BitConverter.SingleToInt32Bits).SequenceEqual(grad.Select(BitConverter.SingleToInt32Bits)), $"{at}: gradient bits differ from {results[0].Path}");
            }
        }
    }

    private const int NoCount = -1; // a kernel without the accuracy output

    private static float[] NaNs(int n) => Enumerable.Repeat(float.NaN, n).ToArray();

    [Fact]
    public void FixedStride_Sum_C10() =>
        Check("Sum C = 10, RowStride = 13", 10, 13, half: false, gradient: true, _ => 1, perRow: false, (z, y) =>
        {
            float[] g = NaNs(z.Length);
            float loss = SmallFixedCGradientKernels.SumC10Stride13(z, y, g, out int correct);
            return (new[] { loss }, g, correct);
        });

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(16)]
    public void RunTimeStride_Mean_C10(int stride) =>
        Check($"Mean C = 10, rowStride = {stride}", 10, stride, half: false, gradient: true, b => 1.0 / b, perRow: false, (z, y) =>
        {
            float[] g = NaNs(z.Length);
            float loss = SmallFixedCGradientKernels.MeanC10RowStride(z, stride, y, g, out int correct);
            return (new[] { loss }, g, correct);
        });

    [Fact]
    public void Half_None_C3_ColumnLabels_Upstream_HalfGradient()
    {
        const int labelStride = 3;
        Check("None C = 3, float16, (B, 1) labels, upstream, float16 gradient", 3, 3, half: true, gradient: true, r => 0.25 + r % 5, perRow: true, (z, y) =>
        {
            Half[] zh = z.Select(v => (Half)v).ToArray();
            long[] yl = new long[y.Length * labelStride];
            for (int r = 0; r < y.Length; r++)
            {
                yl[r * labelStride] = y[r];
                yl[r * labelStride + 1] = -1; // the other columns of the label matrix: never read
                yl[r * labelStride + 2] = long.MinValue;
            }

            float[] up = Enumerable.Range(0, y.Length).Select(r => (float)(0.25 + r % 5)).ToArray();
            var losses = new float[y.Length];
            var g = new Half[z.Length];
            SmallFixedCGradientKernels.NoneC3HalfUpstream(zh, yl, labelStride, losses, g, up, out int correct);
            return (losses, g.Select(v => (float)v).ToArray(), correct);
        });
    }

    [Fact]
    public void Parallel_Mean_C16_SameBitsOnAnyThreadCount()
    {
        Check("Mean C = 16, Parallel", 16, 16, half: false, gradient: true, b => 1.0 / b, perRow: false, (z, y) =>
        {
            float[] g = NaNs(z.Length);
            float loss = SmallFixedCGradientKernels.MeanC16Parallel(z, y, g, out int correct);
            return (new[] { loss }, g, correct);
        });

        // A batch large enough to split into blocks: serial and 2 threads give the same bits.
        var (zb, yb) = Batch(new Random(16), 40_000, 16, 16, half: false);
        int savedThreads = CceRowBlocks.MaxDegreeOfParallelism;
        long savedMin = CceRowBlocks.MinParallelElements;
        try
        {
            CceRowBlocks.MinParallelElements = 1;
            var outcomes = new List<(float Loss, float[] Grad, int Correct)>();
            foreach (int threads in new[] { 1, 2 })
            {
                CceRowBlocks.MaxDegreeOfParallelism = threads;
                var g = new float[zb.Length];
                float loss = SmallFixedCGradientKernels.MeanC16Parallel(zb, yb, g, out int correct);
                outcomes.Add((loss, g, correct));
            }

            Assert.Equal(BitConverter.SingleToInt32Bits(outcomes[0].Loss), BitConverter.SingleToInt32Bits(outcomes[1].Loss));
            Assert.Equal(outcomes[0].Correct, outcomes[1].Correct);
            Assert.True(outcomes[0].Grad.AsSpan().SequenceEqual(outcomes[1].Grad), "gradient differs between 1 and 2 threads");
        }
        finally
        {
            CceRowBlocks.MaxDegreeOfParallelism = savedThreads;
            CceRowBlocks.MinParallelElements = savedMin;
        }
    }

    [Fact]
    public void Half_Mean_C2_GradientOnly() =>
        Check("Mean C = 2, float16, gradient only", 2, 2, half: true, gradient: true, b => 1.0 / b, perRow: false, (z, y) =>
        {
            Half[] zh = z.Select(v => (Half)v).ToArray();
            var g = new float[z.Length];
            float loss = SmallFixedCGradientKernels.MeanC2HalfGradientOnly(zh, y, g);
            return (new[] { loss }, g, NoCount);
        });

    [Fact]
    public void Mean_C7_CorrectOnly() =>
        Check("Mean C = 7, correct only", 7, 7, half: false, gradient: false, b => 1.0 / b, perRow: false, (z, y) =>
        {
            float loss = SmallFixedCGradientKernels.MeanC7CorrectOnly(z, y, out int correct);
            return (new[] { loss }, Array.Empty<float>(), correct);
        });

    /// <summary>A bad label is reported with its row and value on every path.</summary>
    [Fact]
    public void BadLabel_InAGroup_NamesTheRow()
    {
        foreach (CpuPath path in CpuDispatch.SupportedPaths)
        {
            using var forced = CpuDispatch.Force(path);
            var (z, y) = Batch(new Random(3), 40, 10, 10, half: false);
            y[21] = 10;
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SmallFixedCGradientKernels.MeanC10RowStride(z, 10, y, new float[z.Length], out _));
            Assert.Contains("21", ex.Message);
            Assert.Contains("10", ex.Message);
        }
    }
}
