using System;
using System.Runtime.InteropServices;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Runtime.Tests;

/// <summary><see cref="CceShape"/> and the messages of <see cref="CceThrowHelper"/>.</summary>
public sealed class ShapeTests
{
    // ---- PredictionRows: dense -------------------------------------------------------------------------------------

    [Theory]
    [InlineData(12, 3, 4)]
    [InlineData(3, 3, 1)]
    [InlineData(0, 3, 0)]
    [InlineData(0, 1, 0)]
    [InlineData(7, 1, 7)]
    [InlineData(1000, 1000, 1)]
    [InlineData(2_000_000_000, 1000, 2_000_000)]
    public void PredictionRows_Dense(int length, int classCount, int expected) =>
        Assert.Equal(expected, CceShape.PredictionRows(length, classCount, classCount, "predictions"));

    [Fact]
    public void PredictionRows_Dense_RaggedLength_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => CceShape.PredictionRows(10, 3, 3, "predictions"));
        Assert.Equal("predictions", ex.ParamName);
        Assert.Contains("10 values is not a multiple of 3 classes", ex.Message, StringComparison.Ordinal);

        foreach (int length in new[] { 1, 2, 4, 5, 11, 13 })
        {
            var e = Assert.Throws<ArgumentException>(() => CceShape.PredictionRows(length, 3, 3, "logits"));
            Assert.Equal("logits", e.ParamName);
            Assert.Contains($"{length} values is not a multiple of 3 classes", e.Message, StringComparison.Ordinal);
        }
    }

    // ---- PredictionRows: strided -----------------------------------------------------------------------------------

    [Theory]
    // C = 3, stride = 5: B rows take between (B - 1) * 5 + 3 and B * 5 values.
    [InlineData(0, 3, 5, 0)]
    [InlineData(3, 3, 5, 1)]
    [InlineData(4, 3, 5, 1)]
    [InlineData(5, 3, 5, 1)]
    [InlineData(8, 3, 5, 2)]  // last row shorter than the stride (stops at its last class)
    [InlineData(9, 3, 5, 2)]
    [InlineData(10, 3, 5, 2)]
    [InlineData(13, 3, 5, 3)]
    [InlineData(15, 3, 5, 3)]
    [InlineData(1, 1, 4, 1)]
    [InlineData(5, 1, 4, 2)]
    [InlineData(8, 1, 4, 2)]
    [InlineData(9, 1, 4, 3)]
    [InlineData(2_147_483_647, 1, 2_147_483_647, 1)]        // no overflow near int.MaxValue
    [InlineData(1_073_741_826, 2, 1_073_741_824, 2)]
    [InlineData(2_147_483_647, 1_073_741_823, 1_073_741_824, 2)] // B * stride = 2^31 does not fit an int
    public void PredictionRows_Strided(int length, int classCount, int rowStride, int expected) =>
        Assert.Equal(expected, CceShape.PredictionRows(length, classCount, rowStride, "predictions"));

    [Theory]
    [InlineData(1, 3, 5)]   // less than one row
    [InlineData(2, 3, 5)]
    [InlineData(6, 3, 5)]   // in the gap between B = 1 (3..5) and B = 2 (8..10)
    [InlineData(7, 3, 5)]
    [InlineData(11, 3, 5)]  // gap between B = 2 and B = 3 (13..15)
    [InlineData(12, 3, 5)]
    [InlineData(2_147_483_646, 1_073_741_823, 1_073_741_824)] // between 1 * stride and 1 * stride + C, near int.MaxValue
    public void PredictionRows_Strided_LengthInGap_Throws(int length, int classCount, int rowStride)
    {
        var ex = Assert.Throws<ArgumentException>(() => CceShape.PredictionRows(length, classCount, rowStride, "predictions"));
        Assert.Equal("predictions", ex.ParamName);
        Assert.Contains($"{length} values", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{classCount} classes", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"row stride {rowStride}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"(B - 1) * {rowStride} + {classCount} and B * {rowStride}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictionRows_AgreesWithBruteForce()
    {
        // Every small C, stride and length: accepted exactly when some B >= 1 has (B - 1) * stride + C <= length <= B * stride
        // (dense: length == B * C), or length == 0; and then returns that B.
        for (int c = 1; c <= 6; c++)
        {
            for (int stride = c; stride <= c + 5; stride++)
            {
                for (int length = 0; length <= 80; length++)
                {
                    int? expected = length == 0 ? 0 : null;
                    for (int b = 1; b <= 80 && expected is null; b++)
                    {
                        bool fits = stride == c
                            ? length == b * c
                            : (b - 1) * stride + c <= length && length <= b * stride;
                        if (fits)
                        {
                            expected = b;
                        }
                    }

                    if (expected is int rows)
                    {
                        Assert.True(
                            rows == CceShape.PredictionRows(length, c, stride, "p"),
                            $"C={c} stride={stride} length={length}: expected {rows} rows");
                    }
                    else
                    {
                        Assert.Throws<ArgumentException>(() => CceShape.PredictionRows(length, c, stride, "p"));
                    }
                }
            }
        }
    }

    // ---- LabelRows / Batch / Output -----------------------------------------------------------------------------------

    [Theory]
    [InlineData(5, 1, 5)]
    [InlineData(0, 1, 0)]
    [InlineData(0, 3, 0)]
    [InlineData(5, 2, 3)]   // labels at 0, 2, 4
    [InlineData(6, 2, 3)]
    [InlineData(7, 2, 4)]
    [InlineData(1, 100, 1)]
    [InlineData(2_147_483_647, 2, 1_073_741_824)]            // no overflow
    [InlineData(2_147_483_647, 2_147_483_647, 1)]
    public void LabelRows(int length, int labelStride, int expected) =>
        Assert.Equal(expected, CceShape.LabelRows(length, labelStride));

    [Fact]
    public void Batch_Mismatch_Throws()
    {
        Assert.Equal(4, CceShape.Batch(4, 4, "labels"));
        Assert.Equal(0, CceShape.Batch(0, 0, "labels"));

        var ex = Assert.Throws<ArgumentException>(() => CceShape.Batch(4, 3, "labels"));
        Assert.Equal("labels", ex.ParamName);
        Assert.Contains("4 prediction rows but 3 labels", ex.Message, StringComparison.Ordinal);

        var ex2 = Assert.Throws<ArgumentException>(() => CceShape.Batch(0, 1, "targets"));
        Assert.Equal("targets", ex2.ParamName);
        Assert.Contains("0 prediction rows but 1 labels", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_TooShort_Throws()
    {
        CceShape.Output(3, 3, "losses");
        CceShape.Output(10, 3, "losses");
        CceShape.Output(0, 0, "losses");

        var ex = Assert.Throws<ArgumentException>(() => CceShape.Output(2, 3, "losses"));
        Assert.Equal("losses", ex.ParamName);
        Assert.Contains("holds 2 values but 3 are needed", ex.Message, StringComparison.Ordinal);
    }

    // ---- ClassCount / RowStride / LabelStride ------------------------------------------------------------------------

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void ClassCount_NotPositive_Throws(int classCount)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CceShape.ClassCount(classCount, "classCount"));
        Assert.Equal("classCount", ex.ParamName);
        Assert.Equal(classCount, ex.ActualValue);
        Assert.Contains("must be positive", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"it is {classCount}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassCount_Positive_Passes()
    {
        CceShape.ClassCount(1, "classCount");
        CceShape.ClassCount(int.MaxValue, "classCount");
    }

    [Fact]
    public void RowStride_SmallerThanClassCount_Throws()
    {
        CceShape.RowStride(3, 3, "rowStride");
        CceShape.RowStride(8, 3, "rowStride");

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CceShape.RowStride(2, 3, "rowStride"));
        Assert.Equal("rowStride", ex.ParamName);
        Assert.Equal(2, ex.ActualValue);
        Assert.Contains("at least the class count 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("it is 2", ex.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => CceShape.RowStride(0, 1, "rowStride"));
        Assert.Throws<ArgumentOutOfRangeException>(() => CceShape.RowStride(-5, 1, "rowStride"));
    }

    [Fact]
    public void LabelStride_NotPositive_Throws()
    {
        CceShape.LabelStride(1, "labelStride");
        CceShape.LabelStride(7, "labelStride");

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CceShape.LabelStride(0, "labelStride"));
        Assert.Equal("labelStride", ex.ParamName);
        Assert.Equal(0, ex.ActualValue);
        Assert.Contains("must be positive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelOutOfRange_MessageNamesRowValueAndRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CceThrowHelper.LabelOutOfRange("labels", 2, 7L, 5));
        Assert.Equal("labels", ex.ParamName);
        Assert.Equal(7L, ex.ActualValue);
        Assert.Contains("Label at row 2 is 7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 5)", ex.Message, StringComparison.Ordinal);

        var ex2 = Assert.Throws<ArgumentOutOfRangeException>(() => CceThrowHelper.LabelOutOfRange("labels", 0, -1L, 5));
        Assert.Contains("is -1", ex2.Message, StringComparison.Ordinal);
    }

    // ---- Disjoint ------------------------------------------------------------------------------------------------------

    [Fact]
    public void Disjoint_DetectsOverlapOfMixedElementTypes_AndAllowsNeighbours()
    {
        var floats = new float[8];
        CceShape.Disjoint<float, float>(floats.AsSpan(0, 4), floats.AsSpan(4), "losses", "logits"); // touching, not overlapping
        CceShape.Disjoint<float, float>(floats.AsSpan(4), floats.AsSpan(0, 4), "losses", "logits");
        CceShape.Disjoint<float, float>(default, floats, "losses", "logits");
        // floats 0..6 against the bytes of floats 6..7: one float in common.
        Assert.Throws<ArgumentException>(() => CceShape.Disjoint<float, byte>(floats.AsSpan(0, 7), MemoryMarshal.AsBytes(floats.AsSpan(6)), "losses", "logits"));
        // float 3 against the halves of floats 0..3.
        Assert.Throws<ArgumentException>(() => CceShape.Disjoint<float, Half>(floats.AsSpan(3, 1), MemoryMarshal.Cast<float, Half>(floats.AsSpan(0, 4)), "gradient", "logits"));
    }

    [Fact]
    public void Disjoint_TakesSpansOf2GiBAndMore()
    {
        // A 2^29-float (2 GiB) view that starts right after a one-float output: nothing is read, only the extents are
        // compared (the byte-span form overflowed here: MemoryMarshal.AsBytes of 2^31 bytes).
        var floats = new float[2];
        ReadOnlySpan<float> huge = MemoryMarshal.CreateReadOnlySpan(ref floats[1], 1 << 29);
        CceShape.Disjoint<float, float>(floats.AsSpan(0, 1), huge, "losses", "logits");
        Assert.Throws<ArgumentException>(() =>
            CceShape.Disjoint<float, float>(floats.AsSpan(1, 1), MemoryMarshal.CreateReadOnlySpan(ref floats[0], 1 << 29), "losses", "logits"));
    }
}
