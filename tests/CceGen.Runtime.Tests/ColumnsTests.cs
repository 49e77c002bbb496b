using System;
using System.Linq;
using System.Runtime.Intrinsics;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Runtime.Tests;

/// <summary>CceColumns: gathers address exactly the rows' elements; labels are checked in row order.</summary>
public class ColumnsTests
{
    // The column path asks for the lines of the group 4 groups ahead, past the end of the buffer near the end of a call.
    // Prefetches never fault: unmapped addresses (near null, and 4 x 16 rows of the largest stride past it) are harmless.
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(17)]
    [InlineData(CceColumns.MaxRowStride)]
    public void PrefetchGroup_NeverFaults_OnUnmappedAddresses(int stride)
    {
        CceColumns.PrefetchGroup(ref System.Runtime.CompilerServices.Unsafe.NullRef<float>(), 16, stride);
        CceColumns.PrefetchGroup(ref System.Runtime.CompilerServices.Unsafe.NullRef<float>(), 8, stride);
        CceColumns.PrefetchGroup(ref System.Runtime.CompilerServices.Unsafe.NullRef<Half>(), 16, stride);
        var rows = new float[16 * Math.Min(stride, 17)];
        CceColumns.PrefetchGroup(ref rows[0], 16, stride);
        Assert.All(rows, v => Assert.Equal(0f, v)); // hints only: nothing is written
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(17)]
    public void Gathers_ReadColumnJOfEachRow(int stride)
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            // The gathers are AVX2 instructions, used only by the vector paths; without AVX2 (DOTNET_EnableAVX2=0)
            // no vector path can be selected, so they can never run.
            Assert.Equal(CpuPath.Scalar, CpuDispatch.Detected);
            return;
        }

        float[] data = Enumerable.Range(0, 16 * stride).Select(i => (float)i).ToArray();
        for (int j = 0; j < Math.Min(stride, 3); j++)
        {
            Vector512<float> v512 = CceColumns.Gather512(ref data[j], CceColumns.RowOffsets512(stride));
            Vector256<float> v256 = CceColumns.Gather256(ref data[j], CceColumns.RowOffsets256(stride));
            for (int r = 0; r < 16; r++)
            {
                Assert.Equal(r * stride + j, v512[r]);
                if (r < 8)
                {
                    Assert.Equal(r * stride + j, v256[r]);
                }
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(17)]
    public void HalfPairs_ReadTwoNeighbouringHalvesOfEachRow_AndWidenExactly(int stride)
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            Assert.Equal(CpuPath.Scalar, CpuDispatch.Detected);
            return;
        }

        // Values with distinct bits per element, including a negative, a subnormal, an infinity and a NaN payload.
        ushort[] special = { 0x8000, 0x0001, 0x03FF, 0x7C00, 0xFC00, 0x7E01, 0xFD55, 0x3C00, 0xC500 };
        Half[] data = Enumerable.Range(0, 16 * stride)
            .Select(i => BitConverter.UInt16BitsToHalf(i % 7 == 0 ? special[i / 7 % special.Length] : (ushort)(0x3000 + i * 37)))
            .ToArray();
        for (int j = 0; j + 1 < stride; j++)
        {
            Vector512<uint> p512 = CceColumns.GatherPairs512(ref data[j], CceColumns.RowOffsets512(stride));
            Vector256<uint> p256 = CceColumns.GatherPairs256(ref data[j], CceColumns.RowOffsets256(stride));
            Vector512<float> low512 = CceColumns.WidenLow(p512), high512 = CceColumns.WidenHigh(p512);
            Vector256<float> low256 = CceColumns.WidenLow(p256), high256 = CceColumns.WidenHigh(p256);
            for (int r = 0; r < 16; r++)
            {
                Half first = data[r * stride + j], second = data[r * stride + j + 1];
                Assert.Equal(BitConverter.SingleToUInt32Bits(HalfWidening.ToSingle(first)), BitConverter.SingleToUInt32Bits(low512[r]));
                Assert.Equal(BitConverter.SingleToUInt32Bits(HalfWidening.ToSingle(second)), BitConverter.SingleToUInt32Bits(high512[r]));
                if (r < 8)
                {
                    Assert.Equal(BitConverter.SingleToUInt32Bits(HalfWidening.ToSingle(first)), BitConverter.SingleToUInt32Bits(low256[r]));
                    Assert.Equal(BitConverter.SingleToUInt32Bits(HalfWidening.ToSingle(second)), BitConverter.SingleToUInt32Bits(high256[r]));
                }
            }
        }
    }

    [Fact]
    public void Labels_AreLoadedAndChecked_InRowOrder_ForEveryLayout()
    {
        int[] dense = Enumerable.Range(0, 40).Select(i => i % 7).ToArray();
        long[] wide = dense.Select(v => (long)v).ToArray();
        Assert.Equal(Vector512.Create(dense.AsSpan(3, 16)), CceColumns.Labels512(ref dense[0], 3, 1, 7, "y"));
        Assert.Equal(Vector256.Create(dense.AsSpan(3, 8)), CceColumns.Labels256(ref dense[0], 3, 1, 7, "y"));
        Assert.Equal(Vector512.Create(dense.AsSpan(3, 16)), CceColumns.Labels512(ref wide[0], 3, 1, 7, "y"));
        Assert.Equal(Vector256.Create(dense.AsSpan(3, 8)), CceColumns.Labels256(ref wide[0], 3, 1, 7, "y"));

        // Stride 2: rows 1..16 are elements 2, 4, ..., 32.
        Vector512<int> strided = CceColumns.Labels512(ref dense[0], 1, 2, 7, "y");
        for (int r = 0; r < 16; r++)
        {
            Assert.Equal(dense[2 * (1 + r)], strided[r]);
        }

        // Two bad labels: the first row in order is reported, with its value, whatever the layout.
        int[] bad = (int[])dense.Clone();
        bad[9] = 7;
        bad[5] = -1;
        long[] badWide = bad.Select(v => (long)v).ToArray();
        foreach (Func<string> call in new Func<string>[]
        {
            () => Message(() => CceColumns.Labels512(ref bad[0], 0, 1, 7, "y")),
            () => Message(() => CceColumns.Labels256(ref bad[0], 0, 1, 7, "y")),
            () => Message(() => CceColumns.Labels512(ref badWide[0], 0, 1, 7, "y")),
            () => Message(() => CceColumns.Labels256(ref badWide[0], 0, 1, 7, "y")),
        })
        {
            string message = call();
            Assert.Contains("row 5", message);
            Assert.Contains("-1", message);
        }
    }

    private static string Message<T>(Func<T> call) => Assert.Throws<ArgumentOutOfRangeException>(() => call()).Message;

    [Fact]
    public void AddInRowOrder_AddsLaneByLaneInDouble()
    {
        var v = Vector512.Create(1e-8f, 1f, 3f, 1e8f, -1e8f, 2f, 0.5f, 0.25f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 7f);
        double expected = 10;
        for (int i = 0; i < 16; i++)
        {
            expected += v[i];
        }

        Assert.Equal(expected, CceColumns.AddInRowOrder(10, v));
        double expected8 = 10;
        for (int i = 0; i < 8; i++)
        {
            expected8 += v[i];
        }

        Assert.Equal(expected8, CceColumns.AddInRowOrder(10, v.GetLower()));
    }

    /// <summary>StorePartial writes exactly the first count lanes (every count, both widths) and nothing around them.</summary>
    [Fact]
    public void StorePartial_WritesExactlyTheFirstCountLanes()
    {
        const float sentinel = -12345f;
        for (int count = 0; count <= 8; count++)
        {
            var buffer = Enumerable.Repeat(sentinel, 20).ToArray();
            Vector256<float> v = Vector256.Create(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f);
            CceVector.StorePartial(ref buffer[4], v, count);
            for (int i = 0; i < buffer.Length; i++)
            {
                float want = i >= 4 && i < 4 + count ? i - 3 : sentinel;
                Assert.True(buffer[i] == want, $"256-bit, count {count}: element {i} is {buffer[i]}, expected {want}");
            }
        }

        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return;
        }

        for (int count = 0; count <= 16; count++)
        {
            var buffer = Enumerable.Repeat(sentinel, 28).ToArray();
            Vector512<float> v = Vector512<float>.Indices + Vector512<float>.One;
            CceVector.StorePartial(ref buffer[4], v, count);
            for (int i = 0; i < buffer.Length; i++)
            {
                float want = i >= 4 && i < 4 + count ? i - 3 : sentinel;
                Assert.True(buffer[i] == want, $"512-bit, count {count}: element {i} is {buffer[i]}, expected {want}");
            }
        }
    }

    /// <summary>
    /// StoreRows transposes a group's columns (lane r of column j = element j of row r) into rows: for every class count
    /// 1..16 and strides with padding, each row gets exactly its C elements, float and Half, 16-row and 8-row groups;
    /// padding and memory around the block keep their sentinel.
    /// </summary>
    [Fact]
    public void StoreRows_TransposesColumnsIntoRows_AndWritesNothingElse()
    {
        const float sentinel = -12345f;
        foreach (int c in Enumerable.Range(1, 16))
        {
            foreach (int stride in new[] { c, c + 1, c + 5 })
            {
                if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
                {
                    var tile = default(CceColumnTile512);
                    for (int j = 0; j < c; j++)
                    {
                        tile[j] = Vector512.Create(Enumerable.Range(0, 16).Select(r => (float)(100 * r + j)).ToArray());
                    }

                    Check(16, c, stride, f => { var t1 = tile; CceColumns.StoreRows(ref f[2], stride, c, ref t1); }, h => { var t2 = tile; CceColumns.StoreRows(ref h[2], stride, c, ref t2); });
                }

                if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
                {
                    var tile = default(CceColumnTile256);
                    for (int j = 0; j < c; j++)
                    {
                        tile[j] = Vector256.Create(Enumerable.Range(0, 8).Select(r => (float)(100 * r + j)).ToArray());
                    }

                    Check(8, c, stride, f => { var t1 = tile; CceColumns.StoreRows(ref f[2], stride, c, ref t1); }, h => { var t2 = tile; CceColumns.StoreRows(ref h[2], stride, c, ref t2); });
                }
            }
        }

        void Check(int rows, int c, int stride, Action<float[]> storeFloat, Action<Half[]> storeHalf)
        {
            int length = 2 + (rows * stride) + 3;
            var f = Enumerable.Repeat(sentinel, length).ToArray();
            storeFloat(f);
            var h = Enumerable.Repeat((Half)sentinel, length).ToArray();
            storeHalf(h);
            for (int i = 0; i < length; i++)
            {
                int k = i - 2, r = k / stride, j = k % stride;
                bool inRow = k >= 0 && r < rows && j < c;
                float want = inRow ? 100 * r + j : sentinel;
                Assert.True(f[i] == want, $"{rows} rows, C = {c}, stride {stride}: float element {i} is {f[i]}, expected {want}");
                Assert.True((float)h[i] == (float)(Half)want, $"{rows} rows, C = {c}, stride {stride}: Half element {i} is {h[i]}, expected {want}");
            }
        }
    }
}
