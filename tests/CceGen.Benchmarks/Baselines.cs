using System;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace CceGen.Benchmarks;

/// <summary>
/// The peers CceGen is measured against, on the same buffers: memory rooflines, a TensorPrimitives composition and a
/// naive scalar C# loop. All reduce row losses in double in row order, as the kernels do.
/// </summary>
public static class Baselines
{
    // ---- rooflines ---------------------------------------------------------------------------------------------

    /// <summary>Read roofline: TensorPrimitives.Sum over y_pred (every byte read once, nothing written).</summary>
    public static float ReadRoofline(ReadOnlySpan<float> predictions) => TensorPrimitives.Sum(predictions);

    /// <summary>
    /// float16 read roofline: TensorPrimitives.Sum over the same bytes reinterpreted as uint (wrapping integer adds;
    /// the value is meaningless, every byte is read once). Requires an even number of halves.
    /// </summary>
    public static float ReadRoofline(ReadOnlySpan<Half> predictions) =>
        TensorPrimitives.Sum(MemoryMarshal.Cast<Half, uint>(predictions));

    /// <summary>Read y_pred once and write a same-size output once: TensorPrimitives.Multiply(x, scale, dest).</summary>
    public static float ReadWriteRoofline(ReadOnlySpan<float> predictions, Span<float> gradient, float scale)
    {
        TensorPrimitives.Multiply(predictions, scale, gradient);
        return gradient[^1];
    }

    // ---- logits -------------------------------------------------------------------------------------------------

    /// <summary>Per row: Max, Subtract + Exp into a scratch row, Sum, log; loss = (max - z[y]) + log(sum). Mean.</summary>
    public static float TpLogitsMean(ReadOnlySpan<float> x, int classCount, ReadOnlySpan<int> labels, Span<float> scratch)
    {
        double total = 0;
        scratch = scratch[..classCount];
        for (int row = 0; row < labels.Length; row++)
        {
            ReadOnlySpan<float> z = x.Slice(row * classCount, classCount);
            float max = TensorPrimitives.Max(z);
            TensorPrimitives.Subtract(z, max, scratch);
            TensorPrimitives.Exp(scratch, scratch);
            float sum = TensorPrimitives.Sum(scratch);
            total += (max - z[labels[row]]) + MathF.Log(sum);
        }

        return (float)(total / labels.Length);
    }

    /// <summary>float16: TensorPrimitives.ConvertToSingle of the row into a float scratch row, then as float32.</summary>
    public static float TpLogitsMean(ReadOnlySpan<Half> x, int classCount, ReadOnlySpan<int> labels, Span<float> scratch, Span<float> widened)
    {
        double total = 0;
        scratch = scratch[..classCount];
        widened = widened[..classCount];
        for (int row = 0; row < labels.Length; row++)
        {
            TensorPrimitives.ConvertToSingle(x.Slice(row * classCount, classCount), widened);
            float max = TensorPrimitives.Max(widened);
            TensorPrimitives.Subtract(widened, max, scratch);
            TensorPrimitives.Exp(scratch, scratch);
            float sum = TensorPrimitives.Sum(scratch);
            total += (max - widened[labels[row]]) + MathF.Log(sum);
        }

        return (float)(total / labels.Length);
    }

    /// <summary>The naive loop: max, then sum of MathF.Exp(z - max) (accumulated in double), then MathF.Log. Mean.</summary>
    public static float NaiveLogitsMean(ReadOnlySpan<float> x, int classCount, ReadOnlySpan<int> labels)
    {
        double total = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            ReadOnlySpan<float> z = x.Slice(row * classCount, classCount);
            float max = float.NegativeInfinity;
            for (int j = 0; j < z.Length; j++)
            {
                if (z[j] > max)
                {
                    max = z[j];
                }
            }

            double sum = 0; // double: a float sum of 128000 terms drifts by ~1e-4
            for (int j = 0; j < z.Length; j++)
            {
                sum += MathF.Exp(z[j] - max);
            }

            total += (max - z[labels[row]]) + MathF.Log((float)sum);
        }

