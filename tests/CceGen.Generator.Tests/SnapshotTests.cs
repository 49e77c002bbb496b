using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CceGen.Generator.Tests;

/// <summary>
/// The generated source is product: one snapshot per representative declaration (each dtype, input kind, reduction,
/// label shape, runtime and compile-time C, strided layouts, nested and namespace-less types), and every output must
/// compile with no errors and no warnings.
/// </summary>
public class SnapshotTests
{
    public static TheoryData<string, string> Declarations => new()
    {
        { "FloatLogitsVectorMean", "[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels);" },
        { "HalfLogitsColumnMeanC10", "[SparseCceKernel(CceInput.Logits, CceReduction.Mean, Labels = CceLabelShape.Column, ClassCount = 10)] public static partial float Loss(ReadOnlySpan<Half> logits, ReadOnlySpan<int> labels);" },
        { "FloatLogitsNoneRowStride", "[SparseCceKernel(CceInput.Logits, CceReduction.None)] internal static partial void Loss(ReadOnlySpan<float> logits, int classCount, int rowStride, ReadOnlySpan<int> labels, Span<float> losses);" },
        { "HalfLogitsSumC100", "[SparseCceKernel(CceInput.Logits, CceReduction.Sum, ClassCount = 100)] public static partial float Loss(ReadOnlySpan<Half> logits, ReadOnlySpan<long> labels);" },
        { "FloatLogitsMeanC10Stride16", "[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10, RowStride = 16)] public static partial float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels);" },
        { "FloatLogitsMeanC33", "[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 33)] public static partial float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels);" },
        { "FloatTorchColumnLongStrideNone", "[SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.None, Labels = CceLabelShape.Column)] public static partial void Loss(ReadOnlySpan<float> probabilities, int classCount, ReadOnlySpan<long> labels, int labelStride, Span<float> losses);" },
        { "HalfTorchMeanC3", "[SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Mean, ClassCount = 3)] public static partial float Loss(ReadOnlySpan<Half> probabilities, ReadOnlySpan<int> labels);" },
        { "FloatKerasMeanC3", "[SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Mean, ClassCount = 3)] public static partial float Loss(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels);" },
        { "HalfKerasNoneColumn", "[SparseCceKernel(CceInput.KerasProbabilities, CceReduction.None, Labels = CceLabelShape.Column)] public static partial void Loss(ReadOnlySpan<Half> probabilities, int classCount, ReadOnlySpan<int> labels, Span<float> losses);" },
        { "FloatLogitsMeanC10GradientAccuracy", "[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)] public static partial float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> gradient, out int correct);" },
        { "HalfLogitsNoneGradientHalfUpstream", "[SparseCceKernel(CceInput.Logits, CceReduction.None)] public static partial void Loss(ReadOnlySpan<Half> logits, int classCount, ReadOnlySpan<int> labels, Span<float> losses, Span<Half> gradient, ReadOnlySpan<float> upstream, out int correct);" },
        { "FloatTorchSumGradient", "[SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.Sum, ClassCount = 4)] public static partial float Loss(ReadOnlySpan<float> p, ReadOnlySpan<int> labels, Span<float> gradient, out int correct);" },
        { "FloatLogitsMeanParallelGradientAccuracy", "[SparseCceKernel(CceInput.Logits, CceReduction.Mean, Parallel = true)] public static partial float Loss(ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels, Span<float> gradient, out int correct);" },
        { "HalfTorchNoneParallel", "[SparseCceKernel(CceInput.PyTorchProbabilities, CceReduction.None, Parallel = true, ClassCount = 10)] public static partial void Loss(ReadOnlySpan<Half> p, ReadOnlySpan<long> labels, Span<float> losses);" },
        { "FloatKerasMeanGradient", "[SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> p, int classCount, ReadOnlySpan<int> labels, Span<float> gradient);" },
        { "FloatKerasSum", "[SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Sum)] public static partial float Loss(ReadOnlySpan<float> probabilities, int classCount, ReadOnlySpan<int> labels);" },
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Kernel(string name, string declaration)
    {
        string source = $$"""
            using System;
            using CceGen;

            namespace Demo;

            public static partial class Losses
            {
                {{declaration}}
            }
            """;
        GeneratorHarness.Run run = GeneratorHarness.Generate(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputProblems);
        GeneratedSourceResult file = Assert.Single(run.Result.GeneratedSources);
        Assert.Equal("Demo.Losses.Loss.g.cs", file.HintName);
        Snapshot.Match(file.SourceText.ToString(), name);
    }

    [Fact]
    public void NestedTypesInsideGenericRecordStruct()
    {
        const string source = """
            using System;
            using CceGen;

            namespace Demo.Deep
            {
                public partial record struct Outer<T> where T : struct
                {
                    internal partial class Inner
                    {
                        [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 4)]
                        private static partial float Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels);
                    }
                }
            }
            """;
        GeneratorHarness.Run run = GeneratorHarness.Generate(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputProblems);
        GeneratedSourceResult file = Assert.Single(run.Result.GeneratedSources);
        Assert.Equal("Demo.Deep.Outer`1.Inner.Loss.g.cs", file.HintName);
        Snapshot.Match(file.SourceText.ToString(), "NestedGenericRecordStruct");
    }

    [Fact]
    public void GlobalNamespace()
    {
        const string source = """
            using System;
            using CceGen;

            static partial class Losses
            {
                [SparseCceKernel(CceInput.Logits, CceReduction.None, ClassCount = 2)]
                static partial void Loss(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> losses);
            }
            """;
        GeneratorHarness.Run run = GeneratorHarness.Generate(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputProblems);
        GeneratedSourceResult file = Assert.Single(run.Result.GeneratedSources);
        Assert.Equal("Losses.Loss.g.cs", file.HintName);
        Snapshot.Match(file.SourceText.ToString(), "GlobalNamespace");
    }

    [Fact]
    public void OverloadsAndSameNamesInOtherTypesDoNotCollide()
    {
        const string source = """
            using System;
            using CceGen;

            namespace Demo;

            public static partial class A
            {
                [SparseCceKernel(CceInput.Logits, CceReduction.Mean)]
                public static partial float Loss(ReadOnlySpan<float> logits, int classCount, ReadOnlySpan<int> labels);

                [SparseCceKernel(CceInput.Logits, CceReduction.Mean)]
                public static partial float Loss(ReadOnlySpan<Half> logits, int classCount, ReadOnlySpan<int> labels);
            }

            public static partial class B
            {
                [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.Sum, ClassCount = 5)]
                public static partial float Loss(ReadOnlySpan<float> p, ReadOnlySpan<int> labels);
            }
            """;
        GeneratorHarness.Run run = GeneratorHarness.Generate(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputProblems);
        Assert.Equal(
            new[] { "Demo.A.Loss_0.g.cs", "Demo.A.Loss_1.g.cs", "Demo.B.Loss.g.cs" },
            run.Result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal));
    }

