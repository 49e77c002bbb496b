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
}
