using System;
using BenchmarkDotNet.Attributes;
using CceGen.Runtime;

namespace CceGen.Benchmarks;

/// <summary>Shared setup for fused-gradient runs: logits plus one gradient buffer per rotated input copy.</summary>
public abstract class GradientBase : BenchmarkBase
{
    private NativeBuffer<float>[] _gradients = null!;

    /// <summary>Rotated logits.</summary>
    protected RotatingInputs<float> In { get; private set; } = null!;

    /// <summary>C.</summary>
    protected int C { get; private set; }

    /// <summary>The gradient buffer paired with input copy <paramref name="index"/> (written, never cache-resident either).</summary>
    protected Span<float> Gradient(int index) => _gradients[index].Span;

    /// <summary>Creates inputs and gradient buffers.</summary>
    protected void CreateInputs()
    {
        C = Size.Classes;
        In = new RotatingInputs<float>(Size, InputFactory.Logits(Size), InputFactory.Labels(Size), Settings.Copies(Size.Elements * 4));
        _gradients = new NativeBuffer<float>[In.Copies];
        for (int k = 0; k < _gradients.Length; k++)
        {
            _gradients[k] = new NativeBuffer<float>(Size.Elements);
            _gradients[k].Span.Clear(); // touch the pages now, not in the first measured call
        }
    }

    /// <summary>For <c>--quick</c>: the gradient of copy 0 against the naive loop's.</summary>
    protected string? CheckGradient()
    {
        var expected = new float[Size.Elements];
        Baselines.NaiveLogitsMeanGrad(In.Predictions(0), C, In.Labels(0), expected);
        ReadOnlySpan<float> actual = Gradient(0);
        float scale = 1f / Size.Batch;
        for (int k = 0; k < expected.Length; k++)
        {
            float tolerance = 1e-4f * Math.Abs(expected[k]) + 1e-6f * scale;
            if (!(Math.Abs(actual[k] - expected[k]) <= tolerance))
            {
                return $"gradient[{k}] = {actual[k]:R}, naive {expected[k]:R}";
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        In?.Dispose();
        if (_gradients is not null)
        {
            foreach (var g in _gradients)
            {
                g.Dispose();
            }
        }
    }
}

/// <summary>float32 logits, Mean, fused gradient, C at run time, every path.</summary>
[LargeJob]
public class GradientF32 : GradientBase
{
    /// <summary>B x C.</summary>
    [ParamsSource(nameof(AllShapes))]
    public string Shape { get; set; } = "";

    /// <summary>The CPU path forced for the kernel.</summary>
    [ParamsSource(nameof(AllPaths))]
    public CpuPath Path { get; set; }

    /// <summary>Inputs, path.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape, Path);
        CreateInputs();
        int w = WarmRows;
        WarmUp(() => Kernels.LogitsMeanGrad(In.HeadPredictions(w), C, In.HeadLabels(w), Gradient(0)));
        Ready(In);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.LogitsMeanGrad.</summary>
    [Benchmark]
    public float MeanGrad()
    {
        CheckPathOnce();
        int i = In.Next();
        return Kernels.LogitsMeanGrad(In.Predictions(i), C, In.Labels(i), Gradient(i));
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveLogitsMean(In.Predictions(0), C, In.Labels(0));

    /// <inheritdoc/>
    public override string? ExtraCheck(string method) => CheckGradient();
}

/// <summary>float32 logits, Mean, fused gradient, C = 10 at compile time, every path.</summary>
[LargeJob]
public class GradientF32C10 : GradientBase
{
    /// <summary>B x 10.</summary>
    [ParamsSource(nameof(C10Shape))]
    public string Shape { get; set; } = "";

    /// <summary>The CPU path forced for the kernel.</summary>
    [ParamsSource(nameof(AllPaths))]
    public CpuPath Path { get; set; }

    /// <summary>Inputs, path.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape, Path);
        CreateInputs();
        int w = WarmRows;
        WarmUp(() => Kernels.LogitsMeanGrad10(In.HeadPredictions(w), In.HeadLabels(w), Gradient(0)));
        Ready(In);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.LogitsMeanGrad10.</summary>
    [Benchmark]
    public float MeanGrad10()
    {
        CheckPathOnce();
        int i = In.Next();
        return Kernels.LogitsMeanGrad10(In.Predictions(i), In.Labels(i), Gradient(i));
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveLogitsMean(In.Predictions(0), 10, In.Labels(0));

    /// <inheritdoc/>
    public override string? ExtraCheck(string method) => CheckGradient();
}

/// <summary>Fused-gradient baselines: read+write roofline, TensorPrimitives composition, naive loop.</summary>
[LargeJob]
public class GradientBaselines : GradientBase
{
    /// <summary>B x C.</summary>
    [ParamsSource(nameof(AllShapes))]
    public string Shape { get; set; } = "";

    /// <summary>Inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape);
        CreateInputs();
        int w = WarmRows;
        WarmUp(
            () => Baselines.ReadWriteRoofline(In.HeadPredictions(w), Gradient(0)[..(w * C)], 0.5f),
            () => Baselines.TpLogitsMeanGrad(In.HeadPredictions(w), C, In.HeadLabels(w), Gradient(0)),
            () => Baselines.NaiveLogitsMeanGrad(In.HeadPredictions(w), C, In.HeadLabels(w), Gradient(0)));
        Ready(In);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>TensorPrimitives.Multiply(y_pred, 1/B, gradient): y_pred read once, gradient written once.</summary>
    [Benchmark]
    public float ReadWriteRoofline()
    {
        int i = In.Next();
        return Baselines.ReadWriteRoofline(In.Predictions(i), Gradient(i), 1f / Size.Batch);
    }

    /// <summary>Per-row TensorPrimitives composition with the gradient.</summary>
    [Benchmark]
    public float TpComposition()
    {
        int i = In.Next();
        return Baselines.TpLogitsMeanGrad(In.Predictions(i), C, In.Labels(i), Gradient(i));
    }

    /// <summary>Naive loop with the gradient.</summary>
    [Benchmark]
    public float NaiveLoop()
    {
        int i = In.Next();
        return Baselines.NaiveLogitsMeanGrad(In.Predictions(i), C, In.Labels(i), Gradient(i));
    }

    /// <inheritdoc/>
    public override double? Reference(string method) =>
        method == nameof(ReadWriteRoofline) ? null : Baselines.NaiveLogitsMean(In.Predictions(0), C, In.Labels(0));

    /// <inheritdoc/>
    public override string? ExtraCheck(string method) => method == nameof(ReadWriteRoofline) ? null : CheckGradient();
}
