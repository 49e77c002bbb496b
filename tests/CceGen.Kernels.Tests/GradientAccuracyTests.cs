using System;
using System.Collections.Generic;
using System.Linq;
using CceGen;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>Kernels with the fused gradient and accuracy outputs (the Fashion-MNIST issue).</summary>
internal static partial class GradientKernels
{
    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float LogitsMeanC10(ReadOnlySpan<float> z, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float LogitsMeanC10Half(ReadOnlySpan<Half> z, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 33)]
    public static partial float LogitsMeanC33Half(ReadOnlySpan<Half> z, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.Sum)]
    public static partial float LogitsSumStrided(ReadOnlySpan<float> z, int classCount, int rowStride, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.None, Labels = CceLabelShape.Column)]
    public static partial void LogitsNoneUpstreamHalfGrad(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<long> y, Span<float> losses, Span<Half> g, ReadOnlySpan<float> upstream, out int correct);

    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Mean)]
    public static partial float TorchMean(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> y, Span<float> g, out int correct);

    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Mean)]
    public static partial float KerasMean(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> y, Span<float> g, out int correct);
}

public class GradientAccuracyTests
{
    public static IEnumerable<object[]> Paths => CpuDispatch.SupportedPaths.Select(p => new object[] { p });

    // ---- float64 references ------------------------------------------------------------------------------------

    private static double LogitsLoss(double[] z, int y)
    {
        double max = z.Max();
        return (max - z[y]) + Math.Log(z.Sum(v => Math.Exp(v - max)));
    }

    /// <summary>float64 (softmax - onehot) of one row of logits (before scaling).</summary>
    internal static double[] LogitsGrad(double[] z, int y)
    {
        double max = z.Max();
        double s = z.Sum(v => Math.Exp(v - max));
        return z.Select((v, j) => Math.Exp(v - max) / s - (j == y ? 1 : 0)).ToArray();
    }

    private const double Lo = 1e-7, Hi = 1 - 1e-7;

    private static double KerasLoss(double[] p, int y)
    {
        double[] c = p.Select(v => Math.Min(Math.Max(v, Lo), Hi)).ToArray();
        return -Math.Log(c[y] / c.Sum());
    }

    private static double[] KerasGrad(double[] p, int y)
    {
        double[] c = p.Select(v => Math.Min(Math.Max(v, Lo), Hi)).ToArray();
        double s = c.Sum();
        return p.Select((v, j) => v >= Lo && v <= Hi ? 1 / s - (j == y ? 1 / c[y] : 0) : 0).ToArray();
    }

    private static int FirstArgMax(double[] z)
    {
        int best = 0;
        for (int j = 1; j < z.Length; j++)
        {
            if (z[j] > z[best])
            {
                best = j;
            }
        }

        return best;
    }

    private static double[] CentralDifference(Func<double[], double> f, double[] x, double h)
    {
        var g = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            double[] plus = (double[])x.Clone(), minus = (double[])x.Clone();
            plus[j] += h;
            minus[j] -= h;
            g[j] = (f(plus) - f(minus)) / (2 * h);
        }

