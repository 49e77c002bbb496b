using System;
using System.Collections.Generic;
using System.Linq;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>
/// The generated paths promise bit-identical results (one 16-lane order and one fold on every path). For random
/// inputs of every data set, C with every kind of tail, both dtypes and all three input kinds, every supported path must
/// return exactly the scalar path's bits: per row for None kernels, and the reduced value for Mean/Sum kernels.
/// NaNs too: every stored loss and every reduced value that is NaN is float.NaN, on every path.
/// </summary>
public sealed class BitIdentityTests
{
    private static readonly int[] s_classCounts = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 47, 100, 1000, 4099 };
    private static readonly int[] s_batchSizes = { 1, 5, 37 };

    public static TheoryData<string> NoneKernels => TestPaths.Kernels(k => k.Reduction == CceReduction.None);

    public static TheoryData<string> ReducingKernels => TestPaths.Kernels(k => k.Reduction != CceReduction.None);

    [Theory]
    [MemberData(nameof(NoneKernels))]
    public void Per_row_losses_are_bit_identical_to_scalar(string kernel) => Check(KernelTable.Get(kernel));

    [Theory]
    [MemberData(nameof(ReducingKernels))]
    public void Mean_and_sum_are_bit_identical_to_scalar(string kernel) => Check(KernelTable.Get(kernel));

    private static void Check(KernelInfo kernel)
    {
        var mismatches = new Mismatches();
        IEnumerable<int> counts = kernel.RuntimeClassCount ? s_classCounts.Where(kernel.Accepts) : new[] { kernel.FixedClassCount };
        foreach (int c in counts)
        {
            foreach (int b in s_batchSizes.Where(b => c < 4000 || b <= 5))
            {
                foreach (DataSet set in RandomBatches.For(kernel.Input))
                {
                    Batch batch = RandomBatches.Get(kernel.Dtype, set, b, c);
                    Layout layout = Runner.LayoutsFor(kernel, c)[0];
                    CallArgs args = Runner.Build(kernel, batch, layout);
                    Outcome scalar = Runner.Run(kernel, args, b, CpuPath.Scalar);
                    foreach (CpuPath path in CpuDispatch.SupportedPaths.Where(p => p != CpuPath.Scalar))
                    {
                        Outcome other = Runner.Run(kernel, args, b, path);
                        float[] expected = scalar.Rows ?? new[] { scalar.Value };
                        float[] got = other.Rows ?? new[] { other.Value };
                        for (int i = 0; i < expected.Length; i++)
                        {
                            if (!SameBits(expected[i], got[i]))
                            {
                                mismatches.Add($"{CpuDispatch.Describe(path)} vs scalar, {batch}, {layout}, {(kernel.Reduction == CceReduction.None ? $"row {i}" : kernel.Reduction.ToString())}: " +
                                    $"scalar {Tolerance.Format(expected[i])}, {path} {Tolerance.Format(got[i])}");
                            }
                        }
                    }
                }
            }
        }

        mismatches.AssertNone($"{kernel.Name} paths vs scalar");
    }

    internal static bool SameBits(float a, float b) => BitConverter.SingleToUInt32Bits(a) == BitConverter.SingleToUInt32Bits(b);
}
