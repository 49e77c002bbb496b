using System;
using System.Collections.Generic;
using System.Linq;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>
/// No kernel touches memory outside its spans: predictions (the last row stopping at its last class), labels (the last
/// label last) and losses are each placed flush against a no-access page, after and before, and every kernel runs on
/// every path. An out-of-bounds access crashes the test host (the run then reports this class as the one running).
/// The results must also be bit-identical to the same call on managed arrays.
/// </summary>
public sealed class GuardPageTests
{
    private static readonly int[] s_classCounts = { 1, 3, 7, 9, 15, 17, 33, 100, 300 }; // 300: long rows (the PyTorch convention prefetches ahead)

    public static TheoryData<CpuPath> Paths => TestPaths.All();

    [Theory]
    [MemberData(nameof(Paths))]
    public void Kernels_stay_inside_their_spans(CpuPath path)
    {
        if (!GuardedMemory.IsSupported)
        {
            return;
        }

        const int Bytes = 64 * 1024;
        using var predictions = new GuardedMemory(Bytes);
        using var labels = new GuardedMemory(Bytes);
        using var losses = new GuardedMemory(Bytes);
        var m = new Mismatches();
        int calls = 0;
        foreach (KernelInfo k in KernelTable.All)
        {
            IEnumerable<int> counts = k.RuntimeClassCount ? s_classCounts.Where(k.Accepts) : new[] { k.FixedClassCount };
            foreach (int c in counts)
            {
                // 17 rows: whole column groups (16 rows on AVX-512, 8 on AVX2) for the C <= 16 kernels, then a row left over.
                foreach (int b in new[] { 1, 3, 17 })
                {
                    Batch batch = RandomBatches.Get(k.Dtype, RandomBatches.For(k.Input)[0], b, c);
                    Layout layout = Runner.LayoutsFor(k, c)[0];
                    CallArgs args = Runner.Build(k, batch, layout);
                    Outcome managed = Runner.Run(k, args, b, path);
                    foreach (bool atEnd in new[] { true, false })
                    {
                        float result = Call(k, args, b, path, predictions, labels, losses, atEnd, out float[] rows);
                        calls++;
                        float[] expected = managed.Rows ?? new[] { managed.Value };
                        float[] got = k.Reduction == CceReduction.None ? rows : new[] { result };
                        for (int i = 0; i < expected.Length; i++)
                        {
                            if (!BitIdentityTests.SameBits(expected[i], got[i]))
                            {
                                m.Add($"{k.Name}, {batch}, {layout}, spans {(atEnd ? "against the upper" : "against the lower")} guard page: " +
                                    $"value {i} is {Tolerance.Format(got[i])}, on managed arrays {Tolerance.Format(expected[i])}");
                            }
                        }
                    }
                }
            }
        }

        Assert.True(calls > 1000, $"only {calls} guarded calls");
        m.AssertNone($"guard pages on {CpuDispatch.Describe(path)}");
    }

    private static float Call(KernelInfo k, CallArgs args, int rows, CpuPath path, GuardedMemory predictions, GuardedMemory labels,
        GuardedMemory losses, bool atEnd, out float[] lossValues)
    {
        ReadOnlySpan<float> pf = default;
        ReadOnlySpan<Half> ph = default;
        ReadOnlySpan<int> li = default;
        ReadOnlySpan<long> ll = default;
        if (k.Dtype == Dtype.Float)
        {
            pf = atEnd ? predictions.AtEnd<float>(args.FloatPredictions) : predictions.AtStart<float>(args.FloatPredictions);
        }
        else
        {
            ph = atEnd ? predictions.AtEnd<Half>(args.HalfPredictions) : predictions.AtStart<Half>(args.HalfPredictions);
        }

        if (k.LongLabels)
        {
            ll = atEnd ? labels.AtEnd<long>(args.LongLabels) : labels.AtStart<long>(args.LongLabels);
        }
        else
        {
            li = atEnd ? labels.AtEnd<int>(args.IntLabels) : labels.AtStart<int>(args.IntLabels);
        }

        float[] blank = new float[k.Reduction == CceReduction.None ? rows : 0];
        Span<float> output = atEnd ? losses.AtEnd<float>(blank) : losses.AtStart<float>(blank);
        float result;
        using (CpuDispatch.Force(path))
        {
            result = k.Thunk(pf, ph, args.ClassCount, args.RowStride, li, ll, args.LabelStride, output);
        }

        lossValues = output.ToArray();
        return result;
    }
}
