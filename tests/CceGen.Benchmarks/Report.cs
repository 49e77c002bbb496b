using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace CceGen.Benchmarks;

/// <summary>
/// Builds the ratio tables of docs/PERFORMANCE.md from BenchmarkDotNet's JSON results (medians) and, if present, the
/// PyTorch results of pytorch_bench.py. Writes BenchmarkDotNet.Artifacts/results/cce-tables.md and prints it.
/// Ratios are always between results of the same run files (later files override earlier ones per benchmark).
/// </summary>
public static class Report
{
    private static readonly string[] ShapeOrder = { "32x10", "1048576x10", "131072x100", "16384x1000", "512x32000", "128x128000" };
    private static readonly string[] PathOrder = { "Avx512", "Avx2", "Scalar" };

    private sealed record Result(string Type, string Method, string Shape, string? Path, double MedianNs, long? AllocatedBytes);

    /// <summary>Writes the tables; returns 0, or 1 when there are no results.</summary>
    public static int Write(string artifactsPath, string? pytorchJson)
    {
        string results = Path.Combine(artifactsPath, "results");
        var files = Directory.Exists(results)
            ? new DirectoryInfo(results).GetFiles("*-report-full.json").OrderBy(f => f.LastWriteTimeUtc).ToArray()
            : Array.Empty<FileInfo>();
        if (files.Length == 0)
        {
            Console.Error.WriteLine($"No *-report-full.json under {results}.");
            return 1;
        }

        var all = new Dictionary<(string, string, string, string?), Result>();
        foreach (FileInfo file in files)
        {
            foreach (Result r in Load(file.FullName))
            {
                all[(r.Type, r.Method, r.Shape, r.Path)] = r;
            }
        }

        pytorchJson ??= Path.Combine(artifactsPath, "pytorch.json");
        var torch = File.Exists(pytorchJson) ? LoadTorch(pytorchJson) : new Dictionary<(string, string), double>();

        var md = new StringBuilder();
        var t = new Tables(all, torch, md);
        string sources = $"Generated from {files.Length} result file(s): {string.Join(", ", files.Select(f => f.Name))}";
        md.AppendLine(sources + (torch.Count > 0 ? $" and {Path.GetFileName(pytorchJson)}." : " (no PyTorch results)."));
        md.AppendLine("All times are BenchmarkDotNet medians; ns/elem = median / (B*C); \"x roofline\" = kernel time / roofline time (lower is better, 1.0 = at the roofline; the roofline of each table is named in its title); \"speedup vs X\" = X time / kernel time (higher is better).");
        md.AppendLine();

        t.Family("float32 logits, Mean", ("LogitsF32", "Mean", "runtime C"), ("LogitsF32C10", "Mean10", "C = 10"),
            ("LogitsF32Baselines", "ReadRoofline"), ("LogitsF32Baselines", "TpComposition"), ("LogitsF32Baselines", "NaiveLoop"),
            "cross_entropy/float32/mean", 4);
        t.Family("float32 logits, None (per-row losses)", ("LogitsF32", "None", "runtime C"), ("LogitsF32C10", "None10", "C = 10"),
            ("LogitsF32Baselines", "ReadRoofline"), ("LogitsF32Baselines", "TpComposition"), ("LogitsF32Baselines", "NaiveLoop"),
            "cross_entropy/float32/none", 4, "TP composition and naive loop are the Mean baselines (they differ from None only by the B-float store).");
        t.Family("float16 logits, Mean (roofline: read of the half buffer)", ("LogitsF16", "Mean", "runtime C"), ("LogitsF16C10", "Mean10", "C = 10"),
            ("LogitsF16Baselines", "ReadRoofline"), ("LogitsF16Baselines", "TpComposition"), ("LogitsF16Baselines", "NaiveLoop"),
            "cross_entropy/float16/mean", 2);
        t.Family("float16 logits, None (per-row losses; roofline: read of the half buffer)", ("LogitsF16", "None", "runtime C"), ("LogitsF16C10", "None10", "C = 10"),
            ("LogitsF16Baselines", "ReadRoofline"), ("LogitsF16Baselines", "TpComposition"), ("LogitsF16Baselines", "NaiveLoop"),
            "cross_entropy/float16/none", 2, "TP composition and naive loop are the Mean baselines (they differ from None only by the B-float store).");
        t.Family("PyTorch-convention probabilities, Mean (-log p[y]; baselines: nll_loss(log p) as TensorPrimitives.Log per row, naive -MathF.Log(p[y]))",
            ("TorchF32", "Mean", "runtime C"), ("TorchF32C10", "Mean10", "C = 10"),
            ("ProbabilityBaselines", "ReadRoofline"), ("ProbabilityBaselines", "TpNllLog"), ("ProbabilityBaselines", "NaiveTorch"),
            "nll_log/float32/mean", 4, "The kernel reads one element per row (p[y]); the read roofline of the whole y_pred is not its bound.");
        t.Family("PyTorch-convention probabilities, None (per-row -log p[y])",
            ("TorchF32", "None", "runtime C"), ("TorchF32C10", "None10", "C = 10"),
            ("ProbabilityBaselines", "ReadRoofline"), ("ProbabilityBaselines", "TpNllLog"), ("ProbabilityBaselines", "NaiveTorch"),
            "nll_log/float32/none", 4, "TP and naive baselines are the Mean ones (they differ from None only by the B-float store); PyTorch column: nll_loss(log p, reduction='none').");
        t.Family("Keras-convention probabilities, Mean (clip, renormalize)", ("KerasF32", "Mean", "runtime C"), ("KerasF32C10", "Mean10", "C = 10"),
            ("ProbabilityBaselines", "ReadRoofline"), ("ProbabilityBaselines", "TpKeras"), ("ProbabilityBaselines", "NaiveKeras"),
            "keras/float32/mean", 4, "PyTorch column: the Keras formula written with torch ops (clamp, gather, sum, log, mean); PyTorch has no built-in for it.");
        t.Family("Keras-convention probabilities, None (per-row losses)", ("KerasF32", "None", "runtime C"), ("KerasF32C10", "None10", "C = 10"),
            ("ProbabilityBaselines", "ReadRoofline"), ("ProbabilityBaselines", "TpKeras"), ("ProbabilityBaselines", "NaiveKeras"),
            "keras/float32/none", 4, "TP and naive baselines are the Mean ones; PyTorch column: the Keras formula with torch ops, without the mean.");
        t.Family("float32 logits, Mean + fused gradient (roofline: read y_pred once + write the gradient once)",
            ("GradientF32", "MeanGrad", "runtime C"), ("GradientF32C10", "MeanGrad10", "C = 10"),
            ("GradientBaselines", "ReadWriteRoofline"), ("GradientBaselines", "TpComposition"), ("GradientBaselines", "NaiveLoop"),
            "cross_entropy_backward/float32/mean", 8, "PyTorch column: cross_entropy forward + backward (loss.backward()) on a requires_grad tensor.");
        t.Latency();
        t.Parallel();
        t.Targets();

        string output = Path.Combine(results, "cce-tables.md");
        File.WriteAllText(output, md.ToString());
        Console.WriteLine();
        Console.WriteLine(md.ToString());
        Console.WriteLine($"Tables written to {output}");
        return 0;
    }

