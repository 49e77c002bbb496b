using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;

namespace CceGen.Reliability;

/// <summary>Runs the CceGen.GuardProbe console app (built with this project, see the csproj) as a child process.</summary>
public static class ProbeProcess
{
    /// <summary>The probe's dll, recorded at build time (same configuration as this assembly).</summary>
    public static string DllPath =>
        typeof(ProbeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "GuardProbePath").Value ?? string.Empty;

    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, bool TimedOut)
    {
        public override string ToString() =>
            $"exit code {ExitCode}{(TimedOut ? " (timed out, killed)" : string.Empty)} after {Elapsed.TotalSeconds:0.0} s" +
            $"{Environment.NewLine}--- stdout (tail){Environment.NewLine}{Tail(Stdout)}{Environment.NewLine}--- stderr (tail){Environment.NewLine}{Tail(Stderr)}";

        private static string Tail(string s) => s.Length <= 4000 ? s : "..." + s[^4000..];
    }

    /// <summary>Runs <c>dotnet probe.dll args</c> with the test process's environment plus <paramref name="environment"/>
    /// (a null value removes a variable); kills the child (only it) after <paramref name="timeout"/>.</summary>
    public static Result Run(IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        string dll = DllPath;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The guard probe was not built at '{dll}' (it is a ProjectReference of this project).", dll);
        }

        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // A deliberate fault must not leave crash dumps behind.
        psi.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        if (environment is not null)
        {
            foreach (KeyValuePair<string, string?> kv in environment)
            {
                if (kv.Value is null)
                {
                    psi.Environment.Remove(kv.Key);
                }
                else
                {
                    psi.Environment[kv.Key] = kv.Value;
                }
            }
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool timedOut = !process.WaitForExit((int)timeout.TotalMilliseconds);
        if (timedOut)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        watch.Stop();
        lock (stdout)
        {
            lock (stderr)
            {
                return new Result(timedOut ? -1 : process.ExitCode, stdout.ToString(), stderr.ToString(), watch.Elapsed, timedOut);
            }
        }
    }

    /// <summary>The dotnet host running this test (DOTNET_HOST_PATH, set by the SDK), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }

        return "dotnet";
    }
}
