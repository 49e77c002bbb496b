using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using CceGen.Runtime;
using Xunit;
using Xunit.Abstractions;

namespace CceGen.Runtime.Tests;

/// <summary>
/// <see cref="HalfWidening"/> and the half loads of <see cref="CceVector"/> against .NET's own
/// <c>(float)Half</c> conversion, over all 65,536 bit patterns.
/// </summary>
public sealed class HalfWideningTests
{
    private const int PatternCount = 1 << 16;
    private const int MaxReported = 20;

    /// <summary>Fill values for the partial loads: the kernels' -inf, ordinary values, both zeros, a NaN with payload.</summary>
    private static readonly float[] s_fills =
    {
        float.NegativeInfinity, -7.25f, 0f, -0f, BitConverter.UInt32BitsToSingle(0x7FC0BEEFu), 3.25e38f,
    };

    private readonly ITestOutputHelper _output;

    public HalfWideningTests(ITestOutputHelper output) => _output = output;

    private static uint Expected(int pattern) =>
        BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf((ushort)pattern));

    private static string Hex(uint bits) => "0x" + bits.ToString("X8", System.Globalization.CultureInfo.InvariantCulture);

    private static ushort[] AllPatterns()
    {
        var patterns = new ushort[PatternCount];
        for (int i = 0; i < PatternCount; i++)
        {
            patterns[i] = (ushort)i;
        }

        return patterns;
    }

    private static void Fail(ref int failures, StringBuilder examples, string message)
    {
        if (++failures <= MaxReported)
        {
            examples.AppendLine("  " + message);
        }
    }

    [Fact]
    public void ReferenceConversion_SanityChecks()
    {
        // The reference itself: a few hand-checked patterns, so a broken reference cannot make the exhaustive tests vacuous.
        Assert.Equal(0x3F800000u, Expected(0x3C00)); // 1
        Assert.Equal(0xC0000000u, Expected(0xC000)); // -2
        Assert.Equal(0x477FE000u, Expected(0x7BFF)); // 65504, largest half
        Assert.Equal(0x38800000u, Expected(0x0400)); // 2^-14, smallest normal half
        Assert.Equal(0x33800000u, Expected(0x0001)); // 2^-24, smallest subnormal half
        Assert.Equal(0x387FC000u, Expected(0x03FF)); // largest subnormal half
        Assert.Equal(0x80000000u, Expected(0x8000)); // -0
        Assert.Equal(0x7F800000u, Expected(0x7C00)); // +inf
        Assert.Equal(0xFF800000u, Expected(0xFC00)); // -inf
        Assert.True(float.IsNaN(BitConverter.UInt32BitsToSingle(Expected(0x7C01))));
    }

    [Fact]
    public void ToSingle_Scalar_MatchesDotNetForAllPatterns()
    {
        var examples = new StringBuilder();
        int failures = 0;
        int nanPayloadOnly = 0;
        for (int pattern = 0; pattern < PatternCount; pattern++)
        {
            uint expected = Expected(pattern);
            uint actual = BitConverter.SingleToUInt32Bits(HalfWidening.ToSingle((ushort)pattern));
            if (actual != expected)
            {
                if (float.IsNaN(BitConverter.UInt32BitsToSingle(actual)) && float.IsNaN(BitConverter.UInt32BitsToSingle(expected)))
                {
                    nanPayloadOnly++;
                }

                Fail(ref failures, examples, $"half 0x{pattern:X4}: HalfWidening {Hex(actual)}, (float)Half {Hex(expected)}");
            }

            uint viaHalf = BitConverter.SingleToUInt32Bits(HalfWidening.ToSingle(BitConverter.UInt16BitsToHalf((ushort)pattern)));
            if (viaHalf != actual)
            {
                Fail(ref failures, examples, $"half 0x{pattern:X4}: ToSingle(Half) {Hex(viaHalf)} differs from ToSingle(ushort) {Hex(actual)}");
            }
        }

        Assert.True(
            failures == 0,
            $"{failures} mismatches ({nanPayloadOnly} differ only in NaN payload):{Environment.NewLine}{examples}");
    }

    [Fact]
    public void ToSingle_Vector256_MatchesDotNetForAllPatterns()
    {
        _output.WriteLine($"Vector256.IsHardwareAccelerated = {Vector256.IsHardwareAccelerated}");
        var examples = new StringBuilder();
        int failures = 0;
        for (int start = 0; start < PatternCount; start += 8)
        {
            Vector256<uint> bits = Vector256.Create(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u) + Vector256.Create((uint)start);
            Vector256<float> result = HalfWidening.ToSingle(bits);
            for (int lane = 0; lane < 8; lane++)
            {
                uint actual = BitConverter.SingleToUInt32Bits(result.GetElement(lane));
                uint expected = Expected(start + lane);
                if (actual != expected)
                {
                    Fail(ref failures, examples, $"half 0x{start + lane:X4} (lane {lane}): {Hex(actual)}, expected {Hex(expected)}");
                }
            }
        }

        Assert.True(failures == 0, $"{failures} mismatches:{Environment.NewLine}{examples}");
    }

    [Fact]
    public void ToSingle_Vector512_MatchesDotNetForAllPatterns()
    {
        _output.WriteLine($"Vector512.IsHardwareAccelerated = {Vector512.IsHardwareAccelerated}");
        var examples = new StringBuilder();
        int failures = 0;
        for (int start = 0; start < PatternCount; start += 16)
        {
            Vector512<uint> bits = Vector512<uint>.Indices + Vector512.Create((uint)start);
            Vector512<float> result = HalfWidening.ToSingle(bits);
            for (int lane = 0; lane < 16; lane++)
            {
                uint actual = BitConverter.SingleToUInt32Bits(result.GetElement(lane));
                uint expected = Expected(start + lane);
                if (actual != expected)
                {
                    Fail(ref failures, examples, $"half 0x{start + lane:X4} (lane {lane}): {Hex(actual)}, expected {Hex(expected)}");
                }
            }
        }

        Assert.True(failures == 0, $"{failures} mismatches:{Environment.NewLine}{examples}");
    }

    [Fact]
    public void Element_Half_MatchesDotNet()
    {
        ushort[] patterns = AllPatterns();
        ref Half first = ref Unsafe.As<ushort, Half>(ref patterns[0]);
        for (int i = 0; i < PatternCount; i += 97)
        {
            Assert.Equal(Expected(i), BitConverter.SingleToUInt32Bits(CceVector.Element(ref first, i)));
        }
    }

    [Fact]
    public unsafe void Load256_Half_MatchesDotNetForAllPatterns()
    {
        ushort[] patterns = AllPatterns();
        using var buffer = new GuardedBuffer(64);
        _output.WriteLine($"guard page after the source: {buffer.Guarded}");
        var examples = new StringBuilder();
        int failures = 0;
        for (int start = 0; start < PatternCount; start += 8)
        {
            // Full loads read exactly 8 halves: put them flush against the guard page.
            Span<ushort> tail = buffer.Tail<ushort>(8);
            patterns.AsSpan(start, 8).CopyTo(tail);
            Vector256<float> result = CceVector.Load256(ref Unsafe.As<ushort, Half>(ref tail[0]));
            for (int lane = 0; lane < 8; lane++)
            {
                uint actual = BitConverter.SingleToUInt32Bits(result.GetElement(lane));
                if (actual != Expected(start + lane))
                {
                    Fail(ref failures, examples, $"half 0x{start + lane:X4} (lane {lane}): {Hex(actual)}, expected {Hex(Expected(start + lane))}");
                }
            }
        }

        Assert.True(failures == 0, $"{failures} mismatches:{Environment.NewLine}{examples}");
    }

    [Fact]
    public unsafe void Load512_Half_MatchesDotNetForAllPatterns()
    {
        ushort[] patterns = AllPatterns();
        using var buffer = new GuardedBuffer(64);
        var examples = new StringBuilder();
        int failures = 0;
        for (int start = 0; start < PatternCount; start += 16)
        {
            Span<ushort> tail = buffer.Tail<ushort>(16);
            patterns.AsSpan(start, 16).CopyTo(tail);
            Vector512<float> result = CceVector.Load512(ref Unsafe.As<ushort, Half>(ref tail[0]));
            for (int lane = 0; lane < 16; lane++)
            {
                uint actual = BitConverter.SingleToUInt32Bits(result.GetElement(lane));
                if (actual != Expected(start + lane))
                {
                    Fail(ref failures, examples, $"half 0x{start + lane:X4} (lane {lane}): {Hex(actual)}, expected {Hex(Expected(start + lane))}");
                }
            }
        }

        Assert.True(failures == 0, $"{failures} mismatches:{Environment.NewLine}{examples}");
    }

    [Fact]
    public unsafe void LoadPartial256_Half_EveryCount_AllPatterns()
    {
        // No intrinsics below AVX2 here (a staged copy), so this runs on every configuration.
        ushort[] patterns = AllPatterns();
        using var buffer = new GuardedBuffer(64);
        var examples = new StringBuilder();
        int failures = 0;
        int loads = 0;
        for (int start = 0; start < PatternCount; start += 8)
        {
            for (int count = 0; count <= 8; count++)
            {
                float fill = s_fills[(start / 8 + count) % s_fills.Length];
                uint fillBits = BitConverter.SingleToUInt32Bits(fill);

                // The `count` halves end exactly at the guard page: reading one more element would fault.
                Span<ushort> tail = buffer.Tail<ushort>(count);
                patterns.AsSpan(start, count).CopyTo(tail);
                ref Half source = ref Unsafe.AsRef<Half>(buffer.End - (count * sizeof(ushort)));
                Vector256<float> result = CceVector.LoadPartial256(ref source, count, fill);
                loads++;
                for (int lane = 0; lane < 8; lane++)
                {
                    uint actual = BitConverter.SingleToUInt32Bits(result.GetElement(lane));
                    uint expected = lane < count ? Expected(start + lane) : fillBits;
                    if (actual != expected)
                    {
                        Fail(ref failures, examples, $"start 0x{start:X4} count {count} lane {lane}: {Hex(actual)}, expected {Hex(expected)}");
                    }
                }
            }
        }

        _output.WriteLine($"{loads} partial loads, guard page: {buffer.Guarded}");
        Assert.True(failures == 0, $"{failures} mismatches:{Environment.NewLine}{examples}");
    }

    [Fact]
    public unsafe void LoadPartial512_Half_EveryCount_AllPatterns()
    {
        if (!Avx512BW.IsSupported)
        {
            // LoadPartial512 uses AVX-512BW masked loads; without them the AVX-512 path is never selected.
            Assert.NotEqual(CpuPath.Avx512, CpuDispatch.Detected);
            _output.WriteLine("Avx512BW is not supported (or disabled): LoadPartial512(ref Half) not run; Detected = " + CpuDispatch.Detected);
            return;
        }

        ushort[] patterns = AllPatterns();
        using var buffer = new GuardedBuffer(64);
        var examples = new StringBuilder();
        int failures = 0;
        for (int start = 0; start < PatternCount; start += 16)
        {
            for (int count = 0; count <= 16; count++)
            {
                float fill = s_fills[(start / 16 + count) % s_fills.Length];
                uint fillBits = BitConverter.SingleToUInt32Bits(fill);
                Span<ushort> tail = buffer.Tail<ushort>(count);
                patterns.AsSpan(start, count).CopyTo(tail);
                ref Half source = ref Unsafe.AsRef<Half>(buffer.End - (count * sizeof(ushort)));
                Vector512<float> result = CceVector.LoadPartial512(ref source, count, fill);
                for (int lane = 0; lane < 16; lane++)
                {
                    uint actual = BitConverter.SingleToUInt32Bits(result.GetElement(lane));
                    uint expected = lane < count ? Expected(start + lane) : fillBits;
                    if (actual != expected)
                    {
                        Fail(ref failures, examples, $"start 0x{start:X4} count {count} lane {lane}: {Hex(actual)}, expected {Hex(expected)}");
                    }
                }
            }
        }

        _output.WriteLine($"guard page: {buffer.Guarded}");
        Assert.True(failures == 0, $"{failures} mismatches:{Environment.NewLine}{examples}");
    }

    [Fact]
    public void PartialLoads_DoNotReadPastCount_EvenWhenTheMemoryHoldsData()
    {
        // Independent of the guard page: lanes >= count must be the fill even when the next halves are readable and
        // hold real values (1.0 here), i.e. the loads mask, not just rely on zeroed memory.
        ushort[] data = new ushort[32];
        Array.Fill(data, (ushort)0x3C00);
        ref Half first = ref Unsafe.As<ushort, Half>(ref data[0]);
        for (int count = 0; count <= 8; count++)
        {
            Vector256<float> v = CceVector.LoadPartial256(ref first, count, -1f);
            for (int lane = 0; lane < 8; lane++)
            {
                Assert.Equal(lane < count ? 1f : -1f, v.GetElement(lane));
            }
        }

        if (Avx512BW.IsSupported)
        {
            for (int count = 0; count <= 16; count++)
            {
                Vector512<float> v = CceVector.LoadPartial512(ref first, count, -1f);
                for (int lane = 0; lane < 16; lane++)
                {
                    Assert.Equal(lane < count ? 1f : -1f, v.GetElement(lane));
                }
            }
        }
    }
}

