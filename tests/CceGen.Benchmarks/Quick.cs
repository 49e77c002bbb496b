using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace CceGen.Benchmarks;

/// <summary>
/// <c>--quick</c>: every [Benchmark] method of every class, once per parameter combination, on tiny shapes, without
/// BenchmarkDotNet's measurement loop. Checks that every result is finite and that each kernel (and each
/// TensorPrimitives composition) agrees with the naive loop within 1e-4 relative (gradients element-wise), and that
/// a second call allocates nothing.
/// Exit code 1 on any disagreement or exception.
/// </summary>
public static class Quick
{
    /// <summary>Relative tolerance against the naive loop.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Mean of a span, in double (for None-reduction outputs).</summary>
    public static double Mean(ReadOnlySpan<float> values)
    {
        double total = 0;
        foreach (float v in values)
        {
            total += v;
        }

        return total / values.Length;
    }

    /// <summary>Runs everything; returns the process exit code.</summary>
    public static int Run(string? filter)
    {
        Settings.Quick = true;
        var total = Stopwatch.StartNew();
        int run = 0, failed = 0;
        var types = typeof(Quick).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

        foreach (Type type in types)
        {
            foreach (var parameters in Combinations(type))
            {
                foreach (MethodInfo method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
                {
                    string name = $"{type.Name}.{method.Name}({string.Join(", ", parameters.Select(p => $"{p.Property.Name}={p.Value}"))})";
                    if (filter is not null && !name.Contains(filter, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    run++;
                    string? error = RunOne(type, method, parameters, out string detail);
                    if (error is null)
                    {
                        Console.WriteLine($"ok    {name}: {detail}");
                    }
                    else
                    {
                        failed++;
                        Console.WriteLine($"FAIL  {name}: {error}");
                    }
                }
            }
        }

        Console.WriteLine($"{run} benchmarks run, {failed} failed, {total.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        return failed == 0 && run > 0 ? 0 : 1;
    }

    private static string? RunOne(Type type, MethodInfo method, IReadOnlyList<(PropertyInfo Property, object Value)> parameters, out string detail)
    {
        var instance = (BenchmarkBase)Activator.CreateInstance(type)!;
        foreach (var (property, value) in parameters)
        {
            property.SetValue(instance, value);
        }

        string? error = Measure(instance, type, method, out detail);

        // GlobalCleanup releases the forced path and checks it was still in force: run it even after a failure.
        foreach (MethodInfo cleanup in Targeted<GlobalCleanupAttribute>(type, method))
        {
            try
            {
                cleanup.Invoke(instance, null);
            }
            catch (TargetInvocationException e)
            {
                error ??= $"GlobalCleanup: {e.InnerException!.GetType().Name}: {e.InnerException.Message}";
            }
        }

        return error;
    }

    private static string? Measure(BenchmarkBase instance, Type type, MethodInfo method, out string detail)
    {
        detail = "";
        try
        {
            foreach (MethodInfo setup in Targeted<GlobalSetupAttribute>(type, method))
            {
                setup.Invoke(instance, null);
            }

            var call = method.CreateDelegate<Func<float>>(instance);
            float returned = call();

            // Allocation check: call the method again (the first call did the lazy work) and count the bytes this
            // thread allocated.
            long before = GC.GetAllocatedBytesForCurrentThread();
            call();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > 0)
            {
                return $"allocated {allocated} B in one call";
            }

            double observed = instance.Observed(method.Name, returned);
            double? reference = instance.Reference(method.Name);
            string? extra = instance.ExtraCheck(method.Name);

            detail = reference is null
                ? $"{observed.ToString("R", CultureInfo.InvariantCulture)} (roofline: finite check only)"
                : $"{observed.ToString("G9", CultureInfo.InvariantCulture)} vs naive {reference.Value.ToString("G9", CultureInfo.InvariantCulture)}";
            if (!double.IsFinite(returned) || !double.IsFinite(observed))
            {
                return $"not finite: returned {returned}, observed {observed}";
            }

            if (reference is double r && !(Math.Abs(observed - r) <= Tolerance * Math.Abs(r)))
            {
                return $"disagrees with the naive loop: {detail} (relative {Math.Abs(observed - r) / Math.Abs(r):E2} > {Tolerance:E0})";
            }

            return extra;
        }
        catch (Exception e)
        {
            Exception inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            return $"{inner.GetType().Name}: {inner.Message}";
        }
    }

    private static IEnumerable<MethodInfo> Targeted<TAttribute>(Type type, MethodInfo benchmark) where TAttribute : TargetedAttribute =>
        type.GetMethods()
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<TAttribute>()))
            .Where(x => x.Attribute is not null && (x.Attribute.Targets is null || x.Attribute.Targets.Length == 0 || x.Attribute.Targets.Contains(benchmark.Name)))
            .Select(x => x.Method);

    private static IEnumerable<IReadOnlyList<(PropertyInfo Property, object Value)>> Combinations(Type type)
    {
        var axes = new List<(PropertyInfo Property, object[] Values)>();
        foreach (PropertyInfo property in type.GetProperties())
        {
            if (property.GetCustomAttribute<ParamsSourceAttribute>() is { } source)
            {
                var member = (PropertyInfo?)type.GetProperty(source.Name, BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy)
                    ?? throw new InvalidOperationException($"{type.Name}: no static property {source.Name}");
                var values = ((System.Collections.IEnumerable)member.GetValue(null)!).Cast<object>().ToArray();
                axes.Add((property, values));
            }
            else if (property.GetCustomAttribute<ParamsAttribute>() is { } fixedValues)
            {
                axes.Add((property, fixedValues.Values.Select(v => v!).ToArray()));
            }
        }

        IEnumerable<IReadOnlyList<(PropertyInfo, object)>> result = new[] { Array.Empty<(PropertyInfo, object)>() };
        foreach (var (property, values) in axes)
        {
            result = result.SelectMany(prefix => values.Select(v => (IReadOnlyList<(PropertyInfo, object)>)prefix.Append((property, v)).ToArray()));
        }

        return result;
    }
}
