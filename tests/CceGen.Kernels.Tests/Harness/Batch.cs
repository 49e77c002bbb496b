using System;
using System.Collections.Concurrent;
using System.Globalization;

namespace CceGen.Kernels.Tests;

/// <summary>
/// A (B, C) problem: dense row-major values (exactly representable in <see cref="Dtype"/>, stored as doubles so the
/// reference sees exactly what the kernel sees) and B labels in [0, C).
/// </summary>
public sealed class Batch
{
    public Batch(string description, Dtype dtype, int rows, int classCount, double[] values, long[] labels)
    {
        if (values.Length != rows * classCount || labels.Length != rows)
        {
            throw new ArgumentException("inconsistent batch");
        }

        Description = description;
        Dtype = dtype;
        Rows = rows;
        ClassCount = classCount;
        Values = values;
        Labels = labels;
    }

    public string Description { get; }
    public Dtype Dtype { get; }
    public int Rows { get; }
    public int ClassCount { get; }
    public double[] Values { get; }
    public long[] Labels { get; }

    /// <summary>The values as float32 (exact when <see cref="Dtype"/> is Float or Half).</summary>
    public float[] FloatValues => _floats ??= Array.ConvertAll(Values, v => (float)v);

    /// <summary>The values as half (exact when <see cref="Dtype"/> is Half).</summary>
    public Half[] HalfValues => _halves ??= Array.ConvertAll(Values, v => (Half)v);

    private float[]? _floats;
    private Half[]? _halves;

    /// <summary>Reference loss of every row under <paramref name="input"/>.</summary>
    public double[] ReferenceRows(CceInput input) => Reference.Rows(input, Values, ClassCount, Labels);

    /// <summary>Rounds <paramref name="value"/> to <paramref name="dtype"/> (round to nearest even) and returns it exactly as a double.</summary>
    public static double Round(Dtype dtype, double value) => dtype == Dtype.Float ? (float)value : (double)(Half)value;

    public override string ToString() => $"{Description} (B={Rows}, C={ClassCount}, {Dtype})";
}

/// <summary>Random inputs used by the random tests.</summary>
public enum DataSet
{
    /// <summary>Logits ~ N(0, 3).</summary>
    LogitsNormal,

    /// <summary>Large-magnitude logits: uniform in [-1e4, 1e4], or +-1e4 + N(0, 3) (close values far from 0).</summary>
    LogitsLarge,

    /// <summary>Random positive rows normalized to sum 1.</summary>
    ProbsNormalized,

    /// <summary>Random values in (0, 1] that do not sum to 1 (where PyTorch and Keras differ).</summary>
    ProbsUnnormalized,

    /// <summary>Values at and around the Keras clip bounds: 0, 1e-8, 1e-7, 1 - 1e-8, 1, 1.5 mixed with random ones.</summary>
    ProbsEdges,
}

/// <summary>Deterministic random batches (fixed seeds), cached because every kernel and path reuses them.</summary>
public static class RandomBatches
{
    private static readonly ConcurrentDictionary<(Dtype, DataSet, int, int), Batch> s_cache = new();
    private static readonly ConcurrentDictionary<(Dtype, DataSet, int, int, CceInput), double[]> s_references = new();

    /// <summary>The data sets meaningful for an input kind.</summary>
    public static DataSet[] For(CceInput input) => input == CceInput.Logits
        ? new[] { DataSet.LogitsNormal, DataSet.LogitsLarge }
        : new[] { DataSet.ProbsNormalized, DataSet.ProbsUnnormalized, DataSet.ProbsEdges };

    public static Batch Get(Dtype dtype, DataSet set, int rows, int classCount) =>
        s_cache.GetOrAdd((dtype, set, rows, classCount), static key => Create(key.Item1, key.Item2, key.Item3, key.Item4));

    public static double[] ReferenceRows(Batch batch, DataSet set, CceInput input) =>
        s_references.GetOrAdd((batch.Dtype, set, batch.Rows, batch.ClassCount, input), _ => batch.ReferenceRows(input));

    public static int Seed(Dtype dtype, DataSet set, int rows, int classCount) =>
        unchecked((classCount * 1000003) + (rows * 7919) + ((int)set * 131) + (int)dtype + 17);

    public static Batch Create(Dtype dtype, DataSet set, int rows, int classCount)
    {
        int seed = Seed(dtype, set, rows, classCount);
        var random = new Random(seed);
        var values = new double[rows * classCount];
        var labels = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            Span<double> row = values.AsSpan(r * classCount, classCount);
            labels[r] = random.Next(classCount);
            switch (set)
            {
                case DataSet.LogitsNormal:
                    for (int j = 0; j < classCount; j++)
                    {
                        row[j] = 3 * Normal(random);
                    }

                    break;
                case DataSet.LogitsLarge:
                    double center = (r % 3) switch { 0 => 0, 1 => 1e4, _ => -1e4 };
                    for (int j = 0; j < classCount; j++)
                    {
                        row[j] = center == 0 ? (random.NextDouble() * 2e4) - 1e4 : center + (3 * Normal(random));
                    }

                    break;
                case DataSet.ProbsNormalized:
                    double sum = 0;
                    for (int j = 0; j < classCount; j++)
                    {
                        row[j] = Math.Exp(2 * Normal(random));
                        sum += row[j];
                    }

                    for (int j = 0; j < classCount; j++)
                    {
                        row[j] /= sum;
                    }

                    break;
                case DataSet.ProbsUnnormalized:
                    for (int j = 0; j < classCount; j++)
                    {
                        row[j] = 1 - random.NextDouble(); // (0, 1]
                    }

                    break;
                case DataSet.ProbsEdges:
                    for (int j = 0; j < classCount; j++)
                    {
                        row[j] = random.Next(8) switch
                        {
                            0 => 0,
                            1 => 1e-8,
                            2 => 1e-7,
                            3 => 1 - 1e-8,
                            4 => 1,
                            5 => 1.5,
                            _ => random.NextDouble(),
                        };
                    }

                    break;
            }

            for (int j = 0; j < classCount; j++)
            {
                row[j] = Batch.Round(dtype, row[j]);
            }
        }

        string description = string.Create(CultureInfo.InvariantCulture, $"random {set} seed {seed}");
        return new Batch(description, dtype, rows, classCount, values, labels);
    }

    private static double Normal(Random random)
    {
        // Box-Muller.
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
