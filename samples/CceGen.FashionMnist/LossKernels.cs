using System;

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

/// <summary>The float32 product kernel. Placeholder until the CceGen generator emits it.</summary>
internal sealed class GeneratedLossF32 : ILossKernel
{
    private readonly ReferenceLoss reference = new();

    public string Name => "GeneratedLossF32 (placeholder)";

    public float MeanLossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct)
    {
        // TODO(generator): replace with the generated kernel
        return reference.MeanLossAndGradient(logits, labels, gradient, out correct);
    }
}

/// <summary>The float16-logits product kernel (gradient comes back as float). Placeholder until the generator emits it.</summary>
internal sealed class GeneratedLossF16 : ILossKernel
{
    private readonly ReferenceLoss reference = new();
    private float[] widened = Array.Empty<float>();

    public string Name => "GeneratedLossF16 (placeholder)";

    public float MeanLossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct)
    {
        // TODO(generator): replace with the generated kernel
        // Store the logits as System.Half, then widen, so the numbers behave like a float16 kernel.
        if (widened.Length < logits.Length)
        {
            widened = new float[logits.Length];
        }
        Span<float> halfLogits = widened.AsSpan(0, logits.Length);
        for (int i = 0; i < logits.Length; i++)
        {
            halfLogits[i] = (float)(Half)logits[i];
        }
        return reference.MeanLossAndGradient(halfLogits, labels, gradient, out correct);
    }
}
