using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Runtime.Tests;

/// <summary><see cref="CpuDispatch"/>: parsing of <c>CCEGEN_ISA</c>, per-thread forcing, and agreement with the process's ISA knobs.</summary>
public sealed class DispatchTests
{
    private readonly ITestOutputHelper _output;

    public DispatchTests(ITestOutputHelper output) => _output = output;

    // ---- Select ----------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(CpuPath.Avx512)]
    [InlineData(CpuPath.Avx2)]
    [InlineData(CpuPath.Scalar)]
    public void Select_NullOrEmpty_KeepsDetected_WithoutNote(CpuPath detected)
    {
        Assert.Equal(detected, CpuDispatch.Select(detected, null, out string? note));
        Assert.Null(note);
        Assert.Equal(detected, CpuDispatch.Select(detected, string.Empty, out note));
        Assert.Null(note);
        Assert.Equal(detected, CpuDispatch.Select(detected, "   ", out note));
        Assert.Null(note);
    }

    [Theory]
    [InlineData(CpuPath.Avx512, "scalar", CpuPath.Scalar)]
    [InlineData(CpuPath.Avx512, "avx2", CpuPath.Avx2)]
    [InlineData(CpuPath.Avx512, "avx512", CpuPath.Avx512)]
    [InlineData(CpuPath.Avx512, "AVX2", CpuPath.Avx2)]
    [InlineData(CpuPath.Avx512, "  Scalar\t", CpuPath.Scalar)]
    [InlineData(CpuPath.Avx512, " AvX512 ", CpuPath.Avx512)]
    [InlineData(CpuPath.Avx2, "avx2", CpuPath.Avx2)]
    [InlineData(CpuPath.Avx2, "SCALAR", CpuPath.Scalar)]
    [InlineData(CpuPath.Scalar, "scalar", CpuPath.Scalar)]
    public void Select_KnownValue_LowersThePath(CpuPath detected, string requested, CpuPath expected)
    {
        Assert.Equal(expected, CpuDispatch.Select(detected, requested, out string? note));
        Assert.Null(note);
    }

    [Theory]
    [InlineData(CpuPath.Avx2, "avx512")]
    [InlineData(CpuPath.Scalar, "avx512")]
    [InlineData(CpuPath.Scalar, "AVX2")]
    [InlineData(CpuPath.Scalar, " avx2 ")]
    public void Select_AboveDetected_IsIgnoredWithNote(CpuPath detected, string requested)
    {
        Assert.Equal(detected, CpuDispatch.Select(detected, requested, out string? note));
        Assert.NotNull(note);
        Assert.Contains("CCEGEN_ISA", note, StringComparison.Ordinal);
        Assert.Contains(CpuDispatch.EnvironmentVariable, note, StringComparison.Ordinal);
        Assert.Contains(requested, note, StringComparison.Ordinal);
        Assert.Contains(CpuDispatch.Describe(detected), note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CpuPath.Avx512, "sse4")]
    [InlineData(CpuPath.Avx2, "avx 2")]
    [InlineData(CpuPath.Scalar, "fast")]
    [InlineData(CpuPath.Avx512, "1")]
    public void Select_UnknownValue_IsIgnoredWithNote(CpuPath detected, string requested)
    {
        Assert.Equal(detected, CpuDispatch.Select(detected, requested, out string? note));
        Assert.NotNull(note);
        Assert.Contains(CpuDispatch.EnvironmentVariable, note, StringComparison.Ordinal);
        Assert.Contains(requested, note, StringComparison.Ordinal);
        Assert.Contains("avx512", note, StringComparison.Ordinal); // lists what is accepted
    }

    [Fact]
    public void Describe_NamesEachPath()
    {
        Assert.Equal("AVX-512", CpuDispatch.Describe(CpuPath.Avx512));
        Assert.Equal("AVX2+FMA", CpuDispatch.Describe(CpuPath.Avx2));
        Assert.Equal("scalar", CpuDispatch.Describe(CpuPath.Scalar));
    }

