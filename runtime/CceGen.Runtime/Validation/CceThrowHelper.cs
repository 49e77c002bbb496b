using System;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CceGen.Runtime;

/// <summary>
/// Throws for bad kernel calls. Kept out of line (<c>NoInlining</c>, <c>DoesNotReturn</c>) so the hot loops carry only
/// a compare and a never-taken branch.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CceThrowHelper
{
    /// <summary>A label outside [0, classCount).</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void LabelOutOfRange(string parameterName, int row, long value, int classCount) =>
        throw new ArgumentOutOfRangeException(
            parameterName,
            value,
            $"Label at row {row} is {value}; valid labels are in [0, {classCount}).");

    /// <summary>A class count that is not positive.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ClassCountNotPositive(string parameterName, int classCount) =>
        throw new ArgumentOutOfRangeException(parameterName, classCount, $"The class count must be positive; it is {classCount}.");

    /// <summary>A row stride below the class count.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void RowStrideTooSmall(string parameterName, int rowStride, int classCount) =>
        throw new ArgumentOutOfRangeException(
            parameterName,
            rowStride,
            $"The row stride must be at least the class count {classCount}; it is {rowStride}.");

    /// <summary>A runtime class count larger than the kernel's compile-time row stride.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ClassCountAboveRowStride(string parameterName, int classCount, int rowStride) =>
        throw new ArgumentOutOfRangeException(
            parameterName,
            classCount,
            $"The class count {classCount} exceeds the kernel's compile-time RowStride {rowStride}; valid class counts are in [1, {rowStride}].");

    /// <summary>An output span that overlaps an input or another output.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Overlapping(string outputName, string otherName) =>
        throw new ArgumentException(
            $"'{outputName}' overlaps '{otherName}'; kernel outputs must not share memory with the inputs or with each other.",
            outputName);

    /// <summary>A label stride that is not positive.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void LabelStrideNotPositive(string parameterName, int labelStride) =>
        throw new ArgumentOutOfRangeException(parameterName, labelStride, $"The label stride must be positive; it is {labelStride}.");

    /// <summary>Dense predictions whose length is not a whole number of rows.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void RaggedPredictions(string parameterName, int length, int classCount) =>
        throw new ArgumentException(
            $"{length} values is not a multiple of {classCount} classes: predictions must hold B rows of {classCount}.",
            parameterName);

    /// <summary>Strided predictions whose length does not fit whole rows.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void StridedPredictionsLength(string parameterName, int length, int classCount, int rowStride) =>
        throw new ArgumentException(
            $"{length} values does not hold whole rows of {classCount} classes at row stride {rowStride}: " +
            $"B rows need between (B - 1) * {rowStride} + {classCount} and B * {rowStride} values.",
            parameterName);

    /// <summary>Prediction rows and labels disagree.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void BatchMismatch(string parameterName, int predictionRows, int labelCount) =>
        throw new ArgumentException($"{predictionRows} prediction rows but {labelCount} labels.", parameterName);

    /// <summary>A losses, gradient or upstream span shorter than the batch needs.</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void OutputTooShort(string parameterName, int length, long required) =>
        throw new ArgumentException($"'{parameterName}' holds {length} values but {required} are needed.", parameterName);
}
