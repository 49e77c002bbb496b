using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Xunit.Sdk;

namespace CceGen.Kernels.Tests;

/// <summary>
/// The accuracy contract: |got - ref| &lt;= 2e-6 * max(1, |ref|) per row; a mean or sum may be off by the sum of its rows'
/// allowances (divided by B for the mean). Non-finite references must match exactly (NaN matches any NaN), and a finite
/// reference beyond the float range must come back as the infinity float32 rounds it to.
/// </summary>
public static class Tolerance
{
    public const double Relative = 2e-6;

    /// <summary>Allowed error of one row loss.</summary>
    public static double Row(double reference) => Relative * Math.Max(1, Math.Abs(reference));

    /// <summary>Allowed error of the sum of <paramref name="rows"/>.</summary>
    public static double Sum(ReadOnlySpan<double> rows)
    {
        double total = 0;
        foreach (double r in rows)
        {
            total += Row(r);
        }

        return total;
    }

    /// <summary>Allowed error of the mean of <paramref name="rows"/>.</summary>
    public static double Mean(ReadOnlySpan<double> rows) => rows.Length == 0 ? 0 : Sum(rows) / rows.Length;

    /// <summary>Whether <paramref name="got"/> matches <paramref name="expected"/> within <paramref name="tolerance"/>.</summary>
    public static bool Matches(double expected, float got, double tolerance)
    {
        if (double.IsNaN(expected))
        {
            return float.IsNaN(got);
        }

        if (double.IsInfinity(expected) || float.IsInfinity((float)expected))
        {
            // Exact, including a finite double that overflows float32 (6e38 -> +inf).
            return got == (float)expected;
        }

        return float.IsFinite(got) && Math.Abs(got - expected) <= tolerance;
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(float value) =>
        value.ToString("R", CultureInfo.InvariantCulture) + " (0x" + BitConverter.SingleToUInt32Bits(value).ToString("X8", CultureInfo.InvariantCulture) + ")";
}

/// <summary>Collects mismatches so one failure reports all of them (up to a limit), each with its context.</summary>
public sealed class Mismatches
{
    private const int MaxReported = 25;
    private readonly List<string> _items = new();
    private int _count;
    private int _checks;

    public int Checks => _checks;

    public int Count => _count;

    /// <summary>Checks one value; <paramref name="context"/> is only formatted on failure.</summary>
    public void Check(double expected, float got, double tolerance, Func<string> context)
    {
        _checks++;
        if (!Tolerance.Matches(expected, got, tolerance))
        {
            Add($"{context()}: expected {Tolerance.Format(expected)} +- {tolerance:G3}, got {Tolerance.Format(got)} (diff {Math.Abs(got - expected):G3})");
        }
    }

    /// <summary>Records a failure.</summary>
    public void Add(string message)
    {
        _count++;
        if (_items.Count < MaxReported)
        {
            _items.Add(message);
        }
    }

    /// <summary>Fails the test if anything mismatched.</summary>
    public void AssertNone(string what)
    {
        if (_count == 0)
        {
            return;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{what}: {_count} failure(s) ({_checks} values compared)");
        if (_count > _items.Count)
        {
            text.Append(CultureInfo.InvariantCulture, $" (first {_items.Count} shown)");
        }

        text.AppendLine(":");
        foreach (string item in _items)
        {
            text.Append("  ").AppendLine(item);
        }

        throw new XunitException(text.ToString());
    }
}
