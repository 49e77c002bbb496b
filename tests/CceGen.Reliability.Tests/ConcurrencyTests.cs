using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Reliability;

/// <summary>
/// Kernels are stateless apart from <see cref="CpuDispatch"/>'s per-process choice and per-thread forcing: many threads,
/// each with its own data and its own path, must get exactly the single-threaded bits; and the dispatch state read at
/// first touch from many threads at once (a fresh probe process) must be one state.
/// </summary>
public sealed class ConcurrencyTests
{
    private const int Threads = 8;
    private const int CallsPerThread = 10_000;

    // Kernels with every output kind: per-row losses + float gradient + upstream + correct, Mean + Half gradient,
    // Keras/PyTorch, Half inputs, fixed and runtime C, strided rows and labels.
    private static readonly string[] s_kernels =
    {
        "LF_Rt_r3", "LH_Rt_r2", "KF_Rt_r3", "PH_Rt_r4", "KH_C10_f2", "LF_C17_f5", "LH_C3_f3", "PF_C64_f3", "KF_C3_f6",
        "LF_C16_f4", "KH_Rt_r6", "LH_C1_f2",
    };

    private readonly ITestOutputHelper _output;

    public ConcurrencyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void ManyThreads_OwnDataOwnPath_BitIdenticalToSingleThreaded()
    {
        KernelInfo[] kernels = s_kernels.Select(n => KernelTable.All.Single(k => k.Name == n)).ToArray();
        IReadOnlyList<CpuPath> paths = CpuDispatch.SupportedPaths;

        // Per thread: its path (null = not forced), its cases and their single-threaded outcomes on that path.
        var plan = new (CpuPath? Path, bool ScopePerCall, Case[] Cases, Outcome[] Expected)[Threads];
        for (int t = 0; t < Threads; t++)
        {
            CpuPath? path = t % 4 == 3 ? null : paths[t % paths.Count]; // threads 3 and 7 do not force
            var cases = new Case[kernels.Length * 2];
            for (int i = 0; i < cases.Length; i++)
            {
                KernelInfo k = kernels[i % kernels.Length];
                int c = 2 + ((t * 7 + i * 5) % 19);
                int b = 1 + ((t + i) % 5);
                cases[i] = Case.For(k, b, c, c + (i % 3), 1 + (i % 2)).Fill(1000 * t + i);
            }

            plan[t] = (path, t % 2 == 0, cases, cases.Select(cs => Runner.Run(cs, path)).ToArray());
        }

        var failures = new ConcurrentQueue<string>();
        long calls = 0;
        var start = new Barrier(Threads);
        var workers = new Thread[Threads];
        var watch = Stopwatch.StartNew();
        for (int t = 0; t < Threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                (CpuPath? path, bool scopePerCall, Case[] cases, Outcome[] expected) = plan[id];
                start.SignalAndWait();
                // Half the forcing threads hold one scope for the whole loop, half force around each call.
                CpuDispatch.ForcedPathScope? scope = path is { } p && !scopePerCall ? CpuDispatch.Force(p) : null;
                try
                {
                    CpuPath want = path ?? CpuDispatch.Selected;
                    for (int i = 0; i < CallsPerThread; i++)
                    {
                        int n = i % cases.Length;
                        Outcome got = Runner.Run(cases[n], scopePerCall ? path : null);
                        string diff = got.DiffersFrom(expected[n], cases[n]);
                        if (diff.Length > 0)
                        {
                            failures.Enqueue($"thread {id} ({path?.ToString() ?? "not forced"}) call {i} {cases[n]}: {diff}");
                        }

                        if (i % 1000 == 0 && CpuDispatch.Current != want && !scopePerCall)
                        {
                            failures.Enqueue($"thread {id}: CpuDispatch.Current is {CpuDispatch.Current}, forced {want}");
                        }
                    }

                    Interlocked.Add(ref calls, CallsPerThread);
                }
                catch (Exception ex)
                {
                    failures.Enqueue($"thread {id}: {ex}");
                }
                finally
                {
                    scope?.Dispose();
                }
            });
            workers[t].Start();
        }

        foreach (Thread w in workers)
        {
            w.Join();
        }

        watch.Stop();
        _output.WriteLine($"{Threads} threads x {CallsPerThread} calls = {calls} calls in {watch.Elapsed.TotalSeconds:0.00} s; " +
            $"paths: {string.Join(", ", plan.Select(p => p.Path?.ToString() ?? "unforced"))}");
        Assert.True(failures.IsEmpty, $"{failures.Count} failures:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(20))}");
        Assert.Equal((long)Threads * CallsPerThread, calls);
        Assert.Equal(CpuDispatch.Selected, CpuDispatch.Current); // every scope was undone
    }

    /// <summary>A fresh process where 32 threads touch CpuDispatch (and a kernel) for the first time at once.</summary>
    [Fact]
    public void FirstTouch_FromManyThreads_SeesOneState()
    {
        string expected = $"selected={CpuDispatch.Selected} detected={CpuDispatch.Detected} current={CpuDispatch.Selected} " +
            $"supported={string.Join(",", CpuDispatch.SupportedPaths)} note={(CpuDispatch.EnvironmentNote is null ? "none" : "set")}";
        for (int run = 0; run < 4; run++)
        {
            ProbeProcess.Result r = ProbeProcess.Run(new[] { "--race", "32" }, TimeSpan.FromSeconds(60));
            _output.WriteLine(r.Stdout.Trim());
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("race threads=32 states=1 results=1", r.Stdout, StringComparison.Ordinal);
            Assert.Contains("state " + expected, r.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FirstTouch_FromManyThreads_HonoursAndReportsCcegenIsaOnce()
    {
        ProbeProcess.Result scalar = ProbeProcess.Run(new[] { "--race", "32" }, TimeSpan.FromSeconds(60),
            new Dictionary<string, string?> { [CpuDispatch.EnvironmentVariable] = "scalar" });
        Assert.True(scalar.ExitCode == 0, scalar.ToString());
        Assert.Contains($"selected=Scalar detected={CpuDispatch.Detected} current=Scalar", scalar.Stdout, StringComparison.Ordinal);

        ProbeProcess.Result bogus = ProbeProcess.Run(new[] { "--race", "32" }, TimeSpan.FromSeconds(60),
            new Dictionary<string, string?> { [CpuDispatch.EnvironmentVariable] = "avx1024" });
        _output.WriteLine(bogus.ToString());
        Assert.True(bogus.ExitCode == 0, bogus.ToString());
        Assert.Contains($"selected={CpuDispatch.Detected} detected={CpuDispatch.Detected}", bogus.Stdout, StringComparison.Ordinal);
        Assert.Contains("note=set", bogus.Stdout, StringComparison.Ordinal);
        // Reported once on stderr, not once per thread.
        Assert.Single(Regex.Matches(bogus.Stderr, "ignoring CCEGEN_ISA='avx1024'"));
    }
}
