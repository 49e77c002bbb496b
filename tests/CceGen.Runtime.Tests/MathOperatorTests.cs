using System.Linq;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Runtime.Tests;

/// <summary>
/// Accuracy of <see cref="ExpOperator"/> and <see cref="LogOperator"/> against the double-precision
/// <see cref="Math.Exp"/>/<see cref="Math.Log"/> rounded to float, their special values, and bit identity of the
/// scalar, 256-bit and 512-bit forms.
/// </summary>
public sealed class MathOperatorTests
{
    private const int MaxUlp = 2;
    private const int MaxReported = 20;

    private static readonly Lazy<float[]> s_expInputs = new(BuildExpInputs);
    private static readonly Lazy<float[]> s_logInputs = new(BuildLogInputs);

    private readonly ITestOutputHelper _output;

    public MathOperatorTests(ITestOutputHelper output) => _output = output;

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>Maps float bits onto a line where adjacent floats differ by 1 (+0 and -0 both map to 0).</summary>
    internal static long Ordered(float value)
    {
        int bits = BitConverter.SingleToInt32Bits(value);
        return bits >= 0 ? bits : (long)int.MinValue - bits;
    }

    /// <summary>Distance in ulps between two non-NaN floats.</summary>
    internal static long UlpDistance(float a, float b) => Math.Abs(Ordered(a) - Ordered(b));

    internal static string Hex(float value) =>
        "0x" + BitConverter.SingleToUInt32Bits(value).ToString("X8", CultureInfo.InvariantCulture);

    internal static string Show(float value) =>
        value.ToString("R", CultureInfo.InvariantCulture) + " (" + Hex(value) + ")";

    /// <summary>Same bits, or both NaN.</summary>
    internal static bool SameBits(float a, float b) =>
        (float.IsNaN(a) && float.IsNaN(b)) || BitConverter.SingleToUInt32Bits(a) == BitConverter.SingleToUInt32Bits(b);

    private static void AddFloatRange(List<float> into, float from, float to, int stride = 1)
    {
        // from and to have the same sign here; walk the bit patterns.
        int a = BitConverter.SingleToInt32Bits(from);
        int b = BitConverter.SingleToInt32Bits(to);
        int lo = Math.Min(a, b);
        int hi = Math.Max(a, b);
        for (long bits = lo; bits <= hi; bits += stride)
        {
            into.Add(BitConverter.Int32BitsToSingle((int)bits));
        }
    }

    private static void AddNeighbours(List<float> into, float value, int steps)
    {
        float down = value;
        float up = value;
        into.Add(value);
        for (int i = 0; i < steps; i++)
        {
            down = MathF.BitDecrement(down);
            up = MathF.BitIncrement(up);
            into.Add(down);
            into.Add(up);
        }
    }

    /// <summary>Special values that every bit-identity check puts into vector lanes.</summary>
    private static readonly float[] s_specials =
    {
        0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -float.NaN,
        BitConverter.UInt32BitsToSingle(0x7FC12345u), BitConverter.UInt32BitsToSingle(0xFFC00001u),
        BitConverter.UInt32BitsToSingle(0x7F800001u), // signalling NaN
        float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 1.17549435e-38f, -1.17549435e-38f,
        BitConverter.UInt32BitsToSingle(0x007FFFFFu), BitConverter.UInt32BitsToSingle(0x807FFFFFu),
        1f, -1f, 1e30f, -1e30f, 1e-30f, -1e-30f,
    };

    private static float[] BuildExpInputs()
    {
        var list = new List<float>(4_000_000);
        list.AddRange(s_specials);

        var random = new Random(20240611);
        for (int i = 0; i < 1_000_000; i++)
        {
            list.Add((float)(-110.0 + (210.0 * random.NextDouble())));
        }

        // Dense, evenly spaced sweep over [-88, 89].
        const int sweep = 2_000_000;
        for (int i = 0; i <= sweep; i++)
        {
            list.Add((float)(-88.0 + (177.0 * i / sweep)));
        }

        // Every float near both ends of the finite range, and every 7th float through the subnormal-result region.
        AddFloatRange(list, 86f, 89f);
        AddFloatRange(list, -88f, -86f);
        AddFloatRange(list, -104f, -87f, stride: 7);

        AddNeighbours(list, ExpOperator.OverflowBound, 64);
        AddNeighbours(list, ExpOperator.UnderflowBound, 64);
        AddNeighbours(list, -ExpOperator.OverflowBound, 8);
        AddNeighbours(list, (float)Math.Log(float.MaxValue), 8);
        AddNeighbours(list, (float)Math.Log(1.17549435e-38), 8);
        AddNeighbours(list, (float)Math.Log(float.Epsilon), 8);

        // Tiny inputs of both signs (including subnormal inputs): exp is 1 to within rounding.
        for (int k = -149; k <= 6; k++)
        {
            float p = MathF.ScaleB(1f, k);
            AddNeighbours(list, p, 2);
            AddNeighbours(list, -p, 2);
        }

        // Multiples of ln 2 / 2 (range-reduction boundaries).
        for (int k = -260; k <= 260; k++)
        {
            AddNeighbours(list, (float)(k * Math.Log(2.0) / 2.0), 2);
        }

        return list.ToArray();
    }

