using System;
using System.Collections.Generic;
using System.Linq;
using CceGen.Runtime;
using Xunit;

namespace CceGen.Kernels.Tests;

/// <summary>
/// Bad calls are refused before anything is read or written, with the right exception type, the offending parameter's
/// name and a message that says what is wrong (the cases of Fixtures/bad_inputs.json and more), on every path and for
/// every kernel the check applies to.
/// </summary>
public sealed class BadCallTests
{
    public static TheoryData<CpuPath> Paths => TestPaths.All();

    // ---- labels -------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Paths))]
    public void Label_equal_to_C_is_refused_naming_row_value_and_range(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All)
        {
            int c = ClassCountFor(k);
            CallArgs args = ValidArgs(k, c, 3);
            SetLabel(k, args, 1, c);
            ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, 3, "labels", "row 1", $"is {c}", $"[0, {c})");
        }

        m.AssertNone($"label = C on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Negative_label_is_refused_naming_row_and_value(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All)
        {
            int c = ClassCountFor(k);
            CallArgs args = ValidArgs(k, c, 5);
            SetLabel(k, args, 4, -1);
            ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, 5, "labels", "row 4", "is -1", $"[0, {c})");
        }

        m.AssertNone($"negative label on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Long_labels_beyond_int_range_are_refused_not_truncated(CpuPath path)
    {
        // (1L << 32) + 1 and -(1L << 32) would be the valid labels 1 and 0 if truncated to int.
        long[] bad = { 1L << 40, (1L << 32) + 1, -(1L << 32), (long)int.MaxValue + 1, long.MinValue, long.MaxValue };
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.LongLabels))
        {
            int c = ClassCountFor(k);
            foreach (long value in bad)
            {
                CallArgs args = ValidArgs(k, c, 2);
                SetLabel(k, args, 1, value);
                ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, 2, "labels", "row 1", $"is {value}", $"[0, {c})");
            }
        }

        m.AssertNone($"long labels on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Label_check_runs_for_every_row_not_only_the_first(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All)
        {
            int c = ClassCountFor(k);
            CallArgs args = ValidArgs(k, c, 37);
            SetLabel(k, args, 36, c + 5);
            ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, 37, "labels", "row 36", $"is {c + 5}", $"[0, {c})");
        }

        m.AssertNone($"bad label in the last row on {path}");
    }

    // ---- predictions and batch ----------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Paths))]
    public void Ragged_dense_predictions_are_refused(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Stride == StrideKind.Dense))
        {
            int c = ClassCountFor(k);
            int length = (3 * c) + 1;
            CallArgs args = ValidArgs(k, c, 3);
            ResizePredictions(k, args, length);
            if (c == 1)
            {
                // Every length is a multiple of one class: 4 rows but 3 labels.
                ExpectThrow<ArgumentException>(m, k, path, args, 4, "labels", "4 prediction rows but 3 labels");
            }
            else
            {
                ExpectThrow<ArgumentException>(m, k, path, args, 4, "predictions", $"{length} values is not a multiple of {c} classes");
            }
        }

        m.AssertNone($"ragged predictions on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Strided_predictions_that_hold_no_whole_number_of_rows_are_refused(CpuPath path)
    {
        // Row stride C + 3: B rows need (B - 1) * stride + C ... B * stride values, so stride + 1 ... stride + C - 1 is no B.
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Stride == StrideKind.Runtime && ClassCountFor(k) > 1))
        {
            int c = ClassCountFor(k);
            int stride = c + 3;
            CallArgs args = ValidArgs(k, c, 1);
            args.RowStride = stride;
            ResizePredictions(k, args, stride + 1);
            ExpectThrow<ArgumentException>(m, k, path, args, 2, "predictions", $"{stride + 1} values does not hold whole rows of {c} classes at row stride {stride}");
        }

        m.AssertNone($"strided predictions of a bad length on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Prediction_rows_and_labels_must_agree(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All)
        {
            int c = ClassCountFor(k);

            // 4 prediction rows, 3 labels (bad_inputs.json "length-mismatch").
            CallArgs args = ValidArgs(k, c, 4);
            TruncateLabels(k, args, 3);
            ExpectThrow<ArgumentException>(m, k, path, args, 4, "labels", "4 prediction rows but 3 labels");

            // And the other way round.
            args = ValidArgs(k, c, 3);
            CallArgs longer = ValidArgs(k, c, 4);
            args.IntLabels = longer.IntLabels;
            args.LongLabels = longer.LongLabels;
            ExpectThrow<ArgumentException>(m, k, path, args, 4, "labels", "3 prediction rows but 4 labels");
        }

        m.AssertNone($"batch mismatch on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Losses_span_shorter_than_the_batch_is_refused_before_anything_is_written(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Reduction == CceReduction.None))
        {
            int c = ClassCountFor(k);
            CallArgs args = ValidArgs(k, c, 3);
            float[] buffer = Runner.NewCanaryBuffer(2);
            try
            {
                using (CpuDispatch.Force(path))
                {
                    k.Invoke(args, buffer);
                }

                m.Add($"{k.Name}: no exception for a losses span of 2 values and B = 3");
            }
            catch (ArgumentException ex) when (ex.GetType() == typeof(ArgumentException))
            {
                CheckMessage(m, k, ex, "losses", "2", "3");
                if (buffer.Any(v => BitConverter.SingleToUInt32Bits(v) != Runner.CanaryBits))
                {
                    m.Add($"{k.Name}: the too-short losses span was written before the exception");
                }
            }
            catch (Exception ex)
            {
                m.Add($"{k.Name}: expected ArgumentException, got {ex.GetType().Name}: {ex.Message}");
            }
        }

        m.AssertNone($"short losses span on {path}");
    }

    // ---- sizes ----------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Paths))]
    public void Class_count_must_be_positive(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.RuntimeClassCount))
        {
            foreach (int bad in new[] { 0, -1, -3, int.MinValue })
            {
                // Empty inputs (bad_inputs.json "zero-classes") and a normal-looking batch.
                CallArgs empty = ValidArgs(k, 3, 0);
                empty.ClassCount = bad;
                ExpectThrow<ArgumentOutOfRangeException>(m, k, path, empty, 0, "classCount", "positive", bad.ToString(System.Globalization.CultureInfo.InvariantCulture));
                CallArgs args = ValidArgs(k, 3, 2);
                args.ClassCount = bad;
                ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, 2, "classCount", "positive");
            }
        }

        m.AssertNone($"class count <= 0 on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Runtime_row_stride_below_class_count_is_refused(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Stride == StrideKind.Runtime))
        {
            int c = ClassCountFor(k);
            foreach (int bad in new[] { c - 1, 0, -5 }.Distinct())
            {
                CallArgs args = ValidArgs(k, c, 2);
                args.RowStride = bad;
                ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, 2, "rowStride", $"at least the class count {c}", bad.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        m.AssertNone($"rowStride < classCount on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Runtime_class_count_above_a_compile_time_row_stride_is_refused(CpuPath path)
    {
        // RowStride = 104 fixed, classCount passed at run time: a class count above 104 cannot fit a row. It must be
        // refused like rowStride < classCount, for any predictions length (including an empty batch).
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.Stride == StrideKind.Fixed && k.RuntimeClassCount))
        {
            int stride = k.FixedRowStride;
            foreach ((int c, int rows) in new[] { (stride + 1, 2), (200, 1), (200, 0) })
            {
                CallArgs args = ValidArgs(k, 3, rows);
                args.ClassCount = c;
                ResizePredictions(k, args, rows * stride);
                ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, rows, null, $"{c}", $"{stride}");
            }
        }

        m.AssertNone($"classCount > RowStride on {path}");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Label_stride_must_be_positive(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All.Where(k => k.HasLabelStride))
        {
            foreach (int bad in new[] { 0, -1, int.MinValue })
            {
                CallArgs args = ValidArgs(k, ClassCountFor(k), 2);
                args.LabelStride = bad;
                ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, 2, "labelStride", "positive", bad.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        m.AssertNone($"labelStride <= 0 on {path}");
    }

    // ---- empty batch ----------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Paths))]
    public void Empty_batch_gives_NaN_mean_zero_sum_and_writes_nothing(CpuPath path)
    {
        var m = new Mismatches();
        foreach (KernelInfo k in KernelTable.All)
        {
            int c = ClassCountFor(k);
            foreach (Layout layout in Runner.LayoutsFor(k, c))
            {
                CallArgs args = Runner.Build(k, RandomBatches.Get(k.Dtype, RandomBatches.For(k.Input)[0], 0, c), layout);
                float[] buffer = Runner.NewCanaryBuffer(4);
                float result;
                using (CpuDispatch.Force(path))
                {
                    result = k.Invoke(args, k.Reduction == CceReduction.None ? buffer.AsSpan(0, 0) : Span<float>.Empty);
                }

                switch (k.Reduction)
                {
                    case CceReduction.Mean when !float.IsNaN(result):
                        m.Add($"{k.Name}, {layout}: mean of an empty batch is {result}, expected NaN");
                        break;
                    case CceReduction.Sum when BitConverter.SingleToUInt32Bits(result) != 0:
                        m.Add($"{k.Name}, {layout}: sum of an empty batch is {Tolerance.Format(result)}, expected +0");
                        break;
                    case CceReduction.None when buffer.Any(v => BitConverter.SingleToUInt32Bits(v) != Runner.CanaryBits):
                        m.Add($"{k.Name}, {layout}: an empty batch wrote to the losses buffer");
                        break;
                }
            }
        }

        m.AssertNone($"empty batch on {path}");
    }

    // ---- bad_inputs.json ------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_case_of_bad_inputs_json_is_refused_as_documented(CpuPath path)
    {
        var m = new Mismatches();
        IReadOnlyList<BadInputCase> cases = Fixtures.BadInputs;
        Assert.NotEmpty(cases);
        foreach (BadInputCase bad in cases)
        {
            int c = bad.Raw.GetProperty("C").GetInt32();
            foreach (KernelInfo k in KernelTable.All.Where(k => k.RuntimeClassCount && k.Stride == StrideKind.Dense))
            {
                switch (bad.Name)
                {
                    case "label-too-large":
                    case "label-negative":
                    {
                        long[] labels = bad.Raw.GetProperty("y_true").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                        int badRow = Array.FindIndex(labels, l => l < 0 || l >= c);
                        CallArgs args = ValidArgs(k, c, labels.Length);
                        SetLabel(k, args, badRow, labels[badRow]);
                        var fragments = new List<string> { $"row {badRow}", $"is {labels[badRow]}" };
                        if (bad.Expect.Contains("[0, ", StringComparison.Ordinal))
                        {
                            fragments.Add($"[0, {c})");
                        }

                        ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, labels.Length, "labels", fragments.ToArray());
                        break;
                    }

                    case "length-mismatch":
                    {
                        int predRows = bad.Raw.GetProperty("B_pred").GetInt32();
                        int labelCount = bad.Raw.GetProperty("y_true").GetArrayLength();
                        CallArgs args = ValidArgs(k, c, predRows);
                        TruncateLabels(k, args, labelCount);
                        ExpectThrow<ArgumentException>(m, k, path, args, predRows, "labels", $"{predRows} prediction rows but {labelCount} labels");
                        break;
                    }

                    case "ragged-pred":
                    {
                        int length = bad.Raw.GetProperty("y_pred_len").GetInt32();
                        CallArgs args = ValidArgs(k, c, length / c);
                        ResizePredictions(k, args, length);
                        ExpectThrow<ArgumentException>(m, k, path, args, length / c, "predictions", $"{length} values is not a multiple of {c} classes");
                        break;
                    }

                    case "zero-classes":
                    {
                        CallArgs args = ValidArgs(k, 3, 0);
                        args.ClassCount = c;
                        ExpectThrow<ArgumentOutOfRangeException>(m, k, path, args, 0, "classCount", "class count must be positive");
                        break;
                    }

                    case "empty-batch-mean":
                    {
                        if (k.Reduction == CceReduction.Mean)
                        {
                            CallArgs args = ValidArgs(k, c, bad.Raw.GetProperty("B").GetInt32());
                            float mean;
                            using (CpuDispatch.Force(path))
                            {
                                mean = k.Invoke(args, Span<float>.Empty);
                            }

                            if (!float.IsNaN(mean))
                            {
                                m.Add($"{k.Name}: empty-batch-mean gave {mean}, expected NaN");
                            }
                        }

                        break;
                    }

                    default:
                        m.Add($"bad_inputs.json case '{bad.Name}' is not covered by this test: add it");
                        break;
                }
            }
        }

        m.AssertNone($"bad_inputs.json on {path}");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /// <summary>C for a kernel: its compile-time C, or 3.</summary>
    private static int ClassCountFor(KernelInfo k) => k.RuntimeClassCount ? 3 : k.FixedClassCount;

    /// <summary>Valid arguments for B rows: strided layouts (NaN padding, label stride 3) where the kernel has them.</summary>
    private static CallArgs ValidArgs(KernelInfo k, int c, int rows)
    {
        Batch batch = RandomBatches.Get(k.Dtype, RandomBatches.For(k.Input)[0], rows, c);
        return Runner.Build(k, batch, Runner.LayoutsFor(k, c)[0]);
    }

    private static void SetLabel(KernelInfo k, CallArgs args, int row, long value)
    {
        int index = row * args.LabelStride;
        if (k.LongLabels)
        {
            args.LongLabels[index] = value;
        }
        else
        {
            args.IntLabels[index] = checked((int)value);
        }
    }

    /// <summary>Keeps the first <paramref name="count"/> labels (at the label stride).</summary>
    private static void TruncateLabels(KernelInfo k, CallArgs args, int count)
    {
        int length = count == 0 ? 0 : ((count - 1) * args.LabelStride) + 1;
        args.IntLabels = k.LongLabels ? args.IntLabels : args.IntLabels[..length];
        args.LongLabels = k.LongLabels ? args.LongLabels[..length] : args.LongLabels;
    }

    /// <summary>Replaces the predictions by <paramref name="length"/> values (0.25, valid for every input kind).</summary>
    private static void ResizePredictions(KernelInfo k, CallArgs args, int length)
    {
        if (k.Dtype == Dtype.Float)
        {
            args.FloatPredictions = Enumerable.Repeat(0.25f, length).ToArray();
        }
        else
        {
            args.HalfPredictions = Enumerable.Repeat((Half)0.25f, length).ToArray();
        }
    }

    /// <summary>
    /// Expects exactly <typeparamref name="T"/> naming <paramref name="parameter"/> (unless null) with every fragment
    /// in its message; records a mismatch naming the kernel otherwise.
    /// </summary>
    private static void ExpectThrow<T>(Mismatches m, KernelInfo k, CpuPath path, CallArgs args, int lossesLength, string? parameter, params string[] fragments)
        where T : ArgumentException
    {
        float[] losses = new float[Math.Max(lossesLength, 0)];
        try
        {
            using (CpuDispatch.Force(path))
            {
                k.Invoke(args, k.Reduction == CceReduction.None ? losses : Span<float>.Empty);
            }

            m.Add($"{k.Name} on {path}: expected {typeof(T).Name} ({string.Join(", ", fragments)}), but the call returned");
        }
        catch (Exception ex) when (ex.GetType() == typeof(T))
        {
            CheckMessage(m, k, (ArgumentException)ex, parameter, fragments);
        }
        catch (Exception ex)
        {
            m.Add($"{k.Name} on {path}: expected {typeof(T).Name} ({string.Join(", ", fragments)}), got {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static void CheckMessage(Mismatches m, KernelInfo k, ArgumentException ex, string? parameter, params string[] fragments)
    {
        if (parameter is not null && ex.ParamName != parameter)
        {
            m.Add($"{k.Name}: {ex.GetType().Name} names parameter '{ex.ParamName}', expected '{parameter}' ({ex.Message})");
        }

        foreach (string fragment in fragments)
        {
            if (!ex.Message.Contains(fragment, StringComparison.Ordinal))
            {
                m.Add($"{k.Name}: {ex.GetType().Name} message lacks \"{fragment}\": {ex.Message}");
            }
        }
    }
}
