using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Reliability;

/// <summary>
/// Output spans that overlap the predictions (RELIABILITY.md, "Overlap policy"). Today nothing checks for overlap:
/// kernels walk the rows in order, writing each row's loss (and gradient) while later rows, and for some kernels the
/// same row, are still to be read. The policy is to refuse: <see cref="Overlap_IsRejected"/> checks it;
/// <see cref="Overlap_IsRejectedOrHarmless"/> is the weaker contract a caller can rely on.
/// </summary>
public sealed class OverlapTests
{
    private const int B = 40; // more than one 16-row block of the vector paths' batched logs
    private readonly ITestOutputHelper _output;

    public OverlapTests(ITestOutputHelper output) => _output = output;

    /// <summary>One way of aliasing an output onto the predictions array.</summary>
    private sealed record Scenario(string Name, string Kernel, int C, int Stride, bool LossesAlias, int LossOffset, bool GradientAlias, int GradientOffset, string Today, string? TodayScalar = null)
    {
        /// <summary>Today's differing outputs on <paramref name="path"/> (the scalar path takes its logs row by row).</summary>
        public string TodayOn(CpuPath path) => path == CpuPath.Scalar && TodayScalar is not null ? TodayScalar : Today;

        public override string ToString() => Name;
    }

    // Today: which outputs differ from the same call on separate arrays ("" = none), found by reading the generated code
    // (see RELIABILITY.md) and pinned here.
    private static readonly Scenario[] s_scenarios =
    {
        new("losses over the first B predictions (in place), no gradient", "LF_Rt_r1", 10, 10, true, 0, false, 0, ""),
        new("losses over the last B predictions", "LF_Rt_r1", 10, 10, true, -1, false, 0, "losses"),
        new("losses over the first B predictions, with gradient and correct", "LF_Rt_r3", 10, 10, true, 0, false, 0, "", "gradient"),
        new("float gradient in place over float logits", "LF_Rt_r3", 10, 12, false, 0, true, 0, "correct"),
        new("Half gradient in place over Half logits", "LH_Rt_r3", 10, 10, false, 0, true, 0, "correct"),
        new("float gradient over row 1 of the logits", "LF_Rt_r6", 10, 10, false, 0, true, 10, "losses gradient"),
        new("float gradient in place over PyTorch probabilities", "PF_Rt_r3", 10, 10, false, 0, true, 0, "gradient correct"),
        new("float gradient in place over Keras probabilities", "KF_Rt_r3", 10, 10, false, 0, true, 0, "correct"),
        new("float gradient in place, fixed C = 64 (row in registers)", "LF_C64_f1", 64, 64, false, 0, true, 0, "correct"),
    };

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (Scenario s in s_scenarios)
        {
            data.Add(s.Name);
        }