    private static IEnumerable<Result> Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (JsonElement b in doc.RootElement.GetProperty("Benchmarks").EnumerateArray())
        {
            if (!b.TryGetProperty("Statistics", out JsonElement stats) || stats.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var parameters = (b.GetProperty("Parameters").GetString() ?? "")
                .Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
            long? allocated = b.TryGetProperty("Memory", out JsonElement memory) && memory.ValueKind == JsonValueKind.Object
                && memory.TryGetProperty("BytesAllocatedPerOperation", out JsonElement bytes) && bytes.ValueKind == JsonValueKind.Number
                ? bytes.GetInt64() : null;
            yield return new Result(
                b.GetProperty("Type").GetString()!,
                b.GetProperty("Method").GetString()!,
                parameters.GetValueOrDefault("Shape", ""),
                parameters.GetValueOrDefault("Path") ?? (parameters.TryGetValue("Threads", out string? threads) ? "T" + threads : null),
                stats.GetProperty("Median").GetDouble(),
                allocated);
        }
    }

    private static Dictionary<(string, string), double> LoadTorch(string path)
    {
        // { "results": [ { "op": "cross_entropy", "dtype": "float32", "reduction": "mean", "shape": "131072x100", "median_ns": 1.0 }, ... ] }
        var map = new Dictionary<(string, string), double>();
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (JsonElement r in doc.RootElement.GetProperty("results").EnumerateArray())
        {
            if (r.TryGetProperty("median_ns", out JsonElement ns) && ns.ValueKind == JsonValueKind.Number)
            {
                string key = $"{r.GetProperty("op").GetString()}/{r.GetProperty("dtype").GetString()}/{r.GetProperty("reduction").GetString()}";
                map[(key, r.GetProperty("shape").GetString()!)] = ns.GetDouble();
            }
        }

        return map;
    }

