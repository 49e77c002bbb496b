using System;
using CceGen;

namespace CceGen.FashionMnist;

// The per-batch loss step: returns the mean loss over the batch, writes dLoss/dLogits (already divided by B,
// i.e. (softmax - onehot)/B) into gradient (B*10 floats), and counts rows whose argmax (first max wins) equals the label.
internal interface ILossKernel
{
    string Name { get; }
    float MeanLossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct);
}

/// <summary>
/// INDEPENDENT CROSS-CHECK, NOT THE PRODUCT PATH. A deliberately plain float64 sparse categorical cross-entropy:
/// no vectors, no tricks, one row at a time. The sample compares the product kernel against it on the first batch.
/// </summary>
internal sealed class ReferenceLoss : ILossKernel
{
    public const int Classes = 10;

    public string Name => "ReferenceLoss (float64)";

    public float MeanLossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct)
    {
        int rows = labels.Length;
        if (logits.Length != rows * Classes)
        {
            throw new ArgumentException($"logits has {logits.Length} values, expected {rows} rows x {Classes}.", nameof(logits));
        }
        if (gradient.Length != logits.Length)
        {
            throw new ArgumentException($"gradient has {gradient.Length} values, expected {logits.Length}.", nameof(gradient));
        }

        correct = 0;
        if (rows == 0)
        {
            return 0f;
        }

        double totalLoss = 0.0;
        double invRows = 1.0 / rows;
        Span<double> exps = stackalloc double[Classes];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = logits.Slice(r * Classes, Classes);
            Span<float> gradRow = gradient.Slice(r * Classes, Classes);
            int label = labels[r];
            if ((uint)label >= Classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), $"label {label} at row {r} is outside 0..{Classes - 1}.");
            }

            // Argmax, first max wins; also the max used to stabilise exp.
            int argmax = 0;
            double max = row[0];
            for (int c = 1; c < Classes; c++)
            {
                if (row[c] > max)
                {
                    max = row[c];
                    argmax = c;
                }
            }
            if (argmax == label)
            {
                correct++;
            }

            // loss_r = log(sum_c exp(z_c - max)) - (z_label - max)
            double sum = 0.0;
            for (int c = 0; c < Classes; c++)
            {
                exps[c] = Math.Exp(row[c] - max);
                sum += exps[c];
            }
            totalLoss += Math.Log(sum) - (row[label] - max);

            // dLoss/dz_c = (softmax_c - onehot_c) / B
            for (int c = 0; c < Classes; c++)
            {
                double p = exps[c] / sum;
                gradRow[c] = (float)((p - (c == label ? 1.0 : 0.0)) * invRows);
            }
        }

        return (float)(totalLoss * invRows);
    }
}

/// <summary>
/// The product kernels, written by the CceGen generator at build time (see obj/**/generated with
/// EmitCompilerGeneratedFiles): compile-time C = 10, so each row lives in one masked AVX-512 vector (two AVX2 vectors),
/// and loss, gradient and accuracy come out of one pass.
/// </summary>
internal static partial class FashionKernels
{
    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float LossF32(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct);

    [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
    public static partial float LossF16(ReadOnlySpan<Half> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct);
}

/// <summary>float32 logits through the generated kernel.</summary>
internal sealed class GeneratedLossF32 : ILossKernel
{
    public string Name => "CceGen kernel, float32 logits, C = 10";

    public float MeanLossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct) =>
        FashionKernels.LossF32(logits, labels, gradient, out correct);
}

/// <summary>float16 logits: the model's logits are stored as <see cref="Half"/>, then the generated float16 kernel reads them
/// (widening exactly to float inside); the gradient comes back as float.</summary>
internal sealed class GeneratedLossF16 : ILossKernel
{
    private Half[] halfLogits = Array.Empty<Half>();

    public string Name => "CceGen kernel, float16 logits, C = 10";

    public float MeanLossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct)
    {
        if (halfLogits.Length < logits.Length)
        {
            halfLogits = new Half[logits.Length];
        }

        Span<Half> stored = halfLogits.AsSpan(0, logits.Length);
        for (int i = 0; i < logits.Length; i++)
        {
            stored[i] = (Half)logits[i];
        }

        return FashionKernels.LossF16(stored, labels, gradient, out correct);
    }
}
