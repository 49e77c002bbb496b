using System;

namespace CceGen.Benchmarks;

/// <summary>The kernels under measurement: CceGen writes their bodies at build time (see obj/.../generated).</summary>
public static partial class Kernels
{
    // ---- C at run time -------------------------------------------------------------------------------------------

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean)]
    public static partial float LogitsMean(ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.Logits, CceReduction.None)]
    public static partial void LogitsNone(ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean)]
    public static partial float HalfLogitsMean(ReadOnlySpan<Half> logits, int classCount, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.Logits, CceReduction.None)]
    public static partial void HalfLogitsNone(ReadOnlySpan<Half> logits, int classCount, ReadOnlySpan<int> labels, Span<float> losses);

    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Mean)]
    public static partial float TorchMean(ReadOnlySpan<float> probabilities, int classCount, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.None)]
    public static partial void TorchNone(ReadOnlySpan<float> probabilities, int classCount, ReadOnlySpan<int> labels, Span<float> losses);

    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Mean)]
    public static partial float KerasMean(ReadOnlySpan<float> probabilities, int classCount, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.None)]
    public static partial void KerasNone(ReadOnlySpan<float> probabilities, int classCount, ReadOnlySpan<int> labels, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean)]
    public static partial float LogitsMeanGrad(ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels, Span<float> gradient);

    // ---- C = 10 at compile time ----------------------------------------------------------------------------------

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float LogitsMean10(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.Logits, CceReduction.None, ClassCount = 10)]
    public static partial void LogitsNone10(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float HalfLogitsMean10(ReadOnlySpan<Half> logits, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.Logits, CceReduction.None, ClassCount = 10)]
    public static partial void HalfLogitsNone10(ReadOnlySpan<Half> logits, ReadOnlySpan<int> labels, Span<float> losses);

    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Mean, ClassCount = 10)]
    public static partial float TorchMean10(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.None, ClassCount = 10)]
    public static partial void TorchNone10(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, Span<float> losses);

    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Mean, ClassCount = 10)]
    public static partial float KerasMean10(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.None, ClassCount = 10)]
    public static partial void KerasNone10(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, Span<float> losses);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float LogitsMeanGrad10(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient);

    // ---- multi-core (opt-in) ---------------------------------------------------------------------------------------

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, Parallel = true)]
    public static partial float LogitsMeanParallel(ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, Parallel = true)]
    public static partial float LogitsMeanGradParallel(ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels, Span<float> gradient);
}
