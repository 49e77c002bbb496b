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

    /// <summary>Widens 8 halves (zero-extended into 32-bit lanes) to 8 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ToSingle(Vector256<uint> bits)
    {
        Vector256<uint> o = (bits & Vector256.Create(0x7FFFu)) << 13;
        Vector256<uint> exponent = o & Vector256.Create(ShiftedExponentMask);
        o += Vector256.Create(ExponentRebase);
        Vector256<uint> infNaN = Vector256.Equals(exponent, Vector256.Create(ShiftedExponentMask));
        Vector256<uint> zeroOrSubnormal = Vector256.Equals(exponent, Vector256<uint>.Zero);
        o += infNaN & Vector256.Create(InfNaNRebase);
        Vector256<uint> nan = infNaN & ~Vector256.Equals(o & Vector256.Create(0x007FFFFFu), Vector256<uint>.Zero);
        o |= nan & Vector256.Create(QuietBit);
        Vector256<uint> renormalized = ((o + Vector256.Create(1u << 23)).AsSingle() - Vector256.Create(SubnormalMagicBits).AsSingle()).AsUInt32();
        o = Vector256.ConditionalSelect(zeroOrSubnormal, renormalized, o);
        o |= (bits & Vector256.Create(0x8000u)) << 16;
        return o.AsSingle();
    }

    /// <summary>Widens 16 halves (zero-extended into 32-bit lanes) to 16 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ToSingle(Vector512<uint> bits)
    {
        Vector512<uint> o = (bits & Vector512.Create(0x7FFFu)) << 13;
        Vector512<uint> exponent = o & Vector512.Create(ShiftedExponentMask);
        o += Vector512.Create(ExponentRebase);
        Vector512<uint> infNaN = Vector512.Equals(exponent, Vector512.Create(ShiftedExponentMask));
        Vector512<uint> zeroOrSubnormal = Vector512.Equals(exponent, Vector512<uint>.Zero);
        o += infNaN & Vector512.Create(InfNaNRebase);
        Vector512<uint> nan = infNaN & ~Vector512.Equals(o & Vector512.Create(0x007FFFFFu), Vector512<uint>.Zero);
        o |= nan & Vector512.Create(QuietBit);
        Vector512<uint> renormalized = ((o + Vector512.Create(1u << 23)).AsSingle() - Vector512.Create(SubnormalMagicBits).AsSingle()).AsUInt32();
        o = Vector512.ConditionalSelect(zeroOrSubnormal, renormalized, o);
        o |= (bits & Vector512.Create(0x8000u)) << 16;
        return o.AsSingle();
    }
}
