using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>After warm-up, 10,000 calls of a kernel allocate nothing on the calling thread, on every path.</summary>
public sealed class AllocationTests
{
    private const int Calls = 10_000;
    private const int MaxRounds = 5;

    private static readonly string[] s_kernels =
    {
        "F_Logits_Mean_Crt_VecI_Dense",
        "F_Logits_None_Crt_ColLS_RtStride",
        "F_Keras_Mean_C10_ColLS_FixStride",
        "F_Torch_None_Crt_VecL_Dense",
        "H_Logits_Mean_C17_ColL_RtStride",
        "H_Logits_None_Crt_VecI_Dense",
        "H_Keras_None_C100_VecI_FixStride",
        "H_Keras_Sum_Crt_ColL_Dense",
        "H_Torch_Mean_Crt_ColLS_RtStride",
    };

    public static TheoryData<CpuPath> Paths => TestPaths.All();

    [Fact]
    public void Kernel_list_covers_mean_and_none_for_both_dtypes()
    {
        KernelInfo[] kernels = s_kernels.Select(KernelTable.Get).ToArray();
        foreach (Dtype dtype in new[] { Dtype.Float, Dtype.Half })
        {
            foreach (CceReduction reduction in new[] { CceReduction.Mean, CceReduction.None })
            {
                Assert.Contains(kernels, k => k.Dtype == dtype && k.Reduction == reduction);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Calls_allocate_nothing(CpuPath path)
    {
        foreach (string name in s_kernels)
        {
            KernelInfo k = KernelTable.Get(name);
            int c = k.RuntimeClassCount ? 33 : k.FixedClassCount;
            const int Rows = 8;
            CallArgs args = Runner.Build(k, RandomBatches.Get(k.Dtype, RandomBatches.For(k.Input)[0], Rows, c), Runner.LayoutsFor(k, c)[0]);
            float[] losses = new float[Rows];
            float sink = 0;
            using (CpuDispatch.Force(path))
            {
                for (int i = 0; i < 200; i++)
                {
                    sink += k.Invoke(args, losses);
                }

                // A round of 10,000 calls must allocate nothing. Tiered compilation can allocate a few bytes on the
                // calling thread when a method called here is promoted (the generated Run methods have no loop, so
                // they start at tier 0); with DOTNET_TieredCompilation=0 that never shows. A kernel that allocates per
                // call allocates in every round, so up to MaxRounds rounds are measured and one must be clean.
                var rounds = new List<long>();
                for (int round = 0; round < MaxRounds; round++)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    for (int i = 0; i < Calls; i++)
                    {
                        sink += k.Invoke(args, losses);
                    }

                    rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
                    if (rounds[^1] == 0)
                    {
                        break;
                    }

                    Thread.Sleep(50);
                }

                Assert.True(rounds[^1] == 0,
                    $"{name} on {CpuDispatch.Describe(path)}: every round of {Calls} calls allocated (bytes per round: {string.Join(", ", rounds)})");
            }

            GC.KeepAlive(sink);
        }
    }
}
