using System;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Running;
using CceGen.Runtime;

namespace CceGen.Benchmarks;

internal static class Program
{
    private const string Usage = """
        CceGen benchmarks (see docs/PERFORMANCE.md).

          --quick [substring]     smoke mode: every benchmark method once on tiny shapes, results checked against
                                  the naive loop (1e-4 relative); exit code 1 on any disagreement
          --probe [dram|l2] [shape...] diagnostic: float32 logits kernels and baselines timed interleaved (robust
                                  ratios on a noisy machine); l2 = buffers of ~256 KiB (compute cost only)
          --report [pytorch.json] rebuild the ratio tables from BenchmarkDotNet.Artifacts/results/*-report-full.json
                                  (and the PyTorch results, if given or found next to the artifacts)
          anything else           BenchmarkDotNet's command line, e.g. --filter '*' or --filter '*LogitsF32*';
                                  after the run the ratio tables are rebuilt as with --report
        """;

    private static int Main(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
        }

        if (args.Length > 0 && args[0] == "--quick")
        {
            Console.WriteLine($"CceGen benchmarks --quick: detected {CpuDispatch.Describe(CpuDispatch.Detected)}, paths {string.Join(", ", CpuDispatch.SupportedPaths)}");
            return Quick.Run(args.Length > 1 ? args[1] : null);
        }

        if (args.Length > 0 && args[0] == "--probe")
        {
            return Probe.Run(args.Length > 1 ? args[1] : "dram", args.Skip(2).ToArray());
        }

        if (args.Length > 0 && args[0] == "--report")
        {
            return Report.Write(BenchConfig.ArtifactsPath, args.Length > 1 ? args[1] : null);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create());
        if (summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)))
        {
            Console.Error.WriteLine("Some benchmarks failed (see above).");
            Report.Write(BenchConfig.ArtifactsPath, null);
            return 1;
        }

        return summaries.Any() ? Report.Write(BenchConfig.ArtifactsPath, null) : 0;
    }
}
