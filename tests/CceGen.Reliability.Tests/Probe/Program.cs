using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using CceGen.Runtime;

namespace CceGen.Reliability;

/// <summary>
/// Child process of the reliability tests. Modes:
/// <list type="bullet">
/// <item><c>--guard &lt;avx512|avx2|scalar&gt; [--verbose]</c>: every kernel of the table, C = 1..40, 100, 1000, 4099 (runtime C) or
/// its fixed C, B = 0, 1, 4, dense and strided, with every input and output span flush against a PROT_NONE page, first
/// after its last element, then before its first; results must be bit-identical to the same call on managed arrays.
/// Prints <c>ok N</c> (N = kernel calls) and exits 0; a stray access kills the process.</item>
/// <item><c>--fault &lt;read-end|read-start|write-end|kernel&gt;</c>: deliberately touches a guard page (proves the guards work:
/// the process must die).</item>
/// <item><c>--race &lt;threads&gt;</c>: the first touch of <see cref="CpuDispatch"/> and of a kernel, from many threads at once.</item>
/// </list>
/// </summary>
internal static class Program
{
    private static readonly int[] s_largeC = { 100, 1000, 4099 };

    private static int Main(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            return args.FirstOrDefault() switch
            {
                "--guard" when args.Length >= 2 => Guard(ParsePath(args[1]), args.Contains("--verbose")),
                "--fault" when args.Length >= 2 => Fault(args[1]),
                "--race" when args.Length >= 2 => Race(int.Parse(args[1], CultureInfo.InvariantCulture)),
                _ => Usage(),
            };
        }
        catch (Exception ex)
        {
            Console.WriteLine("exception: " + ex);
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: CceGen.GuardProbe --guard <avx512|avx2|scalar> [--verbose] | --fault <read-end|read-start|write-end|kernel> | --race <threads>");
        return 3;
    }

    private static CpuPath ParsePath(string s) => s.ToLowerInvariant() switch
    {
        "avx512" => CpuPath.Avx512,
        "avx2" => CpuPath.Avx2,
        "scalar" => CpuPath.Scalar,
        _ => throw new ArgumentException("unknown path " + s),
    };

    // ---- guard-page sweep ----------------------------------------------------------------------------------------

    private sealed class Regions : IDisposable
    {
        // Largest case: C = 4099, B = 4, row stride C + 3 -> 16,405 values (66 KB as float).
        public readonly GuardedRegion Predictions = new(256 * 1024);
        public readonly GuardedRegion Labels = new(64 * 1024);
        public readonly GuardedRegion Losses = new(64 * 1024);
        public readonly GuardedRegion Gradient = new(256 * 1024);
        public readonly GuardedRegion Upstream = new(64 * 1024);

        public void Dispose()
        {
            Predictions.Dispose();
            Labels.Dispose();
            Losses.Dispose();
            Gradient.Dispose();
            Upstream.Dispose();
        }
    }

