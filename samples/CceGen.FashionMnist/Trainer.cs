using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace CceGen.FashionMnist;

internal sealed record EpochStats(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double HeldOutLoss,
    double HeldOutAccuracy,
    double SamplesPerSecond,
    double KernelShare,
    double Seconds);

internal sealed class ModelHistory
{
    public ModelHistory(string name, string description)
    {
        Name = name;
        Description = description;
    }

    public string Name { get; }

    public string Description { get; }

    public List<EpochStats> Epochs { get; } = new();

    public double Seconds { get; set; }
}

/// <summary>Mini-batch training loop: forward, loss kernel (timed), backward, optimizer step; then held-out evaluation.</summary>
internal sealed class Trainer
{
    private const int Classes = IdxReader.Classes;
    private const int EvalBatch = 1000;

    private readonly DataSplit data;
    private readonly ILossKernel kernel;
    private readonly TextWriter output;
    private readonly double crossCheckTolerance;
    private readonly bool interactive;

    public Trainer(DataSplit data, ILossKernel kernel, double crossCheckTolerance, TextWriter output, bool interactive)
    {
        this.data = data;
        this.kernel = kernel;
        this.crossCheckTolerance = crossCheckTolerance;
        this.output = output;
        this.interactive = interactive;
    }

    public ModelHistory Train(IModel model, IOptimizer optimizer, Rng shuffleRng, int epochs, int batch, float learningRate, Schedule schedule)
    {
        var history = new ModelHistory(model.Name, model.Description);
        Dataset train = data.Train;
        int maxRows = Math.Max(batch, EvalBatch);
        var x = new float[maxRows * IdxReader.Pixels];
        var labels = new int[maxRows];
        var gradient = new float[maxRows * Classes];
        var order = new int[train.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        int batchesPerEpoch = (train.Count + batch - 1) / batch;
        long totalSteps = (long)batchesPerEpoch * epochs;
        long step = 0;
        long totalStart = Stopwatch.GetTimestamp();
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            shuffleRng.Shuffle(order);
            double lossSum = 0.0;
            long correctSum = 0;
            long kernelTicks = 0;
            long epochStart = Stopwatch.GetTimestamp();
            long lastProgress = epochStart;
            int progressWidth = 0;

            for (int b = 0; b < batchesPerEpoch; b++)
            {
                int start = b * batch;
                int rows = Math.Min(batch, train.Count - start);
                for (int r = 0; r < rows; r++)
                {
                    int idx = order[start + r];
                    train.CopyImage(idx, x.AsSpan(r * IdxReader.Pixels, IdxReader.Pixels));
                    labels[r] = train.Labels[idx];
                }

                float[] logits = model.Forward(x, rows);
                ReadOnlySpan<float> logitSpan = logits.AsSpan(0, rows * Classes);
                ReadOnlySpan<int> labelSpan = labels.AsSpan(0, rows);
                Span<float> gradSpan = gradient.AsSpan(0, rows * Classes);

                long k0 = Stopwatch.GetTimestamp();
                float meanLoss = kernel.MeanLossAndGradient(logitSpan, labelSpan, gradSpan, out int correct);
                kernelTicks += Stopwatch.GetTimestamp() - k0;

                if (epoch == 1 && b == 0)
                {
                    CrossCheck(logitSpan, labelSpan, gradSpan, meanLoss, correct);
                }
                if (!float.IsFinite(meanLoss))
                {
                    throw new TrainingDivergedException(
                        $"{model.Name}: the loss became {meanLoss} in epoch {epoch}, batch {b + 1}; try a smaller --lr");
                }

                lossSum += (double)meanLoss * rows;
                correctSum += correct;

                model.Backward(x, gradient, rows);
                optimizer.LearningRate = schedule == Schedule.Cosine
                    ? (float)(learningRate * 0.5 * (1.0 + Math.Cos(Math.PI * step / totalSteps)))
                    : learningRate;
                optimizer.Step();
                step++;

                if (interactive)
                {
                    long now = Stopwatch.GetTimestamp();
                    if (b + 1 == batchesPerEpoch || Stopwatch.GetElapsedTime(lastProgress, now).TotalMilliseconds >= 100)
                    {
                        lastProgress = now;
                        int seen = start + rows;
                        progressWidth = WriteProgress(epoch, epochs, seen, train.Count, lossSum / seen, (double)correctSum / seen, progressWidth);
                    }
                }
            }

            double seconds = Stopwatch.GetElapsedTime(epochStart).TotalSeconds;
            double kernelSeconds = kernelTicks / (double)Stopwatch.Frequency;
            (double heldLoss, double heldAcc) = Evaluate(model, data.HeldOut, x, labels, gradient);

            var stats = new EpochStats(
                epoch,
                lossSum / train.Count,
                (double)correctSum / train.Count,
                heldLoss,
                heldAcc,
                train.Count / seconds,
                kernelSeconds / seconds,
                seconds);
            history.Epochs.Add(stats);

            if (interactive && progressWidth > 0)
            {
                output.Write('\r' + new string(' ', progressWidth) + '\r');
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  epoch {epoch.ToString().PadLeft(epochs.ToString().Length)}/{epochs}  train loss {stats.TrainLoss:F4}  train acc {stats.TrainAccuracy * 100:F2}%  held-out acc {stats.HeldOutAccuracy * 100:F2}%  {stats.SamplesPerSecond,9:N0} samples/s  loss kernel {stats.KernelShare * 100:F1}% of epoch time"));
            output.Flush();
        }
        history.Seconds = Stopwatch.GetElapsedTime(totalStart).TotalSeconds;
        return history;
    }

    /// <summary>Mean loss and accuracy on a data set, through the same (product) loss kernel; gradients discarded.</summary>
    private (double Loss, double Accuracy) Evaluate(IModel model, Dataset set, float[] x, int[] labels, float[] gradient)
    {
        double lossSum = 0.0;
        long correctSum = 0;
        for (int start = 0; start < set.Count; start += EvalBatch)
        {
            int rows = Math.Min(EvalBatch, set.Count - start);
            for (int r = 0; r < rows; r++)
            {
                set.CopyImage(start + r, x.AsSpan(r * IdxReader.Pixels, IdxReader.Pixels));
                labels[r] = set.Labels[start + r];
            }
            float[] logits = model.Forward(x, rows);
            float meanLoss = kernel.MeanLossAndGradient(
                logits.AsSpan(0, rows * Classes), labels.AsSpan(0, rows), gradient.AsSpan(0, rows * Classes), out int correct);
            lossSum += (double)meanLoss * rows;
            correctSum += correct;
        }
        return (lossSum / set.Count, (double)correctSum / set.Count);
    }

    /// <summary>First batch only: the product kernel against the float64 ReferenceLoss on the very same logits.</summary>
    private void CrossCheck(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, ReadOnlySpan<float> kernelGrad, float kernelLoss, int kernelCorrect)
    {
        var reference = new ReferenceLoss();
        var refGrad = new float[logits.Length];
        float refLoss = reference.MeanLossAndGradient(logits, labels, refGrad, out int refCorrect);
        double relative = Math.Abs((double)kernelLoss - refLoss) / Math.Max(Math.Abs((double)refLoss), 1e-30);
        double maxGradDiff = 0.0;
        for (int i = 0; i < refGrad.Length; i++)
        {
            maxGradDiff = Math.Max(maxGradDiff, Math.Abs((double)kernelGrad[i] - refGrad[i]));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  cross-check (first batch, {labels.Length} rows): {kernel.Name} mean loss {kernelLoss:F7} vs {reference.Name} {refLoss:F7}, relative difference {relative:0.00e+00}; max |gradient difference| {maxGradDiff:0.00e+00}; correct {kernelCorrect} vs {refCorrect}"));
        // With float16 logits, rounding can legitimately create or break argmax ties, so only float32 must match exactly.
        bool argmaxOk = kernelCorrect == refCorrect || crossCheckTolerance >= 1e-3;
        bool ok = relative <= crossCheckTolerance && maxGradDiff <= crossCheckTolerance && argmaxOk;
        string tolerance = crossCheckTolerance.ToString("0e+00", CultureInfo.InvariantCulture);
        output.WriteLine(ok
            ? $"  cross-check OK (within {tolerance} on the relative loss difference and the gradient)"
            : $"  cross-check WARNING: {kernel.Name} disagrees with the float64 reference beyond {tolerance}");
    }

    private int WriteProgress(int epoch, int epochs, int seen, int total, double loss, double accuracy, int previousWidth)
    {
        const int barWidth = 24;
        int filled = (int)((long)barWidth * seen / total);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"  epoch {epoch}/{epochs} [{new string('#', filled)}{new string('.', barWidth - filled)}] {seen * 100.0 / total,5:F1}%  loss {loss:F4}  acc {accuracy * 100:F2}%");
        string pad = line.Length < previousWidth ? new string(' ', previousWidth - line.Length) : "";
        output.Write('\r' + line + pad);
        output.Flush();
        return Math.Max(line.Length, previousWidth);
    }
}

/// <summary>The loss went non-finite; reported without a stack trace.</summary>
internal sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(string message)
        : base(message)
    {
    }
}