    private sealed class Tables
    {
        private readonly Dictionary<(string, string, string, string?), Result> _all;
        private readonly Dictionary<(string, string), double> _torch;
        private readonly StringBuilder _md;
        private readonly List<string> _targets = new();

        public Tables(Dictionary<(string, string, string, string?), Result> all, Dictionary<(string, string), double> torch, StringBuilder md)
        {
            _all = all;
            _torch = torch;
            _md = md;
        }

        private Result? Find(string type, string method, string shape, string? path) =>
            _all.TryGetValue((type, method, shape, path), out Result? r) ? r : null;

        private static double Elements(string shape) => Shape.Parse(shape).Elements;

        private static string F(double? v, string format = "0.000") =>
            v is double d && double.IsFinite(d) ? d.ToString(format, CultureInfo.InvariantCulture) : "-";

        private IEnumerable<string> Shapes(params string[] types) =>
            ShapeOrder.Where(s => _all.Values.Any(r => types.Contains(r.Type) && r.Shape == s));

        public void Family(string title, (string Type, string Method, string Label) runtimeKernel, (string Type, string Method, string Label) c10Kernel,
            (string Type, string Method) roofline, (string Type, string Method) tp, (string Type, string Method) naive,
            string torchKey, int bytesPerElement, string? note = null)
        {
            string[] types = { runtimeKernel.Type, c10Kernel.Type, roofline.Type };
            var shapes = Shapes(types).ToArray();
            if (shapes.Length == 0)
            {
                return;
            }

            _md.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
            _md.AppendLine();
            if (note is not null)
            {
                _md.AppendLine(note);
                _md.AppendLine();
            }

            _md.AppendLine("| shape (B x C) | kernel | path | ns/elem | x roofline | speedup vs TP composition | speedup vs naive loop | speedup vs PyTorch | allocated |");
            _md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (string shape in shapes)
            {
                double n = Elements(shape);
                Result? roof = Find(roofline.Type, roofline.Method, shape, null);
                Result? tpR = Find(tp.Type, tp.Method, shape, null);
                Result? naiveR = Find(naive.Type, naive.Method, shape, null);
                double? torchNs = _torch.TryGetValue((torchKey, shape), out double tn) ? tn : null;
                foreach (var kernel in new[] { c10Kernel, runtimeKernel })
                {
                    foreach (string path in PathOrder)
                    {
                        Result? k = Find(kernel.Type, kernel.Method, shape, path);
                        if (k is null)
                        {
                            continue;
                        }

                        _md.AppendLine(CultureInfo.InvariantCulture,
                            $"| {shape} | {kernel.Label} `{kernel.Method}` | {path} | {F(k.MedianNs / n, "0.0000")} | {F(k.MedianNs / roof?.MedianNs, "0.00")} | " +
                            $"{F(tpR?.MedianNs / k.MedianNs, "0.0")} | {F(naiveR?.MedianNs / k.MedianNs, "0.0")} | {F(torchNs / k.MedianNs, "0.0")} | {Bytes(k.AllocatedBytes)} |");
                        Check(title, kernel.Label, shape, path, k, roof, tpR, naiveR, torchNs);
                    }
                }
            }

            _md.AppendLine();
            _md.AppendLine("| shape (B x C) | roofline ns/elem (GB/s) | TP composition ns/elem | naive loop ns/elem | PyTorch ns/elem |");
            _md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (string shape in shapes)
            {
                double n = Elements(shape);
                Result? roof = Find(roofline.Type, roofline.Method, shape, null);
                Result? tpR = Find(tp.Type, tp.Method, shape, null);
                Result? naiveR = Find(naive.Type, naive.Method, shape, null);
                double? torchNs = _torch.TryGetValue((torchKey, shape), out double tn) ? tn : null;
                string gbs = roof is null ? "" : $" ({F(n * bytesPerElement / roof.MedianNs, "0.0")})";
                _md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {shape} | {F(roof?.MedianNs / n, "0.0000")}{gbs} | {F(tpR?.MedianNs / n, "0.0000")} | {F(naiveR?.MedianNs / n, "0.0000")} | {F(torchNs / n, "0.0000")} |");
            }

            _md.AppendLine();
        }

