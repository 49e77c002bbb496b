using System;
using BenchmarkDotNet.Attributes;
using CceGen.Runtime;

namespace CceGen.Benchmarks;

/// <summary>Shared (32, 10) inputs: small and cache-resident on purpose (per-call latency).</summary>
public abstract class LatencyBase : BenchmarkBase
{
    /// <summary>Logits.</summary>
    protected float[] Logits { get; private set; } = null!;

    /// <summary>Logits as float16.</summary>
    protected Half[] HalfLogits { get; private set; } = null!;

    /// <summary>Softmax of the logits.</summary>
    protected float[] Probabilities { get; private set; } = null!;

    /// <summary>Labels.</summary>
    protected int[] Labels { get; private set; } = null!;

    /// <summary>Losses output (None).</summary>
    protected float[] Losses { get; private set; } = null!;

    /// <summary>Gradient output.</summary>
    protected float[] Gradient { get; private set; } = null!;

    /// <summary>Scratch row for the TensorPrimitives composition.</summary>
    protected float[] Scratch { get; private set; } = null!;

    /// <summary>Creates the inputs.</summary>
    protected void CreateInputs()
    {
        Logits = InputFactory.Logits(Size);
        HalfLogits = InputFactory.ToHalf(Logits);
        Probabilities = InputFactory.Probabilities(Size, Logits);
        Labels = InputFactory.Labels(Size);
        Losses = new float[Size.Batch];
        Gradient = new float[Size.Elements];
        Scratch = new float[Size.Classes];
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
    }
}

/// <summary>(32, 10): every compile-time C = 10 kernel (and the runtime-C one) per call, every path.</summary>
[LatencyJob]
public class Latency32x10 : LatencyBase
{
    /// <summary>32 x 10.</summary>
    [ParamsSource(nameof(LatencyShape))]
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
    }

    /// <summary>Checks the path again.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>float32 logits, Mean, C = 10.</summary>
    [Benchmark]
    public float Mean10()
    {
        CheckPathOnce();
        return Kernels.LogitsMean10(Logits, Labels);
    }

    /// <summary>float32 logits, None, C = 10.</summary>
    [Benchmark]
    public float None10()
    {
        CheckPathOnce();
        Kernels.LogitsNone10(Logits, Labels, Losses);
        return Losses[^1];
    }

    /// <summary>float32 logits, Mean, C = 10 passed at run time.</summary>
    [Benchmark]
    public float MeanRuntimeC()
    {
        CheckPathOnce();
        return Kernels.LogitsMean(Logits, 10, Labels);
    }

    /// <summary>float16 logits, Mean, C = 10.</summary>
    [Benchmark]
    public float HalfMean10()
    {
        CheckPathOnce();
        return Kernels.HalfLogitsMean10(HalfLogits, Labels);
    }

    /// <summary>PyTorch probabilities, Mean, C = 10.</summary>
    [Benchmark]
    public float TorchMean10()
    {
        CheckPathOnce();
        return Kernels.TorchMean10(Probabilities, Labels);
    }

    /// <summary>Keras probabilities, Mean, C = 10.</summary>
    [Benchmark]
    public float KerasMean10()
    {
        CheckPathOnce();
        return Kernels.KerasMean10(Probabilities, Labels);
    }

    /// <summary>float32 logits, Mean, fused gradient, C = 10.</summary>
    [Benchmark]
    public float MeanGrad10()
    {
        CheckPathOnce();
        return Kernels.LogitsMeanGrad10(Logits, Labels, Gradient);
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => method switch
    {
        nameof(HalfMean10) => Baselines.NaiveLogitsMean(HalfLogits, 10, Labels),
        nameof(TorchMean10) => Baselines.NaiveTorchMean(Probabilities, 10, Labels),
        nameof(KerasMean10) => Baselines.NaiveKerasMean(Probabilities, 10, Labels),
        _ => Baselines.NaiveLogitsMean(Logits, 10, Labels),
    };

    /// <inheritdoc/>
    public override double Observed(string method, float returned) => method == nameof(None10) ? Quick.Mean(Losses) : returned;
}

/// <summary>(32, 10) baselines per call.</summary>
[LatencyJob]
public class Latency32x10Baselines : LatencyBase
{
    /// <summary>32 x 10.</summary>
    [ParamsSource(nameof(LatencyShape))]
    public string Shape { get; set; } = "";

    /// <summary>Inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape);
        CreateInputs();
    }

    /// <summary>Checks.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>TensorPrimitives.Sum over the 320 logits.</summary>
    [Benchmark]
    public float ReadRoofline() => Baselines.ReadRoofline(Logits);

    /// <summary>TensorPrimitives composition (Mean).</summary>
    [Benchmark]
    public float TpComposition() => Baselines.TpLogitsMean(Logits, 10, Labels, Scratch);

    /// <summary>Naive loop (Mean).</summary>
    [Benchmark]
    public float NaiveLoop() => Baselines.NaiveLogitsMean(Logits, 10, Labels);

    /// <inheritdoc/>
    public override double? Reference(string method) =>
        method == nameof(ReadRoofline) ? null : Baselines.NaiveLogitsMean(Logits, 10, Labels);
}

/// <summary>
/// What forcing the path costs at (32, 10), all on the selected (widest) path: no force (production dispatch),
/// forced once in GlobalSetup (what the other benchmarks do for the lower paths), forced around every call.
/// </summary>
[LatencyJob]
public class ForceOverhead : LatencyBase
{
    /// <summary>32 x 10.</summary>
    [ParamsSource(nameof(LatencyShape))]
    public string Shape { get; set; } = "";

    /// <summary>No force.</summary>
    [GlobalSetup(Targets = new[] { nameof(Unforced), nameof(ForcedPerCall) })]
    public void SetupUnforced()
    {
        Begin(Shape);
        CreateInputs();
    }

    /// <summary>Force the selected path once for the thread.</summary>
    [GlobalSetup(Target = nameof(ForcedInGlobalSetup))]
    public void SetupForced()
    {
        Begin(Shape);
        CreateInputs();
        _scope = CpuDispatch.Force(CpuDispatch.Selected);
    }

    private CpuDispatch.ForcedPathScope? _scope;

    /// <summary>Releases.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _scope?.Dispose();
        _scope = null;
        End();
    }

    /// <summary>Kernels.LogitsMean10 with the process-wide selection.</summary>
    [Benchmark(Baseline = true)]
    public float Unforced() => Kernels.LogitsMean10(Logits, Labels);

    /// <summary>Kernels.LogitsMean10 with the path forced in GlobalSetup (thread-static read per call).</summary>
    [Benchmark]
    public float ForcedInGlobalSetup() => Kernels.LogitsMean10(Logits, Labels);

    /// <summary>Kernels.LogitsMean10 inside <c>using (CpuDispatch.Force(path))</c>.</summary>
    [Benchmark]
    public float ForcedPerCall()
    {
        using (CpuDispatch.Force(CpuDispatch.Selected))
        {
            return Kernels.LogitsMean10(Logits, Labels);
        }
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveLogitsMean(Logits, 10, Labels);
}
