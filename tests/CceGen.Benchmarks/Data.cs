using System;
using System.Globalization;
using System.Runtime.InteropServices;

namespace CceGen.Benchmarks;

/// <summary>A (B, C) problem size, written "BxC" in the benchmark parameters.</summary>
public readonly record struct Shape(int Batch, int Classes)
{
    /// <summary>Number of y_pred elements, B * C.</summary>
    public long Elements => (long)Batch * Classes;

    /// <summary>Parses "1048576x10".</summary>
    public static Shape Parse(string text)
    {
        int x = text.IndexOf('x', StringComparison.Ordinal);
        if (x <= 0)
        {
            throw new FormatException($"Shape '{text}' is not of the form BxC.");
        }

        return new Shape(
            int.Parse(text.AsSpan(0, x), NumberStyles.None, CultureInfo.InvariantCulture),
            int.Parse(text.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture));
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Batch}x{Classes}");
}

/// <summary>Process-wide benchmark settings.</summary>
public static class Settings
{
    /// <summary>Set by <c>--quick</c>: tiny shapes, one copy of each buffer, no BenchmarkDotNet loop.</summary>
    public static bool Quick { get; set; }

    /// <summary>
    /// y_pred bytes each benchmark rotates through (several copies of the same-size buffer), so that large shapes are
    /// read from DRAM on every call: 1 GiB, about 4x the 260 MB last-level cache of the measurement machine.
    /// Shapes whose single buffer is smaller than <see cref="CacheResidentBelowBytes"/> are not rotated.
    /// </summary>
    public const long RotationBytes = 1L << 30;

    /// <summary>Buffers below this size (the (32, 10) latency case) are deliberately kept cache-resident.</summary>
    public const long CacheResidentBelowBytes = 1L << 20;

    /// <summary>The seed of every random input.</summary>
    public const int Seed = 20240607;

    /// <summary>Number of copies to rotate through for a buffer of <paramref name="bytes"/> bytes.</summary>
    public static int Copies(long bytes)
    {
        if (Quick || bytes < CacheResidentBelowBytes)
        {
            return 1;
        }

        return (int)Math.Clamp((RotationBytes + bytes - 1) / bytes, 2, 256);
    }
}

/// <summary>64-byte aligned native memory (no GC involvement, stable addresses, freed in GlobalCleanup).</summary>
public sealed unsafe class NativeBuffer<T> : IDisposable where T : unmanaged
{
    private void* _pointer;

    /// <summary>Allocates <paramref name="length"/> elements (not initialized).</summary>
    public NativeBuffer(long length)
    {
        Length = checked((int)length);
        _pointer = NativeMemory.AlignedAlloc((nuint)(length * sizeof(T)), 64);
    }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>The elements.</summary>
    public Span<T> Span => new(_pointer, Length);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}

/// <summary>
/// N copies of one (y_pred, labels) problem, each rotated by a different number of rows so that the copies are
/// different memory with different contents; <see cref="Next"/> walks through them round-robin. The mean loss is
/// the same for every copy (up to the order of the double sum).
/// </summary>
public sealed class RotatingInputs<T> : IDisposable where T : unmanaged
{
    private readonly NativeBuffer<T>[] _predictions;
    private readonly NativeBuffer<int>[] _labels;
    private int _next;

    /// <summary>Copies <paramref name="predictions"/> and <paramref name="labels"/> <paramref name="copies"/> times.</summary>
    public unsafe RotatingInputs(Shape shape, ReadOnlySpan<T> predictions, ReadOnlySpan<int> labels, int copies)
    {
        Shape = shape;
        _predictions = new NativeBuffer<T>[copies];
        _labels = new NativeBuffer<int>[copies];
        for (int k = 0; k < copies; k++)
        {
            int shiftRows = (int)((long)k * 7919 % shape.Batch);
            var p = new NativeBuffer<T>(shape.Elements);
            var l = new NativeBuffer<int>(shape.Batch);
            RotateInto(predictions, p.Span, shiftRows * shape.Classes);
            RotateInto(labels, l.Span, shiftRows);
            _predictions[k] = p;
            _labels[k] = l;
        }
    }

