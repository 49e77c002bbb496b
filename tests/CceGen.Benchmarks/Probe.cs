using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using CceGen.Runtime;

namespace CceGen.Benchmarks;

/// <summary>
/// <c>--probe [dram|l2]</c>: a diagnostic, not the BenchmarkDotNet suite. For each float32-logits shape it runs the
/// kernels (every path) and the baselines <b>interleaved</b>: every round times a batch of calls of each method in
/// turn, and the median over rounds is reported. Because all methods see the same machine state in every round,
/// the ratios are robust to the slow load swings of a shared machine (the BenchmarkDotNet cases run minutes apart).
/// <c>l2</c> shrinks B so one buffer (about 256 KiB) stays in L2: the compute cost per element, without DRAM.
/// <c>dram</c> (default) uses the benchmark shapes with the same rotation through about 1 GiB.
/// Rows marked * are the what-if of <see cref="Experiments"/>, not CceGen code.
/// </summary>
public static class Probe
{
    private const int Rounds = 15;
    private static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(25);

    /// <summary>Runs the probe; returns 0.</summary>
    public static int Run(string mode, string[] args)
    {
        bool l2 = mode == "l2";
        Console.WriteLine($"CceGen probe ({(l2 ? "L2-resident buffers" : "DRAM: rotation through ~1 GiB")}), {Rounds} interleaved rounds of >= {BatchTime.TotalMilliseconds} ms per method; median ns per element of y_pred");
        string[] shapes = { "32x10", "1048576x10", "131072x100", "16384x1000", "512x32000", "128x128000" };
        if (args.Length > 0)
        {
            shapes = shapes.Where(args.Contains).ToArray(); // e.g. --probe dram 1048576x10
        }

        foreach (string text in shapes)
        {
            var full = Shape.Parse(text);
            int l2Rows = Math.Max(1, 65536 / full.Classes);
            var shape = l2 && full.Elements > 65536 ? new Shape(l2Rows >= 16 ? l2Rows / 16 * 16 : l2Rows, full.Classes) : full;
            RunShape(shape, l2);
        }

        return 0;
    }

