using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CceGen.Runtime;

/// <summary>
/// Natural logarithm in float32, one algorithm for every width (bit-identical scalar, AVX2 and AVX-512 results).
/// </summary>
/// <remarks>
/// <para>Algorithm (Cephes logf):</para>
/// <list type="number">
/// <item>Subnormal inputs are scaled by 2^23 first (and the exponent corrected), so they are as exact as normal ones.</item>
/// <item>x = m * 2^e with m in [sqrt(1/2), sqrt(2)), read from the exponent and mantissa bits; f = m - 1 is exact.</item>
/// <item>log(1 + f) = f - f^2/2 + f^3 * P(f), P of degree 8; e * ln 2 is added in two parts (<see cref="Ln2High"/> exact).</item>
/// </list>
/// <para>Special values by masks at the end: log(+-0) = -inf, log(+inf) = +inf, log(x &lt; 0) = NaN, log(NaN) = NaN.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct LogOperator
{
    /// <summary>High part of ln 2 (exact in 9 bits).</summary>
    public const float Ln2High = 0.693359375f;
    /// <summary>Low part of ln 2.</summary>
    public const float Ln2Low = -2.12194440e-4f;
    /// <summary>sqrt(1/2): mantissas below it are doubled so f stays in [sqrt(1/2) - 1, sqrt(2) - 1).</summary>
    public const float SqrtHalf = 0.707106781186547524f;
    /// <summary>Smallest normal float32; smaller positive inputs are scaled by 2^23 first.</summary>
    public const float MinNormal = 1.17549435e-38f;
    /// <summary>2^23, the subnormal scale.</summary>
    public const float SubnormalScale = 8388608f;

    private const float Q0 = 7.0376836292e-2f;
    private const float Q1 = -1.1514610310e-1f;
    private const float Q2 = 1.1676998740e-1f;
    private const float Q3 = -1.2420140846e-1f;
    private const float Q4 = 1.4249322787e-1f;
    private const float Q5 = -1.6668057665e-1f;
    private const float Q6 = 2.0000714765e-1f;
    private const float Q7 = -2.4999993993e-1f;
    private const float Q8 = 3.3333331174e-1f;

    /// <summary>log(x). Lane 0 of the 4-lane form: the same operations as every width, and branch-free, so a
    /// data-dependent special case costs no misprediction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x) => Invoke(Vector128.CreateScalar(x)).ToScalar();

    /// <summary>log(x) on 4 lanes (also the scalar form: one algorithm, no branches).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        Vector128<float> subnormal = Vector128.LessThan(x, Vector128.Create(MinNormal));
        Vector128<float> xs = Vector128.ConditionalSelect(subnormal, x * Vector128.Create(SubnormalScale), x);
        Vector128<int> bits = xs.AsInt32();
        Vector128<int> bias = Vector128.ConditionalSelect(subnormal.AsInt32(), Vector128.Create(126 + 23), Vector128.Create(126));
        Vector128<float> e = Vector128.ConvertToSingle((bits >>> 23) - bias);
        Vector128<float> m = ((bits & Vector128.Create(0x007FFFFF)) | Vector128.Create(0x3F000000)).AsSingle();
        Vector128<float> small = Vector128.LessThan(m, Vector128.Create(SqrtHalf));
        e = Vector128.ConditionalSelect(small, e - Vector128<float>.One, e);
        Vector128<float> f = Vector128.ConditionalSelect(small, (m + m) - Vector128<float>.One, m - Vector128<float>.One);
        Vector128<float> z = f * f;
        Vector128<float> y = Vector128.FusedMultiplyAdd(Vector128.Create(Q0), f, Vector128.Create(Q1));
        y = Vector128.FusedMultiplyAdd(y, f, Vector128.Create(Q2));
        y = Vector128.FusedMultiplyAdd(y, f, Vector128.Create(Q3));
        y = Vector128.FusedMultiplyAdd(y, f, Vector128.Create(Q4));
        y = Vector128.FusedMultiplyAdd(y, f, Vector128.Create(Q5));
        y = Vector128.FusedMultiplyAdd(y, f, Vector128.Create(Q6));
        y = Vector128.FusedMultiplyAdd(y, f, Vector128.Create(Q7));
        y = Vector128.FusedMultiplyAdd(y, f, Vector128.Create(Q8));
        y = (y * f) * z;
        y = Vector128.FusedMultiplyAdd(e, Vector128.Create(Ln2Low), y);
        y = Vector128.FusedMultiplyAdd(z, Vector128.Create(-0.5f), y);
        Vector128<float> result = f + y;
        result = Vector128.FusedMultiplyAdd(e, Vector128.Create(Ln2High), result);
        result = Vector128.ConditionalSelect(Vector128.Equals(x, Vector128.Create(float.PositiveInfinity)), Vector128.Create(float.PositiveInfinity), result);
        result = Vector128.ConditionalSelect(Vector128.Equals(x, Vector128<float>.Zero), Vector128.Create(float.NegativeInfinity), result);
        return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), result, Vector128.Create(float.NaN));
    }

    /// <summary>log(x) on 8 lanes (AVX2+FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        Vector256<float> subnormal = Vector256.LessThan(x, Vector256.Create(MinNormal));
        Vector256<float> xs = Vector256.ConditionalSelect(subnormal, x * Vector256.Create(SubnormalScale), x);
        Vector256<int> bits = xs.AsInt32();
        Vector256<int> bias = Vector256.ConditionalSelect(subnormal.AsInt32(), Vector256.Create(126 + 23), Vector256.Create(126));
        Vector256<float> e = Vector256.ConvertToSingle((bits >>> 23) - bias);
        Vector256<float> m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F000000)).AsSingle();
        Vector256<float> small = Vector256.LessThan(m, Vector256.Create(SqrtHalf));
        e = Vector256.ConditionalSelect(small, e - Vector256<float>.One, e);
        Vector256<float> f = Vector256.ConditionalSelect(small, (m + m) - Vector256<float>.One, m - Vector256<float>.One);
        Vector256<float> z = f * f;
        Vector256<float> y = Vector256.FusedMultiplyAdd(Vector256.Create(Q0), f, Vector256.Create(Q1));
        y = Vector256.FusedMultiplyAdd(y, f, Vector256.Create(Q2));
        y = Vector256.FusedMultiplyAdd(y, f, Vector256.Create(Q3));
        y = Vector256.FusedMultiplyAdd(y, f, Vector256.Create(Q4));
        y = Vector256.FusedMultiplyAdd(y, f, Vector256.Create(Q5));
        y = Vector256.FusedMultiplyAdd(y, f, Vector256.Create(Q6));
        y = Vector256.FusedMultiplyAdd(y, f, Vector256.Create(Q7));
        y = Vector256.FusedMultiplyAdd(y, f, Vector256.Create(Q8));
        y = (y * f) * z;
        y = Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2Low), y);
        y = Vector256.FusedMultiplyAdd(z, Vector256.Create(-0.5f), y);
        Vector256<float> result = f + y;
        result = Vector256.FusedMultiplyAdd(e, Vector256.Create(Ln2High), result);
        result = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(float.PositiveInfinity)), Vector256.Create(float.PositiveInfinity), result);
        result = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<float>.Zero), Vector256.Create(float.NegativeInfinity), result);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), result, Vector256.Create(float.NaN));
    }

    /// <summary>log(x) on 16 lanes (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        Vector512<float> subnormal = Vector512.LessThan(x, Vector512.Create(MinNormal));
        Vector512<float> xs = Vector512.ConditionalSelect(subnormal, x * Vector512.Create(SubnormalScale), x);
        Vector512<int> bits = xs.AsInt32();
        Vector512<int> bias = Vector512.ConditionalSelect(subnormal.AsInt32(), Vector512.Create(126 + 23), Vector512.Create(126));
        Vector512<float> e = Vector512.ConvertToSingle((bits >>> 23) - bias);
        Vector512<float> m = ((bits & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F000000)).AsSingle();
        Vector512<float> small = Vector512.LessThan(m, Vector512.Create(SqrtHalf));
        e = Vector512.ConditionalSelect(small, e - Vector512<float>.One, e);
        Vector512<float> f = Vector512.ConditionalSelect(small, (m + m) - Vector512<float>.One, m - Vector512<float>.One);
        Vector512<float> z = f * f;
        Vector512<float> y = Vector512.FusedMultiplyAdd(Vector512.Create(Q0), f, Vector512.Create(Q1));
        y = Vector512.FusedMultiplyAdd(y, f, Vector512.Create(Q2));
        y = Vector512.FusedMultiplyAdd(y, f, Vector512.Create(Q3));
        y = Vector512.FusedMultiplyAdd(y, f, Vector512.Create(Q4));
        y = Vector512.FusedMultiplyAdd(y, f, Vector512.Create(Q5));
        y = Vector512.FusedMultiplyAdd(y, f, Vector512.Create(Q6));
        y = Vector512.FusedMultiplyAdd(y, f, Vector512.Create(Q7));
        y = Vector512.FusedMultiplyAdd(y, f, Vector512.Create(Q8));
        y = (y * f) * z;
        y = Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2Low), y);
        y = Vector512.FusedMultiplyAdd(z, Vector512.Create(-0.5f), y);
        Vector512<float> result = f + y;
        result = Vector512.FusedMultiplyAdd(e, Vector512.Create(Ln2High), result);
        result = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512.Create(float.PositiveInfinity)), Vector512.Create(float.PositiveInfinity), result);
        result = Vector512.ConditionalSelect(Vector512.Equals(x, Vector512<float>.Zero), Vector512.Create(float.NegativeInfinity), result);
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512<float>.Zero), result, Vector512.Create(float.NaN));
    }
}
