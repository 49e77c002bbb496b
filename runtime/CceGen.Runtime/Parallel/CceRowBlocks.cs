using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace CceGen.Runtime;

/// <summary>
/// The rows of one kernel call, as a generated <c>ref struct</c> that can compute any range of them. Implemented by
/// the kernels declared with <c>Parallel = true</c>; <see cref="CceRowBlocks"/> runs it.
/// </summary>
/// <typeparam name="TSelf">The implementing ref struct.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ICceRowBlocks<TSelf> where TSelf : ICceRowBlocks<TSelf>, allows ref struct
{
    /// <summary>Computes rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) and returns the double sum of
    /// their losses in row order (0 for kernels without a reduction).</summary>
    static abstract double ComputeRows(ref TSelf blocks, int rowStart, int rowEnd);
}

/// <summary>
/// Fixed row blocks: how every kernel with a reduction splits its rows, and the opt-in multi-core runner.
/// </summary>
/// <remarks>
/// <para><b>Bit-identical at any thread count.</b> The block boundaries depend only on C (<see cref="BlockRows"/>),
/// never on the number of threads. Each block sums its row losses in double in row order, starting from 0, and the
/// block sums are added in block order. Every kernel with a reduction does this, parallel or not. So a kernel
/// declared with <c>Parallel = true</c> returns the same bits on 1, 2 or 64 threads. It also returns the same bits
/// as the same declaration without it.</para>
/// <para><b>Threads.</b> The calling thread works too. <see cref="MaxDegreeOfParallelism"/> - 1 work items go to the
/// .NET thread pool and take blocks from a shared counter. A call smaller than <see cref="MinParallelElements"/>
/// elements runs on the calling thread alone. The call returns when every block is done. A block that throws
/// (a label out of range) does not stop the others. The exception of the lowest such block is rethrown on the
/// calling thread: the same row the single-threaded kernel reports. Outputs of other rows are then unspecified.</para>
/// <para><b>Allocation.</b> None in the steady state. Each calling thread keeps one job object and its block-sum
/// array, grown when a call has more blocks than any before it on that thread.</para>
/// </remarks>
public static class CceRowBlocks
{
    /// <summary>Elements per block the block size aims at (128 KiB of float32): large enough that taking a block costs
    /// nothing measurable, small enough that two threads get several blocks each on a few MB of input.</summary>
    public const int TargetBlockElements = 32768;

    private static int s_maxDegree = Environment.ProcessorCount;
    private static long s_minParallelElements = 1L << 18;

