using System;
using System.Linq;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>Valid but extreme layouts: one row with a huge row stride and label stride (no overflow in the shape math).</summary>
public sealed class LayoutEdgeTests
{
    public static TheoryData<CpuPath> Paths => TestPaths.All();

    [Theory]
    [MemberData(nameof(Paths))]
    public void One_row_with_int_max_strides_equals_the_dense_result(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Stride == StrideKind.Runtime || k.HasLabelStride))
        {
            int c = k.RuntimeClassCount ? 17 : k.FixedClassCount;
            Batch batch = RandomBatches.Get(k.Dtype, RandomBatches.For(k.Input)[0], 1, c);
            Layout dense = new(c, false, 1, false);
            Outcome expected = Runner.Run(k, Runner.Build(k, batch, dense), 1, path);
            CallArgs args = Runner.Build(k, batch, dense);
            if (k.Stride == StrideKind.Runtime)
            {
                args.RowStride = int.MaxValue;
            }

            if (k.HasLabelStride)
            {
                args.LabelStride = int.MaxValue;
            }

            Outcome got = Runner.Run(k, args, 1, path);
            float e = expected.Rows?[0] ?? expected.Value, g = got.Rows?[0] ?? got.Value;
            if (!BitIdentityTests.SameBits(e, g))
            {
                m.Add($"{k.Name}: {Tolerance.Format(g)} with int.MaxValue strides, {Tolerance.Format(e)} dense");
            }
        }

        m.AssertNone($"int.MaxValue strides on {CpuDispatch.Describe(path)}");
    }
}
