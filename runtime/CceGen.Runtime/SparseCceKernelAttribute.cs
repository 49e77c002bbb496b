using System;

namespace CceGen;

/// <summary>
/// Marks a <c>static partial</c> method as a sparse categorical cross-entropy kernel. The CceGen source
/// generator emits its body: AVX-512, AVX2+FMA and scalar paths specialized for the declaration.
/// </summary>
/// <remarks>
/// The attribute fixes what the signature cannot say (what the predictions are, the reduction, the label
/// shape, compile-time sizes). The parameter and return types say the rest, in this order:
/// <code>
/// (ReadOnlySpan&lt;float|Half&gt; predictions,
///  [int classCount],            // unless ClassCount is set here
///  [int rowStride],             // leading dimension of predictions, &gt;= classCount; unless RowStride is set here
///  ReadOnlySpan&lt;int|long&gt; labels,
///  [int labelStride],           // Column labels only: distance between consecutive labels
///  [Span&lt;float&gt; losses])      // CceReduction.None only: one loss per row
/// </code>
/// Mean and Sum return <see cref="float"/>; None returns <see langword="void"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SparseCceKernelAttribute : Attribute
{
    /// <summary>Declares a kernel.</summary>
    /// <param name="input">What the predictions hold: logits, or probabilities under a named convention.</param>
    /// <param name="reduction">How per-row losses are combined.</param>
    public SparseCceKernelAttribute(CceInput input, CceReduction reduction)
    {
        Input = input;
        Reduction = reduction;
    }

    /// <summary>What the predictions hold.</summary>
    public CceInput Input { get; }

    /// <summary>How per-row losses are combined.</summary>
    public CceReduction Reduction { get; }

    /// <summary>Shape of the labels: (B) or (B, 1). Only <see cref="CceLabelShape.Column"/> may take a label stride.</summary>
    public CceLabelShape Labels { get; set; } = CceLabelShape.Vector;

    /// <summary>Compile-time class count C (&gt; 0). When 0 (the default) the method takes an <c>int classCount</c> parameter.</summary>
    public int ClassCount { get; set; }

    /// <summary>Compile-time row stride (leading dimension, &gt;= C). When 0 (the default) rows are dense unless the method takes an <c>int rowStride</c> parameter.</summary>
    public int RowStride { get; set; }

    /// <summary>
    /// Opt-in multi-core: large calls are split into fixed blocks of rows that run on up to
    /// <see cref="Runtime.CceRowBlocks.MaxDegreeOfParallelism"/> threads (the caller included). The block boundaries
    /// depend on C only and block sums are added in block order, so results are bit-identical to the same kernel
    /// without this option, on any number of threads. Calls under <see cref="Runtime.CceRowBlocks.MinParallelElements"/>
    /// elements stay on the calling thread. Needs C# 13 (CCE0016).
    /// </summary>
    public bool Parallel { get; set; }
}

/// <summary>What a kernel's predictions hold.</summary>
public enum CceInput
{
    /// <summary>Unnormalized scores; loss = logsumexp(z) - z[y], computed with a max-subtracted (stable) log-softmax.</summary>
    Logits = 0,

    /// <summary>Probabilities, PyTorch convention: loss = -log p[y] (nll_loss of log p). p[y] = 0 gives +inf, p[y] &lt; 0 gives NaN; the rest of the row is not read.</summary>
    PyTorchProbabilities = 1,

    /// <summary>Probabilities, TensorFlow/Keras convention: clip p to [1e-7, 1 - 1e-7], then loss = -log(clip(p)[y] / sum(clip(p))).</summary>
    KerasProbabilities = 2,
}

/// <summary>How per-row losses are combined.</summary>
public enum CceReduction
{
    /// <summary>The mean over rows (FastEstimator's <c>average_loss=True</c>). B = 0 gives NaN, as PyTorch does.</summary>
    Mean = 0,

    /// <summary>The sum over rows. B = 0 gives 0.</summary>
    Sum = 1,

    /// <summary>No reduction: one loss per row is written to a <c>Span&lt;float&gt;</c> parameter.</summary>
    None = 2,
}

/// <summary>Shape of the labels argument.</summary>
public enum CceLabelShape
{
    /// <summary>(B): one label per row, contiguous.</summary>
    Vector = 0,

    /// <summary>(B, 1): a label column; contiguous unless the method takes an <c>int labelStride</c> parameter (a column sliced from a wider matrix).</summary>
    Column = 1,
}
