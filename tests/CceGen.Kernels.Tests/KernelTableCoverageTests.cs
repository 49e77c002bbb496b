using System;
using System.Linq;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>
/// The declared kernel table (Kernels/generate_kernel_table.py) covers every option value with every input kind and
/// dtype, and every reduction with every input kind, so the other tests reach all of them.
/// </summary>
public sealed class KernelTableCoverageTests
{
    private static readonly int[] s_fixedClassCounts = { 1, 3, 10, 16, 17, 33, 64, 100 };

    [Fact]
    public void Every_option_value_is_declared_for_every_dtype_and_input()
    {
        foreach (Dtype dtype in Enum.GetValues<Dtype>())
        {
            foreach (CceInput input in Enum.GetValues<CceInput>())
            {
                KernelInfo[] ks = KernelTable.All.Where(k => k.Dtype == dtype && k.Input == input).ToArray();
                string where = $"{dtype} {input}";
                foreach (CceReduction r in Enum.GetValues<CceReduction>())
                {
                    Assert.True(ks.Any(k => k.Reduction == r), $"{where}: no {r} kernel");
                }

                foreach (LabelKind l in new[] { LabelKind.VectorInt, LabelKind.ColumnLong, LabelKind.ColumnLongStrided, LabelKind.VectorLong, LabelKind.ColumnIntStrided })
                {
                    Assert.True(ks.Any(k => k.Labels == l), $"{where}: no {l} kernel");
                }

                foreach (StrideKind s in Enum.GetValues<StrideKind>())
                {
                    Assert.True(ks.Any(k => k.Stride == s && k.RuntimeClassCount), $"{where}: no runtime-C {s} kernel");
                    Assert.True(ks.Any(k => k.Stride == s && !k.RuntimeClassCount), $"{where}: no fixed-C {s} kernel");
                }

                Assert.True(ks.Any(k => k.RuntimeClassCount), $"{where}: no runtime-C kernel");
                foreach (int c in s_fixedClassCounts)
                {
                    KernelInfo[] withC = ks.Where(k => k.FixedClassCount == c).ToArray();
                    Assert.True(withC.Select(k => k.Reduction).Distinct().Count() == 3, $"{where}: C = {c} lacks a reduction");
                    Assert.True(withC.Select(k => k.Stride).Distinct().Count() == 3, $"{where}: C = {c} lacks a layout");
                    Assert.True(withC.Select(k => k.Labels).Distinct().Count() == 3, $"{where}: C = {c} lacks a label kind");
                }

                // Runtime C: the full product of reduction x {Vector<int>, Column<long>, Column<long> + stride} x {dense, runtime stride}.
                foreach (CceReduction r in Enum.GetValues<CceReduction>())
                {
                    foreach (LabelKind l in new[] { LabelKind.VectorInt, LabelKind.ColumnLong, LabelKind.ColumnLongStrided })
                    {
                        foreach (StrideKind s in new[] { StrideKind.Dense, StrideKind.Runtime })
                        {
                            Assert.True(ks.Any(k => k.RuntimeClassCount && k.Reduction == r && k.Labels == l && k.Stride == s), $"{where}: no runtime-C {r} {l} {s}");
                        }
                    }
                }
            }
        }
    }
}
