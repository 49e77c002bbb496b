using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CceGen.Runtime;

/// <summary>
/// exp(x) in float32, with one algorithm for every width so that the scalar, AVX2 and AVX-512 paths give
/// bit-identical results.
/// </summary>
/// <remarks>
/// <para>Algorithm (Cody-Waite range reduction, Cephes-style polynomial):</para>
/// <list type="number">
/// <item>n = round(x * log2(e)), computed by adding <see cref="RoundingMagic"/> (1.5 * 2^23) with a fused multiply-add:
/// the low mantissa bits of the sum then hold n, so no float-to-int conversion (and its NaN/overflow rules) is involved.</item>
/// <item>r = x - n * ln2, in two fused steps (<see cref="Ln2High"/> is exact in 9 bits, <see cref="Ln2Low"/> the rest), |r| &lt;= ln2/2.</item>
/// <item>exp(r) = 1 + r + r^2 * P(r), P of degree 5 (Cephes expf coefficients), about 1 ulp on the reduced range.</item>
/// <item>2^n is built in the exponent field from the bits of the rounded sum, as two factors 2^h and 2^(n - h) with
/// h = n &gt;&gt; 1; the result is (P * 2^h) * 2^(n - h). (n reaches 128 for x in [127.5 ln 2, <see cref="OverflowBound"/>],
/// where a single factor 2^n would be +inf although exp(x) is finite; both products are exact for normal results.)</item>
/// </list>
/// <para>Special values are fixed with masks at the end: x &gt; <see cref="OverflowBound"/> gives +inf, x &lt;
/// <see cref="UnderflowBound"/> gives +0 (results below the smallest normal float flush to zero; log-softmax adds them
/// to a sum that is at least 1, so they cannot matter), NaN stays NaN, -inf gives 0.</para>
/// <para>Every step is an IEEE operation with one rounding (add, multiply, fused multiply-add), so
/// <see cref="Invoke(float)"/> uses <see cref="MathF.FusedMultiplyAdd"/> where the vector forms use FMA
/// instructions, and all three return the same bits.</para>
/// <para><b>Softmax form.</b> The <c>InvokeNonPositive</c> methods are the same algorithm for x &lt;= 0 (and NaN), the only
/// arguments a max-subtracted softmax produces. There n is in [-126, 0], so 2^n is a normal float and one factor
/// suffices; because the first factor of the two-factor product is exact, p * 2^n rounds to the same bits as
/// (p * 2^h) * 2^(n - h), subnormal results included. The overflow test is dead and dropped. Nine vector
/// instructions fewer per call; the tests check the two forms bit for bit on every width.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ExpOperator
{
    /// <summary>1.5 * 2^23: adding it rounds to an integer (ties to even) and leaves that integer in the low mantissa bits.</summary>
    public const float RoundingMagic = 12582912f;
    /// <summary>log2(e).</summary>
    public const float Log2E = 1.44269504088896341f;
    /// <summary>High part of ln 2 (0.693359375, exact in 9 significant bits so n * Ln2High is exact).</summary>
    public const float Ln2High = 0.693359375f;
    /// <summary>Low part of ln 2: ln 2 - <see cref="Ln2High"/>.</summary>
    public const float Ln2Low = -2.12194440e-4f;
    /// <summary>Above this, exp(x) overflows float32.</summary>
    public const float OverflowBound = 88.72283935546875f;
    /// <summary>Below this (ln of the smallest normal float), the result flushes to +0.</summary>
    public const float UnderflowBound = -87.33654022216797f;

    private const int RoundingMagicBits = 0x4B400000; // bits of RoundingMagic: the bits of k are RoundingMagicBits + n

    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;

    /// <summary>exp(x). Lane 0 of the 4-lane form: the same operations as every width, and branch-free, so a
    /// data-dependent special case costs no misprediction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x) => Invoke(Vector128.CreateScalar(x)).ToScalar();

    /// <summary>exp(x) on 4 lanes (also the scalar form: one algorithm, no branches).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x)
    {
        Vector128<float> k = Vector128.FusedMultiplyAdd(x, Vector128.Create(Log2E), Vector128.Create(RoundingMagic));
        Vector128<float> n = k - Vector128.Create(RoundingMagic);
        Vector128<float> r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2High), x);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Low), r);
        Vector128<float> r2 = r * r;
        Vector128<float> p = Vector128.FusedMultiplyAdd(Vector128.Create(P0), r, Vector128.Create(P1));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P2));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P5));
        p = Vector128.FusedMultiplyAdd(p, r2, r + Vector128<float>.One);
        Vector128<int> ni = k.AsInt32() - Vector128.Create(RoundingMagicBits);
        Vector128<int> half = ni >> 1;
        Vector128<float> scale1 = ((half + Vector128.Create(127)) << 23).AsSingle();
        Vector128<float> scale2 = ((ni - half + Vector128.Create(127)) << 23).AsSingle();
        Vector128<float> result = (p * scale1) * scale2;
        result = Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(OverflowBound)), Vector128.Create(float.PositiveInfinity), result);
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(UnderflowBound)), Vector128<float>.Zero, result);
    }

    /// <summary>exp(x) on 8 lanes (AVX2+FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        Vector256<float> k = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundingMagic));
        Vector256<float> n = k - Vector256.Create(RoundingMagic);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        Vector256<float> r2 = r * r;
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, r2, r + Vector256<float>.One);
        Vector256<int> ni = k.AsInt32() - Vector256.Create(RoundingMagicBits);
        Vector256<int> half = ni >> 1;
        Vector256<float> scale1 = ((half + Vector256.Create(127)) << 23).AsSingle();
        Vector256<float> scale2 = ((ni - half + Vector256.Create(127)) << 23).AsSingle();
        Vector256<float> result = (p * scale1) * scale2;
        result = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(OverflowBound)), Vector256.Create(float.PositiveInfinity), result);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(UnderflowBound)), Vector256<float>.Zero, result);
    }

    /// <summary>exp(x) on 16 lanes (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Invoke(Vector512<float> x)
    {
        Vector512<float> k = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundingMagic));
        Vector512<float> n = k - Vector512.Create(RoundingMagic);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        Vector512<float> r2 = r * r;
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r2, r + Vector512<float>.One);
        Vector512<int> ni = k.AsInt32() - Vector512.Create(RoundingMagicBits);
        Vector512<int> half = ni >> 1;
        Vector512<float> scale1 = ((half + Vector512.Create(127)) << 23).AsSingle();
        Vector512<float> scale2 = ((ni - half + Vector512.Create(127)) << 23).AsSingle();
        Vector512<float> result = (p * scale1) * scale2;
        result = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(OverflowBound)), Vector512.Create(float.PositiveInfinity), result);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(UnderflowBound)), Vector512<float>.Zero, result);
    }

    /// <summary>exp(x) for x &lt;= 0 or NaN: lane 0 of the 4-lane form, the same bits as <see cref="Invoke(float)"/> there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float InvokeNonPositive(float x) => InvokeNonPositive(Vector128.CreateScalar(x)).ToScalar();

    /// <summary>exp(x) for x &lt;= 0 or NaN (the softmax's x - max) on 4 lanes: the same bits as <see cref="Invoke(Vector128{float})"/> there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> InvokeNonPositive(Vector128<float> x)
    {
        Vector128<float> k = Vector128.FusedMultiplyAdd(x, Vector128.Create(Log2E), Vector128.Create(RoundingMagic));
        Vector128<float> n = k - Vector128.Create(RoundingMagic);
        Vector128<float> r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2High), x);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Low), r);
        Vector128<float> r2 = r * r;
        Vector128<float> p = Vector128.FusedMultiplyAdd(Vector128.Create(P0), r, Vector128.Create(P1));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P2));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(P5));
        p = Vector128.FusedMultiplyAdd(p, r2, r + Vector128<float>.One);
        // 2^n in one factor: the bits of k are RoundingMagicBits + n, and n + 127 is in [1, 127] above the underflow cut.
        Vector128<float> scale = ((k.AsInt32() - Vector128.Create(RoundingMagicBits - 127)) << 23).AsSingle();
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(UnderflowBound)), Vector128<float>.Zero, p * scale);
    }

    /// <summary>exp(x) for x &lt;= 0 or NaN (the softmax's x - max) on 8 lanes: the same bits as <see cref="Invoke(Vector256{float})"/> there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> InvokeNonPositive(Vector256<float> x)
    {
        Vector256<float> k = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundingMagic));
        Vector256<float> n = k - Vector256.Create(RoundingMagic);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        Vector256<float> r2 = r * r;
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, r2, r + Vector256<float>.One);
        // 2^n in one factor: the bits of k are RoundingMagicBits + n, and n + 127 is in [1, 127] above the underflow cut.
        Vector256<float> scale = ((k.AsInt32() - Vector256.Create(RoundingMagicBits - 127)) << 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(UnderflowBound)), Vector256<float>.Zero, p * scale);
    }

    /// <summary>exp(x) for x &lt;= 0 or NaN (the softmax's x - max) on 16 lanes: the same bits as <see cref="Invoke(Vector512{float})"/> there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> InvokeNonPositive(Vector512<float> x)
    {
        Vector512<float> k = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundingMagic));
        Vector512<float> n = k - Vector512.Create(RoundingMagic);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        Vector512<float> r2 = r * r;
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r2, r + Vector512<float>.One);
        // 2^n in one factor: the bits of k are RoundingMagicBits + n, and n + 127 is in [1, 127] above the underflow cut.
        Vector512<float> scale = ((k.AsInt32() - Vector512.Create(RoundingMagicBits - 127)) << 23).AsSingle();
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(UnderflowBound)), Vector512<float>.Zero, p * scale);
    }
}
