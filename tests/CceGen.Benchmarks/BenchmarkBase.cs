using System;
using System.Collections.Generic;
using System.Linq;
using CceGen.Runtime;

namespace CceGen.Benchmarks;

/// <summary>
/// Shared parameter sources, path forcing and the hooks <c>--quick</c> uses to check results.
/// </summary>
/// <remarks>
/// <para><b>Path forcing.</b> <see cref="CpuDispatch.Force"/> is per thread. BenchmarkDotNet runs GlobalSetup, every
/// invocation of the benchmark and GlobalCleanup on the same thread, so the path is forced once in GlobalSetup
/// (and not at all when the requested path is the one the process selected anyway, so the AVX-512 rows measure the
/// production dispatch). The first invocation checks that it runs on the GlobalSetup thread and that
/// <see cref="CpuDispatch.Current"/> is the requested path, and GlobalCleanup checks it again; a mismatch throws and
/// fails the benchmark. Forcing per call instead costs two interlocked operations per call: see
/// <see cref="ForceOverhead"/> for the measured difference.</para>
/// </remarks>
public abstract class BenchmarkBase : IDisposable
{
    private CpuDispatch.ForcedPathScope? _scope;
    private int _setupThread;
    private CpuPath _expected;
    private bool _verified;
    private long _setupStart;

    /// <summary>Runtime-C shapes plus (1048576, 10) for the runtime-C kernels at C = 10.</summary>
    public static IEnumerable<string> AllShapes => Settings.Quick
        ? new[] { "64x10", "32x100", "8x1000", "2x32000", "1x128000" }
        : new[] { "1048576x10", "131072x100", "16384x1000", "512x32000", "128x128000" };

    /// <summary>The compile-time C = 10 shape.</summary>
    public static IEnumerable<string> C10Shape => Settings.Quick ? new[] { "64x10" } : new[] { "1048576x10" };

    /// <summary>The per-call latency shape.</summary>
    public static IEnumerable<string> LatencyShape => new[] { "32x10" };

    /// <summary>AVX-512, AVX2+FMA, scalar (those this machine supports).</summary>
    public static IEnumerable<CpuPath> AllPaths => CpuDispatch.SupportedPaths.ToArray();

    /// <summary>Only the widest path (for kernels whose generated code is the same on every path).</summary>
    public static IEnumerable<CpuPath> WidestPath => new[] { CpuDispatch.Detected };

    /// <summary>The parsed shape.</summary>
    protected Shape Size { get; private set; }

    /// <summary>Sets <see cref="Size"/> and forces <paramref name="path"/> on this thread if it is not the selected one.</summary>
    protected void Begin(string shape, CpuPath path)
    {
        _setupStart = System.Diagnostics.Stopwatch.GetTimestamp();
        Size = Shape.Parse(shape);
        _expected = path;
        _setupThread = Environment.CurrentManagedThreadId;
        _verified = false;
        if (path != CpuDispatch.Selected)
        {
            _scope = CpuDispatch.Force(path);
        }

        Verify();
    }

    /// <summary>Sets <see cref="Size"/> only (baselines do not dispatch).</summary>
    protected void Begin(string shape)
    {
        _setupStart = System.Diagnostics.Stopwatch.GetTimestamp();
        Size = Shape.Parse(shape);
        _expected = CpuDispatch.Current;
        _setupThread = Environment.CurrentManagedThreadId;
        _verified = true;
    }

    /// <summary>Logs (to the BenchmarkDotNet log) what GlobalSetup built and how long it took.</summary>
    protected void Ready<T>(RotatingInputs<T> inputs) where T : unmanaged
    {
        if (!Settings.Quick)
        {
            Console.WriteLine(
                $"// CceGen setup: {inputs.Shape} {typeof(T).Name}, {inputs.Copies} rotated copies = {inputs.PredictionBytes / (1 << 20)} MiB of y_pred, " +
                $"path {CpuDispatch.Current}, {System.Diagnostics.Stopwatch.GetElapsedTime(_setupStart).TotalSeconds:0.00} s");
        }
    }

    /// <summary>
    /// Brings the measured code to its steady state before BenchmarkDotNet starts: each call (the kernel or baseline
    /// on a few rows of the same buffers) runs 3 x 40 times with a pause after each round, so tiered compilation
    /// promotes it (tier 0 -> instrumented -> tier 1 with dynamic PGO; the jobs set DOTNET_TC_CallCountingDelayMs=0).
    /// Without this, a 100 ms call is run only ~15 times by the engine and would be measured as tier-0/OSR code.
    /// </summary>
    protected static void WarmUp(params Action[] calls)
    {
        if (Settings.Quick)
        {
            return;
        }

        for (int round = 0; round < 3; round++)
        {
            for (int k = 0; k < 40; k++)
            {
                foreach (Action call in calls)
                {
                    call();
                }
            }

            System.Threading.Thread.Sleep(50);
        }
    }

    /// <summary>Rows to use in <see cref="WarmUp"/> calls: about 4096 elements.</summary>
    protected int WarmRows => Math.Max(1, Math.Min(Size.Batch, 4096 / Size.Classes));

    /// <summary>Call at the top of a kernel benchmark: checks the path once, on the first invocation.</summary>
    protected void CheckPathOnce()
    {
        if (!_verified)
        {
            Verify();
            _verified = true;
        }
    }

    /// <summary>Releases the path force and the buffers.</summary>
    protected void End()
    {
        Verify();
        _scope?.Dispose();
        _scope = null;
        Dispose();
    }

    /// <summary>Frees the inputs.</summary>
    public abstract void Dispose();

    /// <summary>For <c>--quick</c>: the naive-loop value a method's result must match, or null (rooflines).</summary>
    public abstract double? Reference(string method);

    /// <summary>For <c>--quick</c>: the value the method computed (the returned one by default).</summary>
    public virtual double Observed(string method, float returned) => returned;

    /// <summary>For <c>--quick</c>: an extra check after the method ran (gradients); an error message or null.</summary>
    public virtual string? ExtraCheck(string method) => null;

    private void Verify()
    {
        if (Environment.CurrentManagedThreadId != _setupThread)
        {
            throw new InvalidOperationException(
                $"Benchmark runs on thread {Environment.CurrentManagedThreadId} but GlobalSetup forced the path on thread {_setupThread}.");
        }

        if (CpuDispatch.Current != _expected)
        {
            throw new InvalidOperationException($"Expected the {_expected} path, CpuDispatch.Current is {CpuDispatch.Current}.");
        }
    }
}
