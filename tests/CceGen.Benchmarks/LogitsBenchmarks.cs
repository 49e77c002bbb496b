using System;
using BenchmarkDotNet.Attributes;
using CceGen.Runtime;

namespace CceGen.Benchmarks;

/// <summary>float32 logits, C at run time: Mean and None on every path.</summary>
[LargeJob]
public class LogitsF32 : BenchmarkBase
{
    private RotatingInputs<float> _in = null!;
    private float[] _losses = null!;
    private int _c;

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
        _c = Size.Classes;
        _in = new RotatingInputs<float>(Size, InputFactory.Logits(Size), InputFactory.Labels(Size), Settings.Copies(Size.Elements * 4));
        _losses = new float[Size.Batch];
        int w = WarmRows;
        WarmUp(
            () => Kernels.LogitsMean(_in.HeadPredictions(w), _c, _in.HeadLabels(w)),
            () => Kernels.LogitsNone(_in.HeadPredictions(w), _c, _in.HeadLabels(w), _losses.AsSpan(0, w)));
        Ready(_in);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.LogitsMean.</summary>
    [Benchmark]
    public float Mean()
    {
        CheckPathOnce();
        int i = _in.Next();
        return Kernels.LogitsMean(_in.Predictions(i), _c, _in.Labels(i));
    }

    /// <summary>Kernels.LogitsNone (one loss per row into a reused B-float buffer).</summary>
    [Benchmark]
    public float None()
    {
        CheckPathOnce();
        int i = _in.Next();
        Kernels.LogitsNone(_in.Predictions(i), _c, _in.Labels(i), _losses);
        return _losses[^1];
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveLogitsMean(_in.Predictions(0), _c, _in.Labels(0));

    /// <inheritdoc/>
    public override double Observed(string method, float returned) => method == nameof(None) ? Quick.Mean(_losses) : returned;

    /// <inheritdoc/>
    public override void Dispose() => _in?.Dispose();
}

/// <summary>float32 logits, C = 10 at compile time: Mean and None on every path.</summary>
[LargeJob]
public class LogitsF32C10 : BenchmarkBase
{
    private RotatingInputs<float> _in = null!;
    private float[] _losses = null!;

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
        _in = new RotatingInputs<float>(Size, InputFactory.Logits(Size), InputFactory.Labels(Size), Settings.Copies(Size.Elements * 4));
        _losses = new float[Size.Batch];
        int w = WarmRows;
        WarmUp(
            () => Kernels.LogitsMean10(_in.HeadPredictions(w), _in.HeadLabels(w)),
            () => Kernels.LogitsNone10(_in.HeadPredictions(w), _in.HeadLabels(w), _losses.AsSpan(0, w)));
        Ready(_in);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.LogitsMean10.</summary>
    [Benchmark]
    public float Mean10()
    {
        CheckPathOnce();
        int i = _in.Next();
        return Kernels.LogitsMean10(_in.Predictions(i), _in.Labels(i));
    }

    /// <summary>Kernels.LogitsNone10.</summary>
    [Benchmark]
    public float None10()
    {
        CheckPathOnce();
        int i = _in.Next();
        Kernels.LogitsNone10(_in.Predictions(i), _in.Labels(i), _losses);
        return _losses[^1];
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveLogitsMean(_in.Predictions(0), 10, _in.Labels(0));

    /// <inheritdoc/>
    public override double Observed(string method, float returned) => method == nameof(None10) ? Quick.Mean(_losses) : returned;

    /// <inheritdoc/>
    public override void Dispose() => _in?.Dispose();
}

/// <summary>float32 logits baselines on the same buffers: read roofline, TensorPrimitives composition, naive loop.</summary>
[LargeJob]
public class LogitsF32Baselines : BenchmarkBase
{
    private RotatingInputs<float> _in = null!;
    private float[] _scratch = null!;
    private int _c;

