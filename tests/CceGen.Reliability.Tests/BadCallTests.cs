using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Reliability;

/// <summary>
/// Bad calls beyond the basic ones: row strides below C (down to int.MinValue), class counts and label strides that
/// are not positive, long labels far outside int, and batch x stride products near and past int.MaxValue (through
/// <see cref="CceShape"/> directly: such spans cannot be allocated). Every bad call throws before touching the rows
/// it rejects.
/// </summary>
public sealed class BadCallTests
{
    private readonly ITestOutputHelper _output;

    public BadCallTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<CpuPath> Paths()
    {
        var data = new TheoryData<CpuPath>();
        foreach (CpuPath p in CpuDispatch.SupportedPaths)
        {
            data.Add(p);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void RowStride_BelowClassCount_ThrowsNamingTheValue(CpuPath path)
    {
        int calls = 0;
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Stride == StrideKind.Runtime))
        {
            int c = k.RuntimeC ? 10 : k.FixedC;
            foreach (int stride in new[] { c - 1, 0, -1, -c, int.MinValue }.Distinct())
            {
                Case cs = Case.For(k, 3, c, c, 1).Fill(5);
                ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
                    () => Runner.Run(cs, path, (ref KernelArgs a) => a.RowStride = stride));
                calls++;
                Assert.Equal("rowStride", ex.ParamName);
                Assert.Equal(stride, ex.ActualValue);
                Assert.Contains(stride.ToString(CultureInfo.CurrentCulture), ex.Message, StringComparison.Ordinal);
                Assert.Contains($"class count {c}", ex.Message, StringComparison.Ordinal);
            }
        }

        _output.WriteLine($"{calls} bad row strides on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void ClassCountAndLabelStride_NotPositive_Throw(CpuPath path)
    {
        foreach (KernelInfo k in KernelTable.All.Where(k => k.RuntimeC))
        {
            foreach (int bad in new[] { 0, -1, int.MinValue })
            {
                Case cs = Case.For(k, 2, 3, 3, 1).Fill(1);
                ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
                    () => Runner.Run(cs, path, (ref KernelArgs a) => a.C = bad));
                Assert.Equal("classCount", ex.ParamName);
                Assert.Equal(bad, ex.ActualValue);
            }
        }

        foreach (KernelInfo k in KernelTable.All.Where(k => k.HasLabelStride))
        {
            foreach (int bad in new[] { 0, -2, int.MinValue })
            {
                Case cs = Case.For(k, 2, 3, 3, 1).Fill(1);
                ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(
                    () => Runner.Run(cs, path, (ref KernelArgs a) => a.LabelStride = bad));
                Assert.Equal("labelStride", ex.ParamName);
                Assert.Equal(bad, ex.ActualValue);
            }
        }
    }

    /// <summary>Labels outside [0, C): long values far outside int, values whose low 32 bits are a valid label
    /// (2^32 + 1 must not be read as 1), and the int extremes. Thrown at that row, naming row, value and range; rows
    /// from the bad one on are not written.</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Labels_OutOfRange_ThrowAtTheRowNamingRowValueAndRange(CpuPath path)
    {
        const int B = 4, BadRow = 2;
        long[] longValues =
        {
            1L << 40, long.MinValue, long.MaxValue, (1L << 32) + 1, 1L << 32, (long)int.MaxValue + 1, int.MinValue, -1, -(1L << 40),
        };
        int[] intValues = { -1, int.MinValue, int.MaxValue };
        int calls = 0;
        foreach (KernelInfo k in KernelTable.All)
        {
            int c0 = k.RuntimeC ? 7 : k.FixedC;
            Case probe = Case.For(k, B, c0, c0 + 2, 3);
            long[] values = k.LongLabels ? longValues.Append(probe.C).ToArray() : intValues.Append(probe.C).Select(v => (long)v).ToArray();
            foreach (long bad in values)
            {
                Case cs = Case.For(k, B, c0, c0 + 2, 3).Fill(11);
                cs.SetLabel(BadRow, bad);
                Outcome o = Outcome.ForCase(cs);
                ArgumentOutOfRangeException ex = Assert.Throws<ArgumentOutOfRangeException>(() => RunInto(cs, path, o));
                calls++;
                Assert.Equal("labels", ex.ParamName);
                Assert.Equal(bad, Convert.ToInt64(ex.ActualValue, CultureInfo.InvariantCulture));
                Assert.Contains($"row {BadRow}", ex.Message, StringComparison.Ordinal);
                Assert.Contains(bad.ToString(CultureInfo.CurrentCulture), ex.Message, StringComparison.Ordinal);
                Assert.Contains($"[0, {cs.C})", ex.Message, StringComparison.Ordinal);

                // Rows from the bad one on are untouched (README: outputs may hold values for the rows before it).
                for (int r = BadRow; r < cs.LossLength; r++)
                {
                    Assert.Equal(Case.FloatSentinelBits, Outcome.Bits(o.Losses[r]));
                }

                for (int i = BadRow * cs.RowStride; i < cs.GradLength; i++)
                {
                    bool untouched = k.Grad == GradKind.Float
                        ? Outcome.Bits(o.GradF[i]) == Case.FloatSentinelBits
                        : BitConverter.HalfToUInt16Bits(o.GradH[i]) == Case.HalfSentinelBits;
                    Assert.True(untouched, $"{cs}: gradient element {i} (row {i / cs.RowStride}) written after the bad label of row {BadRow}");
                }
            }
        }

        _output.WriteLine($"{calls} bad labels on {path}");
    }

