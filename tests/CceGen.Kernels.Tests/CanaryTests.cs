using System;
using System.Collections.Generic;
using System.Linq;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>
/// None-reduction kernels write exactly losses[0, B): the losses span sits inside a larger buffer filled with sentinel
/// bits, both as a span of exactly B values and as a span longer than B; every value outside [0, B) of the span and
/// every value of the buffer around it must keep its sentinel bits. (Every None call of the other tests also runs
/// inside such a buffer, see <see cref="Runner.Run"/>.)
/// </summary>
public sealed class CanaryTests
{
    private static readonly int[] s_classCounts = { 1, 7, 16, 17, 33, 100 };
    private static readonly int[] s_batchSizes = { 0, 1, 5, 37 };

    public static TheoryData<CpuPath> Paths => TestPaths.All();

    [Theory]
    [MemberData(nameof(Paths))]
    public void None_kernels_write_only_their_rows(CpuPath path)
    {
        const int Before = 5, After = 11;
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Reduction == CceReduction.None))
        {
            IEnumerable<int> counts = k.RuntimeClassCount ? s_classCounts.Where(k.Accepts) : new[] { k.FixedClassCount };
            foreach (int c in counts)
            {
                foreach (int b in s_batchSizes)
                {
                    Batch batch = RandomBatches.Get(k.Dtype, RandomBatches.For(k.Input)[0], b, c);
                    CallArgs args = Runner.Build(k, batch, Runner.LayoutsFor(k, c)[0]);

                    // Exactly B values.
                    float[] exact = Runner.NewCanaryBuffer(Before + b + After);
                    using (CpuDispatch.Force(path))
                    {
                        k.Invoke(args, exact.AsSpan(Before, b));
                    }

                    // A span longer than B: only its first B values may change.
                    float[] longer = Runner.NewCanaryBuffer(Before + b + After);
                    using (CpuDispatch.Force(path))
                    {
                        k.Invoke(args, longer.AsSpan(Before));
                    }

                    for (int i = 0; i < exact.Length; i++)
                    {
                        bool inside = i >= Before && i < Before + b;
                        if (!inside && BitConverter.SingleToUInt32Bits(exact[i]) != Runner.CanaryBits)
                        {
                            m.Add($"{k.Name}, {batch}: exact-length span, buffer index {i} (row {i - Before}) was overwritten");
                        }

                        if (!inside && BitConverter.SingleToUInt32Bits(longer[i]) != Runner.CanaryBits)
                        {
                            m.Add($"{k.Name}, {batch}: longer span, buffer index {i} (row {i - Before}) was overwritten");
                        }

                        if (inside && BitConverter.SingleToUInt32Bits(exact[i]) == Runner.CanaryBits)
                        {
                            m.Add($"{k.Name}, {batch}: row {i - Before} was not written");
                        }

                        if (inside && !BitIdentityTests.SameBits(exact[i], longer[i]))
                        {
                            m.Add($"{k.Name}, {batch}: row {i - Before} differs between the exact and the longer span");
                        }
                    }
                }
            }
        }

        m.AssertNone($"canaries on {CpuDispatch.Describe(path)}");
    }
}