        return (float)(total / labels.Length);
    }

    /// <summary>The naive loop on float16 input ((float)h per element).</summary>
    public static float NaiveLogitsMean(ReadOnlySpan<Half> x, int classCount, ReadOnlySpan<int> labels)
    {
        double total = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            ReadOnlySpan<Half> z = x.Slice(row * classCount, classCount);
            float max = float.NegativeInfinity;
            for (int j = 0; j < z.Length; j++)
            {
                float v = (float)z[j];
                if (v > max)
                {
                    max = v;
                }
            }

            double sum = 0;
            for (int j = 0; j < z.Length; j++)
            {
                sum += MathF.Exp((float)z[j] - max);
            }

            total += (max - (float)z[labels[row]]) + MathF.Log((float)sum);
        }

        return (float)(total / labels.Length);
    }

    // ---- fused gradient ---------------------------------------------------------------------------------------

    /// <summary>TensorPrimitives: Max, Subtract + Exp into the gradient row, Sum, Multiply by 1/(sum*B), label -= 1/B.</summary>
    public static float TpLogitsMeanGrad(ReadOnlySpan<float> x, int classCount, ReadOnlySpan<int> labels, Span<float> gradient)
    {
        double total = 0;
        float scale = 1f / labels.Length;
        for (int row = 0; row < labels.Length; row++)
        {
            ReadOnlySpan<float> z = x.Slice(row * classCount, classCount);
            Span<float> g = gradient.Slice(row * classCount, classCount);
            float max = TensorPrimitives.Max(z);
            TensorPrimitives.Subtract(z, max, g);
            TensorPrimitives.Exp(g, g);
            float sum = TensorPrimitives.Sum(g);
            int label = labels[row];
            total += (max - z[label]) + MathF.Log(sum);
            TensorPrimitives.Multiply(g, scale / sum, g);
            g[label] -= scale;
        }

        return (float)(total / labels.Length);
    }

    /// <summary>The naive loop with gradient: max, exp sum, then (exp(z - max) / sum - onehot) / B.</summary>
    public static float NaiveLogitsMeanGrad(ReadOnlySpan<float> x, int classCount, ReadOnlySpan<int> labels, Span<float> gradient)
    {
        double total = 0;
        float scale = 1f / labels.Length;
        for (int row = 0; row < labels.Length; row++)
        {
            ReadOnlySpan<float> z = x.Slice(row * classCount, classCount);
            Span<float> g = gradient.Slice(row * classCount, classCount);
            float max = float.NegativeInfinity;
            for (int j = 0; j < z.Length; j++)
            {
                if (z[j] > max)
                {
                    max = z[j];
                }
            }

            double sum = 0;
            for (int j = 0; j < z.Length; j++)
            {
                sum += MathF.Exp(z[j] - max);
            }

            int label = labels[row];
            total += (max - z[label]) + MathF.Log((float)sum);
            float inv = (float)(1.0 / sum);
            for (int j = 0; j < z.Length; j++)
            {
                g[j] = (MathF.Exp(z[j] - max) * inv - (j == label ? 1f : 0f)) * scale;
            }
        }

        return (float)(total / labels.Length);
    }

    // ---- probabilities ---------------------------------------------------------------------------------------------

    /// <summary>PyTorch's nll_loss(log(p)) as a TensorPrimitives composition: Log of every row, then -logp[y]. Mean.</summary>
    public static float TpNllLogMean(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> labels, Span<float> scratch)
    {
        double total = 0;
        scratch = scratch[..classCount];
        for (int row = 0; row < labels.Length; row++)
        {
            TensorPrimitives.Log(p.Slice(row * classCount, classCount), scratch);
            total -= scratch[labels[row]];
        }

        return (float)(total / labels.Length);
    }

    /// <summary>Naive PyTorch convention: -MathF.Log(p[y]) (reads one element per row, like the kernel). Mean.</summary>
    public static float NaiveTorchMean(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> labels)
    {
        double total = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            total -= MathF.Log(p[row * classCount + labels[row]]);
        }

        return (float)(total / labels.Length);
    }

    /// <summary>Keras as a TensorPrimitives composition: Clamp into a scratch row, Sum, -log(clip[y] / sum). Mean.</summary>
    public static float TpKerasMean(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> labels, Span<float> scratch)
    {
        const float eps = 1e-7f;
        double total = 0;
        scratch = scratch[..classCount];
        for (int row = 0; row < labels.Length; row++)
        {
            TensorPrimitives.Clamp(p.Slice(row * classCount, classCount), eps, 1f - eps, scratch);
            float sum = TensorPrimitives.Sum(scratch);
            total -= MathF.Log(scratch[labels[row]] / sum);
        }

        return (float)(total / labels.Length);
    }

    /// <summary>Naive Keras convention: clip to [1e-7, 1 - 1e-7], sum, -log(clip(p[y]) / sum). Mean.</summary>
    public static float NaiveKerasMean(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> labels)
    {
        const float eps = 1e-7f;
        double total = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            ReadOnlySpan<float> r = p.Slice(row * classCount, classCount);
            double sum = 0;
            for (int j = 0; j < r.Length; j++)
            {
                sum += Math.Clamp(r[j], eps, 1f - eps);
            }

            total -= MathF.Log(Math.Clamp(r[labels[row]], eps, 1f - eps) / (float)sum);
        }

        return (float)(total / labels.Length);
    }
}
