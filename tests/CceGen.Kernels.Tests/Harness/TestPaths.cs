using System;
using System.Linq;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>Theory data: every path this process supports, optionally crossed with kernel names.</summary>
public static class TestPaths
{
    /// <summary>Every supported path (AVX-512, AVX2, scalar as the CPU and DOTNET_* settings allow).</summary>
    public static TheoryData<CpuPath> All()
    {
        var data = new TheoryData<CpuPath>();
        foreach (CpuPath path in CpuDispatch.SupportedPaths)
        {
            data.Add(path);
        }

        return data;
    }

    /// <summary>Every (kernel, path) pair for the kernels matching <paramref name="predicate"/>.</summary>
    public static TheoryData<string, CpuPath> KernelsAndPaths(Func<KernelInfo, bool> predicate)
    {
        var data = new TheoryData<string, CpuPath>();
        foreach (KernelInfo kernel in KernelTable.All.Where(predicate))
        {
            foreach (CpuPath path in CpuDispatch.SupportedPaths)
            {
                data.Add(kernel.Name, path);
            }
        }

        return data;
    }

    /// <summary>Kernel names matching <paramref name="predicate"/>.</summary>
    public static TheoryData<string> Kernels(Func<KernelInfo, bool> predicate)
    {
        var data = new TheoryData<string>();
        foreach (KernelInfo kernel in KernelTable.All.Where(predicate))
        {
            data.Add(kernel.Name);
        }

        return data;
    }
}
