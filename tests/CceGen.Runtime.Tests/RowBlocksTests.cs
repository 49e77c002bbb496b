using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Runtime.Tests;

/// <summary>
/// CceRowBlocks on its own: block sizes, every row exactly once, the block-order sum on any thread count, real
/// parallelism, and the lowest failing block's exception. The kernels' parallel declarations are tested against
/// their serial twins in CceGen.Kernels.Tests.
/// </summary>
[Collection(nameof(RowBlocksTests))] // the runner's settings are process-wide
[CollectionDefinition(nameof(RowBlocksTests), DisableParallelization = true)]
public class RowBlocksTests
{
    private ref struct Probe : ICceRowBlocks<Probe>
    {
        public ref int Visits;          // per row, how often it was computed
        public ref double RowValues;    // per row, the value it contributes
        public ConcurrentDictionary<int, byte>? Threads;
        public int SleepMs;
        public int ThrowFromRow;        // rows at or after this one in a block's range make that block throw...
        public int ThrowStride;         // ...when (row - ThrowFromRow) % ThrowStride == 0

        public static double ComputeRows(ref Probe p, int rowStart, int rowEnd)
        {
            p.Threads?.TryAdd(Environment.CurrentManagedThreadId, 0);
            if (p.SleepMs > 0)
            {
                Thread.Sleep(p.SleepMs);
            }

            double total = 0;
            for (int row = rowStart; row < rowEnd; row++)
            {
                if (p.ThrowStride > 0 && row >= p.ThrowFromRow && (row - p.ThrowFromRow) % p.ThrowStride == 0)
                {
                    throw new InvalidOperationException($"row {row}");
                }

                Interlocked.Increment(ref Unsafe.Add(ref p.Visits, row));
                total += Unsafe.Add(ref p.RowValues, row);
            }

            return total;
        }
    }

    private static void WithSettings(int degree, long minElements, Action body)
    {
        int oldDegree = CceRowBlocks.MaxDegreeOfParallelism;
        long oldMin = CceRowBlocks.MinParallelElements;
        try
        {
            CceRowBlocks.MaxDegreeOfParallelism = degree;
            CceRowBlocks.MinParallelElements = minElements;
            body();
        }
        finally
        {
            CceRowBlocks.MaxDegreeOfParallelism = oldDegree;
            CceRowBlocks.MinParallelElements = oldMin;
        }
    }

    [Theory]
    [InlineData(1, 32768)]
    [InlineData(2, 16384)]
    [InlineData(10, 3280)]     // 3277 rounded up to a multiple of 16
    [InlineData(100, 336)]     // 328 -> 336
    [InlineData(1000, 48)]     // 33 -> 48
    [InlineData(2048, 16)]
    [InlineData(2049, 16)]     // 15.99 -> 16
    [InlineData(3000, 11)]     // <= 16 rows: not rounded
    [InlineData(32000, 2)]
    [InlineData(128000, 1)]
    [InlineData(int.MaxValue, 1)]
    public void BlockRows_DependsOnCOnly(int classCount, int expected) =>
        Assert.Equal(expected, CceRowBlocks.BlockRows(classCount));