    /// <summary>B x C.</summary>
    [ParamsSource(nameof(AllShapes))]
    public string Shape { get; set; } = "";

    /// <summary>Inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape);
        _c = Size.Classes;
        _in = new RotatingInputs<float>(Size, InputFactory.Logits(Size), InputFactory.Labels(Size), Settings.Copies(Size.Elements * 4));
        _scratch = new float[_c];
        int w = WarmRows;
        WarmUp(
            () => Baselines.ReadRoofline(_in.HeadPredictions(w)),
            () => Baselines.TpLogitsMean(_in.HeadPredictions(w), _c, _in.HeadLabels(w), _scratch),
            () => Baselines.NaiveLogitsMean(_in.HeadPredictions(w), _c, _in.HeadLabels(w)));
        Ready(_in);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>TensorPrimitives.Sum over y_pred.</summary>
    [Benchmark]
    public float ReadRoofline() => Baselines.ReadRoofline(_in.Predictions(_in.Next()));

    /// <summary>Per-row TensorPrimitives composition.</summary>
    [Benchmark]
    public float TpComposition()
    {
        int i = _in.Next();
        return Baselines.TpLogitsMean(_in.Predictions(i), _c, _in.Labels(i), _scratch);
    }

    /// <summary>Naive scalar loop with MathF.</summary>
    [Benchmark]
    public float NaiveLoop()
    {
        int i = _in.Next();
        return Baselines.NaiveLogitsMean(_in.Predictions(i), _c, _in.Labels(i));
    }

    /// <inheritdoc/>
    public override double? Reference(string method) =>
        method == nameof(ReadRoofline) ? null : Baselines.NaiveLogitsMean(_in.Predictions(0), _c, _in.Labels(0));

    /// <inheritdoc/>
    public override void Dispose() => _in?.Dispose();
}

/// <summary>float16 logits, C at run time: Mean and None on every path.</summary>
[LargeJob]
public class LogitsF16 : BenchmarkBase
{
    private RotatingInputs<Half> _in = null!;
    private float[] _losses = null!;
    private int _c;

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
        _c = Size.Classes;
        _in = new RotatingInputs<Half>(Size, InputFactory.ToHalf(InputFactory.Logits(Size)), InputFactory.Labels(Size), Settings.Copies(Size.Elements * 2));
        _losses = new float[Size.Batch];
        int w = WarmRows;
        WarmUp(
            () => Kernels.HalfLogitsMean(_in.HeadPredictions(w), _c, _in.HeadLabels(w)),
            () => Kernels.HalfLogitsNone(_in.HeadPredictions(w), _c, _in.HeadLabels(w), _losses.AsSpan(0, w)));
        Ready(_in);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.HalfLogitsMean.</summary>
    [Benchmark]
    public float Mean()
    {
        CheckPathOnce();
        int i = _in.Next();
        return Kernels.HalfLogitsMean(_in.Predictions(i), _c, _in.Labels(i));
    }

    /// <summary>Kernels.HalfLogitsNone (one float loss per row into a reused B-float buffer).</summary>
    [Benchmark]
    public float None()
    {
        CheckPathOnce();
        int i = _in.Next();
        Kernels.HalfLogitsNone(_in.Predictions(i), _c, _in.Labels(i), _losses);
        return _losses[^1];
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveLogitsMean(_in.Predictions(0), _c, _in.Labels(0));

    /// <inheritdoc/>
    public override double Observed(string method, float returned) => method == nameof(None) ? Quick.Mean(_losses) : returned;

    /// <inheritdoc/>
    public override void Dispose() => _in?.Dispose();
}

/// <summary>float16 logits, C = 10 at compile time: Mean and None on every path.</summary>
[LargeJob]
public class LogitsF16C10 : BenchmarkBase
{
    private RotatingInputs<Half> _in = null!;
    private float[] _losses = null!;

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
        _in = new RotatingInputs<Half>(Size, InputFactory.ToHalf(InputFactory.Logits(Size)), InputFactory.Labels(Size), Settings.Copies(Size.Elements * 2));
        _losses = new float[Size.Batch];
        int w = WarmRows;
        WarmUp(
            () => Kernels.HalfLogitsMean10(_in.HeadPredictions(w), _in.HeadLabels(w)),
            () => Kernels.HalfLogitsNone10(_in.HeadPredictions(w), _in.HeadLabels(w), _losses.AsSpan(0, w)));
        Ready(_in);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>Kernels.HalfLogitsMean10.</summary>
    [Benchmark]
    public float Mean10()
    {
        CheckPathOnce();
        int i = _in.Next();
        return Kernels.HalfLogitsMean10(_in.Predictions(i), _in.Labels(i));
    }

