using System;

namespace CceGen.Kernels.Tests;

/// <summary>
/// Float64 reference for sparse categorical cross-entropy. Inputs are the exact values the kernel sees (float32 or
/// half values, as doubles); every operation is in double, with IEEE semantics for non-finite values:
/// <list type="bullet">
/// <item>logits: (max - z[y]) + log(sum exp(z - max)) (so +inf anywhere or an all -inf row gives NaN, -inf at the label +inf);</item>
/// <item>PyTorch probabilities: -log(p[y]);</item>
/// <item>Keras probabilities: clip to [1e-7, 1 - 1e-7] (NaN stays NaN), then -log(clip[y] / sum clip).</item>
/// </list>
/// </summary>
public static class Reference
{
    public const double KerasEpsilon = 1e-7;

    /// <summary>Loss of one row.</summary>
    public static double Row(CceInput input, ReadOnlySpan<double> row, long label) => input switch
    {
        CceInput.Logits => Logits(row, label),
        CceInput.PyTorchProbabilities => PyTorch(row, label),
        CceInput.KerasProbabilities => Keras(row, label),
        _ => throw new ArgumentOutOfRangeException(nameof(input)),
    };

    /// <summary>Losses of B dense rows of C values.</summary>
    public static double[] Rows(CceInput input, ReadOnlySpan<double> values, int classCount, ReadOnlySpan<long> labels)
    {
        var result = new double[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            result[i] = Row(input, values.Slice(i * classCount, classCount), labels[i]);
        }

        return result;
    }

    public static double Logits(ReadOnlySpan<double> z, long label)
    {
        double max = double.NegativeInfinity;
        foreach (double v in z)
        {
            if (double.IsNaN(v))
            {
                return double.NaN;
            }

            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (double v in z)
        {
            sum += Math.Exp(v - max);
        }

        return (max - z[(int)label]) + Math.Log(sum);
    }

    public static double PyTorch(ReadOnlySpan<double> p, long label) => -Math.Log(p[(int)label]);

    public static double Keras(ReadOnlySpan<double> p, long label)
    {
        double sum = 0;
        foreach (double v in p)
        {
            sum += Clip(v);
        }

        return -Math.Log(Clip(p[(int)label]) / sum);
    }

    /// <summary>clip(p) to [1e-7, 1 - 1e-7]; NaN stays NaN (Math.Max/Min propagate NaN).</summary>
    public static double Clip(double p) => Math.Min(Math.Max(p, KerasEpsilon), 1 - KerasEpsilon);

    /// <summary>Mean of row losses (B = 0 gives NaN).</summary>
    public static double Mean(ReadOnlySpan<double> rows) => Sum(rows) / rows.Length;

    /// <summary>Sum of row losses (B = 0 gives 0).</summary>
    public static double Sum(ReadOnlySpan<double> rows)
    {
        double total = 0;
        foreach (double r in rows)
        {
            total += r;
        }

        return total;
    }
}
