using System;
using CceGen.Runtime;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace CceGen.FashionMnist;

internal static class Program
{
    private const ulong SoftmaxStream = 1;
    private const ulong MlpStream = 2;

    public static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        if (options.Help)
        {
            Console.Out.Write(Options.Usage);
            Console.Out.WriteLine();
            return 0;
        }

        try
        {
            return Run(options, Console.Out);
        }
        catch (DataFileException e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"error: {e.File}: {e.Message}");
            return 2;
        }
        catch (TrainingDivergedException e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (UsageException e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            // A bug, not a data or usage problem: keep the stack trace.
            Console.Out.Flush();
            Console.Error.WriteLine($"error: unexpected failure: {e}");
            return 1;
        }
    }

    private static int Run(Options options, TextWriter output)
    {
        bool interactive = !Console.IsOutputRedirected;
        long start = Stopwatch.GetTimestamp();

        // Resolve the output path first so a bad --out fails before minutes of training.
        string outDirectory = Path.GetFullPath(options.OutDirectory ?? Directory.GetCurrentDirectory());
        try
        {
            Directory.CreateDirectory(outDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot create the --out directory {outDirectory}: {e.Message}");
        }
        string svgPath = Path.Combine(outDirectory, SvgChart.FileName);

        DataSplit data = options.DataDirectory is null
            ? DataSplit.LoadEmbedded()
            : DataSplit.LoadDirectory(options.DataDirectory);
        double loadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        ILossKernel kernel = options.DType == DType.F16 ? new GeneratedLossF16() : new GeneratedLossF32();
        string isaPath = CpuDispatch.Describe(CpuDispatch.Current);

        int epochs = options.EffectiveEpochs;
        float lr = options.EffectiveLearningRate;
        string models = options.Model switch
        {
            ModelChoice.Softmax => "softmax regression",
            ModelChoice.Mlp => $"MLP (hidden {options.Hidden})",
            _ => $"softmax regression, then MLP (hidden {options.Hidden})",
        };
        string schedule = options.Schedule == Schedule.Cosine ? "cosine decay to 0" : "constant";
        string optimizerName = options.Optimizer == OptimizerChoice.Adam
            ? $"Adam (lr {Fmt(lr)}, {schedule})"
            : $"SGD with momentum 0.9 (lr {Fmt(lr)}, {schedule})";

        output.WriteLine("CceGen Fashion-MNIST sample");
        output.WriteLine(Fmt($"Data:        {data.Description}"));
        output.WriteLine(Fmt($"             {data.Train.Count:N0} train / {data.HeldOut.Count:N0} held-out images, 28x28, 10 classes (loaded in {loadSeconds:F2} s)"));
        output.WriteLine($"Model:       {models}");
        output.WriteLine($"Optimizer:   {optimizerName}");
        output.WriteLine(Fmt($"Training:    {epochs} epochs, batch {options.Batch}, seed {options.Seed}, logits dtype {(options.DType == DType.F16 ? "f16 (System.Half)" : "f32")}"));
        output.WriteLine($"Loss kernel: {kernel.Name}");
        output.WriteLine($"ISA path: {isaPath}");
        output.WriteLine("(loss kernel % = share of each epoch's training time spent inside ILossKernel.MeanLossAndGradient)");
        output.Flush();

        // float32 math should agree with float64 to a few ulps; float16 logits carry ~3 significant digits.
        double tolerance = options.DType == DType.F16 ? 1e-2 : 1e-5;
        var trainer = new Trainer(data, kernel, tolerance, output, interactive);
        var histories = new List<ModelHistory>();
        int maxRows = Math.Max(options.Batch, 1000);

        if (options.Model is ModelChoice.Softmax or ModelChoice.Both)
        {
            var rng = new Rng(options.Seed, SoftmaxStream);
            var model = new SoftmaxRegression(maxRows, rng);
            histories.Add(TrainOne(trainer, model, options, rng, epochs, lr, output));
        }
        if (options.Model is ModelChoice.Mlp or ModelChoice.Both)
        {
            var rng = new Rng(options.Seed, MlpStream);
            var model = new Mlp(options.Hidden, maxRows, rng);
            histories.Add(TrainOne(trainer, model, options, rng, epochs, lr, output));
        }

        string subtitle = Fmt(
            $"{(data.IsFull ? "full data" : "embedded subset")}: {data.Train.Count:N0} train / {data.HeldOut.Count:N0} held-out; {optimizerName}; batch {options.Batch}; seed {options.Seed}; logits {(options.DType == DType.F16 ? "f16" : "f32")}; kernel {kernel.Name}");
        SvgChart.Write(svgPath, "Fashion-MNIST: training loss and accuracy per epoch", subtitle, histories);

        output.WriteLine();
        output.WriteLine("Summary");
        foreach (ModelHistory h in histories)
        {
            EpochStats last = h.Epochs[^1];
            output.WriteLine(Fmt(
                $"  {h.Name,-8} final held-out accuracy {last.HeldOutAccuracy * 100:F2}%  (train loss {last.TrainLoss:F4}, train acc {last.TrainAccuracy * 100:F2}%, {h.Epochs.Count} epochs in {h.Seconds:F1} s)"));
        }
        output.WriteLine($"  curves: {svgPath}");
        output.WriteLine(Fmt($"  total time {Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s"));
        return 0;
    }

    private static ModelHistory TrainOne(Trainer trainer, IModel model, Options options, Rng rng, int epochs, float lr, TextWriter output)
    {
        IOptimizer optimizer = options.Optimizer == OptimizerChoice.Adam
            ? new Adam(model.Parameters, lr)
            : new SgdMomentum(model.Parameters, lr);
        output.WriteLine();
        output.WriteLine($"== {model.Description}");
        output.Flush();
        return trainer.Train(model, optimizer, rng, epochs, options.Batch, lr, options.Schedule);
    }

    private static string Fmt(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Fmt(float value) => value.ToString("G", CultureInfo.InvariantCulture);
}
