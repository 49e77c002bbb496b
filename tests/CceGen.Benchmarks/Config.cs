using System;
using System.Globalization;
using System.IO;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace CceGen.Benchmarks;

/// <summary>
/// Job for the large shapes (one call = 2 to 500 ms): no unrolling and a minimum of 1 call per iteration (so slow
/// baselines run one call per iteration, not 16 or 4), 120 ms iterations, 2 warmup + 9 measured iterations, median
/// reported. DOTNET_TC_CallCountingDelayMs=0 lets GlobalSetup's warm-up calls reach tier 1 (see BenchmarkBase.WarmUp).
/// </summary>
public sealed class LargeJobAttribute : JobConfigBaseAttribute
{
    /// <summary>The job.</summary>
    public static readonly Job Job = BenchmarkDotNet.Jobs.Job.Default
        .WithId("Large")
        .WithLaunchCount(1)
        .WithWarmupCount(2)
        .WithIterationCount(9)
        .WithIterationTime(TimeInterval.FromMilliseconds(120))
        .WithUnrollFactor(1)
        .WithMinInvokeCount(1)
        .WithEnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0");

    /// <summary>Applies <see cref="Job"/>.</summary>
    public LargeJobAttribute() : base(Job)
    {
    }
}

/// <summary>Job for the (32, 10) per-call latency: default unroll (16), 100 ms iterations, 3 warmup + 15 measured.</summary>
public sealed class LatencyJobAttribute : JobConfigBaseAttribute
{
    /// <summary>The job.</summary>
    public static readonly Job Job = BenchmarkDotNet.Jobs.Job.Default
        .WithId("Latency")
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(15)
        .WithIterationTime(TimeInterval.FromMilliseconds(100))
        .WithEnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0");

    /// <summary>Applies <see cref="Job"/>.</summary>
    public LatencyJobAttribute() : base(Job)
    {
    }
}

/// <summary>Median time divided by B * C (the Shape parameter).</summary>
public sealed class NsPerElementColumn : IColumn
{
    /// <inheritdoc/>
    public string Id => nameof(NsPerElementColumn);

    /// <inheritdoc/>
    public string ColumnName => "ns/elem (median)";

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => 0;

    /// <inheritdoc/>
    public bool IsNumeric => true;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string Legend => "Median nanoseconds per call divided by B*C (elements of y_pred)";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is null || benchmarkCase.Parameters["Shape"] is not string shape)
        {
            return "-";
        }

        return (report.ResultStatistics.Median / Shape.Parse(shape).Elements).ToString("0.0000", CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>The run configuration: medians, ns/element, allocations, JSON (read by <see cref="Report"/>).</summary>
public static class BenchConfig
{
    /// <summary>tests/CceGen.Benchmarks/BenchmarkDotNet.Artifacts (git-ignored).</summary>
    public static string ArtifactsPath
    {
        get
        {
            // bin/Release/net10.0/ -> the project folder, so results land next to the project whatever the cwd.
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CceGen.Benchmarks.csproj")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");
        }
    }

    /// <summary>Creates the configuration.</summary>
    public static IConfig Create() => ManualConfig.CreateEmpty()
        .AddLogger(ConsoleLogger.Default)
        .AddColumnProvider(DefaultColumnProviders.Descriptor, DefaultColumnProviders.Job, DefaultColumnProviders.Params)
        .AddColumn(StatisticColumn.Median, StatisticColumn.Mean, StatisticColumn.StdDev, StatisticColumn.Iterations, new NsPerElementColumn())
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumnProvider(DefaultColumnProviders.Metrics)
        .AddExporter(MarkdownExporter.GitHub, JsonExporter.Full, CsvExporter.Default)
        .AddAnalyser(BenchmarkDotNet.Analysers.EnvironmentAnalyser.Default, BenchmarkDotNet.Analysers.MinIterationTimeAnalyser.Default, BenchmarkDotNet.Analysers.RuntimeErrorAnalyser.Default)
        .AddValidator(BenchmarkDotNet.Validators.JitOptimizationsValidator.FailOnError)
        .WithArtifactsPath(ArtifactsPath)
        .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond))
        .WithOption(ConfigOptions.JoinSummary, true)
        .WithOption(ConfigOptions.DisableLogFile, false);
}