    /// <summary>At most this many threads (the caller included) run one parallel kernel call. Default:
    /// <see cref="Environment.ProcessorCount"/>. 1 turns the parallel kernels serial. Results do not depend on it.</summary>
    public static int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref s_maxDegree);
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, $"CceRowBlocks.MaxDegreeOfParallelism must be at least 1 (1 = serial); it was set to {value}.");
            }

            Volatile.Write(ref s_maxDegree, value);
        }
    }

    /// <summary>Calls with fewer prediction elements (B x C) than this run on the calling thread (default 262,144 =
    /// 1 MiB of float32, where waking a pool thread costs more than it saves). Results do not depend on it.</summary>
    public static long MinParallelElements
    {
        get => Volatile.Read(ref s_minParallelElements);
        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MinParallelElements), value, $"CceRowBlocks.MinParallelElements must be 0 or more; it was set to {value}.");
            }

            Volatile.Write(ref s_minParallelElements, value);
        }
    }

    /// <summary>Rows per block for C classes: about <see cref="TargetBlockElements"/> elements, a multiple of 16 rows
    /// when more than 16 (the kernels take logs 16 rows at a time), at least 1. Depends on C only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int BlockRows(int classCount)
    {
        int rows = (TargetBlockElements + classCount - 1) / Math.Max(classCount, 1);
        return rows <= 16 ? Math.Max(rows, 1) : (rows + 15) & ~15;
    }

    /// <summary>
    /// The float result of a reduction: <paramref name="value"/> rounded to float, and every NaN as
    /// <see cref="float.NaN"/>. Adding two NaNs keeps one of them, and which one depends on the operand order the JIT
    /// chose for that addition, so without this the sign of a NaN mean could differ between two builds of the same sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Finish(double value) => double.IsNaN(value) ? float.NaN : (float)value;

    /// <summary>Runs every block of a call: on several threads when the call is large enough and
    /// <see cref="MaxDegreeOfParallelism"/> allows it, else on the calling thread. Returns the block sums added in block order.</summary>
    public static unsafe double Run<T>(ref T blocks, int batch, int classCount) where T : ICceRowBlocks<T>, allows ref struct
    {
        int blockRows = BlockRows(classCount);
        int blockCount = (int)(((long)batch + blockRows - 1) / blockRows);
        int degree = Math.Min(MaxDegreeOfParallelism, blockCount);
        if (degree <= 1 || (long)batch * classCount < MinParallelElements)
        {
            double total = 0;
            for (int rowStart = 0; rowStart < batch; rowStart += blockRows)
            {
                total += T.ComputeRows(ref blocks, rowStart, rowStart + Math.Min(blockRows, batch - rowStart));
            }

            return total;
        }

        Job job = t_job ??= new Job();
        return job.Run(&RunBlock<T>, Unsafe.AsPointer(ref blocks), batch, blockRows, blockCount, degree);
    }

    private static unsafe double RunBlock<T>(void* blocks, int rowStart, int rowEnd) where T : ICceRowBlocks<T>, allows ref struct =>
        T.ComputeRows(ref Unsafe.AsRef<T>(blocks), rowStart, rowEnd);

    [ThreadStatic]
    private static Job? t_job;

    /// <summary>One calling thread's parallel call, reused by its next call. Pool threads only touch the caller's
    /// state after claiming a block of the current call, and the caller waits until every claimed block is done.</summary>
    private sealed unsafe class Job : IThreadPoolWorkItem
    {
        // Far below 0: a pool thread that starts after its call ended claims a negative block and leaves.
        private const int Closed = int.MinValue / 2;

        private delegate*<void*, int, int, double> _body;
        private void* _state;
        private int _batch;
        private int _blockRows;
        private int _blockCount;
        private int _next = Closed;
        private int _pending;
        private double[] _sums = new double[64];
        private ExceptionDispatchInfo? _error;
        private int _errorBlock;

        public double Run(delegate*<void*, int, int, double> body, void* state, int batch, int blockRows, int blockCount, int degree)
        {
            if (_sums.Length < blockCount)
            {
                _sums = new double[blockCount];
            }

            _body = body;
            _state = state;
            _batch = batch;
            _blockRows = blockRows;
            _blockCount = blockCount;
            _pending = blockCount;
            _error = null;
            _errorBlock = int.MaxValue;
            Volatile.Write(ref _next, 0); // publishes the fields above: claiming starts here
            for (int i = 1; i < degree; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }

            Work();
            SpinWait spin = default;
            while (Volatile.Read(ref _pending) != 0)
            {
                spin.SpinOnce();
            }

            Volatile.Write(ref _next, Closed);
            _state = null;
            if (_error is { } error)
            {
                _error = null;
                error.Throw();
            }

            double total = 0;
            for (int b = 0; b < blockCount; b++)
            {
                total += _sums[b];
            }

            return total;
        }

        void IThreadPoolWorkItem.Execute() => Work();

        private void Work()
        {
            while (true)
            {
                int block = Interlocked.Increment(ref _next) - 1;
                if ((uint)block >= (uint)_blockCount)
                {
                    return;
                }

                int rowStart = block * _blockRows;
                int rowEnd = rowStart + Math.Min(_blockRows, _batch - rowStart);
                try
                {
                    _sums[block] = _body(_state, rowStart, rowEnd);
                }
                catch (Exception e)
                {
                    lock (this)
                    {
                        if (block < _errorBlock)
                        {
                            _errorBlock = block;
                            _error = ExceptionDispatchInfo.Capture(e);
                        }
                    }
                }

                Interlocked.Decrement(ref _pending);
            }
        }
    }
}
