using System;
using System.Runtime.InteropServices;

namespace CceGen.Kernels.Tests;

/// <summary>
/// Native memory laid out as [no-access page][data pages][no-access page]: a span placed flush against either end
/// faults (the test host crashes) if a kernel reads or writes even one element outside it. Managed arrays cannot show
/// this: the GC heap always has readable memory around an array.
/// </summary>
public sealed unsafe class GuardedMemory : IDisposable
{
    private readonly byte* _base;
    private readonly nuint _total;

    public GuardedMemory(int dataBytes)
    {
        nuint page = (nuint)Environment.SystemPageSize;
        nuint dataPages = ((nuint)Math.Max(dataBytes, 1) + page - 1) / page;
        _total = (dataPages + 2) * page;
        _base = Native.Allocate(_total);
        Native.NoAccess(_base, page);
        Native.NoAccess(_base + _total - page, page);
        DataStart = _base + page;
        DataEnd = _base + _total - page;
    }

    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsWindows();

    public byte* DataStart { get; }

    public byte* DataEnd { get; }

    /// <summary>Copies <paramref name="values"/> so that the last one ends right before the upper guard page.</summary>
    public Span<T> AtEnd<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var span = new Span<T>(DataEnd - (values.Length * sizeof(T)), values.Length);
        values.CopyTo(span);
        return span;
    }

    /// <summary>Copies <paramref name="values"/> so that the first one starts right after the lower guard page.</summary>
    public Span<T> AtStart<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var span = new Span<T>(DataStart, values.Length);
        values.CopyTo(span);
        return span;
    }

    public void Dispose() => Native.Free(_base, _total);

    private static class Native
    {
        public static byte* Allocate(nuint size)
        {
            if (OperatingSystem.IsWindows())
            {
                byte* p = (byte*)VirtualAlloc(IntPtr.Zero, size, 0x3000 /* MEM_COMMIT | MEM_RESERVE */, 0x04 /* PAGE_READWRITE */);
                return p != null ? p : throw new OutOfMemoryException("VirtualAlloc failed");
            }

            int flags = OperatingSystem.IsMacOS() ? 0x1002 /* MAP_ANON | MAP_PRIVATE */ : 0x22 /* MAP_ANONYMOUS | MAP_PRIVATE */;
            IntPtr r = mmap(IntPtr.Zero, size, 0x3 /* PROT_READ | PROT_WRITE */, flags, -1, IntPtr.Zero);
            return r == new IntPtr(-1) ? throw new OutOfMemoryException($"mmap failed: errno {Marshal.GetLastPInvokeError()}") : (byte*)r;
        }

        public static void NoAccess(byte* p, nuint size)
        {
            bool ok = OperatingSystem.IsWindows()
                ? VirtualProtect((IntPtr)p, size, 0x01 /* PAGE_NOACCESS */, out _)
                : mprotect((IntPtr)p, size, 0 /* PROT_NONE */) == 0;
            if (!ok)
            {
                throw new InvalidOperationException($"cannot protect the guard page: error {Marshal.GetLastPInvokeError()}");
            }
        }

        public static void Free(byte* p, nuint size)
        {
            if (OperatingSystem.IsWindows())
            {
                VirtualFree((IntPtr)p, 0, 0x8000 /* MEM_RELEASE */);
            }
            else
            {
                munmap((IntPtr)p, size);
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern IntPtr mmap(IntPtr addr, nuint length, int prot, int flags, int fd, IntPtr offset);

        [DllImport("libc", SetLastError = true)]
        private static extern int mprotect(IntPtr addr, nuint length, int prot);

        [DllImport("libc", SetLastError = true)]
        private static extern int munmap(IntPtr addr, nuint length);

        [DllImport("kernel32", SetLastError = true)]
        private static extern IntPtr VirtualAlloc(IntPtr address, nuint size, uint allocationType, uint protect);

        [DllImport("kernel32", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool VirtualProtect(IntPtr address, nuint size, uint newProtect, out uint oldProtect);

        [DllImport("kernel32", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        private static extern bool VirtualFree(IntPtr address, nuint size, uint freeType);
    }
}