    private static float[] BuildLogInputs()
    {
        var list = new List<float>(3_500_000);
        list.AddRange(s_specials);
        list.AddRange(new[] { -2f, -0.5f, -100f, float.NegativeInfinity });

        var random = new Random(5318008);
        for (int i = 0; i < 1_000_000; i++)
        {
            // Any positive finite bit pattern (subnormals included).
            list.Add(BitConverter.Int32BitsToSingle(random.Next(1, 0x7F800000)));
        }

        for (int i = 0; i < 100_000; i++)
        {
            list.Add(BitConverter.Int32BitsToSingle(random.Next(1, 0x00800000)));
        }

        // Every float in [0.99, 1.01] (where log is smallest and relative error is hardest), every 11th in [0.5, 2].
        AddFloatRange(list, 0.99f, 1.01f);
        AddFloatRange(list, 0.5f, 2f, stride: 11);

        AddNeighbours(list, 1f, 64);
        AddNeighbours(list, LogOperator.SqrtHalf, 16);
        AddNeighbours(list, MathF.Sqrt(2f), 16);
        AddNeighbours(list, LogOperator.MinNormal, 16);
        AddNeighbours(list, MathF.E, 4);
        list.Add(float.Epsilon);
        list.Add(float.MaxValue);
        list.Add(MathF.BitDecrement(float.MaxValue));
        for (int k = -149; k <= 127; k++)
        {
            AddNeighbours(list, MathF.ScaleB(1f, k), 2);
        }

        return list.ToArray();
    }

    private static string Report(string what, int failures, int total, StringBuilder examples) =>
        $"{what}: {failures} of {total} inputs failed. First failures:{Environment.NewLine}{examples}";

    // ---- exp ---------------------------------------------------------------------------------------------------

    /// <summary>The expected result class for exp(x); null when the 2-ulp comparison applies.</summary>
    private static float? ExactExp(float x)
    {
        if (float.IsNaN(x))
        {
            return float.NaN;
        }

        if (x < ExpOperator.UnderflowBound)
        {
            return 0f; // +0 exactly (covers -inf)
        }

        if (x > ExpOperator.OverflowBound)
        {
            return float.PositiveInfinity; // covers +inf
        }

        float reference = (float)Math.Exp(x);
        return float.IsInfinity(reference) ? float.PositiveInfinity : null;
    }

    [Fact]
    public void Exp_Scalar_IsWithinTwoUlpOfMathExp()
    {
        float[] inputs = s_expInputs.Value;
        var examples = new StringBuilder();
        int failures = 0;
        long worst = 0;
        float worstX = 0f;
        for (int i = 0; i < inputs.Length; i++)
        {
            float x = inputs[i];
            float actual = ExpOperator.Invoke(x);
            float? exact = ExactExp(x);
            bool ok;
            string expected;
            if (exact is float e)
            {
                ok = float.IsNaN(e) ? float.IsNaN(actual) : BitConverter.SingleToUInt32Bits(actual) == BitConverter.SingleToUInt32Bits(e);
                expected = "exactly " + Show(e);
            }
            else
            {
                float reference = (float)Math.Exp(x);
                long ulp = float.IsNaN(actual) ? long.MaxValue : UlpDistance(actual, reference);
                if (ulp > worst && ulp != long.MaxValue)
                {
                    worst = ulp;
                    worstX = x;
                }

                ok = ulp <= MaxUlp && float.IsFinite(actual);
                expected = Show(reference) + $" within {MaxUlp} ulp (off by {ulp})";
            }

            if (!ok && ++failures <= MaxReported)
            {
                examples.AppendLine($"  exp({Show(x)}) = {Show(actual)}, expected {expected}");
            }
        }

        _output.WriteLine($"exp: {inputs.Length} inputs, worst error {worst} ulp at x = {Show(worstX)}");
        Assert.True(failures == 0, Report("ExpOperator.Invoke(float)", failures, inputs.Length, examples));
    }

