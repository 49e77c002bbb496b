using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Runtime.Tests;

/// <summary>
/// Float partial loads of <see cref="CceVector"/> and the canonical 16-lane folds (vector and
/// <see cref="CceScalarLanes"/>) against the documented tree.
/// </summary>
public sealed class LoadAndFoldTests
{
    private const int Trials = 20_000;
    private const int MaxReported = 20;

    private static readonly float[] s_fills =
    {
        float.NegativeInfinity, 0f, -0f, -7.25f, BitConverter.UInt32BitsToSingle(0x7FC0BEEFu), float.MaxValue,
    };

    private readonly ITestOutputHelper _output;

    public LoadAndFoldTests(ITestOutputHelper output) => _output = output;

    private static string Show(float value) =>
        value.ToString("R", CultureInfo.InvariantCulture) + " (0x" +
        BitConverter.SingleToUInt32Bits(value).ToString("X8", CultureInfo.InvariantCulture) + ")";

    private static uint Bits(float value) => BitConverter.SingleToUInt32Bits(value);

    /// <summary>Random floats spanning about 2^-40 .. 2^40 in magnitude with random signs, so that the order of additions matters.</summary>
    private static float WideRandom(Random random)
    {
        double mantissa = 1.0 + random.NextDouble();
        int exponent = random.Next(-40, 41);
        double value = Math.ScaleB(mantissa, exponent);
        return (float)(random.Next(2) == 0 ? value : -value);
    }

    private static float[] RandomLanes(Random random)
    {
        var lanes = new float[16];
        for (int i = 0; i < 16; i++)
        {
            lanes[i] = WideRandom(random);
        }

        // Now and then, large cancelling pairs in lanes that the tree pairs differently from a sequential sum.
        if (random.Next(4) == 0)
        {
            float big = MathF.ScaleB(1f, random.Next(20, 60));
            lanes[random.Next(16)] = big;
            lanes[random.Next(16)] = -big;
        }

        return lanes;
    }

    /// <summary>The documented tree, written out independently of the runtime.</summary>
    private static float TreeSum(float[] l)
    {
        var t8 = new float[8];
        for (int i = 0; i < 8; i++)
        {
            t8[i] = l[i] + l[i + 8];
        }

        var t4 = new float[4];
        for (int i = 0; i < 4; i++)
        {
            t4[i] = t8[i] + t8[i + 4];
        }

        return (t4[0] + t4[2]) + (t4[1] + t4[3]);
    }

    /// <summary>x86 maxps/maxss: the first operand if it is greater, else the second (so NaN or equal gives the second).</summary>
    private static float MaxSse(float a, float b) => a > b ? a : b;

    private static float TreeMax(float[] l)
    {
        var t8 = new float[8];
        for (int i = 0; i < 8; i++)
        {
            t8[i] = MaxSse(l[i], l[i + 8]);
        }

        var t4 = new float[4];
        for (int i = 0; i < 4; i++)
        {
            t4[i] = MaxSse(t8[i], t8[i + 4]);
        }

        return MaxSse(MaxSse(t4[0], t4[2]), MaxSse(t4[1], t4[3]));
    }

    private static CceScalarLanes ToScalarLanes(float[] l)
    {
        CceScalarLanes lanes = default;
        for (int i = 0; i < 16; i++)
        {
            lanes[i] = l[i];
        }

        return lanes;
    }

    // ---- partial loads -------------------------------------------------------------------------------------------

    [Fact]
    public unsafe void LoadPartial512_Float_EveryCount()
    {
        if (!Avx512F.IsSupported)
        {
            // LoadPartial512 uses AVX-512F masked loads, which only the AVX-512 path calls.
            Assert.NotEqual(CpuPath.Avx512, CpuDispatch.Detected);
            _output.WriteLine("Avx512F is not supported (or disabled): LoadPartial512(ref float) not run; Detected = " + CpuDispatch.Detected);
            return;
        }

        var random = new Random(1512);
        using var buffer = new GuardedBuffer(128);
        _output.WriteLine($"guard page: {buffer.Guarded}");
        var examples = new StringBuilder();
        int failures = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            for (int count = 0; count <= 16; count++)
            {
                float fill = s_fills[(trial + count) % s_fills.Length];
                Span<float> tail = buffer.Tail<float>(count);
                for (int i = 0; i < count; i++)
                {
                    tail[i] = WideRandom(random);
                }

                // The elements end at the guard page: a read of element `count` would crash the run.
                ref float source = ref Unsafe.AsRef<float>(buffer.End - (count * sizeof(float)));
                Vector512<float> v = CceVector.LoadPartial512(ref source, count, fill);
                for (int lane = 0; lane < 16; lane++)
                {
                    float expected = lane < count ? tail[lane] : fill;
                    if (Bits(v.GetElement(lane)) != Bits(expected) && ++failures <= MaxReported)
                    {
                        examples.AppendLine($"  count {count} lane {lane}: {Show(v.GetElement(lane))}, expected {Show(expected)}");
                    }
                }
            }
        }