    /// <summary>The problem size.</summary>
    public Shape Shape { get; }

    /// <summary>Number of copies rotated through.</summary>
    public int Copies => _predictions.Length;

    /// <summary>Bytes of y_pred over all copies.</summary>
    public unsafe long PredictionBytes => (long)Copies * Shape.Elements * sizeof(T);

    /// <summary>The index of the copy to use for this call.</summary>
    public int Next()
    {
        int i = _next;
        _next = i + 1 == _predictions.Length ? 0 : i + 1;
        return i;
    }

    /// <summary>y_pred of copy <paramref name="index"/>.</summary>
    public ReadOnlySpan<T> Predictions(int index) => _predictions[index].Span;

    /// <summary>The first <paramref name="rows"/> rows of copy 0 (for warm-up calls).</summary>
    public ReadOnlySpan<T> HeadPredictions(int rows) => _predictions[0].Span[..(rows * Shape.Classes)];

    /// <summary>The first <paramref name="rows"/> labels of copy 0 (for warm-up calls).</summary>
    public ReadOnlySpan<int> HeadLabels(int rows) => _labels[0].Span[..rows];

    /// <summary>Labels of copy <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> Labels(int index) => _labels[index].Span;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var p in _predictions)
        {
            p.Dispose();
        }

        foreach (var l in _labels)
        {
            l.Dispose();
        }
    }

    private static void RotateInto<TE>(ReadOnlySpan<TE> source, Span<TE> destination, int shift)
    {
        source[shift..].CopyTo(destination);
        source[..shift].CopyTo(destination[(source.Length - shift)..]);
    }
}

/// <summary>Deterministic inputs: logits ~ N(0, 1) * 3 (never zero), labels uniform in [0, C).</summary>
public static class InputFactory
{
    /// <summary>B*C logits, normal * 3, fixed seed.</summary>
    public static float[] Logits(Shape shape, int seed = Settings.Seed)
    {
        var random = new Random(seed);
        var values = GC.AllocateUninitializedArray<float>(checked((int)shape.Elements));
        for (int i = 0; i < values.Length; i += 2)
        {
            // Box-Muller: two independent normals per pair of uniforms.
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = NonZero((float)(3.0 * radius * Math.Cos(2.0 * Math.PI * u2)));
            if (i + 1 < values.Length)
            {
                values[i + 1] = NonZero((float)(3.0 * radius * Math.Sin(2.0 * Math.PI * u2)));
            }
        }

        return values;
    }

    /// <summary>B labels uniform in [0, C), fixed seed.</summary>
    public static int[] Labels(Shape shape, int seed = Settings.Seed + 1)
    {
        var random = new Random(seed);
        var labels = new int[shape.Batch];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = random.Next(shape.Classes);
        }

        return labels;
    }

    /// <summary>Row-wise softmax of the logits (probabilities that sum to 1 per row), computed in double.</summary>
    public static float[] Probabilities(Shape shape, float[] logits)
    {
        var p = new float[logits.Length];
        int c = shape.Classes;
        for (int row = 0; row < shape.Batch; row++)
        {
            ReadOnlySpan<float> z = logits.AsSpan(row * c, c);
            Span<float> dst = p.AsSpan(row * c, c);
            double max = double.NegativeInfinity;
            foreach (float v in z)
            {
                max = Math.Max(max, v);
            }

            double sum = 0;
            foreach (float v in z)
            {
                sum += Math.Exp(v - max);
            }

            for (int j = 0; j < c; j++)
            {
                dst[j] = (float)(Math.Exp(z[j] - max) / sum);
            }
        }

        return p;
    }

    /// <summary>The logits rounded to float16.</summary>
    public static Half[] ToHalf(float[] values)
    {
        var h = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            h[i] = (Half)values[i];
        }

        return h;
    }

    private static float NonZero(float v) => v == 0f ? 1e-3f : v;
}
