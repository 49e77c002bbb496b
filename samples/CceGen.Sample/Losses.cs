using System;
using CceGen;

namespace CceGen.Sample;

/// <summary>The kernels this sample declares: CceGen writes their bodies at build time.</summary>
internal static partial class Losses
{
    // FastEstimator's default: probabilities, mean (average_loss=True). Labels shaped (B, 1).
    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Mean, Labels = CceLabelShape.Column)]
    public static partial float TorchMean(ReadOnlySpan<float> yPred, int classCount, ReadOnlySpan<int> yTrue);

    // average_loss=False: one loss per row.
    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.None, ClassCount = 3)]
    public static partial void TorchPerRow(ReadOnlySpan<float> yPred, ReadOnlySpan<int> yTrue, Span<float> losses);

    // The TensorFlow/Keras convention: clip, renormalize.
    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Mean, ClassCount = 3)]
    public static partial float KerasMean(ReadOnlySpan<float> yPred, ReadOnlySpan<long> yTrue);

    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.None, ClassCount = 3)]
    public static partial void KerasPerRow(ReadOnlySpan<float> yPred, ReadOnlySpan<long> yTrue, Span<float> losses);

    // from_logits=True, float16 logits, compile-time C = 3.
    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 3)]
    public static partial float LogitsHalfMean(ReadOnlySpan<Half> logits, ReadOnlySpan<int> yTrue);

    // from_logits=True, float32, C at run time, rows sliced out of a wider buffer.
    [SparseCceKernel(CceInput.Logits, CceReduction.None)]
    public static partial void LogitsStrided(ReadOnlySpan<float> logits, int classCount, int rowStride, ReadOnlySpan<int> yTrue, Span<float> losses);
}
