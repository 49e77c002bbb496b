using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CceGen.Runtime;

/// <summary>
/// Exact float16 -> float32 widening with integer operations (.NET exposes no F16C intrinsics), one algorithm for
/// every width.
/// </summary>
/// <remarks>
/// The 15 exponent+mantissa bits are shifted into float position and the exponent is rebased by 127 - 15.
/// Two exponent classes need more: inf/NaN (exponent 31) get a second rebase to 255 and NaNs get the quiet bit
/// (as <c>(float)(Half)</c> does); zero/subnormal (exponent 0) get one more exponent step and then subtract 2^-14,
/// which renormalizes the subnormal exactly (the subtraction is exact). The sign is or-ed back last. Every one of
/// the 65,536 bit patterns gives the same bits as <c>(float)BitConverter.UInt16BitsToHalf(bits)</c> (tested).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class HalfWidening
{
    private const uint ShiftedExponentMask = 0x7C00u << 13;
    private const uint ExponentRebase = (127 - 15) << 23;
    private const uint InfNaNRebase = (128 - 16) << 23;
    private const uint QuietBit = 0x00400000u;
    private const uint SubnormalMagicBits = 113u << 23; // 2^-14 as a float
    private const float TwoTo112 = 5.192296858534828e33f; // 2^112, exact

    /// <summary>Widens one half (given as its bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits)
    {
        uint o = (uint)(bits & 0x7FFF) << 13;
        uint exponent = o & ShiftedExponentMask;
        o += ExponentRebase;
        if (exponent == ShiftedExponentMask)
        {
            o += InfNaNRebase;
            o |= (o & 0x007FFFFFu) != 0 ? QuietBit : 0u;
        }
        else if (exponent == 0)
        {
            o += 1u << 23;
            o = BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(o) - BitConverter.UInt32BitsToSingle(SubnormalMagicBits));
        }

        o |= (uint)(bits & 0x8000) << 16;
        return BitConverter.UInt32BitsToSingle(o);
    }

    /// <summary>Widens one <see cref="Half"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(Half value) => ToSingle(BitConverter.HalfToUInt16Bits(value));

    /// <summary>Widens 8 halves (in the low 16 bits of 32-bit lanes; the upper 16 bits are ignored) to 8 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ToSingle(Vector256<uint> bits)
    {
        // Finite halves: the 15 bits in float position are the value times 2^-112 (a float subnormal for a half
        // subnormal), so one exact multiply by 2^112 finishes normals and subnormals alike.
        Vector256<uint> o = (bits & Vector256.Create(0x7FFFu)) << 13;
        Vector256<float> finite = o.AsSingle() * Vector256.Create(TwoTo112);
        // Inf/NaN (o >= the shifted 0x7C00): all-ones exponent, and the quiet bit for a NaN.
        Vector256<uint> special = o | Vector256.Create(0x7F800000u) | (Vector256.GreaterThan(o, Vector256.Create(ShiftedExponentMask)) & Vector256.Create(QuietBit));
        Vector256<uint> magnitude = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(o, Vector256.Create(ShiftedExponentMask)), special, finite.AsUInt32());
        return (magnitude | ((bits & Vector256.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <summary>Widens 16 halves (in the low 16 bits of 32-bit lanes; the upper 16 bits are ignored) to 16 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ToSingle(Vector512<uint> bits)
    {
        // Finite halves: the 15 bits in float position are the value times 2^-112 (a float subnormal for a half
        // subnormal), so one exact multiply by 2^112 finishes normals and subnormals alike.
        Vector512<uint> o = (bits & Vector512.Create(0x7FFFu)) << 13;
        Vector512<float> finite = o.AsSingle() * Vector512.Create(TwoTo112);
        // Inf/NaN (o >= the shifted 0x7C00): all-ones exponent, and the quiet bit for a NaN.
        Vector512<uint> special = o | Vector512.Create(0x7F800000u) | (Vector512.GreaterThan(o, Vector512.Create(ShiftedExponentMask)) & Vector512.Create(QuietBit));
        Vector512<uint> magnitude = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(o, Vector512.Create(ShiftedExponentMask)), special, finite.AsUInt32());
        return (magnitude | ((bits & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }
}
