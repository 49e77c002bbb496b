using System;
using System.Collections.Generic;
using System.Linq;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Reliability;

/// <summary>
/// Numerics on every CPU path: a one-million-row mean against a compensated float64 reference; NaN confined to its
/// row; PyTorch's special values for logits (±inf, huge, all -inf); half extremes; probabilities at 0, subnormal, 1,
/// above 1 and negative for both probability conventions. Expected values are computed in float64 here.
/// </summary>
public sealed class NumericsTests
{
    private const int Rows = 1_000_000;
    private const int Classes = 10;
    private static readonly Lazy<BigBatch> s_big = new(() => new BigBatch(20240607));
    private readonly ITestOutputHelper _output;

    public NumericsTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<CpuPath> Paths()
    {
        var data = new TheoryData<CpuPath>();
        foreach (CpuPath p in CpuDispatch.SupportedPaths)
        {
            data.Add(p);
        }

        return data;
    }

    // ---- 1. a million rows -----------------------------------------------------------------------------------------

    private sealed class BigBatch
    {
        public readonly float[] Logits = new float[Rows * Classes];
        public readonly Half[] HalfLogits = new Half[Rows * Classes];
        public readonly float[] Probabilities = new float[Rows * Classes];
        public readonly int[] Labels = new int[Rows];
        public readonly double LogitsMean, HalfMean, TorchMean, KerasMean;

