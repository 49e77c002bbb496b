using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using CceGen;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

internal static partial class StreamingKernels
{
    [SparseCceKernel(CceInput.Logits, CceReduction.Sum)]
    public static partial float LogitsSumGrad(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<int> y, Span<float> g);
}

/// <summary>
/// Large float gradients (at least CceVector.NonTemporalThresholdBytes) are written with non-temporal stores from the
/// first 64-byte boundary of each row. They must hold the same bits as a small call (ordinary stores) of the same rows,
/// whatever the alignment of the gradient buffer, including a buffer that is not even 4-byte aligned.
/// </summary>
public class StreamingGradientTests
{
    // Streaming is a vector-path feature; the scalar path (slow with emulated FMA under DOTNET_EnableAVX2=0) is
    // checked once, for correctness only.
    public static IEnumerable<object[]> Cases =>
        (from path in CpuDispatch.SupportedPaths.Where(p => p != CpuPath.Scalar)
         from c in new[] { 1000, 1003, 40_000 }
         from offset in new[] { 0, 1, 5, 15 }
         select new object[] { path, c, offset })
        .Append(new object[] { CpuPath.Scalar, 1003, 5 });

    [Theory]
    [MemberData(nameof(Cases))]
    public void StreamedGradient_EqualsTheOrdinaryOne_BitForBit(CpuPath path, int c, int offsetFloats)
    {
        using var forced = CpuDispatch.Force(path);
        int batch = (int)(CceVector.NonTemporalThresholdBytes / sizeof(float) / c) + 3;
        Assert.True(CceVector.StreamGradient((long)batch * c));
        var rng = new Random(c + offsetFloats);
        float[] z = Enumerable.Range(0, batch * c).Select(_ => (float)((rng.NextDouble() - 0.5) * 10)).ToArray();
        int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();
        y[0] = 0;
        y[1] = c - 1;

        // The gradient starts offsetFloats floats past a 64-byte boundary (arrays are at least 8-byte aligned; the
        // check below finds the boundary at run time rather than assuming it).
        float[] buffer = new float[batch * c + 32];
        int start = offsetFloats;
        while (CceVector.ElementsToLineStart(ref buffer[start]) != (16 - offsetFloats) % 16)
        {
            start++;
        }

        Span<float> g = buffer.AsSpan(start, batch * c);
        float total = StreamingKernels.LogitsSumGrad(z, c, y, g);
        Assert.True(float.IsFinite(total));

        // Reference: the first rows in a small call, which stores ordinarily.
        const int rows = 5;
        var small = new float[rows * c];
        StreamingKernels.LogitsSumGrad(z.AsSpan(0, rows * c), c, y.AsSpan(0, rows), small);
        Assert.False(CceVector.StreamGradient((long)rows * c));
        Assert.True(small.AsSpan().SequenceEqual(g[..(rows * c)]), "streamed rows differ from ordinary stores");

        // And the last rows, against float64 softmax - onehot.
        for (int r = batch - 2; r < batch; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < c; j++)
            {
                max = Math.Max(max, z[r * c + j]);
            }

            double sum = 0;
            for (int j = 0; j < c; j++)
            {
                sum += Math.Exp(z[r * c + j] - max);
            }

            for (int j = 0; j < c; j++)
            {
                double expected = Math.Exp(z[r * c + j] - max) / sum - (j == y[r] ? 1 : 0);
                Assert.InRange(g[r * c + j], expected - 1e-6 - 1e-5 * Math.Abs(expected), expected + 1e-6 + 1e-5 * Math.Abs(expected));
            }
        }
    }

    [Fact]
    public void MisalignedGradientBuffer_IsWrittenWithOrdinaryStores_AndStillCorrect()
    {
        const int c = 1000;
        int batch = (int)(CceVector.NonTemporalThresholdBytes / sizeof(float) / c) + 1;
        var rng = new Random(9);
        float[] z = Enumerable.Range(0, batch * c).Select(_ => (float)((rng.NextDouble() - 0.5) * 10)).ToArray();
        int[] y = Enumerable.Range(0, batch).Select(_ => rng.Next(c)).ToArray();
        byte[] bytes = new byte[(batch * c * sizeof(float)) + 8];
        Span<float> g = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(2, batch * c * sizeof(float)));
        Assert.Equal(-1, CceVector.ElementsToLineStart(ref g[0]));
        var aligned = new float[batch * c];
        foreach (CpuPath path in CpuDispatch.SupportedPaths)
        {
            using var forced = CpuDispatch.Force(path);
            float a = StreamingKernels.LogitsSumGrad(z, c, y, g);
            float b = StreamingKernels.LogitsSumGrad(z, c, y, aligned);
            Assert.Equal(BitConverter.SingleToUInt32Bits(b), BitConverter.SingleToUInt32Bits(a));
            Assert.True(aligned.AsSpan().SequenceEqual(g), $"{path}: misaligned gradient differs");
        }
    }
}
