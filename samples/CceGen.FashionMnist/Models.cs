using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace CceGen.FashionMnist;

/// <summary>A trainable tensor (flat) and the gradient of the mean batch loss with respect to it.</summary>
internal sealed class Parameter
{
    public Parameter(string name, int length)
    {
        Name = name;
        Value = new float[length];
        Grad = new float[length];
    }

    public string Name { get; }

    public float[] Value { get; }

    public float[] Grad { get; }
}

/// <summary>
/// Fully connected layer y = x W + b with W stored row-major as [inputs x outputs], so both the forward pass and the
/// weight gradient are runs of contiguous AXPYs over the outputs, and zero inputs (Fashion-MNIST background pixels,
/// inactive ReLUs) are skipped outright.
/// </summary>
internal sealed class DenseLayer
{
    // Below this many multiply-adds per call, threading costs more than it saves.
    private const long ParallelThreshold = 1 << 18;

    public DenseLayer(string name, int inputs, int outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
        Weights = new Parameter(name + ".W", inputs * outputs);
        Bias = new Parameter(name + ".b", outputs);
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public Parameter Weights { get; }

    public Parameter Bias { get; }

    public void InitNormal(Rng rng, double std)
    {
        float[] w = Weights.Value;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)(rng.NextGaussian() * std);
        }
        Array.Clear(Bias.Value);
    }

    /// <summary>y[rows x outputs] = x[rows x inputs] W + b.</summary>
    public void Forward(float[] x, int rows, float[] y)
    {
        if ((long)rows * Inputs * Outputs >= ParallelThreshold && Environment.ProcessorCount > 1)
        {
            // Each task owns whole output rows: the arithmetic per row is identical for any split, so results are
            // deterministic regardless of the number of threads.
            int chunks = Math.Min(Environment.ProcessorCount, rows);
            Parallel.For(0, chunks, chunk =>
            {
                (int start, int end) = ChunkRange(rows, chunks, chunk);
                ForwardRows(x, start, end, y);
            });
        }
        else
        {
            ForwardRows(x, 0, rows, y);
        }
    }

    /// <summary>
    /// Given dL/dy, overwrites the weight and bias gradients and, if <paramref name="dx"/> is not null,
    /// writes dL/dx (rows x inputs).
    /// </summary>
    public void Backward(float[] x, float[] dy, int rows, float[]? dx)
    {
        float[] db = Bias.Grad;
        Array.Clear(db);
        for (int r = 0; r < rows; r++)
        {
            VectorMath.Axpy(1f, dy.AsSpan(r * Outputs, Outputs), db);
        }

        if ((long)rows * Inputs * Outputs >= ParallelThreshold && Environment.ProcessorCount > 1)
        {
            // Split over input features: each task owns whole rows of dW (and whole columns of dx), accumulated
            // over the batch in the same order as the serial loop, so results do not depend on the split.
            int chunks = Math.Min(Environment.ProcessorCount, Inputs);
            Parallel.For(0, chunks, chunk =>
            {
                (int start, int end) = ChunkRange(Inputs, chunks, chunk);
                WeightGradRange(x, dy, rows, start, end);
                if (dx is not null)
                {
                    InputGradRange(dy, rows, start, end, dx);
                }
            });
        }
        else
        {
            WeightGradRange(x, dy, rows, 0, Inputs);
            if (dx is not null)
            {
                InputGradRange(dy, rows, 0, Inputs, dx);
            }
        }
    }

    // Width of the register-blocked column tiles: two Vector<float>s.
    private static int TileWidth => 2 * Vector<float>.Count;

    private bool UseTiles => Vector.IsHardwareAccelerated && Outputs % TileWidth == 0;

    private void ForwardRows(float[] x, int rowStart, int rowEnd, float[] y)
    {
        if (UseTiles)
        {
            int r = rowStart;
            for (; r + 4 <= rowEnd; r += 4)
            {
                ForwardTile4(x, r, y);
            }
            ForwardRowsAxpy(x, r, rowEnd, y);
        }
        else
        {
            ForwardRowsAxpy(x, rowStart, rowEnd, y);
        }
    }

    /// <summary>
    /// Four rows at once, two vectors of outputs at a time, accumulating in registers across all inputs;
    /// inputs that are zero in all four rows are skipped.
    /// </summary>
    private void ForwardTile4(float[] x, int r, float[] y)
    {
        int inputs = Inputs, outputs = Outputs, vc = Vector<float>.Count;
        ref float w = ref MemoryMarshal.GetArrayDataReference(Weights.Value);
        ref float bias = ref MemoryMarshal.GetArrayDataReference(Bias.Value);
        ref float x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), (nint)r * inputs);
        ref float x1 = ref Unsafe.Add(ref x0, inputs);
        ref float x2 = ref Unsafe.Add(ref x1, inputs);
        ref float x3 = ref Unsafe.Add(ref x2, inputs);
        ref float y0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(y), (nint)r * outputs);
        ref float y1 = ref Unsafe.Add(ref y0, outputs);
        ref float y2 = ref Unsafe.Add(ref y1, outputs);
        ref float y3 = ref Unsafe.Add(ref y2, outputs);
        for (int j = 0; j < outputs; j += 2 * vc)
        {
            Vector<float> b0 = Vector.LoadUnsafe(ref bias, (nuint)j);
            Vector<float> b1 = Vector.LoadUnsafe(ref bias, (nuint)(j + vc));
            Vector<float> a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
            for (int k = 0; k < inputs; k++)
            {
                float v0 = Unsafe.Add(ref x0, k), v1 = Unsafe.Add(ref x1, k), v2 = Unsafe.Add(ref x2, k), v3 = Unsafe.Add(ref x3, k);
                if (v0 == 0f && v1 == 0f && v2 == 0f && v3 == 0f)
                {
                    continue;
                }
                ref float wk = ref Unsafe.Add(ref w, (nint)k * outputs + j);
                Vector<float> w0 = Vector.LoadUnsafe(ref wk);
                Vector<float> w1 = Vector.LoadUnsafe(ref wk, (nuint)vc);
                var s = new Vector<float>(v0);
                a00 = Vector.MultiplyAddEstimate(s, w0, a00);
                a01 = Vector.MultiplyAddEstimate(s, w1, a01);
                s = new Vector<float>(v1);
                a10 = Vector.MultiplyAddEstimate(s, w0, a10);
                a11 = Vector.MultiplyAddEstimate(s, w1, a11);
                s = new Vector<float>(v2);
                a20 = Vector.MultiplyAddEstimate(s, w0, a20);
                a21 = Vector.MultiplyAddEstimate(s, w1, a21);
                s = new Vector<float>(v3);
                a30 = Vector.MultiplyAddEstimate(s, w0, a30);
                a31 = Vector.MultiplyAddEstimate(s, w1, a31);
            }
            a00.StoreUnsafe(ref y0, (nuint)j);
            a01.StoreUnsafe(ref y0, (nuint)(j + vc));
            a10.StoreUnsafe(ref y1, (nuint)j);
            a11.StoreUnsafe(ref y1, (nuint)(j + vc));
            a20.StoreUnsafe(ref y2, (nuint)j);
            a21.StoreUnsafe(ref y2, (nuint)(j + vc));
            a30.StoreUnsafe(ref y3, (nuint)j);
            a31.StoreUnsafe(ref y3, (nuint)(j + vc));
        }
    }

    private void ForwardRowsAxpy(float[] x, int rowStart, int rowEnd, float[] y)
    {
        float[] w = Weights.Value;
        for (int r = rowStart; r < rowEnd; r++)
        {
            Span<float> yRow = y.AsSpan(r * Outputs, Outputs);
            Bias.Value.AsSpan().CopyTo(yRow);
            ReadOnlySpan<float> xRow = x.AsSpan(r * Inputs, Inputs);
            for (int k = 0; k < xRow.Length; k++)
            {
                float xv = xRow[k];
                if (xv != 0f)
                {
                    VectorMath.Axpy(xv, w.AsSpan(k * Outputs, Outputs), yRow);
                }
            }
        }
    }

    private void WeightGradRange(float[] x, float[] dy, int rows, int kStart, int kEnd)
    {
        if (UseTiles)
        {
            int k = kStart;
            for (; k + 4 <= kEnd; k += 4)
            {
                WeightGradTile4(x, dy, rows, k);
            }
            WeightGradRangeAxpy(x, dy, rows, k, kEnd);
        }
        else
        {
            WeightGradRangeAxpy(x, dy, rows, kStart, kEnd);
        }
    }

    /// <summary>
    /// dW rows k..k+3 = sum over the batch of x[r, k..k+3] (outer) dy[r, :], two vectors of outputs at a time,
    /// accumulated in registers in batch order; batch rows whose four inputs are all zero are skipped.
    /// </summary>
    private void WeightGradTile4(float[] x, float[] dy, int rows, int k)
    {
        int inputs = Inputs, outputs = Outputs, vc = Vector<float>.Count;
        ref float xBase = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), k);
        ref float dyBase = ref MemoryMarshal.GetArrayDataReference(dy);
        ref float dw0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Weights.Grad), (nint)k * outputs);
        ref float dw1 = ref Unsafe.Add(ref dw0, outputs);
        ref float dw2 = ref Unsafe.Add(ref dw1, outputs);
        ref float dw3 = ref Unsafe.Add(ref dw2, outputs);
        for (int j = 0; j < outputs; j += 2 * vc)
        {
            Vector<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector<float> a20 = default, a21 = default, a30 = default, a31 = default;
            for (int r = 0; r < rows; r++)
            {
                ref float xr = ref Unsafe.Add(ref xBase, (nint)r * inputs);
                float v0 = xr, v1 = Unsafe.Add(ref xr, 1), v2 = Unsafe.Add(ref xr, 2), v3 = Unsafe.Add(ref xr, 3);
                if (v0 == 0f && v1 == 0f && v2 == 0f && v3 == 0f)
                {
                    continue;
                }
                ref float dyr = ref Unsafe.Add(ref dyBase, (nint)r * outputs + j);
                Vector<float> g0 = Vector.LoadUnsafe(ref dyr);
                Vector<float> g1 = Vector.LoadUnsafe(ref dyr, (nuint)vc);
                var s = new Vector<float>(v0);
                a00 = Vector.MultiplyAddEstimate(s, g0, a00);
                a01 = Vector.MultiplyAddEstimate(s, g1, a01);
                s = new Vector<float>(v1);
                a10 = Vector.MultiplyAddEstimate(s, g0, a10);
                a11 = Vector.MultiplyAddEstimate(s, g1, a11);
                s = new Vector<float>(v2);
                a20 = Vector.MultiplyAddEstimate(s, g0, a20);
                a21 = Vector.MultiplyAddEstimate(s, g1, a21);
                s = new Vector<float>(v3);
                a30 = Vector.MultiplyAddEstimate(s, g0, a30);
                a31 = Vector.MultiplyAddEstimate(s, g1, a31);
            }
            a00.StoreUnsafe(ref dw0, (nuint)j);
            a01.StoreUnsafe(ref dw0, (nuint)(j + vc));
            a10.StoreUnsafe(ref dw1, (nuint)j);
            a11.StoreUnsafe(ref dw1, (nuint)(j + vc));
            a20.StoreUnsafe(ref dw2, (nuint)j);
            a21.StoreUnsafe(ref dw2, (nuint)(j + vc));
            a30.StoreUnsafe(ref dw3, (nuint)j);
            a31.StoreUnsafe(ref dw3, (nuint)(j + vc));
        }
    }

    private void WeightGradRangeAxpy(float[] x, float[] dy, int rows, int kStart, int kEnd)
    {
        float[] dw = Weights.Grad;
        Array.Clear(dw, kStart * Outputs, (kEnd - kStart) * Outputs);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> dyRow = dy.AsSpan(r * Outputs, Outputs);
            ReadOnlySpan<float> xRow = x.AsSpan(r * Inputs, Inputs);
            for (int k = kStart; k < kEnd; k++)
            {
                float xv = xRow[k];
                if (xv != 0f)
                {
                    VectorMath.Axpy(xv, dyRow, dw.AsSpan(k * Outputs, Outputs));
                }
            }
        }
    }

    private void InputGradRange(float[] dy, int rows, int kStart, int kEnd, float[] dx)
    {
        float[] w = Weights.Value;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> dyRow = dy.AsSpan(r * Outputs, Outputs);
            Span<float> dxRow = dx.AsSpan(r * Inputs, Inputs);
            for (int k = kStart; k < kEnd; k++)
            {
                dxRow[k] = VectorMath.Dot(dyRow, w.AsSpan(k * Outputs, Outputs));
            }
        }
    }

    private static (int Start, int End) ChunkRange(int length, int chunks, int chunk) =>
        ((int)((long)length * chunk / chunks), (int)((long)length * (chunk + 1) / chunks));
}

