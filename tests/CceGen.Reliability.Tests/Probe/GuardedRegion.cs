using System;
using System.Runtime.InteropServices;

namespace CceGen.Reliability;

/// <summary>
/// Native memory laid out as [PROT_NONE page][data pages][PROT_NONE page] (Linux mmap + mprotect, as the runtime tests'
/// GuardedBuffer, with a second guard in front). A span placed flush against either guard faults on the first access
/// outside it; the probe process dies and the test that started it fails.
/// </summary>
internal sealed unsafe class GuardedRegion : IDisposable
{
    private const int ProtNone = 0;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;

    private readonly byte* _base;
    private readonly nuint _mapped;

    public GuardedRegion(int dataBytes)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("guard pages need Linux (mmap/mprotect)");
        }

        nuint page = (nuint)Environment.SystemPageSize;
        nuint data = ((nuint)Math.Max(dataBytes, 1) + page - 1) / page * page;
        _mapped = data + (2 * page);
        void* p = Mmap(null, _mapped, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (p == (void*)-1)
        {
            throw new InvalidOperationException("mmap failed: errno " + Marshal.GetLastPInvokeError());
        }

        _base = (byte*)p;
        Start = _base + page;
        End = Start + data;
        if (Mprotect(_base, page, ProtNone) != 0 || Mprotect(End, page, ProtNone) != 0)
        {
            throw new InvalidOperationException("mprotect failed: errno " + Marshal.GetLastPInvokeError());
        }

        Capacity = (int)data;
    }

    public static bool IsSupported =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>First data byte (the byte before it is in the lower guard page).</summary>
    public byte* Start { get; }

    /// <summary>One past the last data byte (the first byte of the upper guard page).</summary>
    public byte* End { get; }

    public int Capacity { get; }

    /// <summary>A span of <paramref name="count"/> elements flush against the upper guard (<paramref name="atEnd"/>) or the lower one.</summary>
    public Span<T> Place<T>(int count, bool atEnd)
        where T : unmanaged
    {
        if ((long)count * sizeof(T) > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"region holds {Capacity} bytes");
        }

        return new Span<T>(atEnd ? End - ((nint)count * sizeof(T)) : Start, count);
    }

    /// <summary>Copies <paramref name="values"/> flush against a guard.</summary>
    public Span<T> Copy<T>(ReadOnlySpan<T> values, bool atEnd)
        where T : unmanaged
    {
        Span<T> span = Place<T>(values.Length, atEnd);
        values.CopyTo(span);
        return span;
    }

    public void Dispose() => _ = Munmap(_base, _mapped);

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static extern int Mprotect(void* address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(void* address, nuint length);
}
