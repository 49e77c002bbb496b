using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CceGen.Runtime;

/// <summary>
/// Shape checks run once per call, before any element is read. They work out the batch size B from the
/// predictions and from the labels and insist that the two agree, so a kernel never reads outside the spans.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CceShape
{
    /// <summary>Checks a runtime class count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassCount(int classCount, string parameterName)
    {
        if (classCount <= 0)
        {
            CceThrowHelper.ClassCountNotPositive(parameterName, classCount);
        }
    }

    /// <summary>Checks a runtime row stride against the class count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void RowStride(int rowStride, int classCount, string parameterName)
    {
        if (rowStride < classCount)
        {
            CceThrowHelper.RowStrideTooSmall(parameterName, rowStride, classCount);
        }
    }

    /// <summary>Checks a runtime class count against a compile-time row stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassCountWithinRowStride(int classCount, int rowStride, string parameterName)
    {
        if (classCount > rowStride)
        {
            CceThrowHelper.ClassCountAboveRowStride(parameterName, classCount, rowStride);
        }
    }

    /// <summary>Checks a runtime label stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LabelStride(int labelStride, string parameterName)
    {
        if (labelStride <= 0)
        {
            CceThrowHelper.LabelStrideNotPositive(parameterName, labelStride);
        }
    }

    /// <summary>
    /// Rows held by <paramref name="length"/> prediction values: exactly length / C for dense rows; for strided rows
    /// the unique B with (B - 1) * stride + C &lt;= length &lt;= B * stride (the last row may stop at its last class).
    /// </summary>
    public static int PredictionRows(int length, int classCount, int rowStride, string parameterName)
    {
        if (rowStride == classCount)
        {
            int rows = length / classCount;
            if (rows * classCount != length)
            {
                CceThrowHelper.RaggedPredictions(parameterName, length, classCount);
            }

            return rows;
        }

        if (length == 0)
        {
            return 0;
        }

        // The only candidate is B = ceil(length / stride) (from length <= B * stride); it fits when its last row holds C values.
        long b = ((long)length + rowStride - 1) / rowStride;
        if (b == 0 || (b - 1) * rowStride + classCount > length || length > b * rowStride)
        {
            CceThrowHelper.StridedPredictionsLength(parameterName, length, classCount, rowStride);
        }

        return (int)b;
    }

    /// <summary>Labels held by <paramref name="length"/> values at <paramref name="labelStride"/>: ceil(length / stride).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LabelRows(int length, int labelStride) =>
        labelStride == 1 ? length : (int)(((long)length + labelStride - 1) / labelStride);

    /// <summary>Checks that predictions and labels describe the same batch; returns B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Batch(int predictionRows, int labelCount, string labelsParameterName)
    {
        if (predictionRows != labelCount)
        {
            CceThrowHelper.BatchMismatch(labelsParameterName, predictionRows, labelCount);
        }

        return predictionRows;
    }

    /// <summary>Checks that an output span holds at least <paramref name="required"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output(int length, int required, string parameterName)
    {
        if (length < required)
        {
            CceThrowHelper.OutputTooShort(parameterName, length, required);
        }
    }

    /// <summary>Checks that a gradient span (same layout as the predictions) holds every element of B rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gradient(int length, int batch, int classCount, int rowStride, string parameterName)
    {
        long required = batch == 0 ? 0 : ((long)(batch - 1) * rowStride) + classCount;
        if (length < required)
        {
            CceThrowHelper.OutputTooShort(parameterName, length, required);
        }
    }

    /// <summary>Refuses an output span that shares memory with another span: outputs are written while inputs of later
    /// rows (or the same row) are still to be read, so aliasing would silently change results.</summary>
    /// <remarks>Byte extents are computed in native integers, so spans of 2 GiB and more are fine (the byte-span
    /// overload below cannot take them: <c>MemoryMarshal.AsBytes</c> overflows).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Disjoint<TOutput, TOther>(ReadOnlySpan<TOutput> output, ReadOnlySpan<TOther> other, string outputName, string otherName)
        where TOutput : unmanaged
        where TOther : unmanaged
    {
        nint outputBytes = (nint)output.Length * Unsafe.SizeOf<TOutput>();
        nint otherBytes = (nint)other.Length * Unsafe.SizeOf<TOther>();
        if (outputBytes == 0 || otherBytes == 0)
        {
            return;
        }

        // How far the output starts after the other span's start (negative: before it).
        nint offset = Unsafe.ByteOffset(
            ref Unsafe.As<TOther, byte>(ref MemoryMarshal.GetReference(other)),
            ref Unsafe.As<TOutput, byte>(ref MemoryMarshal.GetReference(output)));
        if (offset < otherBytes && -offset < outputBytes)
        {
            CceThrowHelper.Overlapping(outputName, otherName);
        }
    }

    /// <summary>Refuses an output span that shares memory with another span (byte views; under 2 GiB each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Disjoint(ReadOnlySpan<byte> output, ReadOnlySpan<byte> other, string outputName, string otherName)
    {
        if (output.Overlaps(other))
        {
            CceThrowHelper.Overlapping(outputName, otherName);
        }
    }
}