    /// <summary>Calls into the outcome's own arrays (so they can be inspected after the exception).</summary>
    private static void RunInto(Case cs, CpuPath path, Outcome o)
    {
        var a = new KernelArgs
        {
            Pf = cs.PredF, Ph = cs.PredH, C = cs.C, RowStride = cs.RowStride, Li = cs.LabI, Ll = cs.LabL,
            LabelStride = cs.LabelStride, Losses = o.Losses, Gf = o.GradF, Gh = o.GradH, Up = cs.Up,
        };
        Runner.Invoke(cs.Kernel, ref a, path);
    }

    // ---- B x stride near int.MaxValue --------------------------------------------------------------------------------

    /// <summary>The rows a length holds, by brute force in 128-bit arithmetic: the B with (B-1)*s + C &lt;= length &lt;= B*s.</summary>
    private static long? ExpectedRows(long length, long c, long stride)
    {
        if (stride == c)
        {
            return length % c == 0 ? length / c : null;
        }

        if (length == 0)
        {
            return 0;
        }

        for (long b = Math.Max(1, (length / stride) - 1); b <= (length / stride) + 2; b++)
        {
            if ((Int128)(b - 1) * stride + c <= length && length <= (Int128)b * stride)
            {
                return b;
            }
        }

        return null;
    }

