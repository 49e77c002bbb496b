using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CceGen.Generator.Tests;

/// <summary>One test per diagnostic ID (ID, location, message argument) and a sweep over every prefix of a valid file.</summary>
public class DiagnosticTests
{
    private static string InType(string member, string typeModifiers = "static partial") => $$"""
        using System;
        using CceGen;

        namespace Demo;

        public {{typeModifiers}} class Losses
        {
            {{member}}
        }
        """;

    /// <summary>Runs the generator and returns its single diagnostic, checking that the marked text is where it points.</summary>
    private static Diagnostic Single(string source, string id, string markedText)
    {
        GeneratorHarness.Run run = GeneratorHarness.Generate(source);
        Assert.Null(run.Result.Exception);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics, x => x.Id == id);
        // Generator diagnostics carry path + span (the model holds no syntax tree), as the compiler reports them.
        SyntaxTree tree = run.Output.SyntaxTrees.Single(t => t.FilePath == d.Location.GetLineSpan().Path);
        string located = tree.GetText().ToString(d.Location.SourceSpan);
        Assert.Equal(tree.GetLineSpan(d.Location.SourceSpan).Span, d.Location.GetLineSpan().Span);
        Assert.Equal(markedText, located);
        Assert.Empty(run.Result.GeneratedSources);
        return d;
    }

    [Fact]
    public void CCE0001_NotStatic()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);", "partial"), "CCE0001", "Loss");
        Assert.Contains("'Loss' must be static", d.GetMessage());
    }

    [Fact]
    public void CCE0002_NotPartial()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y) => 0;"), "CCE0002", "Loss");
        Assert.Contains("partial method declaration without a body", d.GetMessage());
    }

    [Fact]
    public void CCE0003_Generic()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss<T>(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);"), "CCE0003", "Loss");
        Assert.Contains("must not be generic", d.GetMessage());
    }

    [Fact]
    public void CCE0004_ContainingTypeNotPartial()
    {
        string source = """
            using System;
            using CceGen;
            namespace Demo;
            public static class Outer
            {
                public static partial class Losses
                {
                    [SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);
                }
            }
            """;
        Diagnostic d = Single(source, "CCE0004", "Outer");
        Assert.Contains("Type 'Outer' containing kernel method 'Loss' must be partial", d.GetMessage());
    }

    [Fact]
    public void CCE0005_PredictionType()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<double> z, int c, ReadOnlySpan<int> y);"), "CCE0005", "z");
        Assert.Contains("not 'System.ReadOnlySpan<double>'", d.GetMessage());
    }

    [Fact]
    public void CCE0006_LabelType()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<short> y);"), "CCE0006", "y");
        Assert.Contains("ReadOnlySpan<long>, not 'System.ReadOnlySpan<short>'", d.GetMessage());
    }

    [Theory]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, ReadOnlySpan<int> y);", "y", "needs an int classCount")]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, int c, int s, int t, ReadOnlySpan<int> y);", "t", "one int too many")]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y, Span<int> grad);", "grad", "must be a Span<float> or Span<Half>")]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y, Span<float> grad, ReadOnlySpan<float> up);", "up", "needs CceReduction.None")]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y, double extra);", "extra", "not part of any kernel form")]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, int c);", "Loss", "no labels parameter")]
    public void CCE0007_ParameterList(string declaration, string marked, string why)
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] " + declaration), "CCE0007", marked);
        Assert.Contains(why, d.GetMessage());
        Assert.Contains("expected (ReadOnlySpan<float|Half> predictions, int classCount", d.GetMessage());
    }

    [Theory]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, int classCount, int rowStride, ReadOnlySpan<int> y);", "classCount", "ClassCount = 10 is set in the attribute")]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, int c, int s, ReadOnlySpan<int> y);", "s", "ClassCount = 10 is set in the attribute")]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, ReadOnlySpan<int> y, int rowStride);", "rowStride", "comes after the labels; the int row stride goes between the predictions and the labels")]
    [InlineData("public static partial float Loss(ReadOnlySpan<float> z, ReadOnlySpan<int> y, int classCount);", "classCount", "ClassCount = 10 is set in the attribute, so the kernel takes no class count parameter: remove the parameter or the option")]
    public void CCE0007_IntsInTheWrongPlace_SayWhereTheyGo(string declaration, string marked, string why)
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)] " + declaration), "CCE0007", marked);
        Assert.Contains(why, d.GetMessage());
    }

    [Fact]
    public void CCE0007_NoneNeedsLosses()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.None, ClassCount = 3)] public static partial void Loss(ReadOnlySpan<float> z, ReadOnlySpan<int> y);"), "CCE0007", "Loss");
        Assert.Contains("needs a Span<float> losses", d.GetMessage());
    }

    [Theory]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial void Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);", "Mean", "float")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.None)] public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y, Span<float> l);", "None", "void")]
    public void CCE0008_ReturnType(string declaration, string reduction, string expected)
    {
        Diagnostic d = Single(InType(declaration), "CCE0008", "Loss");
        Assert.Contains($"with reduction {reduction} must return {expected}", d.GetMessage());
    }

    [Theory]
    [InlineData("ClassCount = -1", "ClassCount = -1")]
    [InlineData("RowStride = -4", "RowStride = -4")]
    [InlineData("Labels = (CceLabelShape)7", "Labels = 7")]
    public void CCE0009_InvalidOption(string option, string message)
    {
        string source = InType($"[SparseCceKernel(CceInput.Logits, CceReduction.Mean, {option})] public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);");
        Diagnostic d = Single(source, "CCE0009", $"SparseCceKernel(CceInput.Logits, CceReduction.Mean, {option})");
        Assert.Contains(message, d.GetMessage());
    }

    [Fact]
    public void CCE0010_StrideSmallerThanClasses()
    {
        string source = InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10, RowStride = 8)] public static partial float Loss(ReadOnlySpan<float> z, ReadOnlySpan<int> y);");
        Diagnostic d = Single(source, "CCE0010", "SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10, RowStride = 8)");
        Assert.Contains("RowStride = 8 is smaller than ClassCount = 10", d.GetMessage());
    }

    [Fact]
    public void CCE0010_StrideTwice()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10, RowStride = 16)] public static partial float Loss(ReadOnlySpan<float> z, int stride, ReadOnlySpan<int> y);"), "CCE0010", "stride");
        Assert.Contains("fixed by RowStride = 16 and also passed", d.GetMessage());
    }

    [Fact]
    public void CCE0010_StrideFixed_AndClassCountPassed_SaysClassCountIsFixedToo()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10, RowStride = 12)] public static partial float Loss(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<int> y);"), "CCE0010", "classCount");
        Assert.Contains("ClassCount = 10 is set too", d.GetMessage());
    }

    [Fact]
    public void CCE0010_LabelStrideNeedsColumn()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)] public static partial float Loss(ReadOnlySpan<float> z, ReadOnlySpan<int> y, int ys);"), "CCE0010", "ys");
        Assert.Contains("needs Labels = CceLabelShape.Column", d.GetMessage());
    }

    [Fact]
    public void CCE0011_RefParameter()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> z, in int c, ReadOnlySpan<int> y);"), "CCE0011", "c");
        Assert.Contains("Parameter 'c' of kernel 'Loss'", d.GetMessage());
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp10, "10.0")]
    [InlineData(LanguageVersion.CSharp11, "11.0")]
    public void CCE0012_LanguageVersion(LanguageVersion version, string shown)
    {
        string source = InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);");
        GeneratorHarness.Run run = GeneratorHarness.Generate(version, source);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CCE0012", d.Id);
        Assert.Contains($"C# {shown}", d.GetMessage());
        Assert.Contains("C# 12 or later", d.GetMessage());
    }

    [Fact]
    public void CCE0016_ParallelNeedsCSharp13()
    {
        string source = InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, Parallel = true)] public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);");
        GeneratorHarness.Run run = GeneratorHarness.Generate(LanguageVersion.CSharp12, source);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CCE0016", d.Id);
        Assert.Contains("C# 12.0", d.GetMessage());
        Assert.Contains("Parallel = true", d.GetMessage());
        Assert.StartsWith("SparseCceKernel(", source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)); // the attribute

        // The same declaration without the option is fine in C# 12, and with it in the default (latest) version.
        Assert.Empty(GeneratorHarness.Generate(LanguageVersion.CSharp12, source.Replace(", Parallel = true", string.Empty)).GeneratorDiagnostics);
        Assert.Empty(GeneratorHarness.Generate(LanguageVersion.Latest, source).GeneratorDiagnostics);
    }

    /// <summary>
    /// CCE0017 (a warning; the kernel is still generated): parameters are matched by position and type, so a parameter
    /// named for another role of the same slot type compiles and silently means something else.
    /// </summary>
    [Theory]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)] public static partial float Loss(ReadOnlySpan<float> z, int classCount, ReadOnlySpan<int> y);",
        "classCount", "taken as the row stride", "ClassCount = 10 is set in the attribute")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> z, int rowStride, ReadOnlySpan<int> y);",
        "rowStride", "taken as the class count", "its name says row stride")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.None)] public static partial void Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y, Span<float> gradient, Span<float> losses);",
        "gradient", "taken as the per-row losses", "expected (ReadOnlySpan<float|Half> predictions")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, Labels = CceLabelShape.Column)] public static partial float Loss(ReadOnlySpan<float> z, int c, int labelStride, ReadOnlySpan<int> y);",
        "labelStride", "taken as the row stride", "its name says label stride")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)] public static partial float Loss(ReadOnlySpan<float> z, ReadOnlySpan<int> y, Span<float> losses);",
        "losses", "taken as the gradient", "per-row losses need CceReduction.None")]
    public void CCE0017_ParameterNamedForAnotherRole(string declaration, string marked, string taken, string message)
    {
        string source = InType(declaration);
        GeneratorHarness.Run run = GeneratorHarness.Generate(source);
        Assert.Null(run.Result.Exception);
        Diagnostic d = run.GeneratorDiagnostics.First(x => x.Id == "CCE0017" && source.Substring(x.Location.SourceSpan.Start, x.Location.SourceSpan.Length) == marked);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains(taken, d.GetMessage());
        Assert.Contains(message, d.GetMessage());
        Assert.All(run.GeneratorDiagnostics, x => Assert.Equal("CCE0017", x.Id));
        Assert.Single(run.Result.GeneratedSources); // a warning: the kernel is still generated

        // A location in the user's syntax tree (not a detached file location), which is what lets the compiler apply
        // '#pragma warning disable CCE0017' and .editorconfig severities to it.
        Assert.True(d.Location.IsInSource);
        Assert.Same(run.Output.SyntaxTrees.Single(t => t.FilePath == d.Location.SourceTree!.FilePath), d.Location.SourceTree);
    }

    [Theory]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.None)] public static partial void Loss(ReadOnlySpan<float> logits, int classCount, int rowStride, ReadOnlySpan<int> labels, Span<float> losses, Span<float> gradient, ReadOnlySpan<float> upstream, out int correct);")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean, ClassCount = 10)] public static partial float Loss(ReadOnlySpan<float> z, int stride, ReadOnlySpan<int> y, Span<float> grad);")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.None, Labels = CceLabelShape.Column)] public static partial void Loss(ReadOnlySpan<float> z, int c, int s, ReadOnlySpan<long> y, int labelStride, Span<float> l, Span<float> g);")]
    public void CCE0017_NotForTheDocumentedNamesOrNeutralOnes(string declaration)
    {
        GeneratorHarness.Run run = GeneratorHarness.Generate(InType(declaration));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Result.GeneratedSources);
    }

    [Fact]
    public void CCE0014_FileLocalContainingType()
    {
        string source = """
            using System;
            using CceGen;
            namespace Demo;
            file static partial class Losses
            {
                [SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);
            }
            """;
        Diagnostic d = Single(source, "CCE0014", "Losses");
        Assert.Contains("is file-local", d.GetMessage());
    }

    [Theory]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static extern partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y); public static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y) => 0;")]
    public void CCE0002_ImplementationPartsAreRefused(string member)
    {
        GeneratorHarness.Run run = GeneratorHarness.Generate(InType(member));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "CCE0002");
        Assert.Empty(run.Result.GeneratedSources);
    }

    [Theory]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] static partial float Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);")]
    [InlineData("[SparseCceKernel(CceInput.Logits, CceReduction.None)] static partial void Loss(ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y, Span<float> l, out int correct);")]
    public void CCE0015_AccessibilityRequired(string member)
    {
        Diagnostic d = Single(InType(member), "CCE0015", "Loss");
        Assert.Contains("needs an accessibility modifier", d.GetMessage());
    }

    [Fact]
    public void CCE0011_ExtensionThis()
    {
        Diagnostic d = Single(InType("[SparseCceKernel(CceInput.Logits, CceReduction.Mean)] public static partial float Loss(this ReadOnlySpan<float> z, int c, ReadOnlySpan<int> y);"), "CCE0011", "z");
        Assert.Contains("Parameter 'z'", d.GetMessage());
    }

    [Fact]
    public void EveryDescriptorHasATest()
    {
        // CCE0013 is the internal-error safety net: it must never fire, which the prefix sweep checks.
        string[] ids = Diagnostics.DiagnosticDescriptors.All.Select(d => d.Id).ToArray();
        string[] tested = typeof(DiagnosticTests).GetMethods().Select(m => m.Name).Where(n => n.StartsWith("CCE", System.StringComparison.Ordinal)).Select(n => n.Substring(0, 7)).Distinct().ToArray();
        Assert.Equal(ids.Where(i => i != "CCE0013").OrderBy(i => i), tested.OrderBy(i => i));
        Assert.All(Diagnostics.DiagnosticDescriptors.All, d => Assert.Equal("CceGen", d.Category));
    }

    [Fact]
    public void EveryPrefixOfAValidFileNeverThrows()
    {
        string full = InType("""
            [SparseCceKernel(CceInput.KerasProbabilities, CceReduction.None, Labels = CceLabelShape.Column, ClassCount = 10, RowStride = 12)]
                internal static partial void Loss(ReadOnlySpan<Half> probabilities, ReadOnlySpan<long> labels, int labelStride, Span<float> losses);
            """);
        var knownIds = Diagnostics.DiagnosticDescriptors.All.Select(d => d.Id).Where(i => i != "CCE0013").ToHashSet();
        for (int length = 0; length <= full.Length; length++)
        {
            GeneratorHarness.Run run = GeneratorHarness.Generate(full.Substring(0, length));
            Assert.Null(run.Result.Exception);
            Assert.All(run.GeneratorDiagnostics, d => Assert.Contains(d.Id, knownIds));
        }

        // The whole file generates and compiles cleanly.
        GeneratorHarness.Run complete = GeneratorHarness.Generate(full);
        Assert.Empty(complete.GeneratorDiagnostics);
        Assert.Empty(complete.OutputProblems);
    }
}
