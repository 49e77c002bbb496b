using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace CceGen.Runtime;

/// <summary>
/// Scalar row helpers shared by every path (so their results cannot differ between paths): fused accuracy and the
/// probability-semantics gradients.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CceRow
{
    /// <summary>
    /// True when <paramref name="label"/> is the first index holding the row maximum <paramref name="rowMax"/>
    /// (ties go to the first maximum, as <c>torch.argmax</c>). A row whose label value is NaN never counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFirstMax(ref float row, nint label, float rowMax)
    {
        if (!(Unsafe.Add(ref row, label) == rowMax))
        {
            return false;
        }

        for (nint j = 0; j < label; j++)
        {
            if (Unsafe.Add(ref row, j) == rowMax)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc cref="IsFirstMax(ref float, nint, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFirstMax(ref Half row, nint label, float rowMax)
    {
        if (!(CceVector.Element(ref row, label) == rowMax))
        {
            return false;
        }

        for (nint j = 0; j < label; j++)
        {
            if (CceVector.Element(ref row, j) == rowMax)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Row maximum by a plain scan (for kernels that do not otherwise need it); NaN if the row holds a NaN, so
    /// such a row never counts as correct.</summary>
    public static float Max(ref float row, int count)
    {
        float max = float.NegativeInfinity;
        for (int j = 0; j < count; j++)
        {
            float v = Unsafe.Add(ref row, j);
            if (float.IsNaN(v))
            {
                return float.NaN;
            }

            max = CceScalarLanes.MaxNative(v, max);
        }

        return max;
    }

    /// <inheritdoc cref="Max(ref float, int)"/>
    public static float Max(ref Half row, int count)
    {
        float max = float.NegativeInfinity;
        for (int j = 0; j < count; j++)
        {
            float v = CceVector.Element(ref row, j);
            if (float.IsNaN(v))
            {
                return float.NaN;
            }

            max = CceScalarLanes.MaxNative(v, max);
        }

        return max;
    }

    /// <summary>
    /// Whether a gradient row may hold a NaN: only when the row's sum is NaN (a NaN or +inf input, or a row of -inf
    /// logits) or its scale is not finite (an infinite upstream times a zero softmax term). The product is the one test:
    /// a number sum is positive (at least 1 for logits, C * 1e-7 for clipped probabilities), so the product is NaN or
    /// infinite in both cases; a huge finite scale that overflows it only costs a needless scan.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GradientMayHoldNaN(float rowSum, float rowScale) => !float.IsFinite(rowSum * rowScale);

    /// <summary>
    /// Rewrites every NaN among the first <paramref name="count"/> gradient elements as <see cref="float.NaN"/>, as the
    /// losses are stored (<see cref="CceVector.Loss(float)"/>): which NaN an operation returns depends on its operand
    /// order, which differs between paths. Called only for rows where <see cref="GradientMayHoldNaN"/> is true.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CanonicalizeNaNs(ref float gradient, int count)
    {
        for (int j = 0; j < count; j++)
        {
            ref float v = ref Unsafe.Add(ref gradient, j);
            if (float.IsNaN(v))
            {
                v = float.NaN;
            }
        }
    }

    /// <inheritdoc cref="CanonicalizeNaNs(ref float, int)"/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CanonicalizeNaNs(ref Half gradient, int count)
    {
        for (int j = 0; j < count; j++)
        {
            ref Half v = ref Unsafe.Add(ref gradient, j);
            if (Half.IsNaN(v))
            {
                v = (Half)float.NaN;
            }
        }
    }
}
