using System;
using System.Collections.Generic;
using System.Linq;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Kernels.Tests;

/// <summary>
/// Random inputs (fixed seeds) against the float64 <see cref="Reference"/>, for every kernel on every path:
/// C in {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1000, 4099} for runtime-C kernels (the declared C otherwise),
/// B in {0, 1, 2, 5, 37} (B &lt;= 5 for C = 4099), every data set of the input kind and every layout of the kernel (row stride C + 3 with NaN
/// padding, trimmed after the last row's last class or not; label stride 3 with garbage labels between).
/// One test class per (dtype, input) so xunit runs them in parallel.
/// </summary>
internal static class RandomCheck
{
    public static readonly int[] ClassCounts = { 1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 1000, 4099 };
    public static readonly int[] BatchSizes = { 0, 1, 2, 5, 37 };

    public static TheoryData<string, CpuPath> Data(Dtype dtype, CceInput input) =>
        TestPaths.KernelsAndPaths(k => k.Dtype == dtype && k.Input == input);

    public static IEnumerable<int> ClassCountsFor(KernelInfo kernel) =>
        kernel.RuntimeClassCount ? ClassCounts.Where(kernel.Accepts) : new[] { kernel.FixedClassCount };

    public static void Run(string kernelName, CpuPath path, ITestOutputHelper output)
    {
        KernelInfo kernel = KernelTable.Get(kernelName);
        var mismatches = new Mismatches();
        foreach (int c in ClassCountsFor(kernel))
        {
            // B = 37 with C = 4099 alone would be two thirds of the suite's work: the largest C runs B up to 5.
            foreach (int b in BatchSizes.Where(b => c < 4000 || b <= 5))
            {
                foreach (DataSet set in RandomBatches.For(kernel.Input))
                {
                    Batch batch = RandomBatches.Get(kernel.Dtype, set, b, c);
                    double[] reference = RandomBatches.ReferenceRows(batch, set, kernel.Input);
                    foreach (Layout layout in Runner.LayoutsFor(kernel, c))
                    {
                        CallArgs args = Runner.Build(kernel, batch, layout);
                        Outcome outcome = Runner.Run(kernel, args, b, path);
                        Runner.Compare(kernel, reference, outcome, mismatches, () => $"{batch}, {layout}");
                    }
                }
            }
        }

        Assert.True(mismatches.Checks > 0, "nothing was checked");
        output.WriteLine($"{kernel.Name} on {path}: {mismatches.Checks} values checked");
        mismatches.AssertNone($"{kernel.Name} on {CpuDispatch.Describe(path)}");
    }
}

public sealed class RandomFloatLogitsTests(ITestOutputHelper output)
{
    public static TheoryData<string, CpuPath> Data => RandomCheck.Data(Dtype.Float, CceInput.Logits);

    [Theory]
    [MemberData(nameof(Data))]
    public void Matches_float64_reference(string kernel, CpuPath path) => RandomCheck.Run(kernel, path, output);
}

public sealed class RandomFloatPyTorchTests(ITestOutputHelper output)
{
    public static TheoryData<string, CpuPath> Data => RandomCheck.Data(Dtype.Float, CceInput.PyTorchProbabilities);

    [Theory]
    [MemberData(nameof(Data))]
    public void Matches_float64_reference(string kernel, CpuPath path) => RandomCheck.Run(kernel, path, output);
}

public sealed class RandomFloatKerasTests(ITestOutputHelper output)
{
    public static TheoryData<string, CpuPath> Data => RandomCheck.Data(Dtype.Float, CceInput.KerasProbabilities);

    [Theory]
    [MemberData(nameof(Data))]
    public void Matches_float64_reference(string kernel, CpuPath path) => RandomCheck.Run(kernel, path, output);
}

public sealed class RandomHalfLogitsTests(ITestOutputHelper output)
{
    public static TheoryData<string, CpuPath> Data => RandomCheck.Data(Dtype.Half, CceInput.Logits);

    [Theory]
    [MemberData(nameof(Data))]
    public void Matches_float64_reference(string kernel, CpuPath path) => RandomCheck.Run(kernel, path, output);
}

public sealed class RandomHalfPyTorchTests(ITestOutputHelper output)
{
    public static TheoryData<string, CpuPath> Data => RandomCheck.Data(Dtype.Half, CceInput.PyTorchProbabilities);

    [Theory]
    [MemberData(nameof(Data))]
    public void Matches_float64_reference(string kernel, CpuPath path) => RandomCheck.Run(kernel, path, output);
}

public sealed class RandomHalfKerasTests(ITestOutputHelper output)
{
    public static TheoryData<string, CpuPath> Data => RandomCheck.Data(Dtype.Half, CceInput.KerasProbabilities);

    [Theory]
    [MemberData(nameof(Data))]
    public void Matches_float64_reference(string kernel, CpuPath path) => RandomCheck.Run(kernel, path, output);
}