    private static int Guard(CpuPath path, bool verbose)
    {
        if (!CpuDispatch.SupportedPaths.Contains(path))
        {
            Console.WriteLine($"skip: {path} is not supported here (detected {CpuDispatch.Detected})");
            return 0;
        }

        using var regions = new Regions();
        var mismatches = new List<string>();
        long calls = 0, guarded = 0, managedCalls = 0, cases = 0, stridedCases = 0, paddingWrites = 0, paddingCases = 0;
        var kernelsRun = new HashSet<string>();
        foreach (KernelInfo k in KernelTable.All)
        {
            IEnumerable<int> counts = k.RuntimeC ? Enumerable.Range(1, 40).Concat(s_largeC) : new[] { k.FixedC };
            bool hasVariants = k.Stride == StrideKind.Runtime || k.HasLabelStride;
            foreach (int c in counts)
            {
                foreach (int variant in hasVariants ? new[] { 0, 1 } : new[] { 0 })
                {
                    int[] batches = c >= 1000 ? new[] { 1, 3 } : new[] { 0, 1, 4 };
                    foreach (int b in batches)
                    {
                        int seed = Seed.Of(k.Name, c, variant, b);
                        Case cs = Case.For(k, b, c, c + (variant * 3), 1 + (variant * 2)).Fill(seed, padding: float.NaN);
                        cases++;
                        stridedCases += cs.RowStride > cs.C ? 1 : 0;
                        Outcome managed = Runner.Run(cs, path);
                        managedCalls++;
                        calls++;
                        if (cs.RowStride > cs.C && cs.GradLength > 0)
                        {
                            paddingCases++;
                            paddingWrites += managed.PaddingWrites(cs);
                        }

                        foreach (bool atEnd in new[] { true, false })
                        {
                            if (verbose)
                            {
                                Console.WriteLine($"case {cs} {(atEnd ? "end" : "start")} {path}");
                                Console.Out.Flush();
                            }

                            Outcome g = RunGuarded(cs, regions, atEnd, path);
                            guarded++;
                            calls++;
                            kernelsRun.Add(k.Name);
                            string diff = g.DiffersFrom(managed, cs);
                            if (diff.Length > 0)
                            {
                                mismatches.Add($"{cs} spans at the {(atEnd ? "end" : "start")} of their pages: {diff} (guarded vs managed)");
                            }
                        }
                    }
                }
            }
        }

        Console.WriteLine($"path {path}: {KernelTable.All.Length} kernels ({kernelsRun.Count} run), {cases} cases ({stridedCases} strided), " +
            $"{guarded} guarded calls, {managedCalls} managed calls");
        Console.WriteLine($"gradient padding: {paddingWrites} elements written in {paddingCases} strided gradient cases");
        if (mismatches.Count > 0)
        {
            Console.WriteLine($"MISMATCH {mismatches.Count}");
            foreach (string m in mismatches.Take(20))
            {
                Console.WriteLine("  " + m);
            }

            return 1;
        }

        Console.WriteLine($"ok {calls}");
        return 0;
    }

    /// <summary>
    /// Copies the case into the guarded regions (every span flush against a guard page) and calls the kernel. Padding
    /// between rows gets +inf and padding between labels -1 here (NaN and MinValue on the managed side), so a kernel
    /// that read either would not match the managed call.
    /// </summary>
    private static Outcome RunGuarded(Case cs, Regions r, bool atEnd, CpuPath path)
    {
        KernelInfo k = cs.Kernel;
        var a = new KernelArgs { C = cs.C, RowStride = cs.RowStride, LabelStride = cs.LabelStride, Correct = -1, Result = float.NaN };
        if (cs.PredF is not null)
        {
            Span<float> p = r.Predictions.Copy<float>(cs.PredF, atEnd);
            for (int i = 0; i < p.Length; i++)
            {
                p[i] = i % cs.RowStride >= cs.C ? float.PositiveInfinity : p[i];
            }

            a.Pf = p;
        }
        else
        {
            Span<Half> p = r.Predictions.Copy<Half>(cs.PredH, atEnd);
            for (int i = 0; i < p.Length; i++)
            {
                p[i] = i % cs.RowStride >= cs.C ? Half.PositiveInfinity : p[i];
            }

            a.Ph = p;
        }

        if (cs.LabL is not null)
        {
            Span<long> l = r.Labels.Copy<long>(cs.LabL, atEnd);
            for (int i = 0; i < l.Length; i++)
            {
                l[i] = i % cs.LabelStride != 0 ? -1 : l[i];
            }

            a.Ll = l;
        }
        else
        {
            Span<int> l = r.Labels.Copy<int>(cs.LabI, atEnd);
            for (int i = 0; i < l.Length; i++)
            {
                l[i] = i % cs.LabelStride != 0 ? -1 : l[i];
            }

            a.Li = l;
        }

        if (cs.Up is not null)
        {
            a.Up = r.Upstream.Copy<float>(cs.Up, atEnd);
        }

        Outcome o = Outcome.ForCase(cs);
        a.Losses = r.Losses.Copy<float>(o.Losses, atEnd);
        if (k.Grad == GradKind.Float)
        {
            a.Gf = r.Gradient.Copy<float>(o.GradF, atEnd);
        }
        else if (k.Grad == GradKind.Half)
        {
            a.Gh = r.Gradient.Copy<Half>(o.GradH, atEnd);
        }

        Runner.Invoke(k, ref a, path);
        o.Result = a.Result;
        o.Correct = a.Correct;
        a.Losses.CopyTo(o.Losses);
        a.Gf.CopyTo(o.GradF);
        a.Gh.CopyTo(o.GradH);
        return o;
    }