    // ---- Detected / Selected / SupportedPaths ------------------------------------------------------------------------

    [Fact]
    public void Detected_IsBackedByTheRuntimeIsaFlags()
    {
        if (CpuDispatch.Detected >= CpuPath.Avx2)
        {
            Assert.True(Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported);
        }

        if (CpuDispatch.Detected == CpuPath.Avx512)
        {
            Assert.True(Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported);
        }

        // And nothing usable is left on the table.
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Avx512BW.IsSupported && Fma.IsSupported)
        {
            Assert.Equal(CpuPath.Avx512, CpuDispatch.Detected);
        }
        else if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported)
        {
            Assert.Equal(CpuPath.Avx2, CpuDispatch.Detected);
        }
    }

    [Fact]
    public void Selected_FollowsEnvironment()
    {
        string? env = Environment.GetEnvironmentVariable(CpuDispatch.EnvironmentVariable);
        CpuPath expected = CpuDispatch.Select(CpuDispatch.Detected, env, out string? note);
        Assert.Equal(expected, CpuDispatch.Selected);
        Assert.Equal(note, CpuDispatch.EnvironmentNote);
        Assert.True(CpuDispatch.Selected <= CpuDispatch.Detected);
    }

    [Fact]
    public void SupportedPaths_AreDetectedAndBelow_WidestFirst()
    {
        var paths = CpuDispatch.SupportedPaths;
        Assert.Equal((int)CpuDispatch.Detected + 1, paths.Count);
        Assert.Equal(CpuDispatch.Detected, paths[0]);
        Assert.Equal(CpuPath.Scalar, paths[paths.Count - 1]);
        for (int i = 1; i < paths.Count; i++)
        {
            Assert.Equal(paths[i - 1] - 1, paths[i]);
        }
    }

    // ---- Force -----------------------------------------------------------------------------------------------------

    private static CpuPath CurrentOnAnotherThread()
    {
        CpuPath seen = (CpuPath)(-1);
        var thread = new Thread(() => seen = CpuDispatch.Current);
        thread.Start();
        thread.Join();
        return seen;
    }

    [Fact]
    public void Force_ChangesCurrentOnThisThreadOnly_AndRestoresOnDispose()
    {
        Assert.Equal(CpuDispatch.Selected, CpuDispatch.Current);

        // Force every supported path, including one different from Selected whenever the machine has two.
        foreach (CpuPath path in CpuDispatch.SupportedPaths)
        {
            using (CpuDispatch.Force(path))
            {
                Assert.Equal(path, CpuDispatch.Current);
                Assert.Equal(CpuDispatch.Selected, CurrentOnAnotherThread());
            }

            Assert.Equal(CpuDispatch.Selected, CpuDispatch.Current);
        }

        Assert.Equal(CpuDispatch.Selected, CurrentOnAnotherThread());
    }

    [Fact]
    public void Force_OnAnotherThread_DoesNotLeakHere()
    {
        using var forced = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        CpuPath seenThere = (CpuPath)(-1);
        var thread = new Thread(() =>
        {
            using (CpuDispatch.Force(CpuPath.Scalar))
            {
                seenThere = CpuDispatch.Current;
                forced.Set();
                release.Wait();
            }
        });
        thread.Start();
        forced.Wait();
        try
        {
            Assert.Equal(CpuPath.Scalar, seenThere);
            Assert.Equal(CpuDispatch.Selected, CpuDispatch.Current);
        }
        finally
        {
            release.Set();
            thread.Join();
        }
    }

    [Fact]
    public void Force_NestedScopes_RestoreInOrder()
    {
        CpuPath outer = CpuPath.Scalar;
        CpuPath inner = CpuDispatch.Detected; // differs from outer on any SIMD machine
        CpuPath innermost = CpuPath.Scalar;

        using (CpuDispatch.Force(outer))
        {
            Assert.Equal(outer, CpuDispatch.Current);
            using (CpuDispatch.Force(inner))
            {
                Assert.Equal(inner, CpuDispatch.Current);
                using (CpuDispatch.Force(innermost))
                {
                    Assert.Equal(innermost, CpuDispatch.Current);
                }

                Assert.Equal(inner, CpuDispatch.Current);
            }

            Assert.Equal(outer, CpuDispatch.Current);
            Assert.Equal(CpuDispatch.Selected, CurrentOnAnotherThread());
        }

        Assert.Equal(CpuDispatch.Selected, CpuDispatch.Current);
    }

    [Fact]
    public void Force_AboveDetected_Throws()
    {
        int throwsChecked = 0;
        foreach (CpuPath path in new[] { CpuPath.Avx2, CpuPath.Avx512, (CpuPath)3, (CpuPath)(-1) })
        {
            if (path >= CpuPath.Scalar && path <= CpuDispatch.Detected)
            {
                continue;
            }

            var ex = Assert.Throws<PlatformNotSupportedException>(() => CpuDispatch.Force(path));
            Assert.Contains(CpuDispatch.Describe(CpuDispatch.Detected), ex.Message, StringComparison.Ordinal);
            throwsChecked++;

            // A failed Force must not leave anything forced.
            Assert.Equal(CpuDispatch.Selected, CpuDispatch.Current);
        }

        Assert.True(throwsChecked >= 2);
    }

    // ---- the process's ISA knobs -----------------------------------------------------------------------------------

    [Fact]
    public void Environment_IsConsistentWithDetectedAndSelected()
    {
        string? enableAvx512 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX512");
        string? enableAvx2 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX2");
        string? isa = Environment.GetEnvironmentVariable(CpuDispatch.EnvironmentVariable);
        string? expectPath = Environment.GetEnvironmentVariable("CCEGEN_EXPECT_PATH");

        _output.WriteLine($"Detected = {CpuDispatch.Detected} ({CpuDispatch.Describe(CpuDispatch.Detected)})");
        _output.WriteLine($"Selected = {CpuDispatch.Selected} ({CpuDispatch.Describe(CpuDispatch.Selected)})");
        _output.WriteLine($"EnvironmentNote = {CpuDispatch.EnvironmentNote ?? "(none)"}");
        _output.WriteLine($"DOTNET_EnableAVX512 = {enableAvx512 ?? "(unset)"}");
        _output.WriteLine($"DOTNET_EnableAVX2 = {enableAvx2 ?? "(unset)"}");
        _output.WriteLine($"CCEGEN_ISA = {isa ?? "(unset)"}");
        _output.WriteLine($"CCEGEN_EXPECT_PATH = {expectPath ?? "(unset)"}");
        _output.WriteLine(
            $"Vector256.IsHardwareAccelerated = {Vector256.IsHardwareAccelerated}, Vector512.IsHardwareAccelerated = {Vector512.IsHardwareAccelerated}, " +
            $"Avx2 = {Avx2.IsSupported}, Fma = {Fma.IsSupported}, Avx512F = {Avx512F.IsSupported}, Avx512BW = {Avx512BW.IsSupported}");

        if (enableAvx512?.Trim() == "0")
        {
            Assert.NotEqual(CpuPath.Avx512, CpuDispatch.Detected);
        }

        if (enableAvx2?.Trim() == "0")
        {
            Assert.Equal(CpuPath.Scalar, CpuDispatch.Detected);
        }

        if (!string.IsNullOrWhiteSpace(expectPath))
        {
            CpuPath expected = expectPath.Trim().ToLowerInvariant() switch
            {
                "avx512" => CpuPath.Avx512,
                "avx2" => CpuPath.Avx2,
                "scalar" => CpuPath.Scalar,
                _ => throw new InvalidOperationException($"CCEGEN_EXPECT_PATH='{expectPath}': expected avx512, avx2 or scalar."),
            };
            Assert.Equal(expected, CpuDispatch.Selected);
        }
    }
}