    [Fact]
    public void Exp_SpecialValues()
    {
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(ExpOperator.Invoke(float.NegativeInfinity)));
        Assert.Equal(float.PositiveInfinity, ExpOperator.Invoke(float.PositiveInfinity));
        Assert.True(float.IsNaN(ExpOperator.Invoke(float.NaN)));
        Assert.True(float.IsNaN(ExpOperator.Invoke(-float.NaN)));
        Assert.Equal(1f, ExpOperator.Invoke(0f));
        Assert.Equal(1f, ExpOperator.Invoke(-0f));
        Assert.Equal(1f, ExpOperator.Invoke(float.Epsilon));
        Assert.Equal(1f, ExpOperator.Invoke(-float.Epsilon));

        // Just past the bounds: exactly +inf and exactly +0 (not -0, not a subnormal).
        Assert.Equal(float.PositiveInfinity, ExpOperator.Invoke(MathF.BitIncrement(ExpOperator.OverflowBound)));
        Assert.Equal(float.PositiveInfinity, ExpOperator.Invoke(float.MaxValue));
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(ExpOperator.Invoke(MathF.BitDecrement(ExpOperator.UnderflowBound))));
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(ExpOperator.Invoke(-float.MaxValue)));
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(ExpOperator.Invoke(-100f)));

        // At and inside the bounds: the largest finite results are finite and the smallest are normal.
        float belowOverflow = ExpOperator.Invoke(MathF.BitDecrement(ExpOperator.OverflowBound));
        Assert.True(float.IsFinite(belowOverflow), $"exp(BitDecrement(OverflowBound)) = {Show(belowOverflow)}");
        Assert.True(float.IsNormal(ExpOperator.Invoke(ExpOperator.UnderflowBound)));
        Assert.True(ExpOperator.Invoke(ExpOperator.UnderflowBound) >= 1.17549435e-38f);

        // The documented bounds are where the double-precision exp leaves the float range.
        Assert.True(Math.Exp(MathF.BitIncrement(ExpOperator.OverflowBound)) > float.MaxValue);
        Assert.True(Math.Exp(ExpOperator.UnderflowBound) >= 1.17549435e-38);
        Assert.True(Math.Exp(MathF.BitDecrement(ExpOperator.UnderflowBound)) < 1.17549435e-38);
    }

    // ---- log ---------------------------------------------------------------------------------------------------

    [Fact]
    public void Log_Scalar_IsWithinTwoUlpOfMathLog()
    {
        float[] inputs = s_logInputs.Value;
        var examples = new StringBuilder();
        int failures = 0;
        int checkedCount = 0;
        long worst = 0;
        float worstX = 0f;
        for (int i = 0; i < inputs.Length; i++)
        {
            float x = inputs[i];
            if (!(x > 0f) || !float.IsFinite(x))
            {
                continue; // special values: Log_SpecialValues
            }

            checkedCount++;
            float actual = LogOperator.Invoke(x);
            float reference = (float)Math.Log(x);
            long ulp = float.IsFinite(actual) ? UlpDistance(actual, reference) : long.MaxValue;
            if (ulp != long.MaxValue && ulp > worst)
            {
                worst = ulp;
                worstX = x;
            }

            if (ulp > MaxUlp && ++failures <= MaxReported)
            {
                examples.AppendLine($"  log({Show(x)}) = {Show(actual)}, expected {Show(reference)} within {MaxUlp} ulp");
            }
        }

        _output.WriteLine($"log: {checkedCount} positive finite inputs, worst error {worst} ulp at x = {Show(worstX)}");
        Assert.True(checkedCount > 2_500_000, $"only {checkedCount} inputs checked");
        Assert.True(failures == 0, Report("LogOperator.Invoke(float)", failures, checkedCount, examples));
    }

    [Fact]
    public void Log_SpecialValues()
    {
        Assert.Equal(float.NegativeInfinity, LogOperator.Invoke(0f));
        Assert.Equal(float.NegativeInfinity, LogOperator.Invoke(-0f));
        Assert.Equal(float.PositiveInfinity, LogOperator.Invoke(float.PositiveInfinity));
        Assert.True(float.IsNaN(LogOperator.Invoke(float.NegativeInfinity)));
        Assert.True(float.IsNaN(LogOperator.Invoke(-1f)));
        Assert.True(float.IsNaN(LogOperator.Invoke(-float.Epsilon)));
        Assert.True(float.IsNaN(LogOperator.Invoke(-float.MaxValue)));
        Assert.True(float.IsNaN(LogOperator.Invoke(float.NaN)));
        Assert.True(float.IsNaN(LogOperator.Invoke(-float.NaN)));
        Assert.Equal(0u, BitConverter.SingleToUInt32Bits(LogOperator.Invoke(1f)));

        // Smallest subnormal and largest finite: within 2 ulp of -149 ln 2 and 128 ln 2 (minus a hair).
        Assert.InRange(UlpDistance(LogOperator.Invoke(float.Epsilon), (float)Math.Log(float.Epsilon)), 0, MaxUlp);
        Assert.InRange(UlpDistance(LogOperator.Invoke(float.MaxValue), (float)Math.Log(float.MaxValue)), 0, MaxUlp);
    }

    [Fact]
    public void UlpHelpers_DetectErrors()
    {
        // Guards against a comparison that could never fail.
        Assert.Equal(0, UlpDistance(0f, -0f));
        Assert.Equal(1, UlpDistance(1f, MathF.BitIncrement(1f)));
        Assert.Equal(2, UlpDistance(float.Epsilon, -float.Epsilon));
        Assert.Equal(3, UlpDistance(1f, MathF.BitDecrement(MathF.BitDecrement(MathF.BitDecrement(1f)))));
        Assert.Equal(1, UlpDistance(float.MaxValue, float.PositiveInfinity));
        Assert.True(UlpDistance(1f, 2f) > MaxUlp);
        Assert.False(SameBits(0f, -0f));
        Assert.True(SameBits(float.NaN, BitConverter.UInt32BitsToSingle(0x7FC12345u)));
        Assert.False(SameBits(float.NaN, 1f));
    }

    // ---- bit identity of the vector forms ------------------------------------------------------------------------

    private delegate float ScalarOp(float x);

    /// <summary>Inputs arranged so that every special value visits every lane position, interleaved with ordinary values.</summary>
    private static float[] WithSpecialsInEveryLane(float[] inputs)
    {
        var list = new List<float>(inputs.Length + (s_specials.Length * 16 * 16));
        for (int shift = 0; shift < 16; shift++)
        {
            for (int s = 0; s < s_specials.Length; s++)
            {
                for (int lane = 0; lane < 16; lane++)
                {
                    // Lane `shift` of the 16-lane group gets special s; the other lanes get ordinary inputs.
                    list.Add(lane == shift ? s_specials[s] : inputs[((s * 16) + lane + (shift * 977)) % inputs.Length]);
                }
            }
        }

        list.AddRange(inputs);
        while (list.Count % 16 != 0)
        {
            list.Add(1f);
        }

        return list.ToArray();
    }

    private void CheckVector256(string name, float[] inputs, ScalarOp scalar, Func<Vector256<float>, Vector256<float>> vector)
    {
        _output.WriteLine($"Vector256.IsHardwareAccelerated = {Vector256.IsHardwareAccelerated}");
        float[] all = WithSpecialsInEveryLane(inputs);
        var examples = new StringBuilder();
        int failures = 0;
        for (int i = 0; i < all.Length; i += 8)
        {
            Vector256<float> result = vector(Vector256.Create(all, i));
            for (int lane = 0; lane < 8; lane++)
            {
                float x = all[i + lane];
                float expected = scalar(x);
                float actual = result.GetElement(lane);
                if (!SameBits(expected, actual) && ++failures <= MaxReported)
                {
                    examples.AppendLine($"  lane {lane}: x = {Show(x)}: scalar {Show(expected)}, Vector256 {Show(actual)}");
                }
            }
        }

        Assert.True(failures == 0, Report(name + "(Vector256<float>) vs scalar", failures, all.Length, examples));
    }

    private void CheckVector512(string name, float[] inputs, ScalarOp scalar, Func<Vector512<float>, Vector512<float>> vector)
    {
        _output.WriteLine($"Vector512.IsHardwareAccelerated = {Vector512.IsHardwareAccelerated}");
        float[] all = WithSpecialsInEveryLane(inputs);
        var examples = new StringBuilder();
        int failures = 0;
        for (int i = 0; i < all.Length; i += 16)
        {
            Vector512<float> result = vector(Vector512.Create(all, i));
            for (int lane = 0; lane < 16; lane++)
            {
                float x = all[i + lane];
                float expected = scalar(x);
                float actual = result.GetElement(lane);
                if (!SameBits(expected, actual) && ++failures <= MaxReported)
                {
                    examples.AppendLine($"  lane {lane}: x = {Show(x)}: scalar {Show(expected)}, Vector512 {Show(actual)}");
                }
            }
        }

        Assert.True(failures == 0, Report(name + "(Vector512<float>) vs scalar", failures, all.Length, examples));
    }

    // The vector forms use only cross-platform Vector256/Vector512 APIs, which also run (in software) when the
    // width is not hardware accelerated, e.g. under DOTNET_EnableAVX512=0; so these run on every configuration.

    [Fact]
    public void Exp_Vector256_IsBitIdenticalToScalar() =>
        CheckVector256("ExpOperator.Invoke", s_expInputs.Value, ExpOperator.Invoke, ExpOperator.Invoke);

    [Fact]
    public void Exp_Vector512_IsBitIdenticalToScalar() =>
        CheckVector512("ExpOperator.Invoke", s_expInputs.Value, ExpOperator.Invoke, ExpOperator.Invoke);

    // The softmax form (x <= 0 or NaN only) must return exactly the bits of the general form, on every width,
    // for every such float: all 2^31 patterns with the sign bit set and every positive NaN pattern.
    [Fact]
    public void ExpNonPositive_MatchesInvoke_ForEveryNonPositiveFloatAndNaN_Exhaustively()
    {
        long mismatches = 0;
        var examples = new StringBuilder();
        // Without AVX-512 (the DOTNET_EnableAVX512=0 / EnableAVX2=0 runs) Vector512 is emulated and the FMA may be too:
        // every 16-pattern block is then too slow, so those runs check every 1021st block (still ~2 million inputs).
        ulong step = Vector512.IsHardwareAccelerated ? 16UL : 16UL * 1021;
        void Range(uint first, uint lastInclusive)
        {
            Vector512<uint> lanes = Vector512<uint>.Indices;
            for (ulong start = first; start <= lastInclusive; start += step)
            {
                Vector512<uint> bits = Vector512.Min(lanes + Vector512.Create((uint)start), Vector512.Create(lastInclusive));
                Vector512<float> x = bits.AsSingle();
                Vector512<uint> general = ExpOperator.Invoke(x).AsUInt32();
                Vector512<uint> softmax = ExpOperator.InvokeNonPositive(x).AsUInt32();
                if (general != softmax)
                {
                    for (int lane = 0; lane < 16; lane++)
                    {
                        if (general[lane] != softmax[lane] && ++mismatches <= MaxReported)
                        {
                            examples.AppendLine($"  x = 0x{bits[lane]:X8}: Invoke 0x{general[lane]:X8}, InvokeNonPositive 0x{softmax[lane]:X8}");
                        }
                    }
                }
            }
        }

        Range(0x80000000u, 0xFFFFFFFFu); // -0 to -inf, and the NaNs with the sign bit set
        Range(0x00000000u, 0x00000000u); // +0
        Range(0x7F800001u, 0x7FFFFFFFu); // NaNs with the sign bit clear
        Assert.True(mismatches == 0, $"{mismatches} mismatches:\n{examples}");
    }

    [Fact]
    public void ExpNonPositive_ScalarAndVector256_MatchInvoke()
    {
        float[] inputs = s_expInputs.Value.Where(x => !(x > 0f)).ToArray();
        Assert.True(inputs.Length > 1_000_000, $"only {inputs.Length} non-positive inputs");
        for (int i = 0; i + 8 <= inputs.Length; i += 8)
        {
            Vector256<float> x = Vector256.Create(inputs.AsSpan(i, 8));
            Assert.Equal(ExpOperator.Invoke(x).AsUInt32(), ExpOperator.InvokeNonPositive(x).AsUInt32());
            Assert.Equal(BitConverter.SingleToUInt32Bits(ExpOperator.Invoke(inputs[i])), BitConverter.SingleToUInt32Bits(ExpOperator.InvokeNonPositive(inputs[i])));
        }
    }

    [Fact]
    public void Log_Vector256_IsBitIdenticalToScalar() =>
        CheckVector256("LogOperator.Invoke", s_logInputs.Value, LogOperator.Invoke, LogOperator.Invoke);

    [Fact]
    public void Log_Vector512_IsBitIdenticalToScalar() =>
        CheckVector512("LogOperator.Invoke", s_logInputs.Value, LogOperator.Invoke, LogOperator.Invoke);
}
