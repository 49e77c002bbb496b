using System;
using System.Globalization;
using CceGen.Runtime;

namespace CceGen.Reliability;

/// <summary>
/// Float64 references of the three semantics (README "Semantics"), computed from the float32 values the kernel sees
/// (half inputs widened exactly). Special values follow PyTorch <c>cross_entropy</c> / <c>nll_loss</c> and TensorFlow.
/// </summary>
public static class Reference
{
    /// <summary>Per-row loss in float64.</summary>
    public static double Loss(CceInput input, ReadOnlySpan<float> row, int label) => input switch
    {
        CceInput.Logits => LogitsLoss(row, label),
        CceInput.PyTorchProbabilities => -Math.Log(row[label]),
        _ => KerasLoss(row, label),
    };

    /// <summary>dLoss/dPrediction of one row (unscaled), float64.</summary>
    public static double[] Gradient(CceInput input, ReadOnlySpan<float> row, int label)
    {
        var g = new double[row.Length];
        switch (input)
        {
            case CceInput.Logits:
            {
                if (!LogitsDefined(row))
                {
                    Array.Fill(g, double.NaN);
                    break;
                }

                double max = Max(row);
                double sum = 0;
                for (int j = 0; j < row.Length; j++)
                {
                    sum += Math.Exp((double)row[j] - max);
                }

                for (int j = 0; j < row.Length; j++)
                {
                    g[j] = (Math.Exp((double)row[j] - max) / sum) - (j == label ? 1 : 0);
                }

                break;
            }

            case CceInput.PyTorchProbabilities:
                g[label] = -1.0 / row[label];
                break;

            default:
            {
                double sum = 0;
                for (int j = 0; j < row.Length; j++)
                {
                    sum += Clip(row[j]);
                }

                for (int j = 0; j < row.Length; j++)
                {
                    double d = (1.0 / sum) - (j == label ? 1.0 / Clip(row[label]) : 0);
                    // tf.clip_by_value's gradient: zero where x < min or x > max, passed through otherwise (NaN included).
                    g[j] = row[j] < ClipOperator.Epsilon || row[j] > ClipOperator.Upper ? 0 : d;
                }

                break;
            }
        }

        return g;
    }

    /// <summary>The Keras clip in float32, as TensorFlow applies it to float32 tensors (NaN stays NaN).</summary>
    public static double Clip(float p) => float.IsNaN(p) ? double.NaN : Math.Min(Math.Max(p, ClipOperator.Epsilon), ClipOperator.Upper);

    /// <summary>PyTorch cross_entropy on logits: NaN for NaN or +inf anywhere or a row of all -inf; +inf when z[y] = -inf.</summary>
    public static double LogitsLoss(ReadOnlySpan<float> row, int label)
    {
        if (!LogitsDefined(row))
        {
            return double.NaN;
        }

        if (float.IsNegativeInfinity(row[label]))
        {
            return double.PositiveInfinity;
        }

        double max = Max(row);
        double sum = 0;
        for (int j = 0; j < row.Length; j++)
        {
            sum += Math.Exp((double)row[j] - max);
        }

        return (max - row[label]) + Math.Log(sum);
    }

    private static bool LogitsDefined(ReadOnlySpan<float> row)
    {
        bool anyFinite = false;
        foreach (float z in row)
        {
            if (float.IsNaN(z) || float.IsPositiveInfinity(z))
            {
                return false;
            }

            anyFinite |= !float.IsNegativeInfinity(z);
        }

        return anyFinite;
    }

    private static double Max(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity;
        foreach (float z in row)
        {
            max = Math.Max(max, z);
        }

        return max;
    }

    private static double KerasLoss(ReadOnlySpan<float> row, int label)
    {
        double sum = 0;
        foreach (float p in row)
        {
            sum += Clip(p);
        }

        return -Math.Log(Clip(row[label]) / sum);
    }

    /// <summary>Neumaier-compensated sum.</summary>
    public struct CompensatedSum
    {
        private double _sum;
        private double _compensation;
        private double _plain;

        public void Add(double value)
        {
            _plain += value;
            double t = _sum + value;
            _compensation += Math.Abs(_sum) >= Math.Abs(value) ? (_sum - t) + value : (value - t) + _sum;
            _sum = t;
        }

        /// <summary>The compensated sum; with infinities or NaN, the plain IEEE sum (the compensation would be NaN).</summary>
        public readonly double Value => double.IsFinite(_plain) ? _sum + _compensation : _plain;
    }

    /// <summary>Distance in units in the last place between two floats of the same sign (int.MaxValue otherwise).</summary>
    public static long UlpDistance(float a, float b)
    {
        if (a == b)
        {
            return 0;
        }

        if (float.IsNaN(a) || float.IsNaN(b) || float.IsInfinity(a) || float.IsInfinity(b) || Math.Sign(a) * Math.Sign(b) < 0)
        {
            return int.MaxValue;
        }

        return Math.Abs((long)BitConverter.SingleToInt32Bits(Math.Abs(a)) - BitConverter.SingleToInt32Bits(Math.Abs(b)));
    }

    /// <summary>True when <paramref name="actual"/> matches the float64 <paramref name="expected"/>: same class for NaN/inf,
    /// else within <paramref name="relative"/> (or <paramref name="absolute"/> near zero).</summary>
    public static bool Close(float actual, double expected, double relative = 1e-5, double absolute = 1e-6)
    {
        if (double.IsNaN(expected))
        {
            return float.IsNaN(actual);
        }

        float rounded = (float)expected;
        if (float.IsInfinity(rounded))
        {
            return actual == rounded;
        }

        if (!float.IsFinite(actual))
        {
            return false;
        }

        return Math.Abs(actual - expected) <= Math.Max(absolute, relative * Math.Abs(expected));
    }

    public static string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
