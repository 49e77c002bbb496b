using System;
using System.Linq;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Kernels.Tests;

/// <summary>
/// What the suite relies on from <see cref="CpuDispatch"/>, and that the process-wide settings the suite is run under
/// (DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0, CCEGEN_ISA=scalar) take effect: an unforced call runs the selected path.
/// </summary>
public sealed class DispatchTests(ITestOutputHelper output)
{
    [Fact]
    public void Supported_paths_run_from_the_detected_one_down_to_scalar()
    {
        output.WriteLine($"Detected {CpuDispatch.Describe(CpuDispatch.Detected)}, selected {CpuDispatch.Describe(CpuDispatch.Selected)}, " +
            $"supported: {string.Join(", ", CpuDispatch.SupportedPaths.Select(CpuDispatch.Describe))}");
        Assert.Equal(CpuDispatch.Detected, CpuDispatch.SupportedPaths[0]);
        Assert.Equal(CpuPath.Scalar, CpuDispatch.SupportedPaths[^1]);
        Assert.Equal((int)CpuDispatch.Detected + 1, CpuDispatch.SupportedPaths.Count);
        Assert.Contains(CpuDispatch.Selected, CpuDispatch.SupportedPaths);
    }

    [Fact]
    public void Runtime_and_environment_settings_take_effect()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") is "0" || Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F") is "0")
        {
            Assert.NotEqual(CpuPath.Avx512, CpuDispatch.Detected);
        }

        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") is "0" || Environment.GetEnvironmentVariable("DOTNET_EnableAVX") is "0")
        {
            Assert.Equal(CpuPath.Scalar, CpuDispatch.Detected);
        }

        string? isa = Environment.GetEnvironmentVariable(CpuDispatch.EnvironmentVariable);
        Assert.Equal(CpuDispatch.Select(CpuDispatch.Detected, isa, out _), CpuDispatch.Selected);
        if (isa is "scalar")
        {
            Assert.Equal(CpuPath.Scalar, CpuDispatch.Selected);
        }
    }

    [Fact]
    public void Forcing_is_scoped_and_nests()
    {
        using (CpuDispatch.Force(CpuPath.Scalar))
        {
            Assert.Equal(CpuPath.Scalar, CpuDispatch.Current);
            using (CpuDispatch.Force(CpuDispatch.Detected))
            {
                Assert.Equal(CpuDispatch.Detected, CpuDispatch.Current);
            }

            Assert.Equal(CpuPath.Scalar, CpuDispatch.Current);
        }

        Assert.Equal(CpuDispatch.Selected, CpuDispatch.Current);
    }

    [Fact]
    public void Unforced_calls_run_the_selected_path()
    {
        foreach (KernelInfo k in KernelTable.All.Where(k => k.RuntimeClassCount && k.Stride == StrideKind.Dense))
        {
            Batch batch = RandomBatches.Get(k.Dtype, RandomBatches.For(k.Input)[0], 5, 33);
            CallArgs args = Runner.Build(k, batch, Runner.LayoutsFor(k, 33)[0]);
            float[] unforced = new float[5];
            float value = k.Invoke(args, k.Reduction == CceReduction.None ? unforced : Span<float>.Empty);
            Outcome forced = Runner.Run(k, args, 5, CpuDispatch.Selected);
            float[] a = k.Reduction == CceReduction.None ? unforced : new[] { value };
            float[] b = forced.Rows ?? new[] { forced.Value };
            Assert.True(a.Zip(b).All(p => BitIdentityTests.SameBits(p.First, p.Second)), $"{k.Name}: unforced call differs from the selected path");
        }
    }
}