    [Theory]
    [InlineData(1, 0, 10)]
    [InlineData(1, 1, 10)]
    [InlineData(1, 100_000, 10)]
    [InlineData(2, 100_000, 10)]
    [InlineData(3, 100_001, 10)]
    [InlineData(8, 7_000, 1000)]
    [InlineData(64, 513, 128000)]
    public void Run_VisitsEveryRowOnce_AndSumsBlocksInBlockOrder(int degree, int batch, int classCount)
    {
        var rng = new Random(batch + degree);
        double[] values = Enumerable.Range(0, batch).Select(_ => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 9))).ToArray();

        // The reference order: row order within each block, block sums in block order.
        int blockRows = CceRowBlocks.BlockRows(classCount);
        double expected = 0;
        for (int start = 0; start < batch; start += blockRows)
        {
            double block = 0;
            for (int row = start; row < Math.Min(batch, start + blockRows); row++)
            {
                block += values[row];
            }

            expected += block;
        }

        WithSettings(degree, minElements: 0, () =>
        {
            for (int repeat = 0; repeat < 20; repeat++)
            {
                int[] visits = new int[batch + 1];
                var probe = new Probe { Visits = ref visits[0], RowValues = ref (values.Length > 0 ? ref values[0] : ref Unsafe.NullRef<double>()) };
                double total = CceRowBlocks.Run(ref probe, batch, classCount);
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(total));
                Assert.All(visits.Take(batch), v => Assert.Equal(1, v));
                Assert.Equal(0, visits[batch]);
            }
        });
    }

    [Fact]
    public void Run_UsesPoolThreads_WhenAllowed_AndOnlyTheCallerWhenNot()
    {
        const int batch = 16 * 3280, classCount = 10; // 16 blocks
        double[] values = new double[batch];
        int[] visits = new int[batch];

        // Other test classes keep pool threads busy, and the pool adds threads slowly once its minimum is reached:
        // raise the minimum for this check so the queued work item gets a thread at once.
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        var many = new ConcurrentDictionary<int, byte>();
        try
        {
            ThreadPool.SetMinThreads(Math.Max(minWorkers, Environment.ProcessorCount + 16), minIo);
            WithSettings(2, minElements: 0, () =>
            {
                var probe = new Probe { Visits = ref visits[0], RowValues = ref values[0], Threads = many, SleepMs = 10 };
                CceRowBlocks.Run(ref probe, batch, classCount);
            });
        }
        finally
        {
            ThreadPool.SetMinThreads(minWorkers, minIo);
        }

        Assert.True(many.Count >= 2, $"blocks ran on {many.Count} thread(s) with MaxDegreeOfParallelism = 2");

        var one = new ConcurrentDictionary<int, byte>();
        WithSettings(1, minElements: 0, () =>
        {
            var probe = new Probe { Visits = ref visits[0], RowValues = ref values[0], Threads = one };
            CceRowBlocks.Run(ref probe, batch, classCount);
        });
        Assert.Equal(new[] { Environment.CurrentManagedThreadId }, one.Keys.ToArray());

        var small = new ConcurrentDictionary<int, byte>();
        WithSettings(2, minElements: (long)batch * classCount + 1, () =>
        {
            var probe = new Probe { Visits = ref visits[0], RowValues = ref values[0], Threads = small };
            CceRowBlocks.Run(ref probe, batch, classCount);
        });
        Assert.Equal(new[] { Environment.CurrentManagedThreadId }, small.Keys.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Run_RethrowsTheLowestFailingBlock_AndStaysUsable(int degree)
    {
        const int batch = 10 * 3280, classCount = 10;
        double[] values = Enumerable.Repeat(1.0, batch).ToArray();
        WithSettings(degree, minElements: 0, () =>
        {
            for (int repeat = 0; repeat < 30; repeat++)
            {
                int[] visits = new int[batch];
                // Rows 7000, 12000, 17000, ... fail: blocks 2, 3, 5, ... The first is row 7000, in block 2.
                var probe = new Probe { Visits = ref visits[0], RowValues = ref values[0], ThrowFromRow = 7000, ThrowStride = 5000 };
                string? message = null;
                try
                {
                    CceRowBlocks.Run(ref probe, batch, classCount);
                }
                catch (InvalidOperationException e)
                {
                    message = e.Message;
                }

                Assert.Equal("row 7000", message);
            }

            int[] clean = new int[batch];
            var ok = new Probe { Visits = ref clean[0], RowValues = ref values[0] };
            Assert.Equal(batch, CceRowBlocks.Run(ref ok, batch, classCount));
        });
    }

    [Fact]
    public void Settings_RejectOutOfRangeValues()
    {
        var degree = Assert.Throws<ArgumentOutOfRangeException>(() => CceRowBlocks.MaxDegreeOfParallelism = 0);
        Assert.Equal("MaxDegreeOfParallelism", degree.ParamName);
        Assert.Contains("at least 1", degree.Message);
        var min = Assert.Throws<ArgumentOutOfRangeException>(() => CceRowBlocks.MinParallelElements = -1);
        Assert.Equal("MinParallelElements", min.ParamName);
        Assert.Contains("-1", min.Message);
    }
}