    private static void RunShape(Shape shape, bool l2)
    {
        int c = shape.Classes;
        using var input = new RotatingInputs<float>(shape, InputFactory.Logits(shape), InputFactory.Labels(shape), l2 ? 1 : Settings.Copies(shape.Elements * 4));
        var gradients = Enumerable.Range(0, input.Copies).Select(_ => new NativeBuffer<float>(shape.Elements)).ToArray();
        foreach (var g in gradients)
        {
            g.Span.Clear();
        }

        var scratch = new float[c];
        var methods = new List<(string Name, CpuPath? Path, Func<float> Call)>
        {
            ("ReadRoofline", null, () => Baselines.ReadRoofline(input.Predictions(input.Next()))),
            ("ReadWriteRoofline", null, () => { int i = input.Next(); return Baselines.ReadWriteRoofline(input.Predictions(i), gradients[i].Span, 0.5f); }),
            ("TpComposition", null, () => { int i = input.Next(); return Baselines.TpLogitsMean(input.Predictions(i), c, input.Labels(i), scratch); }),
        };
        foreach (CpuPath path in CpuDispatch.SupportedPaths.Where(p => p != CpuPath.Scalar))
        {
            methods.Add(("Mean", path, () => { int i = input.Next(); return Kernels.LogitsMean(input.Predictions(i), c, input.Labels(i)); }));
            if (c == 10)
            {
                methods.Add(("Mean10", path, () => { int i = input.Next(); return Kernels.LogitsMean10(input.Predictions(i), input.Labels(i)); }));
                if (path == CpuPath.Avx512 && shape.Batch % 16 == 0)
                {
                    // The transposed what-if (Experiments.cs); it must return the kernel's bits.
                    float expected = Kernels.LogitsMean10(input.Predictions(0), input.Labels(0));
                    float actual = Experiments.TransposedMean10(input.Predictions(0), input.Labels(0));
                    Console.WriteLine($"  (prototype TransposedMean10 vs LogitsMean10 on {shape}: {actual:R} vs {expected:R}, {(BitConverter.SingleToInt32Bits(actual) == BitConverter.SingleToInt32Bits(expected) ? "same bits" : "DIFFERENT BITS")})");
                    methods.Add(("Transposed10*", null, () => { int i = input.Next(); return Experiments.TransposedMean10(input.Predictions(i), input.Labels(i)); }));
                    float fixedThrow = Experiments.ThrowFixMean10(input.Predictions(0), input.Labels(0));
                    Console.WriteLine($"  (prototype ThrowFixMean10 vs LogitsMean10 on {shape}: {fixedThrow:R} vs {expected:R}, {(BitConverter.SingleToInt32Bits(fixedThrow) == BitConverter.SingleToInt32Bits(expected) ? "same bits" : "DIFFERENT BITS")})");
                    methods.Add(("ThrowFix10*", null, () => { int i = input.Next(); return Experiments.ThrowFixMean10(input.Predictions(i), input.Labels(i)); }));
                }

                methods.Add(("MeanGrad10", path, () => { int i = input.Next(); return Kernels.LogitsMeanGrad10(input.Predictions(i), input.Labels(i), gradients[i].Span); }));
            }

            if (path == CpuPath.Avx512 && c >= 100)
            {
                // The prefetch what-if (Experiments.cs); it must return the kernel's bits.
                float expected = Kernels.LogitsMean(input.Predictions(0), c, input.Labels(0));
                float actual = Experiments.PrefetchMean(input.Predictions(0), c, input.Labels(0));
                Console.WriteLine($"  (prototype PrefetchMean vs LogitsMean on {shape}: {actual:R} vs {expected:R}, {(BitConverter.SingleToInt32Bits(actual) == BitConverter.SingleToInt32Bits(expected) ? "same bits" : "DIFFERENT BITS")})");
                methods.Add(("Prefetch*", null, () => { int i = input.Next(); return Experiments.PrefetchMean(input.Predictions(i), c, input.Labels(i)); }));
            }

            methods.Add(("MeanGrad", path, () => { int i = input.Next(); return Kernels.LogitsMeanGrad(input.Predictions(i), c, input.Labels(i), gradients[i].Span); }));
        }

        // Warm-up to tier 1 (with PGO): rounds of 40 calls of every method, each followed by a pause longer than the
        // runtime's 100 ms call-counting delay, so the background compiler promotes everything before timing starts.
        for (int round = 0; round < 4; round++)
        {
            for (int m = 0; m < methods.Count; m++)
            {
                using var scope = Force(methods[m].Path);
                for (int k = 0; k < 40; k++)
                {
                    methods[m].Call();
                }
            }

            System.Threading.Thread.Sleep(150);
        }

        // Calls per batch: enough for BatchTime.
        var calls = new int[methods.Count];
        for (int m = 0; m < methods.Count; m++)
        {
            using var scope = Force(methods[m].Path);
            long start = Stopwatch.GetTimestamp();
            int n = 0;
            do
            {
                methods[m].Call();
                n++;
            }
            while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 2 && n < 1000);

            double one = Math.Max(Stopwatch.GetElapsedTime(start).TotalMilliseconds / n, 1e-5);
            calls[m] = Math.Max(1, (int)Math.Ceiling(BatchTime.TotalMilliseconds / one));
        }

        var samples = new List<double>[methods.Count];
        for (int m = 0; m < methods.Count; m++)
        {
            samples[m] = new List<double>();
        }

        float sink = 0;
        for (int round = 0; round < Rounds; round++)
        {
            for (int m = 0; m < methods.Count; m++)
            {
                using var scope = Force(methods[m].Path);
                long start = Stopwatch.GetTimestamp();
                for (int k = 0; k < calls[m]; k++)
                {
                    sink += methods[m].Call();
                }

                samples[m].Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls[m]);
            }
        }

        double Median(int m) => samples[m].Order().ElementAt(samples[m].Count / 2);
        double roof = Median(0), rwRoof = Median(1), tp = Median(2);
        Console.WriteLine();
        Console.WriteLine($"{shape} ({input.Copies} cop{(input.Copies == 1 ? "y" : "ies")}, {input.PredictionBytes >> 20} MiB)   sink={sink.ToString("G3", CultureInfo.InvariantCulture)}");
        for (int m = 0; m < methods.Count; m++)
        {
            double med = Median(m);
            string vs = methods[m].Name.Contains("Grad", StringComparison.Ordinal) || methods[m].Name == "ReadWriteRoofline"
                ? $"x rw-roofline {med / rwRoof,6:0.00}"
                : $"x roofline {med / roof,6:0.00}   TP/kernel {tp / med,5:0.00}";
            string perCall = shape.Elements < 100_000 ? string.Create(CultureInfo.InvariantCulture, $"   {med,8:0.0} ns/call") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {methods[m].Name + (methods[m].Path is { } p ? " " + p : ""),-20} {med / shape.Elements,9:0.0000} ns/elem  (min {samples[m].Min() / shape.Elements:0.0000})  {vs}") + perCall);
        }

        foreach (var g in gradients)
        {
            g.Dispose();
        }
    }

    private static IDisposable? Force(CpuPath? path) =>
        path is { } p && p != CpuDispatch.Selected ? CpuDispatch.Force(p) : null;
}