        private void Check(string family, string kernel, string shape, string path, Result k, Result? roof, Result? tp, Result? naive, double? torch)
        {
            var s = Shape.Parse(shape);
            bool isF32Logits = family.StartsWith("float32 logits, Mean", StringComparison.Ordinal) && !family.Contains("gradient", StringComparison.Ordinal)
                || family.StartsWith("float32 logits, None", StringComparison.Ordinal);
            string where = $"{family.Split('(')[0].Trim()} {kernel} {shape} {path}";
            if (path is "Avx512" or "Avx2")
            {
                if (isF32Logits && s.Classes >= 100 && roof is not null && tp is not null)
                {
                    double r = k.MedianNs / roof.MedianNs, sp = tp.MedianNs / k.MedianNs;
                    _targets.Add($"| f32 logits C>=100: <= 1.5x read roofline, >= 3.5x faster than TP | {where} | {r:0.00}x roofline, {sp:0.0}x vs TP | {Met(r <= 1.5 && sp >= 3.5)} |");
                }

                if (isF32Logits && kernel == "C = 10" && roof is not null && tp is not null && naive is not null)
                {
                    double r = k.MedianNs / roof.MedianNs, sp = tp.MedianNs / k.MedianNs, sn = naive.MedianNs / k.MedianNs;
                    _targets.Add($"| compile-time C=10: <= 3x roofline, >= 8x faster than TP and naive | {where} | {r:0.00}x roofline, {sp:0.0}x vs TP, {sn:0.0}x vs naive | {Met(r <= 3 && sp >= 8 && sn >= 8)} |");
                }

                if (family.StartsWith("float16", StringComparison.Ordinal) && s.Classes >= 100 && roof is not null)
                {
                    double r = k.MedianNs / roof.MedianNs;
                    _targets.Add($"| f16 C>=100: <= 1.5x f16 read roofline | {where} | {r:0.00}x | {Met(r <= 1.5)} |");
                }

                if (family.Contains("gradient", StringComparison.Ordinal) && roof is not null)
                {
                    double r = k.MedianNs / roof.MedianNs;
                    _targets.Add($"| fused gradient: <= 1.5x read+write roofline | {where} | {r:0.00}x | {Met(r <= 1.5)} |");
                }
            }

            if (path == "Avx2")
            {
                var peers = new List<(string Name, double Ns)>();
                if (tp is not null)
                {
                    peers.Add(("TP", tp.MedianNs));
                }

                if (naive is not null)
                {
                    peers.Add(("naive", naive.MedianNs));
                }

                if (torch is double tn)
                {
                    peers.Add(("PyTorch", tn));
                }

                if (peers.Count > 0)
                {
                    var best = peers.MinBy(p => p.Ns);
                    _targets.Add($"| AVX2 beats every peer | {where} | {best.Ns / k.MedianNs:0.00}x vs fastest peer ({best.Name}) | {Met(k.MedianNs < best.Ns)} |");
                }
            }

            if (k.AllocatedBytes is long b)
            {
                _allocations.Add((where, b));
            }
        }

        private readonly List<(string Where, long Bytes)> _allocations = new();

        private static string Met(bool ok) => ok ? "met" : "**not met**";

        private static string Bytes(long? b) => b is long v ? $"{v} B" : "-";

