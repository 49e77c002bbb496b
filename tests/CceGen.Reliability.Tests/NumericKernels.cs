using System;

namespace CceGen.Reliability;

/// <summary>Plain kernels for the large-batch accuracy tests (the table in Shared/ covers layouts and outputs).</summary>
public static partial class NK
{
    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float LogitsMeanC10(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float LogitsHalfMeanC10(ReadOnlySpan<Half> logits, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Mean, ClassCount = 10)]
    public static partial float TorchMeanC10(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Mean, ClassCount = 10)]
    public static partial float KerasMeanC10(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels);
}