    /// <summary>Kernels.HalfLogitsNone10.</summary>
    [Benchmark]
    public float None10()
    {
        CheckPathOnce();
        int i = _in.Next();
        Kernels.HalfLogitsNone10(_in.Predictions(i), _in.Labels(i), _losses);
        return _losses[^1];
    }

    /// <inheritdoc/>
    public override double? Reference(string method) => Baselines.NaiveLogitsMean(_in.Predictions(0), 10, _in.Labels(0));

    /// <inheritdoc/>
    public override double Observed(string method, float returned) => method == nameof(None10) ? Quick.Mean(_losses) : returned;

    /// <inheritdoc/>
    public override void Dispose() => _in?.Dispose();
}

/// <summary>float16 baselines: read roofline over the half bytes, TensorPrimitives composition, naive loop.</summary>
[LargeJob]
public class LogitsF16Baselines : BenchmarkBase
{
    private RotatingInputs<Half> _in = null!;
    private float[] _scratch = null!;
    private float[] _widened = null!;
    private int _c;

    /// <summary>B x C.</summary>
    [ParamsSource(nameof(AllShapes))]
    public string Shape { get; set; } = "";

    /// <summary>Inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape);
        _c = Size.Classes;
        _in = new RotatingInputs<Half>(Size, InputFactory.ToHalf(InputFactory.Logits(Size)), InputFactory.Labels(Size), Settings.Copies(Size.Elements * 2));
        _scratch = new float[_c];
        _widened = new float[_c];
        int w = WarmRows;
        WarmUp(
            () => Baselines.ReadRoofline(_in.HeadPredictions(w)),
            () => Baselines.TpLogitsMean(_in.HeadPredictions(w), _c, _in.HeadLabels(w), _scratch, _widened),
            () => Baselines.NaiveLogitsMean(_in.HeadPredictions(w), _c, _in.HeadLabels(w)));
        Ready(_in);
    }

    /// <summary>Frees.</summary>
    [GlobalCleanup]
    public void Cleanup() => End();

    /// <summary>TensorPrimitives.Sum over the half buffer's bytes (as uint).</summary>
    [Benchmark]
    public float ReadRoofline() => Baselines.ReadRoofline(_in.Predictions(_in.Next()));

    /// <summary>ConvertToSingle per row, then the float32 TensorPrimitives composition.</summary>
    [Benchmark]
    public float TpComposition()
    {
        int i = _in.Next();
        return Baselines.TpLogitsMean(_in.Predictions(i), _c, _in.Labels(i), _scratch, _widened);
    }

    /// <summary>Naive scalar loop, (float)h per element.</summary>
    [Benchmark]
    public float NaiveLoop()
    {
        int i = _in.Next();
        return Baselines.NaiveLogitsMean(_in.Predictions(i), _c, _in.Labels(i));
    }

    /// <inheritdoc/>
    public override double? Reference(string method) =>
        method == nameof(ReadRoofline) ? null : Baselines.NaiveLogitsMean(_in.Predictions(0), _c, _in.Labels(0));

    /// <inheritdoc/>
    public override void Dispose() => _in?.Dispose();
}
