using System;
using System.Linq;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>The float64 <see cref="Reference"/> itself agrees with the shared fixtures, so kernel failures are kernel failures.</summary>
public sealed class ReferenceTests
{
    private const double Tight = 1e-12;

    [Fact]
    public void Reference_reproduces_every_float64_value_of_scce_cases()
    {
        var m = new Mismatches();
        foreach (ScceCase c in Fixtures.ScceCases)
        {
            double[] rows = c.ToBatch().ReferenceRows(c.Input);
            for (int i = 0; i < rows.Length; i++)
            {
                int row = i;
                CheckDouble(m, c.ExpectedRows[i], rows[i], () => $"{c.Name} row {row}");
            }

            CheckDouble(m, c.ExpectedMean, Reference.Mean(rows), () => $"{c.Name} mean");
            CheckDouble(m, c.ExpectedSum, Reference.Sum(rows), () => $"{c.Name} sum");
        }

        m.AssertNone("reference vs scce_cases.json");
    }

    [Fact]
    public void Reference_reproduces_the_float64_columns_of_nonfinite()
    {
        var m = new Mismatches();
        foreach (NonfiniteCase c in Fixtures.NonfiniteCases)
        {
            if (c.Kind == "logits")
            {
                CheckDouble(m, c.TorchFloat64!.Value, Reference.Logits(c.Row, c.Label), () => $"{c} torch_float64");

                // And, from the float32-rounded row, PyTorch's float32 result within the kernel tolerance.
                double[] f32 = c.Row.Select(v => (double)(float)v).ToArray();
                m.Check(Reference.Logits(f32, c.Label), (float)c.TorchFloat32!.Value, Tolerance.Row(Reference.Logits(f32, c.Label)), () => $"{c} torch_float32");
            }
            else
            {
                CheckDouble(m, c.TorchFloat64!.Value, Reference.PyTorch(c.Row, c.Label), () => $"{c} torch_float64");
                CheckDouble(m, c.KerasFloat64!.Value, Reference.Keras(c.Row, c.Label), () => $"{c} keras_float64");
            }
        }

        m.AssertNone("reference vs nonfinite.json");
    }

    [Fact]
    public void Reference_semantics_of_special_values()
    {
        Assert.True(double.IsNaN(Reference.Logits(new[] { double.PositiveInfinity, 0, 1 }, 1)));
        Assert.True(double.IsNaN(Reference.Logits(new[] { double.NegativeInfinity, double.NegativeInfinity }, 0)));
        Assert.Equal(double.PositiveInfinity, Reference.Logits(new[] { double.NegativeInfinity, 0, 1 }, 0));
        Assert.Equal(Math.Log(3), Reference.Logits(new[] { 1e30, 1e30, 1e30 }, 2), 15);
        Assert.Equal(double.PositiveInfinity, Reference.PyTorch(new[] { 0.0, 1.0 }, 0));
        Assert.True(double.IsNaN(Reference.PyTorch(new[] { -0.5, 1.5 }, 0)));
        Assert.True(double.IsNaN(Reference.Keras(new[] { double.NaN, 1.0 }, 1)));
        Assert.Equal(1e-7, Reference.Clip(0));
        Assert.Equal(1 - 1e-7, Reference.Clip(2));
        Assert.True(double.IsNaN(Reference.Mean(Array.Empty<double>())));
        Assert.Equal(0, Reference.Sum(Array.Empty<double>()));
    }

    private static void CheckDouble(Mismatches m, double expected, double got, Func<string> context)
    {
        bool ok = double.IsNaN(expected) ? double.IsNaN(got)
            : double.IsInfinity(expected) ? expected == got
            : Math.Abs(expected - got) <= Tight * Math.Max(1, Math.Abs(expected));
        if (!ok)
        {
            m.Add($"{context()}: expected {Tolerance.Format(expected)}, reference gives {Tolerance.Format(got)}");
        }
    }
}