        public BigBatch(int seed)
        {
            var rng = new Random(seed);
            for (int i = 0; i < Logits.Length; i++)
            {
                // Normal(0, 3) by Box-Muller: a realistic spread of logits, some rows confident, some not.
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                Logits[i] = (float)(3.0 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
                HalfLogits[i] = (Half)Logits[i];
            }

            for (int r = 0; r < Rows; r++)
            {
                Labels[r] = rng.Next(Classes);
                ReadOnlySpan<float> z = Logits.AsSpan(r * Classes, Classes);
                double max = double.NegativeInfinity, sum = 0;
                foreach (float v in z)
                {
                    max = Math.Max(max, v);
                }

                foreach (float v in z)
                {
                    sum += Math.Exp(v - max);
                }

                for (int j = 0; j < Classes; j++)
                {
                    Probabilities[(r * Classes) + j] = (float)(Math.Exp(z[j] - max) / sum);
                }
            }

            var logits = new Reference.CompensatedSum();
            var half = new Reference.CompensatedSum();
            var torch = new Reference.CompensatedSum();
            var keras = new Reference.CompensatedSum();
            Span<float> widened = stackalloc float[Classes];
            for (int r = 0; r < Rows; r++)
            {
                logits.Add(Reference.LogitsLoss(Logits.AsSpan(r * Classes, Classes), Labels[r]));
                for (int j = 0; j < Classes; j++)
                {
                    widened[j] = (float)HalfLogits[(r * Classes) + j];
                }

                half.Add(Reference.LogitsLoss(widened, Labels[r]));
                ReadOnlySpan<float> p = Probabilities.AsSpan(r * Classes, Classes);
                torch.Add(Reference.Loss(CceInput.PyTorchProbabilities, p, Labels[r]));
                keras.Add(Reference.Loss(CceInput.KerasProbabilities, p, Labels[r]));
            }

            LogitsMean = logits.Value / Rows;
            HalfMean = half.Value / Rows;
            TorchMean = torch.Value / Rows;
            KerasMean = keras.Value / Rows;
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void MeanOverOneMillionRows_RelativeErrorAtMost1e6(CpuPath path)
    {
        var setup = System.Diagnostics.Stopwatch.StartNew();
        BigBatch d = s_big.Value;
        _output.WriteLine($"data and float64 references: {setup.Elapsed.TotalMilliseconds:0} ms (first test only)");
        var results = new List<(string Kernel, float Value, double Expected)>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Add(string kernel, Func<float> call, double expected)
        {
            watch.Restart();
            float value = call();
            results.Add((kernel, value, expected));
            _output.WriteLine($"{kernel}: {watch.Elapsed.TotalMilliseconds:0} ms");
        }

        using (CpuDispatch.Force(path))
        {
            Add("logits float32 Mean, ClassCount = 10", () => NK.LogitsMeanC10(d.Logits, d.Labels), d.LogitsMean);
            Add("logits float16 Mean", () => NK.LogitsHalfMeanC10(d.HalfLogits, d.Labels), d.HalfMean);
            Add("PyTorch probabilities Mean", () => NK.TorchMeanC10(d.Probabilities, d.Labels), d.TorchMean);
            Add("Keras probabilities Mean", () => NK.KerasMeanC10(d.Probabilities, d.Labels), d.KerasMean);
        }

        var bad = new List<string>();
        foreach ((string kernel, float value, double expected) in results)
        {
            double rel = Math.Abs(value - expected) / Math.Abs(expected);
            _output.WriteLine($"{path}: {kernel}: {Reference.F(value)} vs float64 {Reference.F(expected)}, relative error {rel:0.00e+00}");
            if (!(rel <= 1e-6))
            {
                bad.Add($"{kernel}: relative error {rel:0.00e+00}");
            }
        }

        Assert.True(bad.Count == 0, string.Join(Environment.NewLine, bad));
    }

    // ---- 2. NaN stays in its row -------------------------------------------------------------------------------------

    private static readonly int[] s_nanC = { 1, 2, 3, 10, 17, 33, 100 };

    [Theory]
    [MemberData(nameof(Paths))]
    public void NaN_InARow_PoisonsThatRowOnly(CpuPath path)
    {
        const int B = 5, NanRow = 2;
        var failures = new List<string>();
        int checkedCases = 0;
        foreach (KernelInfo k in KernelTable.All)
        {
            foreach (int c0 in k.RuntimeC ? s_nanC : new[] { k.FixedC })
            {
                int seed = Seed.Of(k.Name, c0);
                Case baseCase = Case.For(k, B, c0, c0 + 2, 2).Fill(seed);
                Outcome baseline = Runner.Run(baseCase, path);
                int c = baseCase.C;
                int label = (int)baseCase.Label(NanRow);
                foreach (int j in new[] { 0, label, c - 1, c / 2 }.Distinct())
                {
                    Case cs = Case.For(k, B, c0, c0 + 2, 2).Fill(seed);
                    cs.SetPred(NanRow, j, float.NaN);
                    Outcome o = Runner.Run(cs, path);
                    checkedCases++;
                    string where = $"{cs} NaN at row {NanRow} class {j} (label {label}) on {path}";
                    bool rowPoisoned = k.Input != CceInput.PyTorchProbabilities || j == label;

                    if (k.HasLosses)
                    {
                        for (int r = 0; r < B; r++)
                        {
                            bool expectNaN = r == NanRow && rowPoisoned;
                            if (expectNaN ? !float.IsNaN(o.Losses[r]) : Outcome.Bits(o.Losses[r]) != Outcome.Bits(baseline.Losses[r]))
                            {
                                failures.Add($"{where}: loss[{r}] = {Outcome.Show(o.Losses[r])}, expected {(expectNaN ? "NaN" : Outcome.Show(baseline.Losses[r]))}");
                            }
                        }
                    }
                    else if (rowPoisoned ? !float.IsNaN(o.Result) : Outcome.Bits(o.Result) != Outcome.Bits(baseline.Result))
                    {
                        failures.Add($"{where}: {k.Reduction} = {Outcome.Show(o.Result)}, expected {(rowPoisoned ? "NaN" : Outcome.Show(baseline.Result))}");
                    }

                    if (k.Grad == GradKind.None)
                    {
                        continue;
                    }

                    for (int r = 0; r < B; r++)
                    {
                        for (int q = 0; q < c; q++)
                        {
                            float got = o.Grad(cs, r, q);
                            float before = baseline.Grad(baseCase, r, q);
                            string expect;
                            if (r != NanRow)
                            {
                                expect = Outcome.Bits(got) == Outcome.Bits(before) || (k.Grad == GradKind.Half && got.Equals(before)) ? string.Empty : Outcome.Show(before);
                            }
                            else
                            {
                                expect = k.Input switch
                                {
                                    CceInput.Logits => float.IsNaN(got) ? string.Empty : "NaN",
                                    CceInput.PyTorchProbabilities when j == label => q == label ? (float.IsNaN(got) ? string.Empty : "NaN") : (got == 0 ? string.Empty : "0"),
                                    CceInput.PyTorchProbabilities => got.Equals(before) ? string.Empty : Outcome.Show(before),
                                    // Keras: NaN where the clip is inactive, 0 where it is active; the NaN element itself: see Keras_GradientAtTheNaNProbability_IsNaN.
                                    _ when q == j => string.Empty,
                                    _ => InClipRange(cs.Pred(r, q)) ? (float.IsNaN(got) ? string.Empty : "NaN") : (got == 0 ? string.Empty : "0"),
                                };
                            }

                            if (expect.Length > 0)
                            {
                                failures.Add($"{where}: gradient[{r}, {q}] = {Outcome.Show(got)}, expected {expect}");
                            }
                        }
                    }
                }
            }
        }

        _output.WriteLine($"{checkedCases} NaN cases on {path}");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(30))}");
    }

