using System;
using System.Collections.Generic;
using System.Linq;
using CceGen;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>Kernels declared with Parallel = true, each next to its serial twin (the same declaration without it).</summary>
internal static partial class ParallelKernels
{
    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, Parallel = true)]
    public static partial float LogitsMeanGradParallel(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean)]
    public static partial float LogitsMeanGradSerial(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.None, ClassCount = 10, Parallel = true)]
    public static partial void HalfNone10Parallel(ReadOnlySpan<Half> z, ReadOnlySpan<long> y, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.None, ClassCount = 10)]
    public static partial void HalfNone10Serial(ReadOnlySpan<Half> z, ReadOnlySpan<long> y, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.None, ClassCount = 10, Parallel = true)]
    public static partial void LogitsNone10Parallel(ReadOnlySpan<float> z, ReadOnlySpan<int> y, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.None, ClassCount = 10)]
    public static partial void LogitsNone10Serial(ReadOnlySpan<float> z, ReadOnlySpan<int> y, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.None, Parallel = true)]
    public static partial void LogitsNoneParallel(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<int> y, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.None)]
    public static partial void LogitsNoneSerial(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<int> y, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.Sum, ClassCount = 10, Parallel = true)]
    public static partial float LogitsSum10Parallel(ReadOnlySpan<float> z, ReadOnlySpan<int> y);

    [SparseCceKernel(CceInput.Logits, CceReduction.Sum, ClassCount = 10)]
    public static partial float LogitsSum10Serial(ReadOnlySpan<float> z, ReadOnlySpan<int> y);

    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Sum, Parallel = true)]
    public static partial float KerasSumParallel(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> y);

    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Sum)]
    public static partial float KerasSumSerial(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> y);

    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Mean, Parallel = true)]
    public static partial float TorchMeanParallel(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> y);

    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Mean)]
    public static partial float TorchMeanSerial(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> y);
}

[Collection(nameof(ParallelKernelTests))] // CceRowBlocks' settings are process-wide
[CollectionDefinition(nameof(ParallelKernelTests), DisableParallelization = true)]
public class ParallelKernelTests
{
    public static IEnumerable<object[]> Cases =>
        from path in CpuDispatch.SupportedPaths
        from shape in new[] { (20_000, 10), (700, 1000), (37, 3000), (5, 100_000), (1, 7), (0, 5) }
        select new object[] { path, shape.Item1, shape.Item2 };

    private static readonly int[] s_degrees = { 1, 2, 3, 8 };

    private static void ForEachDegree(Action<int> body)
    {
        int oldDegree = CceRowBlocks.MaxDegreeOfParallelism;
        long oldMin = CceRowBlocks.MinParallelElements;
        try
        {
            CceRowBlocks.MinParallelElements = 0; // every call with more than one block goes parallel
            foreach (int degree in s_degrees)
            {
                CceRowBlocks.MaxDegreeOfParallelism = degree;
                body(degree);
            }
        }
        finally
        {
            CceRowBlocks.MaxDegreeOfParallelism = oldDegree;
            CceRowBlocks.MinParallelElements = oldMin;
        }
    }