        return g;
    }

    private static float[] RandomLogits(Random rng, int count, double scale = 3) =>
        Enumerable.Range(0, count).Select(_ => (float)(scale * (rng.NextDouble() * 2 - 1))).ToArray();

    private static double[] Row(ReadOnlySpan<float> data, int row, int stride, int c) =>
        data.Slice(row * stride, c).ToArray().Select(v => (double)v).ToArray();

    // ---- the formulas themselves agree with finite differences of the float64 loss --------------------------------

    [Fact]
    public void ReferenceGradientsMatchCentralDifferences()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 50; trial++)
        {
            int c = 1 + rng.Next(12);
            int y = rng.Next(c);
            double[] z = Enumerable.Range(0, c).Select(_ => 4 * rng.NextDouble() - 2).ToArray();
            double[] fd = CentralDifference(v => LogitsLoss(v, y), z, 1e-5);
            Assert.All(LogitsGrad(z, y).Zip(fd), t => Assert.Equal(t.Second, t.First, 6));

            double[] p = Enumerable.Range(0, c).Select(_ => 0.01 + 0.9 * rng.NextDouble()).ToArray();
            double[] fdk = CentralDifference(v => KerasLoss(v, y), p, 1e-6);
            Assert.All(KerasGrad(p, y).Zip(fdk), t => Assert.Equal(t.Second, t.First, 4));
        }
    }

    // ---- kernels vs references, on every path -----------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Paths))]
    public void LogitsMeanC10GradientAndAccuracy(CpuPath path)
    {
        using var _ = CpuDispatch.Force(path);
        var rng = new Random(1);
        foreach (int batch in new[] { 1, 3, 17, 64 })
        {
            float[] z = RandomLogits(rng, batch * 10);
            int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
            var g = new float[batch * 10];
            float loss = GradientKernels.LogitsMeanC10(z, y, g, out int correct);

            double refLoss = 0;
            int refCorrect = 0;
            for (int r = 0; r < batch; r++)
            {
                double[] row = Row(z, r, 10, 10);
                refLoss += LogitsLoss(row, y[r]);
                refCorrect += FirstArgMax(row) == y[r] ? 1 : 0;
                double[] rg = LogitsGrad(row, y[r]);
                double[] fd = CentralDifference(v => LogitsLoss(v, y[r]) / batch, row, 1e-4);
                for (int j = 0; j < 10; j++)
                {
                    Assert.InRange(g[r * 10 + j], rg[j] / batch - 2e-6 / batch, rg[j] / batch + 2e-6 / batch);
                    Assert.InRange(g[r * 10 + j], fd[j] - 1e-5, fd[j] + 1e-5);
                }
            }

            Assert.InRange(loss, refLoss / batch - 2e-6 * Math.Max(1, refLoss / batch), refLoss / batch + 2e-6 * Math.Max(1, refLoss / batch));
            Assert.Equal(refCorrect, correct);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void HalfLogitsGradientC10AndC33(CpuPath path)
    {
        using var _ = CpuDispatch.Force(path);
        var rng = new Random(2);
        foreach (int c in new[] { 10, 33 })
        {
            const int batch = 9;
            Half[] z = RandomLogits(rng, batch * c).Select(v => (Half)v).ToArray();
            int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();
            var g = new float[batch * c];
            int correct;
            float loss = c == 10 ? GradientKernels.LogitsMeanC10Half(z, y, g, out correct) : GradientKernels.LogitsMeanC33Half(z, y, g, out correct);
            double refLoss = 0;
            int refCorrect = 0;
            for (int r = 0; r < batch; r++)
            {
                double[] row = z.Skip(r * c).Take(c).Select(h => (double)(float)h).ToArray();
                refLoss += LogitsLoss(row, y[r]);
                refCorrect += FirstArgMax(row) == y[r] ? 1 : 0;
                double[] rg = LogitsGrad(row, y[r]);
                for (int j = 0; j < c; j++)
                {
                    Assert.InRange(g[r * c + j], (rg[j] - 2e-6) / batch, (rg[j] + 2e-6) / batch);
                }
            }

            Assert.InRange(loss, refLoss / batch - 2e-6, refLoss / batch + 2e-6);
            Assert.Equal(refCorrect, correct);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void StridedSumGradientLeavesPaddingAlone(CpuPath path)
    {
        using var _ = CpuDispatch.Force(path);
        var rng = new Random(3);
        foreach (int c in new[] { 1, 7, 16, 17, 40, 100 })
        {
            int stride = c + 5, batch = 6;
            float[] z = RandomLogits(rng, (batch - 1) * stride + c);
            int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();
            float[] g = Enumerable.Repeat(float.NaN, z.Length).ToArray();
            float sum = GradientKernels.LogitsSumStrided(z, c, stride, y, g, out int correct);
            double refSum = 0;
            int refCorrect = 0;
            for (int r = 0; r < batch; r++)
            {
                double[] row = Row(z, r, stride, c);
                refSum += LogitsLoss(row, y[r]);
                refCorrect += FirstArgMax(row) == y[r] ? 1 : 0;
                double[] rg = LogitsGrad(row, y[r]);
                for (int j = 0; j < c; j++)
                {
                    Assert.InRange(g[r * stride + j], rg[j] - 2e-6, rg[j] + 2e-6);
                }

                for (int j = c; j < stride && r * stride + j < g.Length; j++)
                {
                    Assert.True(float.IsNaN(g[r * stride + j]), $"padding at row {r} col {j} was written");
                }
            }

            Assert.InRange(sum, refSum - 2e-6 * Math.Max(1, refSum), refSum + 2e-6 * Math.Max(1, refSum));
            Assert.Equal(refCorrect, correct);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void NoneWithUpstreamScalesEachRowAndRoundsToHalf(CpuPath path)
    {
        using var _ = CpuDispatch.Force(path);
        var rng = new Random(4);
        const int c = 21, batch = 5;
        float[] z = RandomLogits(rng, batch * c);
        long[] y = Enumerable.Range(0, batch).Select(_ => (long)rng.Next(c)).ToArray();
        float[] up = { 1f, 0.5f, -2f, 0f, 3f };
        var losses = new float[batch];
        var g = new Half[batch * c];
        GradientKernels.LogitsNoneUpstreamHalfGrad(z, c, y, losses, g, up, out int correct);
        int refCorrect = 0;
        for (int r = 0; r < batch; r++)
        {
            double[] row = Row(z, r, c, c);
            Assert.InRange(losses[r], LogitsLoss(row, (int)y[r]) - 2e-6 * 10, LogitsLoss(row, (int)y[r]) + 2e-6 * 10);
            refCorrect += FirstArgMax(row) == y[r] ? 1 : 0;
            double[] rg = LogitsGrad(row, (int)y[r]);
            for (int j = 0; j < c; j++)
            {
                double expected = rg[j] * up[r];
                Assert.InRange((double)(float)g[r * c + j], expected - (Math.Abs(expected) * 1e-3) - 1e-6, expected + (Math.Abs(expected) * 1e-3) + 1e-6);
            }
        }

        Assert.Equal(refCorrect, correct);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ProbabilityGradients(CpuPath path)
    {
        using var _ = CpuDispatch.Force(path);
        var rng = new Random(5);
        foreach (int c in new[] { 2, 7, 19 })
        {
            const int batch = 4;
            float[] p = Enumerable.Range(0, batch * c).Select(_ => (float)(0.02 + 0.9 * rng.NextDouble())).ToArray();
            p[1] = 0f;            // clipped low in Keras: zero gradient there
            p[c + 0] = 1.5f;      // clipped high
            int[] y = Enumerable.Range(0, batch).Select(_ => 1 + rng.Next(c - 1)).ToArray();
            y[0] = c - 1;
            var gt = new float[batch * c];
            var gk = new float[batch * c];
            float torch = GradientKernels.TorchMean(p, c, y, gt, out int correctT);
            float keras = GradientKernels.KerasMean(p, c, y, gk, out int correctK);
            double refT = 0, refK = 0;
            int refCorrect = 0;
            for (int r = 0; r < batch; r++)
            {
                double[] row = Row(p, r, c, c);
                refT += -Math.Log(row[y[r]]);
                refK += KerasLoss(row, y[r]);
                refCorrect += FirstArgMax(row) == y[r] ? 1 : 0;
                double[] kg = KerasGrad(row, y[r]);
                for (int j = 0; j < c; j++)
                {
                    double tg = j == y[r] ? -1 / row[j] / batch : 0;
                    if (double.IsInfinity(tg))
                    {
                        Assert.Equal((float)tg, gt[r * c + j]); // p[label] = 0: -1/0 = -inf, as PyTorch
                    }
                    else
                    {
                        Assert.InRange(gt[r * c + j], tg - 1e-6 * Math.Max(1, Math.Abs(tg)), tg + 1e-6 * Math.Max(1, Math.Abs(tg)));
                    }
                    double kgj = kg[j] / batch;
                    Assert.InRange(gk[r * c + j], kgj - 1e-5 * Math.Max(1, Math.Abs(kgj)), kgj + 1e-5 * Math.Max(1, Math.Abs(kgj)));
                }
            }

            Assert.Equal(0f, gk[1]);
            Assert.Equal(0f, gk[c]);
            if (double.IsInfinity(refT))
            {
                Assert.Equal(float.PositiveInfinity, torch); // a zero probability at a label
            }
            else
            {
                Assert.InRange(torch, refT / batch - 2e-6 * Math.Max(1, refT / batch), refT / batch + 2e-6 * Math.Max(1, refT / batch));
            }
            Assert.InRange(keras, refK / batch - 2e-6 * Math.Max(1, refK / batch), refK / batch + 2e-6 * Math.Max(1, refK / batch));
            Assert.Equal(refCorrect, correctT);
            Assert.Equal(refCorrect, correctK);
        }
    }

    [Fact]
    public void TiesGoToTheFirstMaximum()
    {
        float[] z = { 1f, 3f, 3f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, /* row 2 */ 5f, 5f, 5f, 5f, 5f, 5f, 5f, 5f, 5f, 5f };
        var g = new float[20];
        GradientKernels.LogitsMeanC10(z, new[] { 2, 0 }, g, out int correct);
        Assert.Equal(1, correct); // row 0: argmax is 1 (first of the tie), label 2 -> wrong; row 1: argmax 0 -> right
        GradientKernels.LogitsMeanC10(z, new[] { 1, 9 }, g, out correct);
        Assert.Equal(1, correct);
    }

    [Fact]
    public void GradientAndCountAreBitIdenticalAcrossPaths()
    {
        var rng = new Random(6);
        foreach (int c in new[] { 3, 10, 16, 17, 33, 100, 1000 })
        {
            const int batch = 7;
            float[] z = RandomLogits(rng, batch * c, 10);
            int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();
            var results = new List<(float Loss, float[] Grad, int Correct)>();
            foreach (CpuPath path in CpuDispatch.SupportedPaths)
            {
                using var _ = CpuDispatch.Force(path);
                var g = new float[z.Length];
                float loss = GradientKernels.LogitsSumStrided(z, c, c, y, g, out int correct);
                results.Add((loss, g, correct));
            }

            foreach (var other in results.Skip(1))
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(results[0].Loss), BitConverter.SingleToInt32Bits(other.Loss));
                Assert.Equal(results[0].Correct, other.Correct);
                Assert.Equal(results[0].Grad.Select(BitConverter.SingleToInt32Bits), other.Grad.Select(BitConverter.SingleToInt32Bits));
            }
        }
    }

    /// <summary>
    /// Rows with NaN (several payloads and signs), infinite and huge inputs, and infinite or NaN upstream gradients: the
    /// loss(es), gradient and count are the same bits on every path, and every NaN among them is float.NaN (which NaN
    /// an operation returns depends on its operand order, which differs between paths). Every kind of gradient row:
    /// registers (C = 10), the loop row (run-time C up to 1000, float16 input), the streamed row (a 4 MiB gradient),
    /// float16 gradients with an upstream, and both probability semantics.
    /// </summary>
    [Fact]
    public void NonfiniteRows_GiveTheSameBitsOnEveryPath_AndEveryNaNIsFloatNaN()
    {
        var rng = new Random(61);
        float[] nasty =
        {
            float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), BitConverter.Int32BitsToSingle(unchecked((int)0xFFA0_0001)),
            float.PositiveInfinity, float.NegativeInfinity, 3e38f, -3e38f, 0f, 1f,
        };

        float[] Nasty(int batch, int c, bool probabilities)
        {
            float[] v = probabilities
                ? Enumerable.Range(0, batch * c).Select(_ => (float)rng.NextDouble() / c).ToArray()
                : RandomLogits(rng, batch * c, 10);
            for (int r = 0; r < batch; r++)
            {
                if (rng.Next(3) == 0)
                {
                    v[r * c + rng.Next(c)] = nasty[rng.Next(nasty.Length)];
                }

                if (!probabilities && rng.Next(12) == 0)
                {
                    v.AsSpan(r * c, c).Fill(float.NegativeInfinity); // a row of -inf logits: its sum is NaN
                }
            }

            v[0] = BitConverter.Int32BitsToSingle(0x7FC0_1234); // row 0 always holds a NaN (at the label when it is 0)
            return v;
        }

        int[] Labels(int batch, int c) => Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();

        void Check(string what, Func<(float[] Losses, float[] Grad, int Correct)> run)
        {
            var results = new List<(CpuPath Path, float[] Losses, float[] Grad, int Correct)>();
            foreach (CpuPath path in CpuDispatch.SupportedPaths)
            {
                using var _ = CpuDispatch.Force(path);
                var (losses, grad, correct) = run();
                results.Add((path, losses, grad, correct));
            }

            foreach (var r in results)
            {
                int at = Array.FindIndex(r.Grad, v => float.IsNaN(v) && BitConverter.SingleToInt32Bits(v) != BitConverter.SingleToInt32Bits(float.NaN));
                Assert.True(at < 0, $"{what}, {r.Path}: gradient element {at} is NaN 0x{(at < 0 ? 0 : BitConverter.SingleToUInt32Bits(r.Grad[at])):X8}, not float.NaN");
                Assert.True(r.Losses.All(v => !float.IsNaN(v) || BitConverter.SingleToInt32Bits(v) == BitConverter.SingleToInt32Bits(float.NaN)), $"{what}, {r.Path}: a NaN loss is not float.NaN");
                Assert.True(r.Grad.Any(float.IsNaN), $"{what}: no NaN gradient at all, so the test proves nothing");
                Assert.Equal(results[0].Losses.Select(BitConverter.SingleToInt32Bits), r.Losses.Select(BitConverter.SingleToInt32Bits));
                Assert.Equal(results[0].Correct, r.Correct);
                Assert.True(results[0].Grad.Select(BitConverter.SingleToInt32Bits).SequenceEqual(r.Grad.Select(BitConverter.SingleToInt32Bits)), $"{what}: {r.Path} gradient bits differ from {results[0].Path}");
            }
        }

        for (int trial = 0; trial < 4; trial++)
        {
            const int batch = 37;
            {
                float[] z = Nasty(batch, 10, probabilities: false);
                int[] y = Labels(batch, 10);
                y[0] = 0;
                Check("C = 10 registers", () => { var g = new float[z.Length]; float l = GradientKernels.LogitsMeanC10(z, y, g, out int k); return (new[] { l }, g, k); });
                Half[] zh = z.Select(v => (Half)v).ToArray();
                Check("C = 10 float16", () => { var g = new float[z.Length]; float l = GradientKernels.LogitsMeanC10Half(zh, y, g, out int k); return (new[] { l }, g, k); });
            }

            {
                Half[] zh = Nasty(batch, 33, probabilities: false).Select(v => (Half)v).ToArray();
                int[] y = Labels(batch, 33);
                Check("C = 33 float16", () => { var g = new float[zh.Length]; float l = GradientKernels.LogitsMeanC33Half(zh, y, g, out int k); return (new[] { l }, g, k); });
            }

            foreach (int c in new[] { 3, 16, 17, 100, 1000 })
            {
                float[] z = Nasty(batch, c, probabilities: false);
                int[] y = Labels(batch, c);
                y[0] = 0; // the PyTorch semantics read only p[label]
                Check($"run-time C = {c}", () => { var g = new float[z.Length]; float l = GradientKernels.LogitsSumStrided(z, c, c, y, g, out int k); return (new[] { l }, g, k); });

                long[] yl = y.Select(v => (long)v).ToArray();
                float[] up = Enumerable.Range(0, batch).Select(_ => rng.Next(6) switch { 0 => float.PositiveInfinity, 1 => float.NaN, 2 => 0f, _ => (float)rng.NextDouble() }).ToArray();
                Check($"float16 gradient with an upstream, C = {c}", () =>
                {
                    var losses = new float[batch];
                    var gh = new Half[z.Length];
                    GradientKernels.LogitsNoneUpstreamHalfGrad(z, c, yl, losses, gh, up, out int k);
                    return (losses, gh.Select(v => (float)v).ToArray(), k);
                });

                float[] p = Nasty(batch, c, probabilities: true);
                Check($"PyTorch probabilities, C = {c}", () => { var g = new float[p.Length]; float l = GradientKernels.TorchMean(p, c, y, g, out int k); return (new[] { l }, g, k); });
                Check($"Keras probabilities, C = {c}", () => { var g = new float[p.Length]; float l = GradientKernels.KerasMean(p, c, y, g, out int k); return (new[] { l }, g, k); });
            }
        }

        {
            const int c = 1024, batch = 1100; // 4.3 MiB of gradient: streamed with non-temporal stores
            Assert.True(CceVector.StreamGradient((long)c * batch) || !System.Runtime.Intrinsics.X86.Sse.IsSupported);
            float[] z = Nasty(batch, c, probabilities: false);
            int[] y = Labels(batch, c);
            Check("streamed gradient, C = 1024", () => { var g = new float[z.Length]; float l = GradientKernels.LogitsSumStrided(z, c, c, y, g, out int k); return (new[] { l }, g, k); });
        }
    }

    [Fact]
    public void GradientSpanTooShortThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => GradientKernels.LogitsMeanC10(new float[20], new[] { 0, 1 }, new float[19], out _));
        Assert.Contains("19", ex.Message);
        Assert.Contains("20", ex.Message);
        Assert.Equal("g", ex.ParamName);
    }
}