/// <summary>A classifier producing 10 logits per 784-pixel image.</summary>
internal interface IModel
{
    string Name { get; }

    string Description { get; }

    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Logits for the first <paramref name="rows"/> images of <paramref name="x"/>; the returned array holds rows*10 valid values.</summary>
    float[] Forward(float[] x, int rows);

    /// <summary>Back-propagates dL/dlogits from the last Forward call into every Parameter.Grad.</summary>
    void Backward(float[] x, float[] dLogits, int rows);
}

/// <summary>Multinomial logistic regression: logits = x W + b, 784 -> 10.</summary>
internal sealed class SoftmaxRegression : IModel
{
    private readonly DenseLayer layer;
    private readonly float[] logits;

    public SoftmaxRegression(int maxRows, Rng rng)
    {
        layer = new DenseLayer("linear", IdxReader.Pixels, IdxReader.Classes);
        layer.InitNormal(rng, 0.01);
        logits = new float[maxRows * IdxReader.Classes];
        Parameters = new[] { layer.Weights, layer.Bias };
    }

    public string Name => "softmax";

    public string Description => $"softmax regression 784->10 ({IdxReader.Pixels * IdxReader.Classes + IdxReader.Classes:N0} parameters)";

    public IReadOnlyList<Parameter> Parameters { get; }

