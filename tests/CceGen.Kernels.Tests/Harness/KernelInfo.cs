using System;
using System.Collections.Generic;
using System.Linq;

namespace CceGen.Kernels.Tests;

/// <summary>Element type of a kernel's predictions.</summary>
public enum Dtype
{
    Float,
    Half,
}

/// <summary>How a kernel takes its labels.</summary>
public enum LabelKind
{
    VectorInt,
    VectorLong,
    ColumnLong,
    ColumnLongStrided,
    ColumnInt,
    ColumnIntStrided,
}

/// <summary>How a kernel's prediction rows are laid out.</summary>
public enum StrideKind
{
    /// <summary>Row stride = C.</summary>
    Dense,

    /// <summary>An <c>int rowStride</c> parameter.</summary>
    Runtime,

    /// <summary>A compile-time <c>RowStride</c>.</summary>
    Fixed,
}

/// <summary>
/// One uniform entry point for every declared kernel: the thunk passes on the arguments the declaration takes and
/// ignores the rest (so a fixed-C kernel ignores <c>classCount</c>). Mean/Sum return the reduced value; None returns NaN
/// and writes <c>losses</c>.
/// </summary>
public delegate float KernelThunk(
    ReadOnlySpan<float> floatPredictions,
    ReadOnlySpan<Half> halfPredictions,
    int classCount,
    int rowStride,
    ReadOnlySpan<int> intLabels,
    ReadOnlySpan<long> longLabels,
    int labelStride,
    Span<float> losses);

/// <summary>A declared kernel and its options (see KernelTable.Registry.cs).</summary>
public sealed class KernelInfo
{
    public KernelInfo(string name, Dtype dtype, CceInput input, CceReduction reduction, LabelKind labels, int fixedClassCount,
        StrideKind stride, int fixedRowStride, KernelThunk thunk)
    {
        Name = name;
        Dtype = dtype;
        Input = input;
        Reduction = reduction;
        Labels = labels;
        FixedClassCount = fixedClassCount;
        Stride = stride;
        FixedRowStride = stride == StrideKind.Fixed ? fixedRowStride : 0;
        Thunk = thunk;
    }

    public string Name { get; }
    public Dtype Dtype { get; }
    public CceInput Input { get; }
    public CceReduction Reduction { get; }
    public LabelKind Labels { get; }

    /// <summary>The compile-time C, or 0 when C is passed at run time.</summary>
    public int FixedClassCount { get; }

    public StrideKind Stride { get; }

    /// <summary>The compile-time RowStride, or 0.</summary>
    public int FixedRowStride { get; }

    public KernelThunk Thunk { get; }

    public bool RuntimeClassCount => FixedClassCount == 0;

    public bool LongLabels => Labels is LabelKind.VectorLong or LabelKind.ColumnLong or LabelKind.ColumnLongStrided;

    public bool HasLabelStride => Labels is LabelKind.ColumnLongStrided or LabelKind.ColumnIntStrided;

    public bool IsColumn => Labels is LabelKind.ColumnLong or LabelKind.ColumnLongStrided or LabelKind.ColumnInt or LabelKind.ColumnIntStrided;

    /// <summary>Whether the kernel can run a (B, C) problem.</summary>
    public bool Accepts(int classCount) =>
        (FixedClassCount == 0 || FixedClassCount == classCount) && (FixedRowStride == 0 || classCount <= FixedRowStride);

    /// <summary>Calls the kernel with <paramref name="args"/>.</summary>
    public float Invoke(CallArgs args, Span<float> losses) =>
        Thunk(args.FloatPredictions, args.HalfPredictions, args.ClassCount, args.RowStride, args.IntLabels, args.LongLabels, args.LabelStride, losses);

    public override string ToString() => Name;
}

/// <summary>The arguments of one kernel call, as arrays (so a lambda can capture them for Assert.Throws).</summary>
public sealed class CallArgs
{
    public float[] FloatPredictions { get; set; } = Array.Empty<float>();
    public Half[] HalfPredictions { get; set; } = Array.Empty<Half>();
    public int ClassCount { get; set; }
    public int RowStride { get; set; }
    public int[] IntLabels { get; set; } = Array.Empty<int>();
    public long[] LongLabels { get; set; } = Array.Empty<long>();
    public int LabelStride { get; set; } = 1;
}

internal static partial class KernelTable
{
    // Lazy: static field initializers of the partial parts run in an unspecified order.
    private static readonly Lazy<Dictionary<string, KernelInfo>> s_byName = new(() => All.ToDictionary(k => k.Name));

    public static KernelInfo Get(string name) => s_byName.Value[name];
}