        Assert.True(failures == 0, $"{failures} mismatches:{Environment.NewLine}{examples}");
    }

    [Fact]
    public unsafe void LoadPartial256_Float_EveryCount()
    {
        if (!Avx.IsSupported)
        {
            // LoadPartial256 uses vmaskmovps (AVX), which only the AVX2 path calls.
            Assert.Equal(CpuPath.Scalar, CpuDispatch.Detected);
            _output.WriteLine("Avx is not supported (or disabled): LoadPartial256(ref float) not run; Detected = " + CpuDispatch.Detected);
            return;
        }

        var random = new Random(1256);
        using var buffer = new GuardedBuffer(128);
        _output.WriteLine($"guard page: {buffer.Guarded}");
        var examples = new StringBuilder();
        int failures = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            for (int count = 0; count <= 8; count++)
            {
                float fill = s_fills[(trial + count) % s_fills.Length];
                Span<float> tail = buffer.Tail<float>(count);
                for (int i = 0; i < count; i++)
                {
                    tail[i] = WideRandom(random);
                }

                ref float source = ref Unsafe.AsRef<float>(buffer.End - (count * sizeof(float)));
                Vector256<float> v = CceVector.LoadPartial256(ref source, count, fill);
                for (int lane = 0; lane < 8; lane++)
                {
                    float expected = lane < count ? tail[lane] : fill;
                    if (Bits(v.GetElement(lane)) != Bits(expected) && ++failures <= MaxReported)
                    {
                        examples.AppendLine($"  count {count} lane {lane}: {Show(v.GetElement(lane))}, expected {Show(expected)}");
                    }
                }
            }
        }

        Assert.True(failures == 0, $"{failures} mismatches:{Environment.NewLine}{examples}");
    }

    [Fact]
    public void PartialLoads_Float_IgnoreReadableDataPastCount()
    {
        // Lanes >= count must be the fill even when the memory after the elements is readable and non-zero.
        float[] data = new float[32];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = i + 1;
        }

        if (Avx.IsSupported)
        {
            for (int count = 0; count <= 8; count++)
            {
                Vector256<float> v = CceVector.LoadPartial256(ref data[0], count, -1f);
                for (int lane = 0; lane < 8; lane++)
                {
                    Assert.Equal(lane < count ? lane + 1 : -1f, v.GetElement(lane));
                }
            }
        }

        if (Avx512F.IsSupported)
        {
            for (int count = 0; count <= 16; count++)
            {
                Vector512<float> v = CceVector.LoadPartial512(ref data[0], count, -1f);
                for (int lane = 0; lane < 16; lane++)
                {
                    Assert.Equal(lane < count ? lane + 1 : -1f, v.GetElement(lane));
                }
            }
        }

        Assert.Equal(data[5], CceVector.Element(ref data[0], 5));
    }

    [Fact]
    public void Masks_SelectTheFirstCountLanes()
    {
        for (int count = -1; count <= 17; count++)
        {
            Vector512<float> m512 = CceVector.Mask512(count);
            for (int lane = 0; lane < 16; lane++)
            {
                Assert.Equal(lane < count ? uint.MaxValue : 0u, m512.AsUInt32().GetElement(lane));
            }

            Vector256<float> m256 = CceVector.Mask256(count);
            for (int lane = 0; lane < 8; lane++)
            {
                Assert.Equal(lane < count ? uint.MaxValue : 0u, m256.AsUInt32().GetElement(lane));
            }
        }
    }

    [Fact]
    public void FullLoads_Float_ReadTheElements()
    {
        float[] data = new float[17];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (i * 1.5f) - 3f;
        }

        Vector512<float> v512 = CceVector.Load512(ref data[1]);
        Vector256<float> v256 = CceVector.Load256(ref data[1]);
        for (int lane = 0; lane < 16; lane++)
        {
            Assert.Equal(data[lane + 1], v512.GetElement(lane));
            if (lane < 8)
            {
                Assert.Equal(data[lane + 1], v256.GetElement(lane));
            }
        }
    }

    // ---- canonical folds -------------------------------------------------------------------------------------------

    [Fact]
    public void Sum_AllPathsMatchTheDocumentedTree()
    {
        _output.WriteLine($"Vector256 accelerated: {Vector256.IsHardwareAccelerated}, Vector512 accelerated: {Vector512.IsHardwareAccelerated}");
        var random = new Random(16016);
        var examples = new StringBuilder();
        int failures = 0;
        int orderMattered = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            float[] l = RandomLanes(random);
            float tree = TreeSum(l);

            float sum512 = CceVector.Sum(Vector512.Create(l));
            float sum256 = CceVector.Sum(Vector256.Create(l, 0), Vector256.Create(l, 8));
            float sumScalar = ToScalarLanes(l).Sum();

            float sequential = 0f;
            for (int i = 0; i < 16; i++)
            {
                sequential += l[i];
            }

            if (Bits(sequential) != Bits(tree))
            {
                orderMattered++;
            }

            if ((Bits(sum512) != Bits(tree) || Bits(sum256) != Bits(tree) || Bits(sumScalar) != Bits(tree)) && ++failures <= MaxReported)
            {
                examples.AppendLine(
                    $"  trial {trial}: tree {Show(tree)}, Sum(Vector512) {Show(sum512)}, Sum(Vector256, Vector256) {Show(sum256)}, CceScalarLanes.Sum {Show(sumScalar)}");
            }
        }

        _output.WriteLine($"sequential order gave a different sum in {orderMattered} of {Trials} trials");

        // The data must be able to tell orders apart, or bit identity would prove nothing.
        Assert.True(orderMattered > Trials / 10, $"order mattered in only {orderMattered} of {Trials} trials");
        Assert.True(failures == 0, $"{failures} of {Trials} trials disagree with the tree:{Environment.NewLine}{examples}");
    }

    [Fact]
    public void Sum_TreePairsLanesAsDocumented()
    {
        // Hand-made case where each pairing gives a different answer: 2^24 + 1 is not representable, so any order that
        // adds a 1 to 2^24 before the -2^24 loses it.
        float[] l = new float[16];
        l[0] = 16777216f;   // 2^24
        l[8] = -16777216f;  // cancels in t8[0]
        l[1] = 1f;
        l[4] = 1f;          // t4[0] = 0 + 1
        l[2] = 16777216f;   // t4[2] = 2^24: t4[0] + t4[2] = 2^24 + 1 -> 2^24 (tie to even)
        l[3] = 1f;          // t4[3] = 1, t4[1] = 1: (t4[1] + t4[3]) = 2
        float expected = 16777216f + 2f;
        Assert.Equal(expected, TreeSum(l));
        Assert.Equal(expected, CceVector.Sum(Vector512.Create(l)));
        Assert.Equal(expected, CceVector.Sum(Vector256.Create(l, 0), Vector256.Create(l, 8)));
        Assert.Equal(expected, ToScalarLanes(l).Sum());

        float sequential = 0f;
        foreach (float x in l)
        {
            sequential += x;
        }

        Assert.NotEqual(expected, sequential); // 2^24 + 1 + ... in order gives a different value
    }

    [Fact]
    public void Max_AllPathsMatchTheDocumentedTree()
    {
        var random = new Random(16017);
        var examples = new StringBuilder();
        int failures = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            float[] l = RandomLanes(random);
            if (trial % 3 == 0)
            {
                // Ties between the largest values; in particular +0 / -0 ties, where maxps returns its second operand.
                float top = trial % 2 == 0 ? 0f : MathF.Abs(l[0]);
                for (int i = 0; i < 16; i++)
                {
                    if (random.Next(3) == 0)
                    {
                        l[i] = top == 0f ? (random.Next(2) == 0 ? 0f : -0f) : top;
                    }
                    else
                    {
                        l[i] = -MathF.Abs(l[i]);
                    }
                }
            }

            float tree = TreeMax(l);
            float max512 = CceVector.Max(Vector512.Create(l));
            float max256 = CceVector.Max(Vector256.Create(l, 0), Vector256.Create(l, 8));
            float maxScalar = ToScalarLanes(l).Max();

            float plainMax = float.NegativeInfinity;
            foreach (float x in l)
            {
                plainMax = Math.Max(plainMax, x);
            }

            if (tree != plainMax)
            {
                Fail($"  trial {trial}: tree max {Show(tree)} is not the maximum {Show(plainMax)}");
            }

            if (Bits(max512) != Bits(tree) || Bits(max256) != Bits(tree) || Bits(maxScalar) != Bits(tree))
            {
                Fail($"  trial {trial}: tree {Show(tree)}, Max(Vector512) {Show(max512)}, Max(Vector256, Vector256) {Show(max256)}, CceScalarLanes.Max {Show(maxScalar)}");
            }
        }

        Assert.True(failures == 0, $"{failures} failures:{Environment.NewLine}{examples}");

        void Fail(string message)
        {
            if (++failures <= MaxReported)
            {
                examples.AppendLine(message);
            }
        }
    }

    [Fact]
    public void ScalarLanes_CreateAndMaxNative()
    {
        CceScalarLanes lanes = CceScalarLanes.Create(2.5f);
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(2.5f, lanes[i]);
        }

        Assert.Equal(40f, lanes.Sum());
        Assert.Equal(2.5f, lanes.Max());

        Assert.Equal(3f, CceScalarLanes.MaxNative(3f, 2f));
        Assert.Equal(3f, CceScalarLanes.MaxNative(2f, 3f));
        Assert.Equal(Bits(-0f), Bits(CceScalarLanes.MaxNative(0f, -0f))); // equal: second operand, like maxss
        Assert.Equal(Bits(0f), Bits(CceScalarLanes.MaxNative(-0f, 0f)));
        Assert.Equal(1f, CceScalarLanes.MaxNative(float.NaN, 1f));       // NaN: second operand, like maxss
        Assert.True(float.IsNaN(CceScalarLanes.MaxNative(1f, float.NaN)));
    }
}