        return data;
    }

    /// <summary>Runs a scenario on separate arrays and aliased; returns the names of the outputs that differ, or the
    /// exception the aliased call threw.</summary>
    private static (string Differs, Exception? Thrown) Compare(Scenario s, CpuPath path)
    {
        KernelInfo k = KernelTable.All.Single(x => x.Name == s.Kernel);
        Case Fresh()
        {
            Case cs = Case.For(k, B, s.C, s.Stride, 1).Fill(31);
            // Every row's label is its argmax (so `correct` is B on separate arrays) and the predictions are positive
            // probabilities or modest logits.
            for (int r = 0; r < B; r++)
            {
                int y = (int)cs.Label(r);
                float top = Enumerable.Range(0, cs.C).Max(j => cs.Pred(r, j));
                cs.SetPred(r, y, k.Input == CceInput.Logits ? top + 1f : Math.Min(0.9f, top * 2f));
            }

            return cs;
        }

        Case plain = Fresh();
        Outcome expected = Runner.Run(plain, path);

        Case aliased = Fresh();
        var a = new KernelArgs
        {
            C = aliased.C, RowStride = aliased.RowStride, Li = aliased.LabI, Ll = aliased.LabL, LabelStride = 1,
            Up = aliased.Up, Correct = -1, Result = float.NaN,
        };
        // One backing array holds the predictions and, shifted by the offsets, the aliased outputs.
        int n = aliased.PredictionLength;
        Span<float> backF = new float[aliased.PredF is null ? 0 : n + s.GradientOffset];
        Span<Half> backH = new Half[aliased.PredH is null ? 0 : n + s.GradientOffset];
        aliased.PredF.AsSpan().CopyTo(backF);
        aliased.PredH.AsSpan().CopyTo(backH);
        a.Pf = backF[..(aliased.PredF is null ? 0 : n)];
        a.Ph = backH[..(aliased.PredH is null ? 0 : n)];
        Outcome got = Outcome.ForCase(aliased);
        a.Losses = s.LossesAlias ? backF.Slice(s.LossOffset < 0 ? n - B : s.LossOffset, B) : got.Losses;
        if (k.Grad == GradKind.Float)
        {
            a.Gf = s.GradientAlias ? backF.Slice(s.GradientOffset, aliased.GradLength) : got.GradF;
        }
        else if (k.Grad == GradKind.Half)
        {
            a.Gh = s.GradientAlias ? backH.Slice(s.GradientOffset, aliased.GradLength) : got.GradH;
        }

        try
        {
            Runner.Invoke(k, ref a, path);
        }
        catch (Exception ex)
        {
            return (string.Empty, ex);
        }

        got.Result = a.Result;
        got.Correct = a.Correct;
        if (s.LossesAlias)
        {
            got.Losses = a.Losses.ToArray();
        }

        if (s.GradientAlias)
        {
            got.GradF = a.Gf.ToArray();
            got.GradH = a.Gh.ToArray();
        }

        var differs = new List<string>();
        if (Outcome.Bits(got.Result) != Outcome.Bits(expected.Result) || !BitsEqual(got.Losses, expected.Losses))
        {
            differs.Add("losses");
        }

        bool gradientSame = k.Grad switch
        {
            GradKind.Float => BitsEqual(RowsOnly(got.GradF, plain), RowsOnly(expected.GradF, plain)),
            GradKind.Half => MemoryMarshal.Cast<Half, ushort>(RowsOnly(got.GradH, plain)).SequenceEqual(MemoryMarshal.Cast<Half, ushort>(RowsOnly(expected.GradH, plain))),
            _ => true,
        };
        if (!gradientSame)
        {
            differs.Add("gradient");
        }

        if (got.Correct != expected.Correct)
        {
            differs.Add("correct");
        }

        return (string.Join(" ", differs), null);
    }

    private static T[] RowsOnly<T>(T[] gradient, Case cs)
    {
        var rows = new List<T>();
        for (int i = 0; i < gradient.Length; i++)
        {
            if (i % cs.RowStride < cs.C)
            {
                rows.Add(gradient[i]);
            }
        }

        return rows.ToArray();
    }

    private static bool BitsEqual(float[] x, float[] y) =>
        x.Length == y.Length && x.Select(Outcome.Bits).SequenceEqual(y.Select(Outcome.Bits));

    /// <summary>The policy (RELIABILITY.md): an output that shares memory with an input or another output is refused
    /// with an ArgumentException before anything is written, on every path.</summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Overlap_IsRejected(string scenario)
    {
        Scenario s = s_scenarios.Single(x => x.Name == scenario);
        foreach (CpuPath path in CpuDispatch.SupportedPaths)
        {
            (_, Exception? thrown) = Compare(s, path);
            _output.WriteLine($"{path}: {(thrown is null ? "not refused" : "threw " + thrown.GetType().Name + ": " + thrown.Message)}");
            ArgumentException ex = Assert.IsAssignableFrom<ArgumentException>(thrown);
            Assert.Contains("overlaps", ex.Message);
        }
    }

    /// <summary>What a caller can rely on: an overlapping output is either refused (ArgumentException, before any write)
    /// or gives exactly the results of the call on separate arrays.</summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Overlap_IsRejectedOrHarmless(string scenario)
    {
        Scenario s = s_scenarios.Single(x => x.Name == scenario);
        foreach (CpuPath path in CpuDispatch.SupportedPaths)
        {
            (string differs, Exception? thrown) = Compare(s, path);
            Assert.True(thrown is ArgumentException || (thrown is null && differs.Length == 0),
                $"{scenario} on {path}: {(thrown is null ? "silently different " + differs : thrown.ToString())}");
        }
    }
}
