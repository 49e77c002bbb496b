using System;
using BenchmarkDotNet.Attributes;
using CceGen.Runtime;

namespace CceGen.Benchmarks;

/// <summary>Shared setup: softmax rows of normal*3 logits, so each row sums to 1.</summary>
public abstract class ProbabilityBase : BenchmarkBase
{
    /// <summary>Rotated probability buffers.</summary>
    protected RotatingInputs<float> In { get; private set; } = null!;

    /// <summary>C.</summary>
    protected int C { get; private set; }

    /// <summary>The B per-row losses the None benchmarks write (reused across calls).</summary>
    protected float[] Losses { get; private set; } = null!;

    /// <summary>Creates the inputs for <see cref="BenchmarkBase.Size"/>.</summary>
    protected void CreateInputs()
    {
        C = Size.Classes;
        float[] p = InputFactory.Probabilities(Size, InputFactory.Logits(Size));
        In = new RotatingInputs<float>(Size, p, InputFactory.Labels(Size), Settings.Copies(Size.Elements * 4));
        Losses = new float[Size.Batch];
    }

    /// <inheritdoc/>
    public override double Observed(string method, float returned) => method.StartsWith("None", StringComparison.Ordinal) ? Quick.Mean(Losses) : returned;

    /// <inheritdoc/>
    public override void Dispose() => In?.Dispose();
}

/// <summary>
/// PyTorch-convention probabilities (nll_loss(log p)), C at run time. The generated kernel has one code path for
/// every CPU path (it reads only p[y] of each row), so it is measured on the widest path only.
/// </summary>
[LargeJob]
public class TorchF32 : ProbabilityBase
{
    /// <summary>B x C.</summary>
    [ParamsSource(nameof(AllShapes))]
    public string Shape { get; set; } = "";

    /// <summary>The CPU path (the kernel's code is the same on all).</summary>
    [ParamsSource(nameof(WidestPath))]
    public CpuPath Path { get; set; }

    /// <summary>Inputs, path.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape, Path);
        CreateInputs();
        int w = WarmRows;
        WarmUp(
            () => Kernels.TorchMean(In.HeadPredictions(w), C, In.HeadLabels(w)),
            () => Kernels.TorchNone(In.HeadPredictions(w), C, In.HeadLabels(w), Losses.AsSpan(0, w)));
        Ready(In);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.TorchMean.</summary>
    [Benchmark]
    public float Mean()
    {
        CheckPathOnce();
        int i = In.Next();
        return Kernels.TorchMean(In.Predictions(i), C, In.Labels(i));
    }

    /// <summary>Kernels.TorchNone (one loss per row into a reused B-float buffer).</summary>
    [Benchmark]
    public float None()
    {
        CheckPathOnce();
        int i = In.Next();
        Kernels.TorchNone(In.Predictions(i), C, In.Labels(i), Losses);
        return Losses[^1];
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveTorchMean(In.Predictions(0), C, In.Labels(0));
}

/// <summary>PyTorch-convention probabilities, C = 10 at compile time (one code path).</summary>
[LargeJob]
public class TorchF32C10 : ProbabilityBase
{
    /// <summary>B x 10.</summary>
    [ParamsSource(nameof(C10Shape))]
    public string Shape { get; set; } = "";

    /// <summary>The CPU path (the kernel's code is the same on all).</summary>
    [ParamsSource(nameof(WidestPath))]
    public CpuPath Path { get; set; }

    /// <summary>Inputs, path.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape, Path);
        CreateInputs();
        int w = WarmRows;
        WarmUp(
            () => Kernels.TorchMean10(In.HeadPredictions(w), In.HeadLabels(w)),
            () => Kernels.TorchNone10(In.HeadPredictions(w), In.HeadLabels(w), Losses.AsSpan(0, w)));
        Ready(In);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.TorchMean10.</summary>
    [Benchmark]
    public float Mean10()
    {
        CheckPathOnce();
        int i = In.Next();
        return Kernels.TorchMean10(In.Predictions(i), In.Labels(i));
    }

    /// <summary>Kernels.TorchNone10 (one loss per row into a reused B-float buffer).</summary>
    [Benchmark]
    public float None10()
    {
        CheckPathOnce();
        int i = In.Next();
        Kernels.TorchNone10(In.Predictions(i), In.Labels(i), Losses);
        return Losses[^1];
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveTorchMean(In.Predictions(0), 10, In.Labels(0));
}

/// <summary>Keras-convention probabilities (clip, renormalize), C at run time, every path.</summary>
[LargeJob]
public class KerasF32 : ProbabilityBase
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
        WarmUp(
            () => Kernels.KerasMean(In.HeadPredictions(w), C, In.HeadLabels(w)),
            () => Kernels.KerasNone(In.HeadPredictions(w), C, In.HeadLabels(w), Losses.AsSpan(0, w)));
        Ready(In);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.KerasMean.</summary>
    [Benchmark]
    public float Mean()
    {
        CheckPathOnce();
        int i = In.Next();
        return Kernels.KerasMean(In.Predictions(i), C, In.Labels(i));
    }