/// <summary>
/// Native memory whose last byte is followed by an inaccessible page (on Linux, via mmap/mprotect), so that reading
/// even one element past a buffer placed at <see cref="End"/> crashes the test process instead of passing silently.
/// Elsewhere it is plain native memory (<see cref="Guarded"/> is false).
/// </summary>
internal sealed unsafe class GuardedBuffer : IDisposable
{
    private const int ProtNone = 0;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;

    private readonly byte* _base;
    private readonly nuint _mappedBytes;

    public GuardedBuffer(int usableBytes)
    {
        if (OperatingSystem.IsLinux() && (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64))
        {
            nuint page = (nuint)Environment.SystemPageSize;
            nuint usable = ((nuint)usableBytes + page - 1) / page * page;
            _mappedBytes = usable + page;
            void* p = Mmap(null, _mappedBytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (p == (void*)-1)
            {
                throw new InvalidOperationException("mmap failed: " + Marshal.GetLastPInvokeError());
            }

            _base = (byte*)p;
            End = _base + usable;
            if (Mprotect(End, page, ProtNone) != 0)
            {
                throw new InvalidOperationException("mprotect failed: " + Marshal.GetLastPInvokeError());
            }

            Guarded = true;
        }
        else
        {
            _base = (byte*)NativeMemory.AllocZeroed((nuint)usableBytes);
            End = _base + usableBytes;
        }
    }

    /// <summary>One past the last usable byte (the first byte of the guard page when <see cref="Guarded"/>).</summary>
    public byte* End { get; }

    /// <summary>Whether reading at <see cref="End"/> faults.</summary>
    public bool Guarded { get; }

    /// <summary>The last <paramref name="count"/> elements before <see cref="End"/>.</summary>
    public Span<T> Tail<T>(int count)
        where T : unmanaged => new(End - (count * sizeof(T)), count);

    public void Dispose()
    {
        if (Guarded)
        {
            _ = Munmap(_base, _mappedBytes);
        }
        else
        {
            NativeMemory.Free(_base);
        }
    }

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int Mprotect(void* address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(void* address, nuint length);
}
