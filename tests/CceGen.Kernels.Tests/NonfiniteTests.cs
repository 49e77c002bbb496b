using System;
using System.Collections.Generic;
using System.Linq;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>
/// Non-finite and extreme inputs from Fixtures/nonfinite.json (PyTorch 1.13 and the Keras formula): each row alone
/// (B = 1) and between two finite rows (B = 3, so a NaN or inf must stay in its row and flow into the mean/sum exactly),
/// through every matching kernel of both dtypes on every path. Logits rows are also padded with -inf to C = 17 and 33
/// (before and after the row) so the vector tails see them. Finite expectations use the usual tolerance, inf/NaN
/// must match exactly.
/// </summary>
public sealed class NonfiniteTests
{
    public static TheoryData<CpuPath> Paths => TestPaths.All();

    /// <summary>
    /// The expected loss of a fixture row for <paramref name="dtype"/>/<paramref name="input"/>. Float32 logits use the
    /// torch_float32 column (computed from float32 inputs: 3e38 - (-3e38) overflows to +inf). Otherwise the float64
    /// column applies when the row is exactly representable in the dtype; when it is not (1e-45 in float32; 3e38 or
    /// 1e-45 in half) the kernel sees other values, so the float64 reference of the rounded row is expected.
    /// </summary>
    internal static double Expected(NonfiniteCase c, Dtype dtype, CceInput input)
    {
        if (input == CceInput.Logits && dtype == Dtype.Float)
        {
            return c.TorchFloat32!.Value;
        }

        double[] rounded = c.Row.Select(v => Batch.Round(dtype, v)).ToArray();
        bool exact = rounded.Zip(c.Row).All(p => p.First.Equals(p.Second));
        if (!exact)
        {
            return Reference.Row(input, rounded, c.Label);
        }

        return input switch
        {
            CceInput.Logits => c.TorchFloat64!.Value,
            CceInput.PyTorchProbabilities => c.TorchFloat64!.Value,
            _ => c.KerasFloat64!.Value,
        };
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Logit_rows_match_pytorch(CpuPath path)
    {
        var mismatches = new Mismatches();
        foreach (NonfiniteCase c in Fixtures.NonfiniteCases.Where(c => c.Kind == "logits"))
        {
            foreach (Dtype dtype in new[] { Dtype.Float, Dtype.Half })
            {
                double expected = Expected(c, dtype, CceInput.Logits);
                RunAllShapes(c, dtype, CceInput.Logits, expected, path, mismatches);

                // The same row inside C = 17 / 33 rows padded with -inf (which logsumexp ignores), after and before it.
                foreach (int wide in new[] { 17, 33 })
                {
                    foreach (bool before in new[] { false, true })
                    {
                        int offset = before ? wide - c.Row.Length : 0;
                        double[] row = Enumerable.Repeat(double.NegativeInfinity, wide).ToArray();
                        c.Row.CopyTo(row, offset);
                        var padded = new NonfiniteCase(c.Index, c.Kind, row, c.Label + offset, c.TorchFloat64, c.TorchFloat32, c.KerasFloat64);
                        RunAllShapes(padded, dtype, CceInput.Logits, expected, path, mismatches, $" padded to C={wide} with -inf {(before ? "before" : "after")}");
                    }
                }
            }
        }

        mismatches.AssertNone($"nonfinite logits on {CpuDispatch.Describe(path)}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Probability_rows_match_pytorch_and_keras(CpuPath path)
    {
        var mismatches = new Mismatches();
        foreach (NonfiniteCase c in Fixtures.NonfiniteCases.Where(c => c.Kind == "probs"))
        {
            foreach (Dtype dtype in new[] { Dtype.Float, Dtype.Half })
            {
                foreach (CceInput input in new[] { CceInput.PyTorchProbabilities, CceInput.KerasProbabilities })
                {
                    RunAllShapes(c, dtype, input, Expected(c, dtype, input), path, mismatches);
                }
            }
        }

        mismatches.AssertNone($"nonfinite probabilities on {CpuDispatch.Describe(path)}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Equal_huge_logits_give_log_C(CpuPath path)
    {
        // (max - z[y]) must be taken before adding log(sum): three 1e30 logits give log 3, not 0 (1e30 + log 3 - 1e30).
        var mismatches = new Mismatches();
        var rows = new List<(Dtype Dtype, double Value)>
        {
            (Dtype.Float, 1e30), (Dtype.Float, -1e30), (Dtype.Float, 3e38), (Dtype.Float, float.MaxValue), (Dtype.Float, -float.MaxValue),
            (Dtype.Half, 65504), (Dtype.Half, -65504), (Dtype.Half, 60000),
        };
        foreach ((Dtype dtype, double value) in rows)
        {
            foreach (int c in new[] { 3, 17, 33 })
            {
                for (long label = 0; label < c; label += c > 3 ? 8 : 1)
                {
                    double[] row = Enumerable.Repeat(Batch.Round(dtype, value), c).ToArray();
                    var fake = new NonfiniteCase(-1, "logits", row, label, null, null, null);
                    RunAllShapes(fake, dtype, CceInput.Logits, Math.Log(c), path, mismatches, $" ({c} x {value})");
                }
            }
        }

        mismatches.AssertNone($"equal huge logits on {CpuDispatch.Describe(path)}");
    }

    [Fact]
    public void Fixture_has_the_documented_cases()
    {
        Assert.Equal(18, Fixtures.NonfiniteCases.Count);
        NonfiniteCase overflow = Fixtures.NonfiniteCases.Single(c => c.Kind == "logits" && c.Row[0] == 3e38 && c.Row[1] == -3e38 && c.Label == 1);
        Assert.Equal(6e38, overflow.TorchFloat64);
        Assert.Equal(double.PositiveInfinity, overflow.TorchFloat32);
    }

    /// <summary>
    /// Runs the row alone (B = 1) and as the middle of three rows (finite rows around it) through every kernel of
    /// <paramref name="dtype"/>/<paramref name="input"/> that accepts its C, in every layout.
    /// </summary>
    private static void RunAllShapes(NonfiniteCase c, Dtype dtype, CceInput input, double expected, CpuPath path, Mismatches mismatches, string note = "")
    {
        int classCount = c.Row.Length;
        double[] row = c.Row.Select(v => Batch.Round(dtype, v)).ToArray();
        double[] before = Neighbour(dtype, input, classCount, 1);
        double[] after = Neighbour(dtype, input, classCount, 2);
        long neighbourLabel = classCount - 1;
        var single = new Batch(c + note, dtype, 1, classCount, row, new[] { c.Label });
        var triple = new Batch(c + note + " (row 1 of 3)", dtype, 3, classCount, before.Concat(row).Concat(after).ToArray(), new[] { neighbourLabel, c.Label, neighbourLabel });
        double[] expectedSingle = { expected };
        double[] expectedTriple = { Reference.Row(input, before, neighbourLabel), expected, Reference.Row(input, after, neighbourLabel) };
        int kernels = 0;
        foreach (KernelInfo kernel in KernelTable.All.Where(k => k.Dtype == dtype && k.Input == input && k.Accepts(classCount)))
        {
            kernels++;
            foreach ((Batch batch, double[] reference) in new[] { (single, expectedSingle), (triple, expectedTriple) })
            {
                foreach (Layout layout in Runner.LayoutsFor(kernel, classCount))
                {
                    Outcome outcome = Runner.Run(kernel, Runner.Build(kernel, batch, layout), batch.Rows, path);
                    Runner.Compare(kernel, reference, outcome, mismatches, () => $"{kernel.Name}: {batch}, {layout}");
                }
            }
        }

        if (kernels == 0)
        {
            mismatches.Add($"no kernel runs {dtype} {input} with C = {classCount}");
        }
    }

    private static double[] Neighbour(Dtype dtype, CceInput input, int classCount, int seed)
    {
        var random = new Random(seed * 977 + classCount);
        double[] row = new double[classCount];
        for (int j = 0; j < classCount; j++)
        {
            row[j] = Batch.Round(dtype, input == CceInput.Logits ? (random.NextDouble() * 6) - 3 : 0.05 + (0.9 * random.NextDouble() / classCount));
        }

        return row;
    }
}