    /// <summary>Kernels.KerasNone (one loss per row into a reused B-float buffer).</summary>
    [Benchmark]
    public float None()
    {
        CheckPathOnce();
        int i = In.Next();
        Kernels.KerasNone(In.Predictions(i), C, In.Labels(i), Losses);
        return Losses[^1];
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveKerasMean(In.Predictions(0), C, In.Labels(0));
}

/// <summary>Keras-convention probabilities, C = 10 at compile time, every path.</summary>
[LargeJob]
public class KerasF32C10 : ProbabilityBase
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
        WarmUp(
            () => Kernels.KerasMean10(In.HeadPredictions(w), In.HeadLabels(w)),
            () => Kernels.KerasNone10(In.HeadPredictions(w), In.HeadLabels(w), Losses.AsSpan(0, w)));
        Ready(In);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.KerasMean10.</summary>
    [Benchmark]
    public float Mean10()
    {
        CheckPathOnce();
        int i = In.Next();
        return Kernels.KerasMean10(In.Predictions(i), In.Labels(i));
    }

    /// <summary>Kernels.KerasNone10 (one loss per row into a reused B-float buffer).</summary>
    [Benchmark]
    public float None10()
    {
        CheckPathOnce();
        int i = In.Next();
        Kernels.KerasNone10(In.Predictions(i), In.Labels(i), Losses);
        return Losses[^1];
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveKerasMean(In.Predictions(0), 10, In.Labels(0));
}

/// <summary>Probability baselines: read roofline, nll_loss(log p) and Keras as TensorPrimitives compositions, naive loops.</summary>
[LargeJob]
public class ProbabilityBaselines : ProbabilityBase
{
    private float[] _scratch = null!;

    /// <summary>B x C.</summary>
    [ParamsSource(nameof(AllShapes))]
    public string Shape { get; set; } = "";

    /// <summary>Inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape);
        CreateInputs();
        _scratch = new float[C];
        int w = WarmRows;
        WarmUp(
            () => Baselines.ReadRoofline(In.HeadPredictions(w)),
            () => Baselines.TpNllLogMean(In.HeadPredictions(w), C, In.HeadLabels(w), _scratch),
            () => Baselines.NaiveTorchMean(In.HeadPredictions(w), C, In.HeadLabels(w)),
            () => Baselines.TpKerasMean(In.HeadPredictions(w), C, In.HeadLabels(w), _scratch),
            () => Baselines.NaiveKerasMean(In.HeadPredictions(w), C, In.HeadLabels(w)));
        Ready(In);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>TensorPrimitives.Sum over y_pred.</summary>
    [Benchmark]
    public float ReadRoofline() => Baselines.ReadRoofline(In.Predictions(In.Next()));

    /// <summary>nll_loss(log p): TensorPrimitives.Log of every row, then -logp[y].</summary>
    [Benchmark]
    public float TpNllLog()
    {
        int i = In.Next();
        return Baselines.TpNllLogMean(In.Predictions(i), C, In.Labels(i), _scratch);
    }

    /// <summary>Naive PyTorch convention: -MathF.Log(p[y]).</summary>
    [Benchmark]
    public float NaiveTorch()
    {
        int i = In.Next();
        return Baselines.NaiveTorchMean(In.Predictions(i), C, In.Labels(i));
    }

    /// <summary>Keras: TensorPrimitives Clamp + Sum per row.</summary>
    [Benchmark]
    public float TpKeras()
    {
        int i = In.Next();
        return Baselines.TpKerasMean(In.Predictions(i), C, In.Labels(i), _scratch);
    }

    /// <summary>Keras: naive clip + sum loop.</summary>
    [Benchmark]
    public float NaiveKeras()
    {
        int i = In.Next();
        return Baselines.NaiveKerasMean(In.Predictions(i), C, In.Labels(i));
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => method switch
    {
        nameof(ReadRoofline) => null,
        nameof(TpNllLog) or nameof(NaiveTorch) => Baselines.NaiveTorchMean(In.Predictions(0), C, In.Labels(0)),
        _ => Baselines.NaiveKerasMean(In.Predictions(0), C, In.Labels(0)),
    };
}