    // ---- self-test: the guards really fault ------------------------------------------------------------------------

    private static unsafe int Fault(string what)
    {
        using var region = new GuardedRegion(4096);
        float sink = 0;
        switch (what)
        {
            case "read-end":
            {
                Span<float> s = region.Place<float>(4, atEnd: true);
                s.Fill(1f);
                float* p = (float*)region.End - 4;
                Console.WriteLine("reading one float past the span...");
                Console.Out.Flush();
                sink = Volatile.Read(ref p[4]);
                break;
            }

            case "read-start":
            {
                float* p = (float*)region.Start;
                Console.WriteLine("reading one float before the span...");
                Console.Out.Flush();
                sink = Volatile.Read(ref p[-1]);
                break;
            }

            case "write-end":
            {
                float* p = (float*)region.End - 4;
                Console.WriteLine("writing one float past the span...");
                Console.Out.Flush();
                Volatile.Write(ref p[4], 1f);
                break;
            }

            case "kernel":
            {
                // A span that claims two rows of 10 logits when only the first row is mapped: the kernel's read of
                // row 1 must fault (the shape checks cannot see this lie: it is the guard's job).
                Span<float> row0 = region.Place<float>(10, atEnd: true);
                row0.Fill(0.5f);
                var lying = new ReadOnlySpan<float>(region.End - 40, 20);
                Console.WriteLine("calling a kernel on a span that runs into the guard page...");
                Console.Out.Flush();
                sink = K.LF_Rt_r5(lying, 10, new[] { 0, 1 }, out _);
                break;
            }

            default:
                return Usage();
        }

        Console.WriteLine($"no fault ({sink})");
        return 0;
    }

    // ---- first-touch race ----------------------------------------------------------------------------------------

    private static int Race(int threads)
    {
        // Nothing above has touched CpuDispatch or any kernel: the threads below are the first.
        var barrier = new Barrier(threads);
        var seen = new string[threads];
        var results = new uint[threads];
        float[] logits = { 1f, 2f, 3f, 0.5f, -1f, 4f };
        int[] labels = { 2, 0 };
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                barrier.SignalAndWait();
                // Half the threads read the dispatch state first, half call a kernel first (which reads it inside).
                if (id % 2 == 0)
                {
                    seen[id] = Describe();
                    results[id] = BitConverter.SingleToUInt32Bits(K.LF_Rt_r5(logits, 3, labels, out _));
                }
                else
                {
                    results[id] = BitConverter.SingleToUInt32Bits(K.LF_Rt_r5(logits, 3, labels, out _));
                    seen[id] = Describe();
                }
            });
            workers[t].Start();
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        int distinctStates = seen.Distinct().Count();
        int distinctResults = results.Distinct().Count();
        Console.WriteLine($"race threads={threads} states={distinctStates} results={distinctResults}");
        Console.WriteLine("state " + seen[0]);
        if (distinctStates != 1 || distinctResults != 1)
        {
            foreach (string s in seen.Distinct())
            {
                Console.WriteLine("  seen: " + s);
            }

            return 1;
        }

        Console.WriteLine($"ok {threads}");
        return 0;
    }

    private static string Describe() =>
        $"selected={CpuDispatch.Selected} detected={CpuDispatch.Detected} current={CpuDispatch.Current} " +
        $"supported={string.Join(",", CpuDispatch.SupportedPaths)} note={(CpuDispatch.EnvironmentNote is null ? "none" : "set")}";
}