    private static bool InClipRange(float p) => p >= ClipOperator.Epsilon && p <= ClipOperator.Upper;

    /// <summary>
    /// A row with a NaN prediction (the label's own value finite) must not count as correct: torch.argmax returns the
    /// NaN's index, which is not the label (and the README's rule never counts a NaN label value either).
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Correct_RowHoldingNaN_NeverCounts(CpuPath path)
    {
        var failures = new List<string>();
        int tried = 0;
        foreach (KernelInfo k in KernelTable.All.Where(k => k.HasCorrect))
        {
            foreach (int c0 in k.RuntimeC ? new[] { 2, 3, 10, 17, 33 } : new[] { k.FixedC })
            {
                Case probe = Case.For(k, 1, c0, c0 + 1, 1);
                int c = probe.C;
                if (c < 2)
                {
                    continue;
                }

                for (int label = 0; label < c; label += Math.Max(1, c / 5))
                {
                    for (int j = 0; j < c; j++)
                    {
                        if (j == label)
                        {
                            continue;
                        }

                        Case cs = Case.For(k, 1, c0, c0 + 1, 1).Fill(label * 100 + j);
                        for (int q = 0; q < c; q++)
                        {
                            cs.SetPred(0, q, k.Input == CceInput.Logits ? -1f : 0.01f);
                        }

                        cs.SetLabel(0, label);
                        cs.SetPred(0, label, k.Input == CceInput.Logits ? 2f : 0.5f);
                        cs.SetPred(0, j, float.NaN);
                        Outcome o = Runner.Run(cs, path);
                        tried++;
                        if (o.Correct != 0)
                        {
                            failures.Add($"{cs} on {path}: label {label} (largest finite value), NaN at {j}: counted as correct");
                        }
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {tried} rows with a NaN counted as correct, e.g.:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(15))}");
    }

    /// <summary>The README promises the same bits on every path; for `correct` on rows holding a NaN the AVX-512 path
    /// differs: its tail step applies MaxNative(lane, -inf fill) to all 16 lanes, which replaces a NaN held in lanes
    /// 8-15 by -inf, while AVX2 (no high-half tail load when 8 or fewer classes remain) and scalar keep the NaN, so the
    /// row maximum is NaN there (never counted) and finite on AVX-512 (counted).</summary>
    [Fact]
    public void Correct_RowHoldingNaN_SameOnEveryPath()
    {
        var failures = new List<string>();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.HasCorrect && k.Input == CceInput.Logits))
        {
            foreach (int c0 in k.RuntimeC ? new[] { 17, 20, 24, 33, 40 } : new[] { k.FixedC })
            {
                int c = Case.For(k, 1, c0, c0, 1).C;
                for (int j = 0; j < c && c >= 2; j++)
                {
                    Case cs = Case.For(k, 1, c0, c0, 1).Fill(5);
                    for (int q = 0; q < c; q++)
                    {
                        cs.SetPred(0, q, -1f);
                    }

                    cs.SetLabel(0, j == 0 ? 1 : 0);
                    cs.SetPred(0, j == 0 ? 1 : 0, 2f);
                    cs.SetPred(0, j, float.NaN);
                    int[] counts = CpuDispatch.SupportedPaths.Select(p => Runner.Run(cs, p).Correct).ToArray();
                    if (counts.Distinct().Count() > 1)
                    {
                        failures.Add($"{cs} NaN at {j}: correct = {string.Join("/", counts)} on {string.Join("/", CpuDispatch.SupportedPaths)}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} differences:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(20))}");
    }

    /// <summary>tf.clip_by_value passes the gradient through where x is neither below nor above the bounds: at a NaN
    /// probability the Keras gradient is NaN (the kernel's own comment cites tf.clip_by_value's gradient).</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Keras_GradientAtTheNaNProbability_IsNaN(CpuPath path)
    {
        var failures = new List<string>();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Input == CceInput.KerasProbabilities && k.Grad != GradKind.None))
        {
            Case cs = Case.For(k, 2, 5, 6, 1).Fill(7);
            int j = cs.C - 1;
            cs.SetPred(1, j, float.NaN);
            Outcome o = Runner.Run(cs, path);
            if (!float.IsNaN(o.Grad(cs, 1, j)))
            {
                failures.Add($"{cs} on {path}: gradient at the NaN probability is {Outcome.Show(o.Grad(cs, 1, j))}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    // ---- 3. logits: infinities, huge and half extremes --------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Paths))]
    public void Logits_Infinities_FollowPyTorchCrossEntropy(CpuPath path)
    {
        var failures = new List<string>();
        int rows = 0;
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Input == CceInput.Logits))
        {
            foreach (int c0 in k.RuntimeC ? new[] { 1, 2, 5, 16, 17, 40 } : new[] { k.FixedC })
            {
                int c = k.RuntimeC ? c0 : k.FixedC;
                // (name, row editor): each edits row 1 of a B = 3 batch whose label is set first.
                var patterns = new List<(string Name, Action<Case, int> Edit)>
                {
                    ("+inf at the label", (cs, y) => cs.SetPred(1, y, float.PositiveInfinity)),
                    ("+inf at the last class", (cs, y) => cs.SetPred(1, c - 1, float.PositiveInfinity)),
                    ("-inf at the label", (cs, y) => cs.SetPred(1, y, float.NegativeInfinity)),
                    ("all -inf", (cs, y) => { for (int q = 0; q < c; q++) { cs.SetPred(1, q, float.NegativeInfinity); } }),
                    ("-inf at the label, +inf elsewhere", (cs, y) => { cs.SetPred(1, y, float.NegativeInfinity); cs.SetPred(1, (y + 1) % c, float.PositiveInfinity); }),
                };
                if (c >= 2)
                {
                    patterns.Add(("-inf elsewhere (ignored)", (cs, y) => cs.SetPred(1, (y + 1) % c, float.NegativeInfinity)));
                    patterns.Add(("-inf everywhere but the label", (cs, y) => { for (int q = 0; q < c; q++) { cs.SetPred(1, q, q == y ? 0.5f : float.NegativeInfinity); } }));
                }

                foreach ((string name, Action<Case, int> edit) in patterns)
                {
                    foreach (int y in new[] { 0, c - 1 }.Distinct())
                    {
                        Case cs = Case.For(k, 3, c0, c0 + 1, 2).Fill(Seed.Of(k.Name, c0, name));
                        cs.SetLabel(1, y);
                        edit(cs, y);
                        rows++;
                        CheckAgainstReference(cs, Runner.Run(cs, path), $"{name}, label {y}, on {path}", failures);
                    }
                }
            }
        }

        _output.WriteLine($"{rows} batches with infinite logits on {path}");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(30))}");
    }

    /// <summary>Rows of ±3e38 / ±float.MaxValue (float kernels) and ±65504 (every kernel): finite, and exact to float32
    /// rounding of the float64 loss where that is representable (+inf where it is not); log-sum parts within 2 ulp.</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Logits_HugeValues_ExactToFloat32Rounding(CpuPath path)
    {
        const float Big = 3e38f, Max = float.MaxValue, H = 65504f;
        var rowsF = new (float[] Row, int Label, bool Exact)[]
        {
            (new[] { Big, -Big, 0f }, 0, true),          // 0
            (new[] { Big, -Big, 0f }, 1, true),          // 6e38: not representable -> +inf
            (new[] { Big, -Big, 0f }, 2, true),          // 3e38
            (new[] { Max, -Max }, 1, true),              // +inf
            (new[] { Max, -Max }, 0, true),              // 0
            (new[] { 3.4e38f, 1e38f }, 1, true),         // 2.4e38, rounded once
            (new[] { 1e38f, -1e38f, 5e37f }, 2, true),   // 5e37
            (new[] { Big, Big, Big }, 1, false),         // log 3
            (new[] { -Big, -Big }, 0, false),            // log 2
            (new[] { Max, Max, Max, Max }, 3, false),    // log 4
            (new[] { -Max, Max }, 1, true),              // 0
        };
        var rowsH = new (float[] Row, int Label, bool Exact)[]
        {
            (new[] { H, -H, 0f }, 1, true),              // 131008
            (new[] { H, -H, 0f }, 0, true),              // 0
            (new[] { H, -H, 0f }, 2, true),              // 65504
            (new[] { H, H }, 1, false),                  // log 2
            (new[] { -H, -H, -H }, 0, false),            // log 3
            (new[] { -H, H, -H, H }, 0, true),           // 131008 + log 2: one rounding (ulp 1/64), far from a tie
        };

        var failures = new List<string>();
        int calls = 0;
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Input == CceInput.Logits && k.RuntimeC))
        {
            foreach ((float[] row, int label, bool exact) in (k.HalfInput ? rowsH : rowsF.Concat(rowsH)))
            {
                Case cs = Case.For(k, 1, row.Length, row.Length + 1, 1).Fill(1);
                for (int q = 0; q < row.Length; q++)
                {
                    cs.SetPred(0, q, row[q]);
                }

                cs.SetLabel(0, label);
                Outcome o = Runner.Run(cs, path);
                calls++;
                float got = k.HasLosses ? o.Losses[0] : o.Result;
                double expected = Reference.LogitsLoss(row, label);
                float want = (float)expected;
                string name = $"{cs} row [{string.Join(", ", row.Select(v => Reference.F(v)))}] label {label} on {path}";
                bool ok = exact ? Outcome.Bits(got) == Outcome.Bits(want) : Reference.UlpDistance(got, want) <= 2;
                if (!ok)
                {
                    failures.Add($"{name}: loss {Outcome.Show(got)}, float64 {Reference.F(expected)} -> float32 {Outcome.Show(want)}{(exact ? " (exact expected)" : " (2 ulp)")}");
                }

                if (k.Grad != GradKind.None)
                {
                    double scale = k.HasUpstream ? cs.Up![0] : 1.0;
                    double[] g = Reference.Gradient(CceInput.Logits, row, label);
                    for (int q = 0; q < row.Length; q++)
                    {
                        float gq = o.Grad(cs, 0, q);
                        if (!float.IsFinite(gq) || Math.Abs(gq - (g[q] * scale)) > (k.Grad == GradKind.Half ? 2e-3 : 1e-6))
                        {
                            failures.Add($"{name}: gradient[{q}] {Outcome.Show(gq)}, float64 {Reference.F(g[q] * scale)}");
                        }
                    }
                }
            }
        }

        _output.WriteLine($"{calls} huge-logit calls on {path}");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(30))}");
    }

    // ---- 4. probabilities: 0, subnormal, 1, >1, negative -------------------------------------------------------------

    private static readonly float s_smallestHalfSubnormal = (float)BitConverter.UInt16BitsToHalf(0x0001); // 2^-24

    [Theory]
    [MemberData(nameof(Paths))]
    public void Probabilities_EdgeValues_PyTorchAndKeras(CpuPath path)
    {
        float[] atLabelF = { 0f, -0f, float.Epsilon, 1e-40f, s_smallestHalfSubnormal, 1e-7f, 1f, 2f, 1e30f, -0.5f, -float.Epsilon, float.PositiveInfinity, float.NaN };
        float[] atLabelH = { 0f, -0f, s_smallestHalfSubnormal, 1f, 2f, 65504f, -0.5f, float.PositiveInfinity, float.NaN };
        float[] elsewhere = { 0f, float.Epsilon, s_smallestHalfSubnormal, 1f, 2f, -0.5f, 65504f };
        var failures = new List<string>();
        int calls = 0;
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Input != CceInput.Logits))
        {
            int c0 = k.RuntimeC ? 4 : k.FixedC;
            foreach (float p in k.HalfInput ? atLabelH : atLabelF)
            {
                foreach (float other in elsewhere)
                {
                    if (k.Input == CceInput.PyTorchProbabilities && other != elsewhere[0] && other != elsewhere[4])
                    {
                        continue; // PyTorch reads only p[y]: two "elsewhere" values suffice
                    }

                    Case cs = Case.For(k, 2, c0, c0 + 3, 3).Fill(Seed.Of(k.Name, p, other));
                    int c = cs.C;
                    int y = c - 1;
                    cs.SetLabel(1, y);
                    cs.SetPred(1, y, p);
                    if (c > 1)
                    {
                        cs.SetPred(1, 0, other);
                    }

                    Outcome o = Runner.Run(cs, path);
                    calls++;
                    CheckAgainstReference(cs, o, $"p[y] = {Reference.F(p)}, p[0] = {Reference.F(other)}, on {path}", failures);
                    if (k.Input == CceInput.KerasProbabilities && !float.IsNaN(p))
                    {
                        float loss = k.HasLosses ? o.Losses[1] : o.Result;
                        if (!float.IsFinite(loss))
                        {
                            failures.Add($"{cs} p[y] = {Reference.F(p)}: Keras loss {Outcome.Show(loss)} is not finite");
                        }
                    }
                }
            }
        }

        _output.WriteLine($"{calls} probability edge calls on {path}");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(30))}");
    }

    /// <summary>The documented signs and classes, spelled out (the reference check above covers the rest).</summary>
    [Fact]
    public void Probabilities_DocumentedValues()
    {
        KernelInfo torch = KernelTable.All.Single(k => k.Name == "PF_Rt_r1");
        KernelInfo keras = KernelTable.All.Single(k => k.Name == "KF_Rt_r1");
        float Loss(KernelInfo k, float p)
        {
            Case cs = Case.For(k, 1, 2, 2, 1).Fill(3);
            cs.SetLabel(0, 1);
            cs.SetPred(0, 0, 0.25f);
            cs.SetPred(0, 1, p);
            return Runner.Run(cs).Losses[0];
        }

        Assert.Equal(float.PositiveInfinity, Loss(torch, 0f));
        Assert.Equal(float.PositiveInfinity, Loss(torch, -0f));
        Assert.True(float.IsNaN(Loss(torch, -0.5f)));
        Assert.True(Loss(torch, 2f) < 0);
        Assert.Equal(0f, Loss(torch, 1f));
        Assert.InRange(Loss(torch, float.Epsilon), 103.27892f, 103.27894f); // -log(2^-149)
        foreach (float p in new[] { 0f, -0f, float.Epsilon, -0.5f, 2f, 1f, float.PositiveInfinity, float.NegativeInfinity })
        {
            Assert.True(float.IsFinite(Loss(keras, p)), $"Keras p = {p}");
        }
    }

    /// <summary>dL/dp[y] = -scale / p[y]: for Mean over B = 100 rows and p[y] = 1e-40 that is -1e38, representable in
    /// float32; the kernels compute (-1 / p[y]) * scale, whose intermediate -1e40 overflows to -inf first.</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void PyTorch_Gradient_TinyProbability_NoIntermediateOverflow(CpuPath path)
    {
        var failures = new List<string>();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Input == CceInput.PyTorchProbabilities && k.Grad == GradKind.Float && !k.HalfInput && k.Reduction == CceReduction.Mean))
        {
            Case cs = Case.For(k, 100, 4, 4, 1).Fill(3);
            cs.SetPred(7, (int)cs.Label(7), 1e-40f);
            Outcome o = Runner.Run(cs, path);
            float got = o.Grad(cs, 7, (int)cs.Label(7));
            double want = -1.0 / 100 / 1e-40f;
            if (!Reference.Close(got, want))
            {
                failures.Add($"{cs} on {path}: gradient at p[y] = 1e-40 is {Outcome.Show(got)}, float64 {Reference.F(want)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    // ---- shared checker ----------------------------------------------------------------------------------------

    /// <summary>Checks every loss (or the reduction) and every gradient element of a case against float64.</summary>
    private static void CheckAgainstReference(Case cs, Outcome o, string what, List<string> failures)
    {
        KernelInfo k = cs.Kernel;
        var row = new float[cs.C];
        var total = new Reference.CompensatedSum();
        bool anyNaN = false;
        for (int r = 0; r < cs.B; r++)
        {
            for (int q = 0; q < cs.C; q++)
            {
                row[q] = cs.Pred(r, q);
            }

            int y = (int)cs.Label(r);
            double loss = Reference.Loss(k.Input, row, y);
            anyNaN |= double.IsNaN(loss);
            total.Add(loss);
            if (k.HasLosses && !Reference.Close(o.Losses[r], loss))
            {
                failures.Add($"{cs} {what}: loss[{r}] = {Outcome.Show(o.Losses[r])}, float64 {Reference.F(loss)}");
            }

            if (k.Grad == GradKind.None)
            {
                continue;
            }

            double scale = k.Reduction switch
            {
                CceReduction.Mean => 1.0 / cs.B,
                CceReduction.Sum => 1.0,
                _ => k.HasUpstream ? cs.Up![r] : 1.0,
            };
            double[] g = Reference.Gradient(k.Input, row, y);
            for (int q = 0; q < cs.C; q++)
            {
                if (k.Input == CceInput.KerasProbabilities && float.IsNaN(row[q]))
                {
                    continue; // the gradient at a NaN probability itself: Keras_GradientAtTheNaNProbability_IsNaN
                }

                float got = o.Grad(cs, r, q);
                double want = g[q] * scale;
                bool ok = k.Grad == GradKind.Half
                    ? (double.IsNaN(want) ? float.IsNaN(got) : float.IsInfinity((float)(Half)want) ? got == (float)(Half)want : Reference.Close(got, want, 2e-3, 1e-4))
                    : Reference.Close(got, want, 1e-5, 2e-6);
                if (!ok)
                {
                    failures.Add($"{cs} {what}: gradient[{r}, {q}] = {Outcome.Show(got)}, float64 {Reference.F(want)}");
                }
            }
        }

        if (!k.HasLosses)
        {
            // Sums of +inf and -inf rows are NaN in float64 too; a reduction is NaN iff the float64 one is.
            double expected = k.Reduction == CceReduction.Mean ? total.Value / cs.B : total.Value;
            if (anyNaN)
            {
                expected = double.NaN;
            }

            if (!Reference.Close(o.Result, expected))
            {
                failures.Add($"{cs} {what}: {k.Reduction} = {Outcome.Show(o.Result)}, float64 {Reference.F(expected)}");
            }
        }
    }
}
