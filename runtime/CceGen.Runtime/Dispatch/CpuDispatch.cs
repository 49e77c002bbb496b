using System;
using System.Collections.Generic;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace CceGen.Runtime;

/// <summary>
/// Chooses, once per process, which instruction-set path generated kernels run.
/// </summary>
/// <remarks>
/// <para>Detection reads .NET's <c>IsSupported</c>/<c>IsHardwareAccelerated</c> flags, so the runtime's own knobs
/// (<c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c>, <c>DOTNET_PreferredVectorBitWidth=256</c>) flow through.</para>
/// <para>The environment variable <c>CCEGEN_ISA=avx512|avx2|scalar</c> (like PyTorch's <c>ATEN_CPU_CAPABILITY</c>)
/// can only lower the path; an unknown value or one above what the CPU has is reported once on stderr and ignored.</para>
/// <para>Tests can force a lower path for the current thread with <see cref="Force"/>.</para>
/// </remarks>
public static class CpuDispatch
{
    /// <summary>Name of the environment variable that lowers the path.</summary>
    public const string EnvironmentVariable = "CCEGEN_ISA";

    /// <summary>The best path this process's CPU and runtime settings allow.</summary>
    public static CpuPath Detected { get; } = Detect();

    /// <summary>The path chosen for this process: <see cref="Detected"/>, lowered by <c>CCEGEN_ISA</c> if set.</summary>
    public static CpuPath Selected { get; } = Select(Detected, Environment.GetEnvironmentVariable(EnvironmentVariable), out s_environmentNote);

    /// <summary>Why <c>CCEGEN_ISA</c> was ignored, or <see langword="null"/> when it was absent or honoured.</summary>
    public static string? EnvironmentNote => s_environmentNote;

    private static readonly string? s_environmentNote;
    private static int s_forcedThreads;
    [ThreadStatic] private static int t_forced; // 0 = none, else (int)path + 1

    static CpuDispatch()
    {
        if (s_environmentNote is not null)
        {
            Console.Error.WriteLine(s_environmentNote);
        }
    }

    /// <summary>The path a kernel called now on this thread runs.</summary>
    public static CpuPath Current
    {
        get
        {
            // One static load and branch on the normal path; the thread-static is read only while a test forces a path.
            if (Volatile.Read(ref s_forcedThreads) == 0)
            {
                return Selected;
            }

            int forced = t_forced;
            return forced == 0 ? Selected : (CpuPath)(forced - 1);
        }
    }

    /// <summary>Every path this process can run, widest first (<see cref="Detected"/> and below).</summary>
    public static IReadOnlyList<CpuPath> SupportedPaths { get; } = BuildSupported(Detected);

    /// <summary>Forces <paramref name="path"/> for kernels called on the current thread until the scope is disposed.</summary>
    /// <exception cref="PlatformNotSupportedException">The CPU or runtime settings do not allow <paramref name="path"/>.</exception>
    public static ForcedPathScope Force(CpuPath path)
    {
        if (path > Detected || path < CpuPath.Scalar)
        {
            throw new PlatformNotSupportedException(
                $"CceGen cannot force the {path} path: this process supports {Describe(Detected)} at most.");
        }

        int previous = t_forced;
        t_forced = (int)path + 1;
        Interlocked.Increment(ref s_forcedThreads);
        return new ForcedPathScope(previous);
    }

    /// <summary>A short human-readable name of a path ("AVX-512", "AVX2+FMA", "scalar").</summary>
    public static string Describe(CpuPath path) => path switch
    {
        CpuPath.Avx512 => "AVX-512",
        CpuPath.Avx2 => "AVX2+FMA",
        _ => "scalar",
    };

    /// <summary>Parses a <c>CCEGEN_ISA</c> value and applies it to <paramref name="detected"/>.</summary>
    /// <returns>The path to use; <paramref name="note"/> is set when the value was ignored.</returns>
    public static CpuPath Select(CpuPath detected, string? requested, out string? note)
    {
        note = null;
        if (string.IsNullOrWhiteSpace(requested))
        {
            return detected;
        }

        CpuPath? wanted = requested!.Trim().ToLowerInvariant() switch
        {
            "avx512" or "avx-512" => CpuPath.Avx512,
            "avx2" => CpuPath.Avx2,
            "scalar" or "default" => CpuPath.Scalar,
            _ => null,
        };

        if (wanted is null)
        {
            note = $"CceGen: ignoring {EnvironmentVariable}='{requested}': expected avx512, avx2 or scalar. Using {Describe(detected)}.";
            return detected;
        }

        if (wanted.Value > detected)
        {
            note = $"CceGen: ignoring {EnvironmentVariable}='{requested}': this CPU/runtime supports {Describe(detected)} at most. Using {Describe(detected)}.";
            return detected;
        }

        return wanted.Value;
    }

    private static CpuPath Detect()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported && Fma.IsSupported)
        {
            return CpuPath.Avx512;
        }

        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported)
        {
            return CpuPath.Avx2;
        }

        return CpuPath.Scalar;
    }

    private static CpuPath[] BuildSupported(CpuPath detected)
    {
        var paths = new CpuPath[(int)detected + 1];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = (CpuPath)((int)detected - i);
        }

        return paths;
    }

    /// <summary>Restores the previous forced path of the thread on dispose.</summary>
    public readonly struct ForcedPathScope : IDisposable
    {
        private readonly int _previous;

        internal ForcedPathScope(int previous) => _previous = previous;

        /// <summary>Ends the scope.</summary>
        public void Dispose()
        {
            t_forced = _previous;
            Interlocked.Decrement(ref s_forcedThreads);
        }
    }
}
