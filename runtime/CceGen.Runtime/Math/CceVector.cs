using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CceGen.Runtime;

/// <summary>
/// Loads and row reductions used by generated kernels, written once per width.
/// </summary>
/// <remarks>
/// <para><b>Canonical order.</b> Every generated row reduction runs on 16 virtual lanes: element j of a row goes to
/// lane j % 16 and each lane accumulates in increasing j. AVX-512 holds the 16 lanes in one register, AVX2 in two
/// (lanes 0-7 and 8-15), the scalar path in <see cref="CceScalarLanes"/>. The 16 lanes are then folded by one fixed
/// tree: t8[i] = l[i] + l[i+8], t4[i] = t8[i] + t8[i+4], result = (t4[0] + t4[2]) + (t4[1] + t4[3]).
/// Same operations in the same order on every path: bit-identical results.</para>
/// <para><b>Tails.</b> Partial loads never touch memory past <c>count</c> elements: AVX-512 uses masked loads
/// (fault-suppressing), AVX2 uses <c>vmaskmovps</c> for float and a small staged copy for half.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CceVector
{
    // ---- prefetch ---------------------------------------------------------------------------------------------

    /// <summary>How far ahead (in elements) the exp pass of a two-pass row prefetches: the next row, at least 8 KiB of floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint PrefetchDistance(nint rowStride) => Math.Max(rowStride, 2048);

    /// <summary>Asks for the cache line holding <paramref name="source"/>[<paramref name="offset"/>] into L2. A hint only:
    /// it never faults, so an address past the end of the buffer is harmless (and nothing is read from it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(ref float source, nint offset)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch1((byte*)Unsafe.AsPointer(ref source) + offset * sizeof(float));
        }
    }

    /// <summary>Asks for the cache line holding <paramref name="source"/>[<paramref name="offset"/>] into L2 (a hint; never faults).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(ref Half source, nint offset)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch1((byte*)Unsafe.AsPointer(ref source) + offset * sizeof(Half));
        }
    }

    // ---- streaming (non-temporal) gradient stores -------------------------------------------------------------

    /// <summary>Gradients of at least this many bytes are written with non-temporal stores (they would not stay in
    /// L2 anyway, and streaming skips the read-for-ownership of every line).</summary>
    public const long NonTemporalThresholdBytes = 4L << 20;

    /// <summary>Whether a gradient of <paramref name="elements"/> floats is streamed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool StreamGradient(long elements) => elements * sizeof(float) >= NonTemporalThresholdBytes && Sse.IsSupported;

    /// <summary>Shortest row streamed: 256 floats (16 cache lines). In shorter rows the partial first and last lines,
    /// which neighbouring rows share and which are written with ordinary stores, cost more than streaming saves.</summary>
    public const int MinStreamedRow = 256;

    /// <summary>Whether rows of <paramref name="classCount"/> floats are streamed (their exps must fit the scratch row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool StreamRow(int classCount) => classCount >= MinStreamedRow && classCount <= CceScratch.MaxFloats;

    /// <summary>Elements before <paramref name="destination"/> reaches a 64-byte boundary (0..15), or -1 when it is not
    /// even 4-byte aligned (then it never will be, and the row is written with ordinary stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe int ElementsToLineStart(ref float destination)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref destination);
        return (address & 3) != 0 ? -1 : (int)(((64 - (address & 63)) & 63) / sizeof(float));
    }

    /// <summary>Stores 16 floats non-temporally (straight to memory) at a 64-byte-aligned address.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreNonTemporal(ref float destination, Vector512<float> value)
    {
        fixed (float* p = &destination)
        {
            Vector512.StoreAlignedNonTemporal(value, p);
        }
    }

    /// <summary>Stores 8 floats non-temporally (straight to memory) at a 32-byte-aligned address.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreNonTemporal(ref float destination, Vector256<float> value)
    {
        fixed (float* p = &destination)
        {
            Vector256.StoreAlignedNonTemporal(value, p);
        }
    }

    /// <summary>Orders the non-temporal stores of this thread before what follows (a no-op when nothing was streamed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StreamFence(bool streamed)
    {
        if (streamed)
        {
            Sse.StoreFence();
        }
    }

    // ---- full loads -------------------------------------------------------------------------------------------

    /// <summary>Loads 16 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(ref float source) => Vector512.LoadUnsafe(ref source);

    /// <summary>Loads 16 halves, widened to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(ref Half source)
    {
        Vector256<ushort> bits = Vector256.LoadUnsafe(ref Unsafe.As<Half, ushort>(ref source));
        return HalfWidening.ToSingle(Vector512.WidenLower(bits.ToVector512Unsafe()));
    }

    /// <summary>Loads 8 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(ref float source) => Vector256.LoadUnsafe(ref source);

    /// <summary>Loads 8 halves, widened to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(ref Half source)
    {
        Vector128<ushort> bits = Vector128.LoadUnsafe(ref Unsafe.As<Half, ushort>(ref source));
        return HalfWidening.ToSingle(Vector256.WidenLower(bits.ToVector256Unsafe()));
    }

    // ---- partial loads: lanes >= count hold `fill`, memory past count is never read -----------------------------

    /// <summary>Mask of the first <paramref name="count"/> of 16 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Mask512(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    /// <summary>Mask of the first <paramref name="count"/> of 8 lanes (negative counts give no lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Mask256(int count) =>
        Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();

    /// <summary>Loads <paramref name="count"/> (0..16) floats; the other lanes are <paramref name="fill"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> LoadPartial512(ref float source, int count, float fill)
    {
        fixed (float* p = &source)
        {
            return Avx512F.MaskLoad(p, Mask512(count), Vector512.Create(fill));
        }
    }

    /// <summary>Loads <paramref name="count"/> (0..16) halves widened to float; the other lanes are <paramref name="fill"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> LoadPartial512(ref Half source, int count, float fill)
    {
        Vector512<ushort> mask = Vector512.LessThan(Vector512<ushort>.Indices, Vector512.Create((ushort)count));
        Vector512<ushort> raw;
        fixed (Half* p = &source)
        {
            raw = Avx512BW.MaskLoad((ushort*)p, mask, Vector512<ushort>.Zero);
        }

        Vector512<float> widened = HalfWidening.ToSingle(Vector512.WidenLower(raw));
        return Vector512.ConditionalSelect(Mask512(count), widened, Vector512.Create(fill));
    }

    /// <summary>Loads <paramref name="count"/> (0..8) floats; the other lanes are <paramref name="fill"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> LoadPartial256(ref float source, int count, float fill)
    {
        Vector256<float> mask = Mask256(count);
        Vector256<float> raw;
        fixed (float* p = &source)
        {
            raw = Avx.MaskLoad(p, mask);
        }

        return Vector256.ConditionalSelect(mask, raw, Vector256.Create(fill));
    }

    /// <summary>Loads <paramref name="count"/> (0..8) halves widened to float; the other lanes are <paramref name="fill"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> LoadPartial256(ref Half source, int count, float fill)
    {
        if (count >= 8)
        {
            return Load256(ref source);
        }

        // AVX2 has no 16-bit masked load: load whole pairs of halves with a 32-bit masked load (vpmaskmovd never
        // touches masked-out memory), then insert an odd last half by itself. Without AVX2 (the helper is still
        // callable, though kernels then run the scalar path) copy the elements one by one.
        Vector128<ushort> raw = default;
        fixed (Half* p = &source)
        {
            if (Avx2.IsSupported)
            {
                Vector128<int> pairs = Vector128.LessThan(Vector128<int>.Indices, Vector128.Create(count >> 1));
                raw = Avx2.MaskLoad((int*)p, pairs).AsUInt16();
                if ((count & 1) != 0)
                {
                    raw = raw.WithElement(count - 1, ((ushort*)p)[count - 1]);
                }
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    raw = raw.WithElement(i, ((ushort*)p)[i]);
                }
            }
        }

        Vector256<float> widened = HalfWidening.ToSingle(Vector256.WidenLower(raw.ToVector256Unsafe()));
        return Vector256.ConditionalSelect(Mask256(count), widened, Vector256.Create(fill));
    }

    // ---- scalar element access ------------------------------------------------------------------------------------

    /// <summary>Reads one element as float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Element(ref float source, nint index) => Unsafe.Add(ref source, index);

    /// <summary>Reads one half element widened to float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Element(ref Half source, nint index) =>
        HalfWidening.ToSingle(Unsafe.As<Half, ushort>(ref Unsafe.Add(ref source, index)));

    // ---- canonical 16-lane folds --------------------------------------------------------------------------------

    /// <summary>Folds 16 lanes by the canonical tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> lanes) => Sum(lanes.GetLower(), lanes.GetUpper());

    /// <summary>Folds 16 lanes held as lanes 0-7 and 8-15 by the canonical tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> lanes0To7, Vector256<float> lanes8To15)
    {
        Vector256<float> t8 = lanes0To7 + lanes8To15;
        Vector128<float> t4 = t8.GetLower() + t8.GetUpper();
        return (t4.GetElement(0) + t4.GetElement(2)) + (t4.GetElement(1) + t4.GetElement(3));
    }

    /// <summary>Maximum of 16 lanes (NaN handling is left to the caller: a NaN row is caught by its sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(Vector512<float> lanes) => Max(lanes.GetLower(), lanes.GetUpper());

    /// <summary>Maximum of 16 lanes held as lanes 0-7 and 8-15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(Vector256<float> lanes0To7, Vector256<float> lanes8To15)
    {
        Vector256<float> t8 = Vector256.MaxNative(lanes0To7, lanes8To15);
        Vector128<float> t4 = Vector128.MaxNative(t8.GetLower(), t8.GetUpper());
        // t2[i] = max(t4[i], t4[i+2]), then max(t2[0], t2[1]): vector ops, no data-dependent branches.
        Vector128<float> t2 = Vector128.MaxNative(t4, Vector128.Shuffle(t4, Vector128.Create(2, 3, 2, 3)));
        return Vector128.MaxNative(t2, Vector128.Shuffle(t2, Vector128.Create(1, 1, 1, 1))).ToScalar();
    }

    // ---- gradient helpers ---------------------------------------------------------------------------------------

    /// <summary>1 in lane <paramref name="lane"/> (if 0..15), 0 elsewhere: the one-hot label within a 16-element block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> OneHot512(nint lane) =>
        Vector512.ConditionalSelect(Vector512.Equals(Vector512<int>.Indices, Vector512.Create((int)System.Math.Clamp(lane, -1, 16))).AsSingle(), Vector512<float>.One, Vector512<float>.Zero);

    /// <summary>1 in lane <paramref name="lane"/> (if 0..7), 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> OneHot256(nint lane) =>
        Vector256.ConditionalSelect(Vector256.Equals(Vector256<int>.Indices, Vector256.Create((int)System.Math.Clamp(lane, -1, 8))).AsSingle(), Vector256<float>.One, Vector256<float>.Zero);

    /// <summary>
    /// A row loss as it is stored: every NaN as <see cref="float.NaN"/>. Which NaN an operation returns (its sign and
    /// payload) depends on the operand order, and that differs between the scalar, per-row and column code; stored
    /// losses are bit-identical across paths and thread counts only with one NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Loss(float value) => float.IsNaN(value) ? float.NaN : value;

    /// <summary>Stores 16 row losses, every NaN as <see cref="float.NaN"/> (see <see cref="Loss(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLosses(ref float destination, Vector512<float> losses) =>
        Vector512.ConditionalSelect(Vector512.Equals(losses, losses), losses, Vector512.Create(float.NaN)).StoreUnsafe(ref destination);

    /// <summary>Stores 8 row losses, every NaN as <see cref="float.NaN"/> (see <see cref="Loss(float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLosses(ref float destination, Vector256<float> losses) =>
        Vector256.ConditionalSelect(Vector256.Equals(losses, losses), losses, Vector256.Create(float.NaN)).StoreUnsafe(ref destination);

    /// <summary>Stores 16 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref float destination, Vector512<float> value) => value.StoreUnsafe(ref destination);

    /// <summary>Stores 8 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref float destination, Vector256<float> value) => value.StoreUnsafe(ref destination);

    /// <summary>Stores the first <paramref name="count"/> of 16 floats; memory past them is not touched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StorePartial(ref float destination, Vector512<float> value, int count)
    {
        fixed (float* p = &destination)
        {
            Avx512F.MaskStore(p, Mask512(count), value);
        }
    }

    /// <summary>Stores the first <paramref name="count"/> of 8 floats; memory past them is not touched.</summary>
    /// <remarks>
    /// As 4-, 2- and 1-element pieces rather than <c>vmaskmovps</c>, whose store form is slow on AMD cores; with a
    /// constant count (the generated code's tails) the branches fold away.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(ref float destination, Vector256<float> value, int count)
    {
        if (count >= 8)
        {
            value.StoreUnsafe(ref destination);
            return;
        }

        Vector128<float> part = value.GetLower();
        nint k = 0;
        if ((count & 4) != 0)
        {
            part.StoreUnsafe(ref destination);
            part = value.GetUpper();
            k = 4;
        }

        if ((count & 2) != 0)
        {
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref destination, k)), part.AsUInt64().ToScalar());
            part = Vector128.Shuffle(part, Vector128.Create(2, 3, 2, 3));
            k += 2;
        }

        if ((count & 1) != 0)
        {
            Unsafe.Add(ref destination, k) = part.ToScalar();
        }
    }

    /// <summary>Stores 16 floats rounded to half (round to nearest even, as <c>(Half)f</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref Half destination, Vector512<float> value) => StorePartial(ref destination, value, 16);

    /// <summary>Stores 8 floats rounded to half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref Half destination, Vector256<float> value) => StorePartial(ref destination, value, 8);

    /// <summary>Stores the first <paramref name="count"/> lanes rounded to half; memory past them is not touched.</summary>
    public static void StorePartial(ref Half destination, Vector512<float> value, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref destination, i) = (Half)value.GetElement(i);
        }
    }

    /// <summary>Stores the first <paramref name="count"/> lanes rounded to half; memory past them is not touched.</summary>
    public static void StorePartial(ref Half destination, Vector256<float> value, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Unsafe.Add(ref destination, i) = (Half)value.GetElement(i);
        }
    }

    /// <summary>Stores one gradient element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreElement(ref float destination, nint index, float value) => Unsafe.Add(ref destination, index) = value;

    /// <summary>Stores one gradient element rounded to half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreElement(ref Half destination, nint index, float value) => Unsafe.Add(ref destination, index) = (Half)value;

    // ---- batched logs ---------------------------------------------------------------------------------------------

    /// <summary>Replaces 16 values by their logs with the widest vector log the hardware runs (every width gives the
    /// same bits per lane), for code that is shared by all CPU paths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LogInPlace(ref CceScalarLanes values)
    {
        if (Vector512.IsHardwareAccelerated && Fma.IsSupported)
        {
            LogInPlace512(ref values);
        }
        else if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            LogInPlace256(ref values);
        }
        else
        {
            for (int i = 0; i < 16; i++)
            {
                values[i] = LogOperator.Invoke(values[i]);
            }
        }
    }

    /// <summary>Replaces 16 values by their logs with one Vector512 log (bit-identical to the scalar log per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LogInPlace512(ref CceScalarLanes values)
    {
        ref float first = ref values[0];
        LogOperator.Invoke(Vector512.LoadUnsafe(ref first)).StoreUnsafe(ref first);
    }

    /// <summary>Replaces 16 values by their logs with two Vector256 logs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LogInPlace256(ref CceScalarLanes values)
    {
        ref float first = ref values[0];
        LogOperator.Invoke(Vector256.LoadUnsafe(ref first)).StoreUnsafe(ref first);
        LogOperator.Invoke(Vector256.LoadUnsafe(ref first, 8)).StoreUnsafe(ref first, 8);
    }
}
