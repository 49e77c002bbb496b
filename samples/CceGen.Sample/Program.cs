using System;
using System.Globalization;
using System.Linq;
using CceGen.Runtime;

namespace CceGen.Sample;

internal static class Program
{
    private static int Main()
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        // FastEstimator's example (sparse_categorical_crossentropy docs).
        float[] yPred = { 0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.05f, 0.1f, 0.2f, 0.7f };
        int[] yTrue = { 1, 0, 2 };          // (B) ... or, as a column,
        int[] yTrueColumn = { 1, 0, 2 };    // (B, 1): [[1], [0], [2]]
        long[] yTrueLong = { 1, 0, 2 };

        Console.WriteLine($"CceGen sample — CPU path: {CpuDispatch.Describe(CpuDispatch.Current)} (detected {CpuDispatch.Describe(CpuDispatch.Detected)})");
        Console.WriteLine("y_pred = [[0.1, 0.8, 0.1], [0.9, 0.05, 0.05], [0.1, 0.2, 0.7]], y_true = [[1], [0], [2]]");
        Console.WriteLine();

        float mean = Losses.TorchMean(yPred, 3, yTrueColumn);
        Span<float> rows = stackalloc float[3];
        Losses.TorchPerRow(yPred, yTrue, rows);
        Console.WriteLine($"PyTorch semantics   average_loss=True : {mean:0.000}");
        Console.WriteLine($"PyTorch semantics   average_loss=False: {Format(rows)}");

        float kerasMean = Losses.KerasMean(yPred, yTrueLong);
        Losses.KerasPerRow(yPred, yTrueLong, rows);
        Console.WriteLine($"Keras semantics     average_loss=True : {kerasMean:0.000}");
        Console.WriteLine($"Keras semantics     average_loss=False: {Format(rows)}");

        // from_logits=True: log of the same probabilities are logits with the same softmax.
        Half[] logits = yPred.Select(p => (Half)MathF.Log(p)).ToArray();
        Console.WriteLine($"float16 logits      average_loss=True : {Losses.LogitsHalfMean(logits, yTrue):0.000}");

        // A (B, C) = (3, 3) matrix stored with row stride 4 (one padding column, never read).
        float[] padded = { 0f, 2f, 0f, 99f, 2f, 0f, 0f, 99f, 0f, 0f, 2f };
        Losses.LogitsStrided(padded, 3, 4, yTrue, rows);
        Console.WriteLine($"float32 logits, row stride 4          : {Format(rows)}");

        try
        {
            Losses.TorchPerRow(yPred, new[] { 1, 3, 2 }, rows);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            Console.WriteLine();
            Console.WriteLine($"A bad label is refused: {ex.Message.Split('\n')[0]}");
        }

        return 0;
    }

    private static string Format(ReadOnlySpan<float> values)
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            parts[i] = values[i].ToString("0.0000", CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
