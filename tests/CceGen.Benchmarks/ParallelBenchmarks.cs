using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using CceGen.Runtime;

namespace CceGen.Benchmarks;

/// <summary>
/// The opt-in multi-core path: float32 logits Mean declared with <c>Parallel = true</c>, on 1 and 2 threads
/// (<see cref="CceRowBlocks.MaxDegreeOfParallelism"/>), next to the read roofline run by the same block runner on the
/// same number of threads (each block: TensorPrimitives.Sum over its rows). The selected (widest) path only.
/// </summary>
[LargeJob]
public class ParallelF32 : BenchmarkBase
{
    private RotatingInputs<float> _in = null!;
    private int _c;
    private int _oldDegree;

    /// <summary>B x C.</summary>
    [ParamsSource(nameof(AllShapes))]
    public string Shape { get; set; } = "";

    /// <summary>CceRowBlocks.MaxDegreeOfParallelism for the call.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Inputs, thread count.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Begin(Shape, CpuDispatch.Selected);
        _c = Size.Classes;
        _oldDegree = CceRowBlocks.MaxDegreeOfParallelism;
        CceRowBlocks.MaxDegreeOfParallelism = Threads;
        _in = new RotatingInputs<float>(Size, InputFactory.Logits(Size), InputFactory.Labels(Size), Settings.Copies(Size.Elements * 4));
        int w = WarmRows;
        WarmUp(
            () => Kernels.LogitsMeanParallel(_in.HeadPredictions(w), _c, _in.HeadLabels(w)),
            () => ReadRooflineOn(_in.HeadPredictions(w), _c));
        Ready(_in);
    }

    /// <summary>Restores the thread setting; frees.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        CceRowBlocks.MaxDegreeOfParallelism = _oldDegree;
        End();
    }

    /// <summary>Kernels.LogitsMeanParallel.</summary>
    [Benchmark]
    public float Mean()
    {
        CheckPathOnce();
        int i = _in.Next();
        return Kernels.LogitsMeanParallel(_in.Predictions(i), _c, _in.Labels(i));
    }

    /// <summary>TensorPrimitives.Sum over y_pred, in the same row blocks on the same threads.</summary>
    [Benchmark]
    public float ReadRoofline() => ReadRooflineOn(_in.Predictions(_in.Next()), _c);

    private static float ReadRooflineOn(ReadOnlySpan<float> predictions, int classCount)
    {
        var blocks = new SumBlocks { Predictions = ref MemoryMarshal.GetReference(predictions), ClassCount = classCount };
        return (float)CceRowBlocks.Run(ref blocks, predictions.Length / classCount, classCount);
    }

    private ref struct SumBlocks : ICceRowBlocks<SumBlocks>
    {
        public ref float Predictions;
        public int ClassCount;

        public static double ComputeRows(ref SumBlocks b, int rowStart, int rowEnd) =>
            TensorPrimitives.Sum(MemoryMarshal.CreateReadOnlySpan(
                ref Unsafe.Add(ref b.Predictions, (nint)rowStart * b.ClassCount), (rowEnd - rowStart) * b.ClassCount));
    }

    /// <inheritdoc/>
    public override double? Reference(string method) =>
        method == nameof(ReadRoofline) ? null : Baselines.NaiveLogitsMean(_in.Predictions(0), _c, _in.Labels(0));

    /// <inheritdoc/>
    public override void Dispose() => _in?.Dispose();
}
