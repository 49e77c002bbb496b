using System.Collections.Generic;
using System.Linq;

namespace CceGen.Generator.Tests;

/// <summary>
/// Valid starting declarations for the fuzzer: every input kind, reduction, dtype, label type and shape, ClassCount and
/// RowStride in the attribute or as parameters, labelStride, float/Half gradients, upstream and the accuracy count.
/// Each one must generate cleanly unmutated (the fuzz test checks that first).
/// </summary>
internal static class FuzzSeeds
{
    private static readonly string[] Inputs = { "CceInput.Logits", "CceInput.PyTorchProbabilities", "CceInput.KerasProbabilities" };
    private static readonly string[] Reductions = { "CceReduction.Mean", "CceReduction.Sum", "CceReduction.None" };

    public static IReadOnlyList<FuzzDecl> All { get; } = Build();

    private static FuzzDecl Seed(string name, int input, int reduction, string parameters, string? labels = null, int classCount = 0, int rowStride = 0)
    {
        var kernel = new FuzzKernel
        {
            Input = new FuzzArg(Inputs[input], input),
            Reduction = new FuzzArg(Reductions[reduction], reduction),
            ReturnType = reduction == 2 ? "void" : "float",
        };
        if (labels is not null)
        {
            kernel.SetNamed("Labels", new FuzzArg("CceLabelShape." + labels, labels == "Column" ? 1 : 0));
        }

        if (classCount > 0)
        {
            kernel.SetNamed("ClassCount", new FuzzArg(classCount.ToString(System.Globalization.CultureInfo.InvariantCulture), classCount));
        }

        if (rowStride > 0)
        {
            kernel.SetNamed("RowStride", new FuzzArg(rowStride.ToString(System.Globalization.CultureInfo.InvariantCulture), rowStride));
        }

        foreach (string p in parameters.Split(',').Select(s => s.Trim()))
        {
            string[] parts = p.Split(' ');
            var param = parts.Length == 3
                ? new FuzzParam(parts[1], parts[2]) { Modifier = parts[0] }
                : new FuzzParam(parts[0], parts[1]);
            kernel.Params.Add(param);
        }

        return new FuzzDecl(name, kernel);
    }

    private static List<FuzzDecl> Build()
    {
        const int Logits = 0, Torch = 1, Keras = 2, Mean = 0, Sum = 1, None = 2;
        var seeds = new List<FuzzDecl>
        {
            Seed("LogitsMeanC10", Logits, Mean, "ReadOnlySpan<float> logits, ReadOnlySpan<int> labels", classCount: 10),
            Seed("LogitsMeanRuntimeC", Logits, Mean, "ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels"),
            Seed("HalfLogitsSumC100Long", Logits, Sum, "ReadOnlySpan<Half> logits, ReadOnlySpan<long> labels", classCount: 100),
            Seed("LogitsNoneRowStrideParam", Logits, None, "ReadOnlySpan<float> logits, int classCount, int rowStride, ReadOnlySpan<int> labels, Span<float> losses"),
            Seed("LogitsMeanC10Stride16", Logits, Mean, "ReadOnlySpan<float> logits, ReadOnlySpan<int> labels", classCount: 10, rowStride: 16),
            Seed("HalfLogitsColumnMeanC10", Logits, Mean, "ReadOnlySpan<Half> logits, ReadOnlySpan<int> labels", labels: "Column", classCount: 10),
            Seed("TorchColumnLongLabelStrideNone", Torch, None, "ReadOnlySpan<float> probabilities, int classCount, ReadOnlySpan<long> labels, int labelStride, Span<float> losses", labels: "Column"),
            Seed("HalfTorchMeanC3", Torch, Mean, "ReadOnlySpan<Half> probabilities, ReadOnlySpan<int> labels", classCount: 3),
            Seed("KerasMeanC3", Keras, Mean, "ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels", classCount: 3),
            Seed("HalfKerasNoneColumnRuntimeC", Keras, None, "ReadOnlySpan<Half> probabilities, int classCount, ReadOnlySpan<int> labels, Span<float> losses", labels: "Column"),
            Seed("LogitsMeanC10GradientCorrect", Logits, Mean, "ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct", classCount: 10),
            Seed("HalfLogitsNoneHalfGradientUpstreamCorrect", Logits, None, "ReadOnlySpan<Half> logits, int classCount, ReadOnlySpan<int> labels, Span<float> losses, Span<Half> gradient, ReadOnlySpan<float> upstream, out int correct"),
            Seed("TorchSumC4GradientCorrect", Torch, Sum, "ReadOnlySpan<float> p, ReadOnlySpan<int> labels, Span<float> gradient, out int correct", classCount: 4),
            Seed("KerasMeanRuntimeGradient", Keras, Mean, "ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> labels, Span<float> gradient"),
            Seed("KerasSumRuntime", Keras, Sum, "ReadOnlySpan<float> probabilities, int classCount, ReadOnlySpan<int> labels"),
            Seed("LogitsSumColumnC33Stride40LongHalfGradient", Logits, Sum, "ReadOnlySpan<float> logits, ReadOnlySpan<long> labels, int labelStride, Span<Half> gradient", labels: "Column", classCount: 33, rowStride: 40),
            Seed("KerasNoneC5GradientUpstream", Keras, None, "ReadOnlySpan<float> p, ReadOnlySpan<int> labels, Span<float> losses, Span<float> gradient, ReadOnlySpan<float> upstream", classCount: 5),
            Seed("HalfTorchNoneVectorC7GradientCorrect", Torch, None, "ReadOnlySpan<Half> p, ReadOnlySpan<int> labels, Span<float> losses, Span<float> gradient, out int correct", labels: "Vector", classCount: 7),
            Seed("LogitsMeanC64Registers", Logits, Mean, "ReadOnlySpan<float> logits, ReadOnlySpan<int> labels", classCount: 64),
            Seed("HalfLogitsSumC65LoopRowStrideParam", Logits, Sum, "ReadOnlySpan<Half> logits, int rowStride, ReadOnlySpan<int> labels", classCount: 65),
            Seed("KerasMeanC10RowStride12HalfGradient", Keras, Mean, "ReadOnlySpan<Half> p, ReadOnlySpan<long> labels, Span<Half> gradient", classCount: 10, rowStride: 12),
            Seed("TorchMeanRuntimeRowStrideColumn", Torch, Mean, "ReadOnlySpan<float> p, int classCount, int rowStride, ReadOnlySpan<int> labels, int labelStride", labels: "Column"),
            Seed("LogitsNoneRuntimeGradientHalfCorrect", Logits, None, "ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<long> labels, Span<float> losses, Span<Half> gradient, out int correct"),
            Seed("LogitsSumC2Column", Logits, Sum, "ReadOnlySpan<float> logits, ReadOnlySpan<int> labels", labels: "Column", classCount: 2),
        };

        // A few seeds start in other declaration contexts so that every mutation also runs there.
        seeds[2].NamespaceStyle = "block";
        seeds[5].NamespaceStyle = "global";
        seeds[7].Containers[0] = new FuzzContainer("Kernels", "struct", "internal");
        seeds[9].Containers[0] = new FuzzContainer("Kernels", "record", "public");
        seeds[12].Kernel.Modifiers = new List<string> { "internal", "static", "partial" };
        seeds[13].Containers.Insert(0, new FuzzContainer("Outer", "class", "public"));
        seeds[13].Containers[1].Access = "private";
        seeds[16].Kernel.Modifiers = new List<string> { "private", "static", "partial" };
        seeds[20].Namespace = "Demo.Deep.Kernels";
        return seeds;
    }
}
