using System;
using System.Linq;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Kernels.Tests;

/// <summary>
/// Every case of Fixtures/scce_cases.json (a copy of the shared fixtures) on every path, through every kernel whose
/// dtype and input kind match the case and that accepts its C: both label shapes (a (B) case is also run as a (B, 1)
/// column and the other way round), int and long labels, every layout. Per-row losses, the mean and the sum are checked
/// against the float64 values of the file and, where given, against PyTorch 1.13's float32 per-row losses.
/// </summary>
public sealed class FixtureCaseTests(ITestOutputHelper output)
{
    public static TheoryData<string, CpuPath> Cases()
    {
        var data = new TheoryData<string, CpuPath>();
        foreach (ScceCase c in Fixtures.ScceCases)
        {
            foreach (CpuPath path in CpuDispatch.SupportedPaths)
            {
                data.Add(c.Name, path);
            }
        }

        return data;
    }

    [Fact]
    public void Fixture_file_is_complete_and_names_are_unique()
    {
        Assert.Equal(113, Fixtures.ScceCases.Count);
        Assert.Equal(Fixtures.ScceCases.Count, Fixtures.ScceCases.Select(c => c.Name).Distinct().Count());
        foreach (ScceCase c in Fixtures.ScceCases)
        {
            Assert.Equal(c.Rows, c.ExpectedRows.Length);
            Assert.True(c.Labels.All(l => l >= 0 && l < c.ClassCount), c.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernels_match_the_case(string caseName, CpuPath path)
    {
        ScceCase fixture = Fixtures.ScceCases.Single(c => c.Name == caseName);
        Batch batch = fixture.ToBatch();
        var mismatches = new Mismatches();
        int kernels = 0;
        bool vector = false, column = false;
        foreach (KernelInfo kernel in KernelTable.All.Where(k => k.Dtype == fixture.Dtype && k.Input == fixture.Input && k.Accepts(fixture.ClassCount)))
        {
            kernels++;
            vector |= !kernel.IsColumn;
            column |= kernel.IsColumn;
            foreach (Layout layout in Runner.LayoutsFor(kernel, fixture.ClassCount))
            {
                Outcome outcome = Runner.Run(kernel, Runner.Build(kernel, batch, layout), fixture.Rows, path);
                string Context() => $"{kernel.Name}, {layout}";
                switch (kernel.Reduction)
                {
                    case CceReduction.None:
                        for (int i = 0; i < fixture.Rows; i++)
                        {
                            int row = i;
                            mismatches.Check(fixture.ExpectedRows[i], outcome.Rows![i], Tolerance.Row(fixture.ExpectedRows[i]),
                                () => $"{Context()}, row {row} vs expected_per_sample_f64");
                            if (fixture.TorchFloat32Rows is { } torch)
                            {
                                mismatches.Check(torch[i], outcome.Rows![i], Tolerance.Row(torch[i]),
                                    () => $"{Context()}, row {row} vs torch_1_13_float32_per_sample");
                            }
                        }

                        break;
                    case CceReduction.Mean:
                        mismatches.Check(fixture.ExpectedMean, outcome.Value, Tolerance.Mean(fixture.ExpectedRows), () => $"{Context()}, vs expected_mean_f64");
                        break;
                    case CceReduction.Sum:
                        mismatches.Check(fixture.ExpectedSum, outcome.Value, Tolerance.Sum(fixture.ExpectedRows), () => $"{Context()}, vs expected_sum_f64");
                        break;
                }
            }
        }

        // Every case runs through runtime-C kernels of both label shapes and all three reductions at least.
        Assert.True(vector && column && kernels >= 9, $"{caseName}: only {kernels} kernels matched");
        output.WriteLine($"{caseName} on {path}: {kernels} kernels, {mismatches.Checks} values checked");
        mismatches.AssertNone($"{caseName} on {CpuDispatch.Describe(path)}");
    }
}