    private static float[] Logits(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() - 0.5) * 12)).ToArray();

    private static float[] Softmax(float[] z, int c)
    {
        var p = new float[z.Length];
        for (int r = 0; r < z.Length / Math.Max(c, 1); r++)
        {
            double max = z.Skip(r * c).Take(c).Max();
            double sum = z.Skip(r * c).Take(c).Sum(v => Math.Exp(v - max));
            for (int j = 0; j < c; j++)
            {
                p[r * c + j] = (float)(Math.Exp(z[r * c + j] - max) / sum);
            }
        }

        return p;
    }

    private static uint Bits(float v) => BitConverter.SingleToUInt32Bits(v);

    [Theory]
    [MemberData(nameof(Cases))]
    public void LogitsMeanWithGradientAndAccuracy_MatchesTheSerialTwinBitForBit(CpuPath path, int batch, int c)
    {
        using var _ = CpuDispatch.Force(path);
        var rng = new Random(batch * 31 + c);
        float[] z = Logits(rng, batch * c);
        int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();
        var gSerial = new float[z.Length];
        float serial = ParallelKernels.LogitsMeanGradSerial(z, c, y, gSerial, out int correctSerial);

        // The serial twin against float64, so two equal wrong answers cannot pass.
        if (batch > 0)
        {
            double reference = 0;
            for (int r = 0; r < batch; r++)
            {
                double max = z.Skip(r * c).Take(c).Max();
                reference += Math.Log(z.Skip(r * c).Take(c).Sum(v => Math.Exp(v - max))) + max - z[r * c + y[r]];
            }

            Assert.InRange(serial, reference / batch * (1 - 1e-5) - 1e-6, reference / batch * (1 + 1e-5) + 1e-6);
        }

        ForEachDegree(degree =>
        {
            var g = new float[z.Length];
            float parallel = ParallelKernels.LogitsMeanGradParallel(z, c, y, g, out int correct);
            Assert.True(Bits(serial) == Bits(parallel), $"degree {degree}: serial {serial:R}, parallel {parallel:R}");
            Assert.Equal(correctSerial, correct);
            Assert.True(gSerial.AsSpan().SequenceEqual(g), $"degree {degree}: gradients differ");
        });
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OtherConventions_MatchTheirSerialTwinsBitForBit(CpuPath path, int batch, int c)
    {
        using var _ = CpuDispatch.Force(path);
        var rng = new Random(batch * 17 + c);
        float[] z = Logits(rng, batch * c);
        float[] p = Softmax(z, c);
        int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();
        float keras = ParallelKernels.KerasSumSerial(p, c, y);
        float torch = ParallelKernels.TorchMeanSerial(p, c, y);

        // C = 10 kernels: reshape the same data to 10 classes.
        int b10 = z.Length / 10;
        float[] z10 = z.Take(b10 * 10).ToArray();
        int[] y10 = Enumerable.Range(0, b10).Select(_ => rng.Next(10)).ToArray();
        long[] y10Long = y10.Select(v => (long)v).ToArray();
        Half[] h10 = z10.Select(v => (Half)v).ToArray();
        float sum10 = ParallelKernels.LogitsSum10Serial(z10, y10);
        var none10 = new float[b10];
        ParallelKernels.HalfNone10Serial(h10, y10Long, none10);

        ForEachDegree(degree =>
        {
            Assert.Equal(Bits(keras), Bits(ParallelKernels.KerasSumParallel(p, c, y)));
            Assert.Equal(Bits(torch), Bits(ParallelKernels.TorchMeanParallel(p, c, y)));
            Assert.Equal(Bits(sum10), Bits(ParallelKernels.LogitsSum10Parallel(z10, y10)));
            var losses = new float[b10];
            ParallelKernels.HalfNone10Parallel(h10, y10Long, losses);
            Assert.True(none10.AsSpan().SequenceEqual(losses), $"degree {degree}: per-row losses differ");
        });
    }

    [Theory]
    [MemberData(nameof(CpuPaths))]
    public void BadLabels_ReportTheSameRowAsTheSerialKernel(CpuPath path)
    {
        using var forced = CpuDispatch.Force(path);
        const int batch = 20_000, c = 10; // blocks of 3280 rows
        var rng = new Random(5);
        float[] z = Logits(rng, batch * c);
        int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();
        y[19_000] = -3;   // block 5
        y[7_000] = 12;    // block 2: the first bad row
        y[16_000] = 99;   // block 4
        var g = new float[z.Length];
        string serial = Assert.Throws<ArgumentOutOfRangeException>(() => ParallelKernels.LogitsMeanGradSerial(z, c, y, g, out _)).Message;
        Assert.Contains("7000", serial);
        ForEachDegree(degree =>
        {
            for (int repeat = 0; repeat < 10; repeat++)
            {
                string parallel = Assert.Throws<ArgumentOutOfRangeException>(() => ParallelKernels.LogitsMeanGradParallel(z, c, y, g, out _)).Message;
                Assert.Equal(serial, parallel);
            }
        });
    }

    // Found by a break-test: NaN row losses of both signs in different blocks (p[y] < 0 gives a NaN, -inf + inf another)
    // made the serial and parallel block sums return NaNs of opposite sign, depending on how the JIT ordered an add.
    // Every NaN result of a reduction is now float.NaN.
    [Theory]
    [MemberData(nameof(CpuPaths))]
    public void NaNResults_AreFloatNaN_OnEveryThreadCount(CpuPath path)
    {
        using var forced = CpuDispatch.Force(path);
        // The PyTorch convention reads one element per row, so its blocks are CceRowBlocks.BlockRows(1) = 32768 rows.
        const int batch = 40_000, c = 10;
        Assert.Equal(32768, CceRowBlocks.BlockRows(1));
        float[] p = Enumerable.Repeat(0.1f, batch * c).ToArray();
        int[] y = new int[batch];
        p[10 * c] = -0.5f;                    // block 0: NaN
        p[33_000 * c] = float.PositiveInfinity; // block 1: -inf ...
        p[33_010 * c] = 0f;                     // ... + inf = NaN
        uint serial = Bits(ParallelKernels.TorchMeanSerial(p, c, y));
        Assert.Equal(Bits(float.NaN), serial);
        ForEachDegree(degree => Assert.Equal(serial, Bits(ParallelKernels.TorchMeanParallel(p, c, y))));

        // A lone NaN of the other sign (-log of a negative p is a positive-signed NaN here) is reported as float.NaN too.
        p[33_000 * c] = 0.1f;
        p[33_010 * c] = 0.1f;
        Assert.Equal(Bits(float.NaN), Bits(ParallelKernels.TorchMeanSerial(p, c, y)));
        ForEachDegree(degree => Assert.Equal(Bits(float.NaN), Bits(ParallelKernels.TorchMeanParallel(p, c, y))));
    }

    // Found by a helper's break-test: a NaN logit's sign and payload reached the per-row losses, and which NaN an
    // operation keeps depends on operand order, which differs between the column groups and the per-row tail (so a
    // row's NaN bits depended on where the block boundaries put it). Every stored NaN loss is now float.NaN.
    [Theory]
    [MemberData(nameof(CpuPaths))]
    public void NaNRowLosses_AreFloatNaN_InGroupsAndTails_SerialAndParallel(CpuPath path)
    {
        using var forced = CpuDispatch.Force(path);
        const int batch = 10_007, c = 10; // blocks of 3280 rows; 16-row column groups, then per-row tails
        var rng = new Random(11);
        float[] z = Logits(rng, batch * c);
        int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();
        float positiveNaN = BitConverter.UInt32BitsToSingle(0x7FC0_0123), negativeNaN = BitConverter.UInt32BitsToSingle(0xFFC0_0001);
        int[] nanRows = { 3, 17, 3279, 3281, 6600, 10_005 };
        z[3 * c + 2] = positiveNaN;
        z[17 * c + 9] = negativeNaN;
        z[3279 * c + y[3279]] = positiveNaN;      // the last row of block 0 (a tail row)
        z[3281 * c] = float.PositiveInfinity;    // max = +inf: inf - inf = NaN
        z[6600 * c + y[6600]] = negativeNaN;
        z[10_005 * c + 4] = positiveNaN;         // in the last, short block
        Half[] h = z.Select(v => (Half)v).ToArray();
        long[] yLong = y.Select(v => (long)v).ToArray();

        var results = new List<(string Name, float[] Serial, Func<float[]> Parallel)>();
        var s10 = new float[batch];
        ParallelKernels.LogitsNone10Serial(z, y, s10);
        results.Add(("float32 C = 10", s10, () => { var o = new float[batch]; ParallelKernels.LogitsNone10Parallel(z, y, o); return o; }));
        var sRt = new float[batch];
        ParallelKernels.LogitsNoneSerial(z, c, y, sRt);
        results.Add(("float32 run-time C", sRt, () => { var o = new float[batch]; ParallelKernels.LogitsNoneParallel(z, c, y, o); return o; }));
        var sHalf = new float[batch];
        ParallelKernels.HalfNone10Serial(h, yLong, sHalf);
        results.Add(("float16 C = 10", sHalf, () => { var o = new float[batch]; ParallelKernels.HalfNone10Parallel(h, yLong, o); return o; }));

        foreach (var (name, serial, parallel) in results)
        {
            Assert.Equal(nanRows.Length, serial.Count(float.IsNaN));
            foreach (int r in nanRows)
            {
                Assert.True(Bits(serial[r]) == Bits(float.NaN), $"{name}, row {r}: 0x{Bits(serial[r]):X8}, expected float.NaN 0x{Bits(float.NaN):X8}");
            }

            ForEachDegree(degree =>
            {
                float[] got = parallel();
                int first = Enumerable.Range(0, batch).FirstOrDefault(i => Bits(got[i]) != Bits(serial[i]), -1);
                Assert.True(first < 0, $"{name}, degree {degree}: row {first} serial 0x{(first < 0 ? 0 : Bits(serial[first])):X8}, parallel 0x{(first < 0 ? 0 : Bits(got[first])):X8}");
            });
        }
    }

    public static IEnumerable<object[]> CpuPaths => CpuDispatch.SupportedPaths.Select(p => new object[] { p });
}