    [Fact]
    public void OutputIsDeterministic()
    {
        string source = "using System; using CceGen; namespace Demo; static partial class L { [SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y); }";
        string first = GeneratorHarness.Generate(source).Result.GeneratedSources.Single().SourceText.ToString();
        string second = GeneratorHarness.Generate(source).Result.GeneratedSources.Single().SourceText.ToString();
        Assert.Equal(first, second);
    }

    [Fact]
    public void FormsFoundByTheFuzzerCompile()
    {
        // Accuracy right after the labels (no gradient), a ref struct container, attributes on type parameters, a
        // lower-case type name, a comment inside the namespace name and names differing only in case.
        const string source = """
            using System;
            using CceGen;

            namespace Demo /* c */ . Sub;

            [AttributeUsage(AttributeTargets.GenericParameter)] sealed class MarkerAttribute : Attribute { }

            public ref partial struct S<[Marker] T>
            {
                [SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)]
                public static partial float Loss(ReadOnlySpan<float> z, ReadOnlySpan<int> y, out int correct);

                [SparseCceKernel(CceInput.Logits, CceReduction.Mean, Labels = CceLabelShape.Column, ClassCount = 10)]
                public static partial float LOSS(ReadOnlySpan<float> z, ReadOnlySpan<int> y, out int correct);
            }
            """;
        GeneratorHarness.Run run = GeneratorHarness.Generate(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputProblems);
        Assert.Equal(
            new[] { "Demo.Sub.S`1.LOSS_1.g.cs", "Demo.Sub.S`1.Loss_0.g.cs" },
            run.Result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal));
    }
}