    public float[] Forward(float[] x, int rows)
    {
        layer.Forward(x, rows, logits);
        return logits;
    }

    public void Backward(float[] x, float[] dLogits, int rows) => layer.Backward(x, dLogits, rows, dx: null);
}

/// <summary>Two-layer perceptron: 784 -> H (ReLU) -> 10, He-initialised.</summary>
internal sealed class Mlp : IModel
{
    private readonly DenseLayer hidden;
    private readonly DenseLayer output;
    private readonly float[] activations;
    private readonly float[] dActivations;
    private readonly float[] logits;

    public Mlp(int hiddenUnits, int maxRows, Rng rng)
    {
        hidden = new DenseLayer("hidden", IdxReader.Pixels, hiddenUnits);
        output = new DenseLayer("output", hiddenUnits, IdxReader.Classes);
        hidden.InitNormal(rng, Math.Sqrt(2.0 / IdxReader.Pixels));
        output.InitNormal(rng, Math.Sqrt(1.0 / hiddenUnits));
        activations = new float[maxRows * hiddenUnits];
        dActivations = new float[maxRows * hiddenUnits];
        logits = new float[maxRows * IdxReader.Classes];
        Parameters = new[] { hidden.Weights, hidden.Bias, output.Weights, output.Bias };
        HiddenUnits = hiddenUnits;
    }

    public int HiddenUnits { get; }

    public string Name => "mlp";

    public string Description
    {
        get
        {
            long p = (long)IdxReader.Pixels * HiddenUnits + HiddenUnits + (long)HiddenUnits * IdxReader.Classes + IdxReader.Classes;
            return $"MLP 784->{HiddenUnits} ReLU->10 ({p:N0} parameters)";
        }
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    public float[] Forward(float[] x, int rows)
    {
        hidden.Forward(x, rows, activations);
        VectorMath.Relu(activations.AsSpan(0, rows * HiddenUnits));
        output.Forward(activations, rows, logits);
        return logits;
    }

    public void Backward(float[] x, float[] dLogits, int rows)
    {
        output.Backward(activations, dLogits, rows, dActivations);
        VectorMath.ReluBackward(activations.AsSpan(0, rows * HiddenUnits), dActivations.AsSpan(0, rows * HiddenUnits));
        hidden.Backward(x, dActivations, rows, dx: null);
    }
}