    [Theory]
    [InlineData(int.MaxValue, 1, int.MaxValue, 1)]
    [InlineData(int.MaxValue, 2, 1 << 30, 2)]
    [InlineData(int.MaxValue, 1, 1, int.MaxValue)]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue, 1)]
    [InlineData(2147483645, 3, 5, 429496729)]
    [InlineData((65536 * 32767) + 1, 1, 65536, 32768)]
    [InlineData(int.MaxValue - 1, 1 << 30, int.MaxValue - 1, 1)]
    [InlineData(0, int.MaxValue, int.MaxValue, 0)]
    [InlineData(int.MaxValue, 2, int.MaxValue, 1)]
    public void PredictionRows_NearIntMax_Accepts(int length, int c, int stride, int rows)
    {
        Assert.Equal(rows, CceShape.PredictionRows(length, c, stride, "predictions"));
        Assert.Equal((long?)rows, ExpectedRows(length, c, stride));
    }

    [Theory]
    [InlineData(int.MaxValue, 3, 5)]                      // (B-1)*5 + 3 = 2^31: one past int.MaxValue
    [InlineData(int.MaxValue, 1 << 30, 1 << 30)]          // dense, ragged
    [InlineData(int.MaxValue, (1 << 30) + 1, (1 << 30) + 1)]
    [InlineData(int.MaxValue - 1, int.MaxValue, int.MaxValue)]
    [InlineData(int.MaxValue, 65536, 65536)]
    [InlineData(1, 2, int.MaxValue)]                      // one row of stride int.MaxValue still needs C values
    public void PredictionRows_NearIntMax_RejectsWithTheNumbers(int length, int c, int stride)
    {
        Assert.Null(ExpectedRows(length, c, stride));
        ArgumentException ex = Assert.Throws<ArgumentException>(() => CceShape.PredictionRows(length, c, stride, "predictions"));
        Assert.Equal("predictions", ex.ParamName);
        Assert.Contains(length.ToString(CultureInfo.CurrentCulture), ex.Message, StringComparison.Ordinal);
        Assert.Contains(c.ToString(CultureInfo.CurrentCulture), ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-", ex.Message.Replace("(B - 1)", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal); // no wrapped, negative numbers
    }

    /// <summary>200,000 random (length, C, stride) triples with large values: accepted exactly when some B fits, and
    /// then that B; never an overflow exception or a wrong B.</summary>
    [Fact]
    public void PredictionRows_RandomLargeShapes_MatchBruteForce()
    {
        var rng = new Random(77);
        int accepted = 0, rejected = 0;
        for (int i = 0; i < 200_000; i++)
        {
            int c = rng.Next(4) switch
            {
                0 => rng.Next(1, 64),
                1 => rng.Next(1, 1 << 16),
                2 => rng.Next(1, int.MaxValue),
                _ => int.MaxValue - rng.Next(8),
            };
            int stride = rng.Next(3) == 0 ? c : (int)Math.Min(int.MaxValue, c + (long)rng.Next(rng.Next(2) == 0 ? 17 : int.MaxValue));
            int length = rng.Next(3) switch
            {
                0 => int.MaxValue - rng.Next(1 << 20),
                1 => (int)Math.Min(int.MaxValue, ((long)rng.Next(1, 1 << 16) * stride) - rng.Next(0, stride)),
                _ => rng.Next(int.MaxValue),
            };
            if (length < 0)
            {
                length = 0;
            }

            long? want = ExpectedRows(length, c, stride);
            int got;
            try
            {
                got = CceShape.PredictionRows(length, c, stride, "p");
            }
            catch (ArgumentException) when (want is null)
            {
                rejected++;
                continue;
            }

            Assert.True(want == got, $"length {length}, C {c}, stride {stride}: got {got} rows, brute force {want?.ToString(CultureInfo.InvariantCulture) ?? "reject"}");
            accepted++;
        }

        _output.WriteLine($"{accepted} accepted, {rejected} rejected");
        Assert.True(accepted > 10_000 && rejected > 10_000, $"{accepted} accepted, {rejected} rejected");
    }

    [Theory]
    [InlineData(int.MaxValue, 1, int.MaxValue)]
    [InlineData(int.MaxValue, 2, 1 << 30)]
    [InlineData(int.MaxValue, int.MaxValue, 1)]
    [InlineData(int.MaxValue - 1, int.MaxValue, 1)]
    [InlineData(0, int.MaxValue, 0)]
    [InlineData(1, int.MaxValue, 1)]
    public void LabelRows_NearIntMax(int length, int labelStride, int rows) =>
        Assert.Equal(rows, CceShape.LabelRows(length, labelStride));

    /// <summary>A real call whose single row sits at stride int.MaxValue (and labels at label stride int.MaxValue): B = 1,
    /// and the same loss as the dense call.</summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void Strides_AtIntMax_OneRow(CpuPath path)
    {
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Stride == StrideKind.Runtime || k.HasLabelStride))
        {
            Case cs = Case.For(k, 1, 5, 5, 1).Fill(9);
            Outcome dense = Runner.Run(cs, path);
            Outcome wide = Runner.Run(cs, path, (ref KernelArgs a) =>
            {
                if (k.Stride == StrideKind.Runtime)
                {
                    a.RowStride = int.MaxValue;
                }

                if (k.HasLabelStride)
                {
                    a.LabelStride = int.MaxValue;
                }
            });
            Assert.Equal(string.Empty, wide.DiffersFrom(dense, cs));

            if (k.Stride == StrideKind.Runtime)
            {
                // Ten values at stride int.MaxValue are one (padded) row: two labels are a batch mismatch, not an overflow.
                Case two = Case.For(k, 2, 5, 5, 1).Fill(9);
                ArgumentException ex = Assert.Throws<ArgumentException>(() => Runner.Run(two, path, (ref KernelArgs a) =>
                {
                    a.RowStride = int.MaxValue;
                }));
                Assert.IsNotType<ArgumentOutOfRangeException>(ex);
                Assert.Contains("1 prediction rows but 2 labels", ex.Message, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>CceShape.Gradient with a requirement past int.MaxValue (unreachable from generated kernels, whose
    /// predictions bound it, but CceShape is public): the message should give the required length, not a wrapped one.</summary>
    [Fact]
    public void GradientCheck_HugeRequirement_ReportsTheTrueLength()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => CceShape.Gradient(100, 2, 1, int.MaxValue, "gradient"));
        Assert.Contains("2147483648", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-2147483648", ex.Message, StringComparison.Ordinal);
    }
}
