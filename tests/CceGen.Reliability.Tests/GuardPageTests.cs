using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Reliability;

/// <summary>
/// Memory safety: the probe (a child process) runs every kernel of the table with each input and output span flush
/// against a PROT_NONE page, after its last element and before its first. A read or write outside a span kills the
/// probe with SIGSEGV and the test fails; the test host survives. The probe also checks that each guarded call returns
/// the same bits as the call on managed arrays (with different padding between rows and labels, so padding reads show).
/// </summary>
public sealed class GuardPageTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private readonly ITestOutputHelper _output;

    public GuardPageTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Paths()
    {
        var data = new TheoryData<string>();
        foreach (CpuPath p in CpuDispatch.SupportedPaths)
        {
            data.Add(p.ToString().ToLowerInvariant());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryKernel_EveryLayout_StaysInsideItsSpans(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            _output.WriteLine("guard pages need Linux (mmap/mprotect): not run");
            return;
        }

        ProbeProcess.Result r = ProbeProcess.Run(new[] { "--guard", path }, s_timeout);
        _output.WriteLine(r.Stdout.Trim());
        if (r.ExitCode != 0 && !r.Stdout.Contains("MISMATCH", StringComparison.Ordinal) && !r.TimedOut)
        {
            // The probe died (a fault): rerun with the case trace to name the case that faulted.
            ProbeProcess.Result verbose = ProbeProcess.Run(new[] { "--guard", path, "--verbose" }, s_timeout);
            string last = verbose.Stdout.Split('\n').LastOrDefault(l => l.StartsWith("case ", StringComparison.Ordinal)) ?? "(none)";
            Assert.Fail($"the guard probe died on {path}: last case started: {last}{Environment.NewLine}{r}");
        }

        Assert.True(r.ExitCode == 0, r.ToString());
        Match ok = Regex.Match(r.Stdout, @"^ok (\d+)\s*$", RegexOptions.Multiline);
        Assert.True(ok.Success, "no 'ok N' line: " + r);
        long calls = long.Parse(ok.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(calls >= 15_000, $"only {calls} calls");
        Assert.Contains($"{KernelTable.All.Length} kernels ({KernelTable.All.Length} run)", r.Stdout, StringComparison.Ordinal);
        // Strided gradients leave the padding between rows alone.
        Assert.Contains("gradient padding: 0 elements written", r.Stdout, StringComparison.Ordinal);
        _output.WriteLine($"probe time {r.Elapsed.TotalSeconds:0.00} s");
    }

    /// <summary>The guards are real: touching one element past or before a placed span, or a kernel running into the
    /// guard page, kills the probe (so a passing sweep above means no stray access, not a disarmed guard).</summary>
    [Theory]
    [InlineData("read-end")]
    [InlineData("read-start")]
    [InlineData("write-end")]
    [InlineData("kernel")]
    public void GuardPages_Fault(string mode)
    {
        if (!OperatingSystem.IsLinux())
        {
            _output.WriteLine("guard pages need Linux (mmap/mprotect): not run");
            return;
        }

        ProbeProcess.Result r = ProbeProcess.Run(new[] { "--fault", mode }, s_timeout);
        _output.WriteLine(r.ToString());
        Assert.False(r.TimedOut, r.ToString());
        Assert.NotEqual(0, r.ExitCode);
        Assert.DoesNotContain("no fault", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("AccessViolationException", r.Stdout + r.Stderr, StringComparison.Ordinal);
    }
}