        public void Latency()
        {
            const string shape = "32x10";
            var rows = _all.Values.Where(r => r.Type is "Latency32x10" && r.Shape == shape).ToList();
            if (rows.Count == 0)
            {
                return;
            }

            _md.AppendLine("### (32, 10): latency per call (cache-resident, compile-time C = 10 unless noted)");
            _md.AppendLine();
            string[] methods = rows.Select(r => r.Method).Distinct().ToArray();
            _md.AppendLine("| kernel | " + string.Join(" | ", PathOrder.Select(p => $"{p} ns/call")) + " | allocated |");
            _md.AppendLine("|---|" + string.Concat(PathOrder.Select(_ => "---:|")) + "---:|");
            foreach (string m in methods)
            {
                var cells = PathOrder.Select(p => F(Find("Latency32x10", m, shape, p)?.MedianNs, "0.0"));
                long? alloc = rows.Where(r => r.Method == m).Max(r => r.AllocatedBytes);
                _md.AppendLine(CultureInfo.InvariantCulture, $"| `{m}` | {string.Join(" | ", cells)} | {Bytes(alloc)} |");
                foreach (string p in PathOrder)
                {
                    if (Find("Latency32x10", m, shape, p) is { } r)
                    {
                        if (p is "Avx512" or "Avx2")
                        {
                            _targets.Add($"| (32,10) <= 150 ns per call | `{m}` {p} | {r.MedianNs:0.0} ns | {Met(r.MedianNs <= 150)} |");
                        }

                        if (r.AllocatedBytes is long b)
                        {
                            _allocations.Add(($"(32,10) {m} {p}", b));
                        }
                    }
                }
            }

            _md.AppendLine();
            _md.AppendLine("| baseline (32, 10), Mean | ns/call |");
            _md.AppendLine("|---|---:|");
            foreach (string m in new[] { "ReadRoofline", "TpComposition", "NaiveLoop" })
            {
                _md.AppendLine(CultureInfo.InvariantCulture, $"| {m} | {F(Find("Latency32x10Baselines", m, shape, null)?.MedianNs, "0.0")} |");
            }

            if (_torch.TryGetValue(("cross_entropy/float32/mean", shape), out double tns))
            {
                _md.AppendLine(CultureInfo.InvariantCulture, $"| PyTorch cross_entropy | {F(tns, "0.0")} |");
            }

            var force = new[] { "Unforced", "ForcedInGlobalSetup", "ForcedPerCall" }.Select(m => (m, Find("ForceOverhead", m, shape, null))).ToArray();
            if (force.Any(f => f.Item2 is not null))
            {
                _md.AppendLine();
                _md.AppendLine("| CpuDispatch forcing cost, `LogitsMean10` (32, 10) on the selected path | ns/call |");
                _md.AppendLine("|---|---:|");
                foreach (var (m, r) in force)
                {
                    _md.AppendLine(CultureInfo.InvariantCulture, $"| {m} | {F(r?.MedianNs, "0.0")} |");
                }
            }

            _md.AppendLine();
        }

        public void Parallel()
        {
            var shapes = Shapes("ParallelF32").ToArray();
            if (shapes.Length == 0)
            {
                return;
            }

            _md.AppendLine("### Multi-core: float32 logits Mean declared with Parallel = true (selected path; roofline = TensorPrimitives.Sum in the same row blocks on the same threads)");
            _md.AppendLine();
            _md.AppendLine("| shape (B x C) | threads | kernel ns/elem | roofline ns/elem (GB/s) | x roofline | kernel speedup vs 1 thread | roofline speedup vs 1 thread | allocated |");
            _md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (string shape in shapes)
            {
                double n = Elements(shape);
                Result? k1 = Find("ParallelF32", "Mean", shape, "T1");
                Result? r1 = Find("ParallelF32", "ReadRoofline", shape, "T1");
                foreach (string threads in new[] { "T1", "T2" })
                {
                    Result? k = Find("ParallelF32", "Mean", shape, threads);
                    Result? r = Find("ParallelF32", "ReadRoofline", shape, threads);
                    if (k is null)
                    {
                        continue;
                    }

                    string gbs = r is null ? "" : $" ({F(n * 4 / r.MedianNs, "0.0")})";
                    _md.AppendLine(CultureInfo.InvariantCulture,
                        $"| {shape} | {threads.Substring(1)} | {F(k.MedianNs / n, "0.0000")} | {F(r?.MedianNs / n, "0.0000")}{gbs} | {F(k.MedianNs / r?.MedianNs, "0.00")} | " +
                        $"{F(k1?.MedianNs / k.MedianNs, "0.00")} | {F(r1?.MedianNs / r?.MedianNs, "0.00")} | {Bytes(k.AllocatedBytes)} |");
                    if (threads == "T2" && k1 is not null && r is not null && r1 is not null)
                    {
                        _targets.Add($"| multi-core (report): 2-thread speedup next to the 2-thread roofline's | ParallelF32 {shape} | kernel {k1.MedianNs / k.MedianNs:0.00}x, roofline {r1.MedianNs / r.MedianNs:0.00}x; {k.MedianNs / r.MedianNs:0.00}x the 2-thread roofline | reported |");
                    }
                }
            }

            _md.AppendLine();
        }

        public void Targets()
        {
            _md.AppendLine("### Targets (evaluated on the AVX-512 and AVX2 rows)");
            _md.AppendLine();
            _md.AppendLine("| target | where | measured | status |");
            _md.AppendLine("|---|---|---|---|");
            foreach (string row in _targets)
            {
                _md.AppendLine(row);
            }

            long worst = _allocations.Count == 0 ? -1 : _allocations.Max(a => a.Bytes);
            _md.AppendLine(CultureInfo.InvariantCulture,
                $"| 0 B allocated | all {_allocations.Count} kernel rows | max {(worst < 0 ? "-" : worst + " B")} | {(worst < 0 ? "-" : Met(worst == 0))} |");
            _md.AppendLine();
        }
    }
}
